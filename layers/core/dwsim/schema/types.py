"""Canonical data types of the experiment schema and their families."""

from __future__ import annotations

from enum import StrEnum


class DataType(StrEnum):
    # The original format's five types first; the rest are extensions.
    INT = "INT"
    VARCHAR = "VARCHAR"
    DATE = "DATE"
    BOOLEAN = "BOOLEAN"
    FLOAT = "FLOAT"
    SMALLINT = "SMALLINT"
    BIGINT = "BIGINT"
    DECIMAL = "DECIMAL"
    REAL = "REAL"
    DOUBLE = "DOUBLE"
    CHAR = "CHAR"
    TIMESTAMP = "TIMESTAMP"
    TIMESTAMPTZ = "TIMESTAMPTZ"
    TIME = "TIME"
    BINARY = "BINARY"
    JSON = "JSON"


# Spellings accepted in JSON schemas for convenience; the canonical name is stored.
TYPE_ALIASES: dict[str, DataType] = {
    "INTEGER": DataType.INT,
    "INT4": DataType.INT,
    "INT2": DataType.SMALLINT,
    "INT8": DataType.BIGINT,
    "NUMERIC": DataType.DECIMAL,
    "NUMBER": DataType.DECIMAL,
    "FLOAT8": DataType.DOUBLE,
    "FLOAT4": DataType.REAL,
    "DOUBLE PRECISION": DataType.DOUBLE,
    "STRING": DataType.VARCHAR,
    "TEXT": DataType.VARCHAR,
    "BOOL": DataType.BOOLEAN,
    "DATETIME": DataType.TIMESTAMP,
    "TIMESTAMP_NTZ": DataType.TIMESTAMP,
    "TIMESTAMP_TZ": DataType.TIMESTAMPTZ,
    "TIMESTAMP_LTZ": DataType.TIMESTAMPTZ,
    "VARBINARY": DataType.BINARY,
    "VARBYTE": DataType.BINARY,
    "VARIANT": DataType.JSON,
    "SUPER": DataType.JSON,
}

INTEGER_TYPES = {DataType.SMALLINT, DataType.INT, DataType.BIGINT}
FLOAT_TYPES = {DataType.FLOAT, DataType.REAL, DataType.DOUBLE}
NUMERIC_TYPES = INTEGER_TYPES | FLOAT_TYPES | {DataType.DECIMAL}
STRING_TYPES = {DataType.VARCHAR, DataType.CHAR}
TEMPORAL_TYPES = {DataType.DATE, DataType.TIMESTAMP, DataType.TIMESTAMPTZ}
LENGTH_TYPES = STRING_TYPES | {DataType.BINARY}

INTEGER_BOUNDS: dict[DataType, tuple[int, int]] = {
    DataType.SMALLINT: (-(2**15), 2**15 - 1),
    DataType.INT: (-(2**31), 2**31 - 1),
    DataType.BIGINT: (-(2**63), 2**63 - 1),
}

MAX_DECIMAL_PRECISION = 38
DEFAULT_DECIMAL = (18, 0)  # precision and scale when DDL or JSON gives none
DEFAULT_VARCHAR_LENGTH = 256  # Redshift's default for VARCHAR without a length
MAX_VARCHAR_LENGTH = 65535  # Redshift's VARCHAR(MAX)


def parse_data_type(text: str) -> DataType:
    """Canonical type for a JSON schema's data_type; raises ValueError naming the choices."""
    key = " ".join(str(text).strip().upper().split())
    if key in DataType.__members__:
        return DataType(key)
    if key in TYPE_ALIASES:
        return TYPE_ALIASES[key]
    choices = ", ".join(t.value for t in DataType)
    raise ValueError(f"unknown data_type '{text}'; use one of {choices}")


def family(data_type: DataType) -> str:
    """Types that can reference each other through a foreign key share a family."""
    if data_type in INTEGER_TYPES or data_type is DataType.DECIMAL:
        return "number"
    if data_type in FLOAT_TYPES:
        return "float"
    if data_type in STRING_TYPES:
        return "string"
    if data_type in TEMPORAL_TYPES:
        return "temporal"
    return data_type.value.lower()
