"""The imported experiment through the model's validation, as if it were dumped and validated
again (`Experiment.model_validate(experiment.model_dump())`), without paying for that on
every column: a warehouse repeats the same column definitions thousands of times, so each
distinct column (its fields but its name, with their types) is validated once, and the rest of
the experiment with one column per table. When validation would refuse or change anything,
the whole experiment takes the full round trip, which raises or converts exactly as before."""

from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from dwsim.limits import MAX_NAME
from dwsim.schema.model import Column, Experiment, ImportWarning, Table
from dwsim.schema.types import DataType

_OTHER_FIELDS = tuple(f for f in Column.model_fields if f != "name")
_types_of = operator.itemgetter(*_OTHER_FIELDS)
# Fields whose validation depends on their value, not only its type (a plain str, int or
# bool field, or list[Any], takes any value of its type as it is).
_BY_VALUE = ("data_type", "min_value", "max_value", "date_start", "date_end", "null_ratio",
             "distribution", "weights", "pool_size")
_values_of = operator.itemgetter(*_BY_VALUE)
_HASHABLE_AS_IS = {type(None), DataType, str, int, bool, dt.date, dt.datetime}
_LISTS = ("values", "weights")
# Stands for every table's columns while the rest of the experiment is validated.
_ANY_COLUMN = {"name": "c", "data_type": "INT"}


def revalidated(experiment: Experiment) -> Experiment:
    """The experiment, validated: the same object when validation changes nothing (its
    columns' lists unshared, as the round trip's copies are), else the round trip's result."""
    if _columns_unchanged(experiment) and _rest_unchanged(experiment):
        for table in experiment.tables:
            for column in table.columns:
                _unshare(column)
        return experiment
    return Experiment.model_validate(experiment.model_dump())


def _columns_unchanged(experiment: Experiment) -> bool:
    seen: set[tuple] = set()
    for table in experiment.tables:
        for column in table.columns:
            name = column.name
            if type(name) is not str or not 1 <= len(name) <= MAX_NAME:
                return False
            key = _key(column)
            try:
                known = key in seen
            except TypeError:  # an unhashable value where a number goes: validated on its own
                known, key = False, None
            if not known:
                if not _unchanged(column):
                    return False
                if key is not None:
                    seen.add(key)
    return True


def _key(column: Column) -> tuple:
    """What validation of the column depends on besides its name: every field's type, and the
    value of the fields in _BY_VALUE, as text for numbers (Decimal 1.0 and 1.00 are equal)."""
    fields = column.__dict__
    values = _values_of(fields)
    if not _HASHABLE_AS_IS.issuperset(map(type, values)):
        values = tuple(_text(v) for v in values)
    return tuple(map(type, _types_of(fields))), values


def _text(value: Any) -> Any:
    if type(value) is list:
        return tuple(map(type, value)), tuple(map(repr, value))
    return repr(value) if type(value) in (float, Decimal) else value


def _unchanged(column: Column) -> bool:
    try:
        again = Column.model_validate(column.model_dump())
    except ValidationError:
        return False
    return _same(again.__dict__, column.__dict__)


def _rest_unchanged(experiment: Experiment) -> bool:
    """Tables (but their columns, checked above), foreign keys, warnings and the experiment's
    own fields come through validation as they are."""
    if not all(map(_plain_warning, experiment.warnings)):
        return False
    # The warnings were validated when made (ImportWarning's constructor) and hold text only.
    body = experiment.model_dump(exclude={"tables": {"__all__": {"columns"}}, "warnings": True})
    body["warnings"] = []
    for table in body["tables"]:
        table["columns"] = [_ANY_COLUMN]
    try:
        again = Experiment.model_validate(body)
    except ValidationError:
        return False
    if any(not table.columns for table in experiment.tables):
        return False
    fields = [f for f in Experiment.model_fields if f not in ("tables", "warnings")]
    table_fields = [f for f in Table.model_fields if f != "columns"]
    return _same([getattr(again, f) for f in fields], [getattr(experiment, f) for f in fields]) \
        and len(again.tables) == len(experiment.tables) \
        and all(_same([getattr(a, f) for f in table_fields], [getattr(b, f) for f in table_fields])
                for a, b in zip(again.tables, experiment.tables, strict=True))


def _plain_warning(warning: Any) -> bool:
    """What validating an ImportWarning checks: its fields are text (table and column may be
    None); it has no other rule."""
    return type(warning) is ImportWarning and type(warning.code) is str \
        and type(warning.message) is str and type(warning.table) in _OPTIONAL_TEXT \
        and type(warning.column) in _OPTIONAL_TEXT


_OPTIONAL_TEXT = (str, type(None))


def _same(a: Any, b: Any) -> bool:
    """Equal, of the same types all the way down, numbers written the same."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, BaseModel):
        return _same(a.__dict__, b.__dict__)
    if isinstance(a, float | Decimal):
        return repr(a) == repr(b)
    return a == b


def _unshare(column: Column) -> None:
    """Lists of their own, as the round trip gives every column (the importer may share one,
    e.g. an enum's labels, between columns)."""
    fields = column.__dict__
    for field in _LISTS:
        if type(fields[field]) is list:
            fields[field] = list(fields[field])
