"""Canonical data types of the experiment schema and their families."""

from __future__ import annotations

from dataclasses import dataclass
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

MAX_DECIMAL_PRECISION = 38  # what dw-sim generates: Parquet decimal128 holds 38 digits
DEFAULT_DECIMAL = (18, 0)  # precision and scale when DDL or JSON gives none
DEFAULT_VARCHAR_LENGTH = 256  # Redshift's default for VARCHAR without a length
MAX_VARCHAR_LENGTH = 65535  # Redshift's VARCHAR(MAX)


@dataclass(frozen=True)
class Limits:
    """The largest length and precision a warehouse accepts in a column definition. A length
    is a limit, not a target: generated values stay short whatever the column allows."""

    warehouse: str
    varchar: int
    char: int
    binary: int
    precision: int

    def length(self, data_type: DataType) -> int:
        return {DataType.CHAR: self.char, DataType.BINARY: self.binary}.get(data_type, self.varchar)


# JSON schemas without a dialect keep the limits dw-sim always applied (Redshift's VARCHAR).
DEFAULT_LIMITS = Limits("dw-sim", MAX_VARCHAR_LENGTH, MAX_VARCHAR_LENGTH, MAX_VARCHAR_LENGTH,
                        MAX_DECIMAL_PRECISION)
# From each warehouse's documentation:
# - Redshift, "Character types": VARCHAR up to 65,535 bytes, CHAR up to 4,096 bytes; "VARBYTE
#   type": 1 to 16,777,216 bytes; "Numeric types": DECIMAL precision up to 38.
# - Snowflake, "String & binary data types": VARCHAR up to 134,217,728 (16,777,216 before the
#   2024_08 bundle, and what GET_DDL writes for an unsized VARCHAR/STRING/TEXT); CHAR is a
#   synonym of VARCHAR; BINARY up to 67,108,864 bytes (8,388,608 before); "Numeric data
#   types": NUMBER precision up to 38.
# - PostgreSQL, "Character Types": varchar(n) and char(n) up to n = 10,485,760; "Numeric
#   Types": numeric precision up to 1000 (bytea takes no length; dw-sim's BINARY keeps one).
DIALECT_LIMITS: dict[str, Limits] = {
    "redshift": Limits("Redshift", 65_535, 4_096, 16_777_216, 38),
    "snowflake": Limits("Snowflake", 134_217_728, 134_217_728, 67_108_864, 38),
    "postgres": Limits("PostgreSQL", 10_485_760, 10_485_760, 10_485_760, 1000),
}


def limits_for(dialect: str | None) -> Limits:
    return DIALECT_LIMITS.get(dialect or "", DEFAULT_LIMITS)


# Every accepted spelling, already in the form parse_data_type brings the text to.
_SPELLINGS: dict[str, DataType] = {**{t.value: t for t in DataType}, **TYPE_ALIASES}


def parse_data_type(text: str) -> DataType:
    """Canonical type for a JSON schema's data_type; raises ValueError naming the choices."""
    if isinstance(text, DataType):  # the importer's columns: already canonical
        return text
    key = " ".join(str(text).strip().upper().split())
    if key in _SPELLINGS:
        return _SPELLINGS[key]
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
