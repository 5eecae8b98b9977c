"""Parquet/Arrow types that follow the warehouse types, so COPY loads them unchanged."""

from __future__ import annotations

import pyarrow as pa

from dwsim.schema.domains import decimal_spec
from dwsim.schema.model import Column, Table
from dwsim.schema.types import DataType

_FIXED = {
    DataType.SMALLINT: pa.int16(),
    DataType.INT: pa.int32(),
    DataType.BIGINT: pa.int64(),
    DataType.REAL: pa.float32(),
    DataType.FLOAT: pa.float64(),
    DataType.DOUBLE: pa.float64(),
    DataType.VARCHAR: pa.string(),
    DataType.CHAR: pa.string(),
    DataType.JSON: pa.string(),
    DataType.BOOLEAN: pa.bool_(),
    DataType.DATE: pa.date32(),
    DataType.TIMESTAMP: pa.timestamp("us"),
    DataType.TIMESTAMPTZ: pa.timestamp("us", tz="UTC"),
    DataType.TIME: pa.time64("us"),
    DataType.BINARY: pa.binary(),
}


def arrow_type(column: Column) -> pa.DataType:
    if column.data_type is DataType.DECIMAL:
        return pa.decimal128(*decimal_spec(column))
    return _FIXED[column.data_type]


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, arrow_type(c), nullable=not c.required) for c in table.columns])
