"""Same-row relations applied to whole columns (see schema/relations.py): a later date or
timestamp is its source plus a lag drawn from the row's hash, a date is its timestamp's date
part, a total is the product of its parts. Where a source is NULL the column keeps its own
independent value, so nothing else changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwsim.engine.arrow_types import arrow_type
from dwsim.engine.hashing import below
from dwsim.engine.values import EPOCH, ColumnValues, decimal_array
from dwsim.schema import domains
from dwsim.schema.model import Relation
from dwsim.schema.types import INTEGER_BOUNDS, INTEGER_TYPES, DataType

DAY = 86_400


def related(relation: Relation, values: ColumnValues, sources: list[pa.Array],
            idx: np.ndarray) -> pa.Array:
    if relation.kind == "after":
        derived = _after(relation, values, sources[0], idx)
    elif relation.kind == "date_of":
        derived = pc.cast(sources[0], pa.date32())
    else:
        derived = _product(values, sources)
    missing = sources[0].is_null()
    for source in sources[1:]:
        missing = pc.or_(missing, source.is_null())
    if not pc.any(missing).as_py():
        return derived.cast(values.type)
    own = values.random(idx)  # only rows whose source is NULL need a value of their own
    if isinstance(own, pa.DictionaryArray):
        own = own.dictionary_decode()
    return pc.if_else(missing, own, derived.cast(own.type))


def _after(relation: Relation, values: ColumnValues, source: pa.Array, idx: np.ndarray) -> pa.Array:
    column = values.column
    bits = values.bits(idx, "lag")
    if column.data_type is DataType.DATE:
        start = pc.cast(source, pa.date32()) if not pa.types.is_date32(source.type) else source
        days = start.cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
        lo, hi = int(relation.min_lag), int(relation.max_lag)
        days = days + lo + below(bits, hi - lo + 1).astype(np.int64)
        if column.date_end is not None:
            days = np.minimum(days, (domains.date_range(column)[1] - EPOCH).days)
        return pa.array(days.astype(np.int32)).cast(pa.date32())
    micros = _as_micros(source)
    lo, hi = int(relation.min_lag * DAY), int(relation.max_lag * DAY)
    micros = micros + (lo + below(bits, hi - lo + 1).astype(np.int64)) * 1_000_000
    if column.date_end is not None:
        end = domains.timestamp_range(column)[1] - dt.datetime(1970, 1, 1)
        micros = np.minimum(micros, int(end.total_seconds()) * 1_000_000)
    return pa.array(micros, type=pa.int64()).cast(arrow_type(column))


def _as_micros(source: pa.Array) -> np.ndarray:
    if pa.types.is_date32(source.type):
        days = source.cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
        return days * DAY * 1_000_000
    raw = source.cast(pa.timestamp("us", tz=source.type.tz)).cast(pa.int64())
    return raw.fill_null(0).to_numpy(zero_copy_only=False)


def _product(values: ColumnValues, sources: list[pa.Array]) -> pa.Array:
    column = values.column
    product = np.ones(len(sources[0]), dtype=np.float64)
    for source in sources:
        product *= pc.cast(source, pa.float64()).fill_null(0).to_numpy(zero_copy_only=False)
    if column.data_type is DataType.DECIMAL:
        precision, scale = domains.decimal_spec(column)
        top = 10**precision - 1
        units = np.clip(np.round(product * 10**scale), -top, top)
        units = _within_bounds(column, units, 10**scale)
        return decimal_array(units.astype(np.int64), values.type)
    if column.data_type in INTEGER_TYPES:
        low, high = INTEGER_BOUNDS[column.data_type]
        units = _within_bounds(column, np.clip(np.round(product), low, high), 1)
        return pa.array(units.astype(np.int64)).cast(values.type)
    return pa.array(_within_bounds(column, product, 1), type=values.type)


def _within_bounds(column, values: np.ndarray, unit: int) -> np.ndarray:
    """Declared bounds hold (a CHECK in the warehouse) even where the product would pass them."""
    if column.min_value is not None:
        values = np.maximum(values, float(column.min_value) * unit)
    if column.max_value is not None:
        values = np.minimum(values, float(column.max_value) * unit)
    return values
