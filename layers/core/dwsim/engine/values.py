"""Values of one column as whole Arrow arrays.

`ColumnValues.random(idx)` draws independent values for rows (non-key columns);
`ColumnValues.keyed(vidx)` maps distinct indices into the value space to distinct values
(key columns). Both are pure functions of (seed, table, column, index).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim.engine import pools
from dwsim.engine.arrow_types import arrow_type
from dwsim.engine.compose import COMPOSED, Composer, fixed_width_strings
from dwsim.engine.hashing import MAX_DOMAIN, U64, below, derive_key, stream, unit
from dwsim.schema import domains
from dwsim.schema.model import Column
from dwsim.schema.rules import BUILTIN_RULES
from dwsim.schema.types import FLOAT_TYPES, INTEGER_TYPES, STRING_TYPES, DataType

EPOCH = dt.date(1970, 1, 1)
BASE36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
BASE36_UPPER = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
MIN_UNIQUE_WIDTH = 6  # unique string parts look like codes, not like "7"
# A declared length is a limit, not a target: a CHAR key is filled with codes at most this wide
# (a Snowflake CHAR(16777216) must not make 16 MB per row). Keys index at most 2**62 values,
# 13 base-36 digits, so wider codes would only add leading zeros.
MAX_CODE_WIDTH = 64
# Skew of dw-sim's numeric rules: value = lo + (hi - lo) * u ** power.
_POWERS = {"amount": 3.0, "quantity": 2.0}


def _pairs(alphabet: np.ndarray) -> np.ndarray:
    """Two base-36 digits per entry (0..1295) as the uint16 holding their two bytes."""
    table = np.empty((36 * 36, 2), dtype=np.uint8)
    table[:, 0] = np.repeat(alphabet, 36)
    table[:, 1] = np.tile(alphabet, 36)
    return table.view(np.uint16).ravel()


PAIRS, PAIRS_UPPER = _pairs(BASE36), _pairs(BASE36_UPPER)


def base36(values: np.ndarray, width: int, upper: bool = False, prefix: str = "") -> pa.Array:
    """Fixed-width base-36 text of each value (its last `width` digits), after an optional
    constant prefix. Two digits per division, in 32-bit words when the values fit."""
    n, lead, pairs = len(values), len(prefix), -(-width // 2)
    table = PAIRS_UPPER if upper else PAIRS
    word = np.uint32 if n == 0 or int(values.max()) < (1 << 32) else U64
    rest, quotient, base = values.astype(word), np.empty(n, dtype=word), word(36 * 36)
    packed = np.empty((pairs, n), dtype=np.uint16)  # one row per digit pair, last pair first
    for p in range(pairs - 1, -1, -1):
        np.floor_divide(rest, base, out=quotient)
        rest -= quotient * base
        np.take(table, rest, out=packed[p])
        rest, quotient = quotient, rest
    chars = packed.T.copy().view(np.uint8)[:, 2 * pairs - width:]
    if lead:
        with_prefix = np.empty((n, lead + width), dtype=np.uint8)
        with_prefix[:, :lead] = np.frombuffer(prefix.encode(), dtype=np.uint8)
        with_prefix[:, lead:] = chars
        chars = with_prefix
    return fixed_width_strings(chars)


def decimal_array(units: np.ndarray, typ: pa.Decimal128Type) -> pa.Array:
    """Decimal128 values from their unscaled int64 units, without a per-row conversion."""
    low = units.astype(np.int64, copy=False)
    words = np.empty(len(low) * 2, dtype=np.int64)
    words[0::2] = low
    words[1::2] = np.where(low < 0, -1, 0)
    return pa.Array.from_buffers(typ, len(low), [None, pa.py_buffer(words)])


def with_nulls(array: pa.Array, null_mask: np.ndarray) -> pa.Array:
    if not null_mask.any():
        return array
    if isinstance(array, pa.DictionaryArray):
        indices = pa.array(array.indices.to_numpy(zero_copy_only=False), mask=null_mask)
        return pa.DictionaryArray.from_arrays(indices, array.dictionary)
    if array.null_count == 0 and array.offset == 0 and array.type.num_fields == 0:
        # Same buffers, plus a validity bitmap: no copy of the values.
        validity = pa.py_buffer(np.packbits(~null_mask, bitorder="little"))
        return pa.Array.from_buffers(array.type, len(array), [validity, *array.buffers()[1:]],
                                     null_count=int(null_mask.sum()))
    return pc.if_else(pa.array(null_mask), pa.nulls(len(array), array.type), array)


def pick(pool: tuple[str, ...], positions: np.ndarray) -> pa.DictionaryArray:
    """Rows that sample a small pool, as dictionary indices: no string is copied per row, and
    Parquet writes the pool once per part (dictionary encoding)."""
    distinct, remap = pools.dictionary(pool)
    return pa.DictionaryArray.from_arrays(pa.array(remap[positions.astype(np.intp)]), distinct)


def _width_for(count: int) -> int:
    return max(1, math.ceil(math.log(max(count, 2), 36) - 1e-12))


class ColumnValues:
    def __init__(self, column: Column, table: str, seed: int):
        self.column = column
        self.type = arrow_type(column)
        self.seed = seed
        self.table = table
        self.key = derive_key(seed, table, column.name)
        self.rule = column.faker_rule
        self.pool_size = column.pool_size or pools.DEFAULT_POOL_SIZE
        self.siblings: dict[str, ColumnValues] = {}  # the table's columns, set by its generator

    def sibling(self, rule: str) -> ColumnValues | None:
        """The table's column that draws plain values of `rule` (first_name, last_name)."""
        return next((v for v in self.siblings.values() if v.rule == rule and v is not self
                     and v.column.data_type in STRING_TYPES and not v.column.values
                     and not v.column.is_unique), None)

    def pool_draws(self, idx: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
        """The pool a plain Faker-rule column samples, and each row's position in it."""
        length = domains.string_length(self.column)
        pool = pools.faker_pool(self.rule, self.pool_seed(), self.pool_size, length)
        return pool, below(self.bits(idx), len(pool))

    def bits(self, idx: np.ndarray, purpose: str = "value") -> np.ndarray:
        return stream(derive_key(self.seed, self.table, self.column.name, purpose), idx)

    def pool_seed(self, purpose: str = "pool") -> int:
        return int(derive_key(self.seed, self.table, self.column.name, purpose)) & 0x7FFFFFFF

    # -- key columns ----------------------------------------------------------------------
    @property
    def is_sequence(self) -> bool:
        """Integral keys without an upper bound count lo, lo+step, ... (like IDENTITY)."""
        c = self.column
        return c.identity or (domains.is_integral(c) and c.max_value is None and not c.values)

    def sequence(self, digits: np.ndarray) -> pa.Array:
        lo = domains.integer_range(self.column, unique=True).lo
        step = self.column.identity_step
        units = digits.astype(np.int64) * np.int64(step) + np.int64(lo)
        return self._integral_array(units)

    def value_space(self, radix: int) -> int:
        """Size of the space keyed indices are permuted over (at least `radix`)."""
        c = self.column
        if c.data_type in STRING_TYPES and not c.values:
            return min(36 ** self._unique_width(radix), MAX_DOMAIN)
        return min(domains.domain_size(c), MAX_DOMAIN)

    def _unique_width(self, radix: int) -> int:
        length = domains.string_length(self.column)
        if self.column.data_type is DataType.CHAR and not self.rule:
            return min(length, MAX_CODE_WIDTH)  # fixed-width codes fill a (short) CHAR
        return min(length, max(_width_for(radix), MIN_UNIQUE_WIDTH))

    def keyed(self, vidx: np.ndarray, radix: int) -> pa.Array:
        """Distinct values for distinct indices in [0, value_space)."""
        c, t = self.column, self.column.data_type
        if c.values:
            unique_values = list(dict.fromkeys(c.values))
            return pa.array(unique_values).cast(self.type).take(pa.array(vidx.astype(np.int64)))
        if t in INTEGER_TYPES or t is DataType.DECIMAL:
            lo = domains.integer_range(c, unique=True).lo
            return self._integral_array(vidx.astype(np.int64) + np.int64(lo))
        if t in FLOAT_TYPES:
            lo, hi = domains.float_range(c)
            return pa.array(lo + (hi - lo) * (vidx.astype(np.float64) / MAX_DOMAIN), type=self.type)
        if t is DataType.BOOLEAN:
            return pa.array(vidx.astype(bool))
        if t is DataType.DATE:
            return self._dates(vidx.astype(np.int64))
        if t in (DataType.TIMESTAMP, DataType.TIMESTAMPTZ):
            return self._timestamps(vidx.astype(np.int64))
        if t is DataType.TIME:
            return pa.array(vidx.astype(np.int64) * 1_000_000).cast(self.type)
        if t in STRING_TYPES:
            return self._unique_strings(vidx, radix)
        if t is DataType.BINARY:
            return self._binary(vidx, unique=True)
        return pc.binary_join_element_wise("{\"id\":", pa.array(vidx.astype(np.int64)).cast(pa.string()),
                                           "}", "")

    def _unique_strings(self, vidx: np.ndarray, radix: int) -> pa.Array:
        c = self.column
        length = domains.string_length(c)
        width = self._unique_width(radix)
        if self.rule == "uuid4":
            return self._uuids(self.bits(vidx, "uuid"), vidx)
        if not self.rule:
            return base36(vidx, width, upper=True)
        room = length - width - 1
        if self.rule == "email":
            local_pool, domain_pool = pools.email_parts(self.pool_seed(), self.pool_size)
            budget = room - 1 - max(len(d) for d in domain_pool)
            if budget >= 1:
                # local + ".<unique>" + "@domain" in one join; pools are trimmed, not rows.
                locals_ = pools.as_arrow(tuple(p[:budget] for p in local_pool))
                domains_ = pools.as_arrow(tuple("@" + d for d in domain_pool))
                local = locals_.take(pa.array(below(self.bits(vidx, "local"), len(local_pool))))
                domain = domains_.take(pa.array(below(self.bits(vidx, "domain"), len(domain_pool))))
                return pc.binary_join_element_wise(local, base36(vidx, width, prefix="."), domain, "")
        suffix = base36(vidx, width)
        if room < 2:
            return suffix
        pool = pools.faker_pool(self.rule, self.pool_seed(), self.pool_size, room) \
            if self.rule not in BUILTIN_RULES else pools.filler_pool(self.pool_seed(), self.pool_size, room)
        prefix = pools.as_arrow(pool).take(pa.array(below(self.bits(vidx, "prefix"), len(pool))))
        return pc.binary_join_element_wise(prefix, suffix, "-")

    # -- non-key columns ------------------------------------------------------------------
    def random(self, idx: np.ndarray) -> pa.Array:
        c, t = self.column, self.column.data_type
        bits = self.bits(idx)
        if c.values:
            return self._categorical(bits)
        if t in INTEGER_TYPES or t is DataType.DECIMAL:
            rng = domains.integer_range(c, unique=False)
            return self._integral_array(self._draw_int(bits, idx, rng.lo, rng.hi))
        if t in FLOAT_TYPES:
            lo, hi = domains.float_range(c)
            values = lo + (hi - lo) * self._shaped(unit(bits), idx)
            return pa.array(np.round(values, 2 if self.rule == "amount" else 4), type=self.type)
        if t is DataType.BOOLEAN:
            return pa.array((bits & U64(1)).astype(bool))
        if t is DataType.DATE:
            start, end = domains.date_range(c)
            return self._dates(self._draw_int(bits, idx, 0, (end - start).days))
        if t in (DataType.TIMESTAMP, DataType.TIMESTAMPTZ):
            start, end = domains.timestamp_range(c)
            return self._timestamps(self._draw_int(bits, idx, 0, int((end - start).total_seconds())))
        if t is DataType.TIME:
            return pa.array(below(bits, 86_400).astype(np.int64) * 1_000_000).cast(self.type)
        if t in STRING_TYPES:
            return self._strings(bits, idx)
        if t is DataType.BINARY:
            return self._binary(bits, unique=False)
        shape = "array" if (c.source_type or "").upper().startswith("ARRAY") else "object"
        pool = pools.json_pool(self.pool_seed(), self.pool_size, c.name, shape)
        return pick(pool, below(bits, len(pool)))

    @property
    def _is_shaped(self) -> bool:
        return bool(_POWERS.get(self.rule or "")) or self.column.distribution in ("normal", "zipf")

    def _shaped(self, u: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Uniform [0, 1) reshaped by the rule's skew or the column's distribution hint."""
        power = _POWERS.get(self.rule or "")
        if power:
            return u**power
        if self.column.distribution == "normal":  # Box-Muller, mean mid-range, 3 sd to each end
            angle = 2 * np.pi * unit(self.bits(idx, "normal"))
            z = np.sqrt(-2 * np.log1p(-u)) * np.cos(angle)
            return np.clip(0.5 + z / 6, 0, np.nextafter(1, 0))
        if self.column.distribution == "zipf":
            return u**4
        return u

    def _draw_int(self, bits: np.ndarray, idx: np.ndarray, lo: int, hi: int) -> np.ndarray:
        span = hi - lo + 1
        if self._is_shaped:
            offsets = np.minimum(np.floor(self._shaped(unit(bits), idx) * span), span - 1)
            offsets = offsets.astype(np.int64)
        else:
            offsets = below(bits, min(span, 1 << 63)).astype(np.int64)
        return offsets + np.int64(lo)

    def _integral_array(self, units: np.ndarray) -> pa.Array:
        if self.column.data_type is DataType.DECIMAL:
            return decimal_array(units, self.type)
        return pa.array(units.astype(self.type.to_pandas_dtype(), copy=False), type=self.type)

    def _dates(self, offsets: np.ndarray) -> pa.Array:
        start, _ = domains.date_range(self.column)
        days = offsets + np.int64((start - EPOCH).days)
        return pa.array(days.astype(np.int32)).cast(pa.date32())

    def _timestamps(self, offsets: np.ndarray) -> pa.Array:
        start, _ = domains.timestamp_range(self.column)
        base = int((start - dt.datetime(1970, 1, 1)).total_seconds())
        micros = (offsets + np.int64(base)) * np.int64(1_000_000)
        return pa.array(micros, type=pa.int64()).cast(self.type)

    def _categorical(self, bits: np.ndarray) -> pa.Array:
        c = self.column
        values = pa.array(c.values).cast(self.type)
        if c.weights:
            cumulative = np.cumsum(np.asarray(c.weights, dtype=np.float64))
            positions = np.searchsorted(cumulative / cumulative[-1], unit(bits), side="right")
            positions = np.minimum(positions, len(c.values) - 1)
        else:
            positions = below(bits, len(c.values))
        if pa.types.is_string(values.type):
            return pick(tuple(values.to_pylist()), positions)
        return values.take(pa.array(positions.astype(np.int64)))

    def _strings(self, bits: np.ndarray, idx: np.ndarray) -> pa.Array:
        length = domains.string_length(self.column)
        if self.rule == "uuid4":
            return self._uuids(bits, self.bits(idx, "uuid-low"))
        if self.rule == "wkt_point":
            lon = np.round(-180 + 360 * unit(bits), 5)
            lat = np.round(-90 + 180 * unit(self.bits(idx, "lat")), 5)
            inner = pc.binary_join_element_wise(pa.array(lon).cast(pa.string()),
                                                pa.array(lat).cast(pa.string()), " ")
            return pc.binary_join_element_wise("POINT(", inner, ")", "")
        if self.rule in COMPOSED:
            return COMPOSED[self.rule](Composer(self, length), idx)
        if self.rule and self.rule not in BUILTIN_RULES:
            pool, positions = self.pool_draws(idx)
            return pick(pool, positions)
        pool = pools.filler_pool(self.pool_seed(), self.pool_size, length)
        return pick(pool, below(bits, len(pool)))

    def _uuids(self, high: np.ndarray, low: np.ndarray) -> pa.Array:
        nibbles = np.empty((len(high), 32), dtype=np.uint8)
        for half, word in enumerate((high, low.astype(U64))):
            for position in range(16):
                shift = U64(4 * (15 - position))
                nibbles[:, half * 16 + position] = ((word >> shift) & U64(15)).astype(np.uint8)
        nibbles[:, 12] = 4  # version 4
        nibbles[:, 16] = 8 | (nibbles[:, 16] & 3)  # RFC 4122 variant
        chars = HEX[nibbles]
        dashed = np.full((len(high), 36), ord("-"), dtype=np.uint8)
        for src, dst, width in ((0, 0, 8), (8, 9, 4), (12, 14, 4), (16, 19, 4), (20, 24, 12)):
            dashed[:, dst:dst + width] = chars[:, src:src + width]
        return fixed_width_strings(dashed)

    def _binary(self, source: np.ndarray, unique: bool) -> pa.Array:
        length = min(domains.string_length(self.column), 64)
        words = -(-length // 8)
        matrix = np.empty((len(source), words), dtype=U64)
        for w in range(words):
            matrix[:, w] = stream(derive_key(self.seed, self.table, self.column.name, "bytes", w),
                                  source.astype(U64))
        raw = matrix.view(np.uint8).reshape(len(source), words * 8)[:, :length].copy()
        if unique:  # the index itself, big-endian, in the last bytes: distinct in, distinct out
            tail = min(length, 8)
            index_bytes = source.astype(">u8").view(np.uint8).reshape(len(source), 8)
            raw[:, length - tail:] = index_bytes[:, 8 - tail:]
        data = pa.py_buffer(raw.tobytes())
        fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(length), len(source), [None, data])
        return fixed.cast(pa.binary())
