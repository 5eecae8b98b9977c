"""Per-column rules. Each check takes a column and the experiment's dialect and yields
(rule, message) pairs; `CHECKS` runs them in the order their problems are reported."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator

from dwsim.errors import Problem
from dwsim.schema import domains
from dwsim.schema.model import Column, Experiment, Table
from dwsim.schema.names import identifier_problem
from dwsim.schema.problems import where
from dwsim.schema.rules import FIXED_WIDTH_RULES, rule_problem
from dwsim.schema.types import (
    INTEGER_BOUNDS,
    INTEGER_TYPES,
    LENGTH_TYPES,
    MAX_DECIMAL_PRECISION,
    NUMERIC_TYPES,
    STRING_TYPES,
    TEMPORAL_TYPES,
    DataType,
    limits_for,
)

Finding = tuple[str, str]  # (rule, message)
Check = Callable[[Column, str | None], Iterable[Finding]]

IDENTITY_TYPES = INTEGER_TYPES | {DataType.DECIMAL}
BOUNDS = ("min_value", "max_value")


def _has_range(column: Column) -> bool:
    return column.min_value is not None or column.max_value is not None


def _has_dates(column: Column) -> bool:
    return column.date_start is not None or column.date_end is not None


def check_identifier(column: Column, dialect: str | None) -> Iterator[Finding]:
    ident = identifier_problem(column.name, column.quoted, dialect)
    if ident:
        yield ident


def check_length(column: Column, dialect: str | None) -> Iterator[Finding]:
    length = column.varchar_length
    if length is None or column.data_type not in LENGTH_TYPES:
        return
    if length < 1:
        yield "varchar_length", f"varchar_length is {length}; it must be at least 1"
    else:
        limits = limits_for(dialect)
        limit = limits.length(column.data_type)
        if length > limit:
            where_ = "" if dialect is None else \
                f", the longest {column.data_type.value} {limits.warehouse} accepts"
            yield "varchar_length", f"varchar_length {length} exceeds {limit}{where_}"


def check_decimal_spec(column: Column, dialect: str | None) -> Iterator[Finding]:
    if column.data_type is not DataType.DECIMAL:
        return
    precision, scale = domains.decimal_spec(column)
    limits = limits_for(dialect)
    if precision > MAX_DECIMAL_PRECISION and precision <= limits.precision:
        # PostgreSQL accepts NUMERIC up to 1000 digits; Parquet's decimal128 holds 38.
        yield "precision", (f"precision {precision} is more than the {MAX_DECIMAL_PRECISION} digits "
                            "dw-sim generates (Parquet decimal128); use precision "
                            f"{MAX_DECIMAL_PRECISION} (its values load into NUMERIC({precision},"
                            f"{scale}))")
    elif not 1 <= precision <= limits.precision:
        yield "precision", f"precision {precision} must be between 1 and {limits.precision}"
    elif not 0 <= scale <= precision:
        yield "scale", f"scale {scale} must be between 0 and the precision {precision}"


def check_range_order(column: Column, dialect: str | None) -> Iterator[Finding]:
    lo, hi = column.min_value, column.max_value
    if lo is not None and hi is not None and lo > hi:
        yield "range", f"min_value {lo} is greater than max_value {hi}"


def check_date_order(column: Column, dialect: str | None) -> Iterator[Finding]:
    start, end = column.date_start, column.date_end
    if start is None or end is None:
        return
    if domains._as_datetime(start, end=False) > domains._as_datetime(end, end=True):
        yield "date_range", f"date_start {start} is after date_end {end}"


def check_integer_bounds(column: Column, dialect: str | None) -> Iterator[Finding]:
    t = column.data_type
    if t not in INTEGER_TYPES:
        return
    lo, hi = INTEGER_BOUNDS[t]
    for key in BOUNDS:
        value = getattr(column, key)
        if value is not None and not lo <= value <= hi:
            yield "range", f"{key} {value} is outside the range of {t.value} ({lo}..{hi})"


def check_decimal_fit(column: Column, dialect: str | None) -> Iterator[Finding]:
    if column.data_type is not DataType.DECIMAL or not _has_range(column):
        return
    precision, scale = domains.decimal_spec(column)
    if not (1 <= precision <= MAX_DECIMAL_PRECISION and 0 <= scale <= precision):
        return  # check_decimal_spec reports it (and 10**precision could be astronomically big)
    limit = 10 ** (precision - scale)
    for key in BOUNDS:
        value = getattr(column, key)
        if value is not None and abs(value) >= limit:
            yield "range", f"{key} {value} does not fit DECIMAL({precision},{scale})"


def check_range_type(column: Column, dialect: str | None) -> Iterator[Finding]:
    if _has_range(column) and column.data_type not in NUMERIC_TYPES:
        yield "range", f"min_value/max_value apply to numeric columns, not {column.data_type.value}"


def check_date_type(column: Column, dialect: str | None) -> Iterator[Finding]:
    if _has_dates(column) and column.data_type not in TEMPORAL_TYPES:
        yield ("date_range", "date_start/date_end apply to DATE and TIMESTAMP columns, not "
               f"{column.data_type.value}")


def check_null_ratio(column: Column, dialect: str | None) -> Iterator[Finding]:
    if column.null_ratio and column.required:
        yield "null_ratio", f"null_ratio {column.null_ratio} on a NOT NULL (required) column"


def check_weights(column: Column, dialect: str | None) -> Iterator[Finding]:
    weights, values = column.weights, column.values
    if weights is None:
        return
    if not values:
        yield "weights", "weights are given without values"
    elif len(weights) != len(values):
        yield "weights", f"{len(weights)} weights for {len(values)} values"
    elif any(w < 0 for w in weights) or sum(weights) <= 0:
        yield "weights", "weights must be non-negative and not all zero"


def check_values(column: Column, dialect: str | None) -> Iterator[Finding]:
    if column.values is not None and not column.values:
        yield "values", "values is an empty list"


def check_faker_rule(column: Column, dialect: str | None) -> Iterator[Finding]:
    if not column.faker_rule or column.values:
        return
    problem = rule_problem(column.faker_rule, column.data_type)
    if problem:
        yield "faker_rule", problem
    elif column.faker_rule in FIXED_WIDTH_RULES and column.data_type in STRING_TYPES:
        width, length = FIXED_WIDTH_RULES[column.faker_rule], domains.string_length(column)
        if length < width:
            yield "faker_rule", (f"rule '{column.faker_rule}' makes {width}-character values; "
                                 f"the column holds {length}")


def check_identity(column: Column, dialect: str | None) -> Iterator[Finding]:
    if column.identity and column.data_type not in IDENTITY_TYPES:
        yield ("identity", "IDENTITY/AUTOINCREMENT needs an integer column, not "
               f"{column.data_type.value}")
    if column.identity_step == 0:
        yield "identity", "identity step must not be 0"


# The order problems are reported in: range and date checks interleave as they always have.
CHECKS: tuple[Check, ...] = (
    check_identifier,
    check_length,
    check_decimal_spec,
    check_range_order,
    check_date_order,
    check_integer_bounds,
    check_decimal_fit,
    check_range_type,
    check_date_type,
    check_null_ratio,
    check_weights,
    check_values,
    check_faker_rule,
    check_identity,
)


# Every check after the first reads only these fields (and the dialect); identical columns
# have identical findings, and warehouses repeat their column definitions thousands of times.
_BY_FIELDS = CHECKS[1:]
assert CHECKS[0] is check_identifier
_READ = operator.itemgetter("data_type", "varchar_length", "precision", "scale", "min_value",
                            "max_value", "date_start", "date_end", "null_ratio", "required",
                            "faker_rule", "identity", "identity_step")
_PRINTED_AS_IS = {type(None), int, bool, str, DataType}
_NUMBERS_AND_DATES = operator.itemgetter("min_value", "max_value", "date_start", "date_end")


def column_problems(experiment: Experiment, table: Table, column: Column,
                    known: dict | None = None) -> list[Problem]:
    """The column's problems. `known`: findings already made, shared by the columns of one
    validation, so each distinct name and definition is checked once."""
    dialect = experiment.dialect
    if known is None:
        found = [f for check in CHECKS for f in check(column, dialect)]
    else:
        name = ("name", column.name, column.quoted, dialect)
        if name not in known:
            known[name] = list(check_identifier(column, dialect))
        try:
            fields = _alike(column, dialect)
            rest = known.get(fields)
        except TypeError:  # a value that cannot be a key (a model built unvalidated): alone
            fields, rest = None, None
        if rest is None:
            rest = [f for check in _BY_FIELDS for f in check(column, dialect)]
            if fields is not None:
                known[fields] = rest
        found = known[name] + rest
    if not found:
        return []
    at = where(table.name, column.name)
    return [Problem(at, rule, message) for rule, message in found]


def _alike(column: Column, dialect: str | None) -> tuple:
    """What the checks after the first read: equal keys, equal findings. Numbers and dates
    are printed in messages, so those of other types go in as their text too (1.0 and 1.00,
    a time in two zones, are equal but printed differently)."""
    fields = column.__dict__
    read = _READ(fields)
    values, weights = fields["values"], fields["weights"]
    key = (dialect, read, tuple(map(type, read)), None if values is None else len(values),
           None if weights is None else tuple(weights))
    printed = _NUMBERS_AND_DATES(fields)
    if not _PRINTED_AS_IS.issuperset(map(type, printed)):
        key += tuple(map(repr, printed))
    return key
