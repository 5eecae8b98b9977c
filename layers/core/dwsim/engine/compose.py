"""Values composed from parts, so distinct counts grow with the rows like production data:
full names (first × last), street addresses (number + street), phones and postcodes (digits
in a format that fits the column), name-derived emails, companies (last names + suffix).

Each part is a seeded pool (Faker runs once per pool, never per row) sampled by a hash of the
row index, and the parts are joined a whole column at a time. Where the table has first and
last name columns, full names and emails take the same row's draws from them, so
"Ann Lee" has ann.lee@... in the same row. Every value fits the column's length: a shorter
form is picked for the rows whose composed value would not fit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim.engine import pools
from dwsim.engine.hashing import U64, below, unit


class ValueSource(Protocol):
    """What a composer needs of its column (dwsim.engine.values.ColumnValues)."""

    def bits(self, idx: np.ndarray, purpose: str = "value") -> np.ndarray: ...

    def pool_seed(self, purpose: str = "pool") -> int: ...

    def sibling(self, rule: str) -> ValueSource | None: ...

    def pool_draws(self, idx: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]: ...

PART_POOL = 1024
SUFFIXES = ("Inc", "LLC", "Ltd", "Group", "Co", "PLC", "and Sons", "Partners", "Holdings")
SEPARATORS = (".", "", "_", ".")


@functools.lru_cache(maxsize=256)
def _pool(rule: str, seed: int, lower: bool = False) -> pa.Array:
    values = pools.faker_pool(rule, seed, PART_POOL, None)
    return _lowered(values) if lower else pa.array(values, type=pa.string())


@functools.lru_cache(maxsize=256)
def _lowered(values: tuple[str, ...]) -> pa.Array:
    return pa.array([re.sub(r"[^a-z]", "", v.lower()) or "x" for v in values], type=pa.string())


def _take(pool: pa.Array, bits: np.ndarray) -> pa.Array:
    return pool.take(pa.array(below(bits, len(pool))))


def digits(bits: np.ndarray, more: np.ndarray, template: str, first_nonzero: bool = True) -> pa.Array:
    """Text in `template` with each D a digit drawn from the bits (up to 38 digits)."""
    slots = [i for i, ch in enumerate(template) if ch == "D"]
    chars = np.frombuffer(template.encode(), dtype=np.uint8).copy()
    matrix = np.tile(chars, (len(bits), 1))
    words = [bits.astype(U64, copy=True), more.astype(U64, copy=True)]
    for n, slot in enumerate(slots):
        word = words[n // 19]
        digit = (word % U64(10)).astype(np.uint8)
        word //= U64(10)
        if n == 0 and first_nonzero:
            digit = np.where(digit < 2, digit + 2, digit)  # area codes and numbers start 2-9
        matrix[:, slot] = digit + ord("0")
    return fixed_width_strings(matrix)


def fixed_width_strings(chars: np.ndarray) -> pa.Array:
    """An (n, w) uint8 matrix of ASCII as a string array: the matrix is the data buffer and
    the offsets step by w, no copy per row."""
    n, width = chars.shape
    if n * width >= 1 << 31:  # beyond 32-bit offsets: through Arrow's own cast
        data = pa.py_buffer(np.ascontiguousarray(chars).tobytes())
        fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), n, [None, data])
        return fixed.cast(pa.binary()).cast(pa.string())
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


PHONE_FORMATS = ("+1-DDD-DDD-DDDD", "(DDD) DDD-DDDD", "DDD-DDD-DDDD", "DDDDDDDDDD", "DDD-DDDD")


def phone_format(length: int) -> str:
    return next((f for f in PHONE_FORMATS if len(f) <= length), "D" * max(length, 1))


def postcode_format(length: int) -> str:
    return "DDDDD" if length >= 5 else "D" * max(length, 1)


def fit(values: pa.Array, length: int, shorter: Callable[[], pa.Array]) -> pa.Array:
    """`values`, with the rows longer than `length` taken from `shorter()` (then cut, as the
    last resort, so the column's limit always holds)."""
    too_long = pc.greater(pc.utf8_length(values), length)
    if pc.any(too_long).as_py():
        values = pc.if_else(too_long, shorter(), values)
        values = pc.utf8_slice_codeunits(values, 0, length)
    return values


class Composer:
    """Composed values of one column; `sources` gives the same row's first and last names
    when the table has such columns."""

    def __init__(self, column: ValueSource, length: int):
        self.column = column
        self.length = length

    def _bits(self, idx: np.ndarray, purpose: str) -> np.ndarray:
        return self.column.bits(idx, purpose)

    def _seed(self, purpose: str) -> int:
        return self.column.pool_seed(purpose)

    def name_part(self, rule: str, idx: np.ndarray, lower: bool = False) -> pa.Array:
        """The row's first or last name: the table's own column's draw when there is one."""
        sibling = self.column.sibling(rule)
        if sibling is not None:
            pool, positions = sibling.pool_draws(idx)
            source = pools.as_arrow(pool)
            if lower:
                source = _lowered(pool)
            return source.take(pa.array(positions))
        return _take(_pool(rule, self._seed(rule), lower), self._bits(idx, rule))

    def full_name(self, idx: np.ndarray) -> pa.Array:
        first, last = self.name_part("first_name", idx), self.name_part("last_name", idx)
        return fit(pc.binary_join_element_wise(first, last, " "), self.length,
                   lambda: last)

    def email(self, idx: np.ndarray) -> pa.Array:
        first = self.name_part("first_name", idx, lower=True)
        last = self.name_part("last_name", idx, lower=True)
        separator = pa.array(SEPARATORS).take(pa.array(below(self._bits(idx, "sep"), len(SEPARATORS))))
        number = below(self._bits(idx, "number"), 200)
        suffix = pc.if_else(pa.array(number < 100), pa.array(number).cast(pa.string()), "")
        domains = pa.array(["@" + d for d in pools.email_parts(self._seed("domains"), 64)[1]])
        domain = _take(domains, self._bits(idx, "domain"))
        local = pc.binary_join_element_wise(first, separator, last, suffix, "")
        budget = max(1, self.length - max(len(d) for d in domains.to_pylist()))
        local = pc.utf8_slice_codeunits(local, 0, budget)
        return fit(pc.binary_join_element_wise(local, domain, ""), self.length, lambda: local)

    def street_address(self, idx: np.ndarray) -> pa.Array:
        number = 1 + below(self._bits(idx, "number"), 9999)
        street = _take(_pool("street_name", self._seed("street")), self._bits(idx, "street"))
        address = pc.binary_join_element_wise(pa.array(number).cast(pa.string()), street, " ")
        return fit(address, self.length, lambda: street)

    def company(self, idx: np.ndarray) -> pa.Array:
        last = _take(_pool("last_name", self._seed("company-a")), self._bits(idx, "a"))
        other = _take(_pool("last_name", self._seed("company-b")), self._bits(idx, "b"))
        suffix = _take(pa.array(SUFFIXES), self._bits(idx, "suffix"))
        hyphen = pa.array(unit(self._bits(idx, "form")) < 0.3)
        name = pc.if_else(hyphen, pc.binary_join_element_wise(last, other, "-"),
                          pc.binary_join_element_wise(last, suffix, " "))
        return fit(name, self.length, lambda: last)

    def phone(self, idx: np.ndarray) -> pa.Array:
        return digits(self._bits(idx, "phone"), self._bits(idx, "phone-2"), phone_format(self.length))

    def postcode(self, idx: np.ndarray) -> pa.Array:
        return digits(self._bits(idx, "zip"), self._bits(idx, "zip-2"),
                      postcode_format(self.length), first_nonzero=False)


COMPOSED: dict[str, Callable[[Composer, np.ndarray], pa.Array]] = {
    "name": Composer.full_name,
    "email": Composer.email,
    "street_address": Composer.street_address,
    "address": Composer.street_address,
    "company": Composer.company,
    "phone_number": Composer.phone,
    "postcode": Composer.postcode,
    "zipcode": Composer.postcode,
}
