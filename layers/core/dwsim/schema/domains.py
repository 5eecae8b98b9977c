"""The value domain of each column: the effective range the engine draws from and how many
distinct values it holds. Validation uses the size to refuse impossible unique keys before
anything is generated; the engine uses the same ranges to generate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dwsim.schema.model import Column
from dwsim.schema.rules import BUILTIN_RULES
from dwsim.schema.types import (
    DEFAULT_DECIMAL,
    DEFAULT_VARCHAR_LENGTH,
    FLOAT_TYPES,
    INTEGER_BOUNDS,
    INTEGER_TYPES,
    STRING_TYPES,
    DataType,
)

UNBOUNDED = 2**63  # "more values than any table can have"
UNIQUE_ALPHABET = 36  # unique string parts are base-36: 0-9a-z

DEFAULT_DATE_RANGE = (dt.date(2020, 1, 1), dt.date(2025, 12, 31))
# Non-key integers without a range get a modest, readable default range.
DEFAULT_INT_RANGE = {
    DataType.SMALLINT: (1, 10_000),
    DataType.INT: (1, 1_000_000),
    DataType.BIGINT: (1, 1_000_000_000),
}
DEFAULT_FLOAT_RANGE = (0.0, 1000.0)
DEFAULT_DECIMAL_MAX = 10_000
DEFAULT_BINARY_LENGTH = 16


def _bound(column: Column, key: str):
    """The column's own bound, else its rule's default, else None."""
    value = getattr(column, key)
    if value is None and column.faker_rule in BUILTIN_RULES:
        value = BUILTIN_RULES[column.faker_rule].defaults.get(key)
    return value


@dataclass(frozen=True)
class IntRange:
    lo: int
    hi: int

    @property
    def size(self) -> int:
        return max(0, self.hi - self.lo + 1)


def decimal_spec(column: Column) -> tuple[int, int]:
    precision = column.precision or DEFAULT_DECIMAL[0]
    scale = column.scale if column.scale is not None else (0 if column.precision else DEFAULT_DECIMAL[1])
    return precision, scale


def integer_range(column: Column, unique: bool) -> IntRange:
    """Inclusive integer range; for DECIMAL, in units of the scale (123.45 at scale 2 is 12345)."""
    if column.data_type is DataType.DECIMAL:
        precision, scale = decimal_spec(column)
        unit = 10**scale
        type_hi = 10**precision - 1
        low, high = _bound(column, "min_value"), _bound(column, "max_value")
        lo = _scaled(low, scale, ceil=True) if low is not None else (1 if unique and scale == 0 else 0)
        default_hi = type_hi if unique else min(type_hi, DEFAULT_DECIMAL_MAX * unit)
        hi = _scaled(high, scale, ceil=False) if high is not None else default_hi
        return IntRange(max(lo, -type_hi), min(hi, type_hi))
    type_lo, type_hi = INTEGER_BOUNDS[column.data_type]
    keyed = unique or column.identity
    default_lo, default_hi = (1, type_hi) if keyed else DEFAULT_INT_RANGE[column.data_type]
    low, high = _bound(column, "min_value"), _bound(column, "max_value")
    lo = _ceil_int(low) if low is not None else default_lo
    hi = _floor_int(high) if high is not None else max(default_hi, lo)
    return IntRange(max(lo, type_lo), min(hi, type_hi))


def float_range(column: Column) -> tuple[float, float]:
    low, high = _bound(column, "min_value"), _bound(column, "max_value")
    lo = float(low) if low is not None else DEFAULT_FLOAT_RANGE[0]
    hi = float(high) if high is not None else max(DEFAULT_FLOAT_RANGE[1], lo)
    return lo, hi


def date_range(column: Column) -> tuple[dt.date, dt.date]:
    low, high = _bound(column, "date_start"), _bound(column, "date_end")
    start = _as_date(low) if low else None
    end = _as_date(high) if high else None
    start = start or (min(DEFAULT_DATE_RANGE[0], end) if end else DEFAULT_DATE_RANGE[0])
    end = end or max(DEFAULT_DATE_RANGE[1], start)
    return start, end


def timestamp_range(column: Column) -> tuple[dt.datetime, dt.datetime]:
    """Inclusive range in whole seconds, naive (UTC for TIMESTAMPTZ)."""
    low, high = _bound(column, "date_start"), _bound(column, "date_end")
    start = _as_datetime(low, end=False) if low else None
    end = _as_datetime(high, end=True) if high else None
    if start is None:
        default = dt.datetime.combine(DEFAULT_DATE_RANGE[0], dt.time())
        start = min(default, end) if end else default
    if end is None:
        end = max(dt.datetime.combine(DEFAULT_DATE_RANGE[1], dt.time(23, 59, 59)), start)
    return start, end


def string_length(column: Column) -> int:
    if column.varchar_length is not None:
        return column.varchar_length
    if column.data_type is DataType.CHAR:
        return 1  # SQL's CHAR without a length is CHAR(1)
    if column.data_type is DataType.BINARY:
        return DEFAULT_BINARY_LENGTH
    return DEFAULT_VARCHAR_LENGTH


def is_integral(column: Column) -> bool:
    """Integers and DECIMAL(p, 0): keys of these count 1, 2, 3, ... by default."""
    return column.data_type in INTEGER_TYPES or (
        column.data_type is DataType.DECIMAL and decimal_spec(column)[1] == 0
    )


def domain_size(column: Column) -> int:
    """How many distinct non-null values the column can take (capped at UNBOUNDED)."""
    if column.values:
        return len({repr(v) for v in column.values})
    t = column.data_type
    if t in INTEGER_TYPES or t is DataType.DECIMAL:
        return integer_range(column, unique=True).size
    if t in FLOAT_TYPES:
        lo, hi = float_range(column)
        return 1 if lo == hi else (0 if lo > hi else UNBOUNDED)
    if t is DataType.BOOLEAN:
        return 2
    if t is DataType.DATE:
        start, end = date_range(column)
        return max(0, (end - start).days + 1)
    if t in (DataType.TIMESTAMP, DataType.TIMESTAMPTZ):
        start, end = timestamp_range(column)
        return max(0, int((end - start).total_seconds()) + 1)
    if t is DataType.TIME:
        return 86_400
    if t in STRING_TYPES:
        return _capped_power(UNIQUE_ALPHABET, string_length(column))
    if t is DataType.BINARY:
        return _capped_power(256, string_length(column))
    return UNBOUNDED  # JSON


def _capped_power(base: int, exponent: int) -> int:
    if exponent <= 0:
        return 0
    return UNBOUNDED if exponent * base.bit_length() > 64 else min(base**exponent, UNBOUNDED)


def _scaled(value: int | float | Decimal, scale: int, ceil: bool) -> int:
    scaled = Decimal(str(value)) * (10**scale)
    integral = scaled.to_integral_value(rounding="ROUND_CEILING" if ceil else "ROUND_FLOOR")
    return int(integral)


def _ceil_int(value: int | float | Decimal) -> int:
    return _scaled(value, 0, ceil=True)


def _floor_int(value: int | float | Decimal) -> int:
    return _scaled(value, 0, ceil=False)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _as_datetime(value: dt.date | dt.datetime, end: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        return naive.replace(microsecond=0)
    return dt.datetime.combine(value, dt.time(23, 59, 59) if end else dt.time())
