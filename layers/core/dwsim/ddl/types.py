"""Map a sqlglot DataType (as parsed from a dialect's DDL) to the experiment schema's type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from dwsim.schema.types import MAX_DECIMAL_PRECISION, DataType, limits_for

D = exp.DType

# Unbounded text types: Redshift's TEXT is VARCHAR(256); Snowflake's STRING is 16 MB, which we
# leave unbounded (generated strings stay short: a declared length is a limit, not a target).
_REDSHIFT_TEXT_LENGTH = 256

_SIMPLE: dict[Any, DataType] = {
    D.TINYINT: DataType.SMALLINT,
    D.UTINYINT: DataType.SMALLINT,
    D.SMALLINT: DataType.SMALLINT,
    D.USMALLINT: DataType.INT,
    D.INT: DataType.INT,
    D.MEDIUMINT: DataType.INT,
    D.UINT: DataType.BIGINT,
    D.BIGINT: DataType.BIGINT,
    D.BOOLEAN: DataType.BOOLEAN,
    D.DATE: DataType.DATE,
    D.DATE32: DataType.DATE,
    D.TIMESTAMP: DataType.TIMESTAMP,
    D.DATETIME: DataType.TIMESTAMP,
    D.DATETIME2: DataType.TIMESTAMP,
    D.TIMESTAMPNTZ: DataType.TIMESTAMP,
    D.TIMESTAMP_S: DataType.TIMESTAMP,
    D.TIMESTAMP_MS: DataType.TIMESTAMP,
    D.TIMESTAMP_NS: DataType.TIMESTAMP,
    D.TIMESTAMPTZ: DataType.TIMESTAMPTZ,
    D.TIMESTAMPLTZ: DataType.TIMESTAMPTZ,
    D.DOUBLE: DataType.DOUBLE,
}
_SERIAL = {D.SMALLSERIAL: DataType.SMALLINT, D.SERIAL: DataType.INT, D.BIGSERIAL: DataType.BIGINT}
_DECIMALS = {D.DECIMAL, D.BIGDECIMAL, D.MONEY, D.SMALLMONEY}
_BINARIES = {D.BINARY, D.VARBINARY, D.BLOB, D.LONGBLOB, D.MEDIUMBLOB, D.TINYBLOB}
_SEMI_STRUCTURED = {D.VARIANT, D.OBJECT, D.ARRAY, D.SUPER, D.JSON, D.JSONB, D.STRUCT, D.MAP}
_SPATIAL = {D.GEOMETRY, D.GEOGRAPHY}


class UnsupportedType(ValueError):
    pass


@dataclass
class Mapped:
    fields: dict[str, Any] = field(default_factory=dict)
    warning: tuple[str, str] | None = None


def _params(kind: exp.DataType) -> list[str]:
    return [p.this.name if isinstance(p, exp.DataTypeParam) else p.name for p in kind.expressions]


def _int(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UnsupportedType(f"{what} '{text}' is not a whole number") from None


# A mapper turns a type's parameters (as text), its source spelling and the dialect into
# the schema fields, plus a warning when dw-sim generates something narrower than declared.
Mapper = Callable[[list[str], str, str], Mapped]


def _fixed(fields: dict[str, Any], warning: tuple[str, str] | None = None) -> Mapper:
    """A type that maps the same way whatever its parameters."""
    def mapper(params: list[str], source: str, dialect: str) -> Mapped:
        return Mapped(dict(fields), warning)
    return mapper


def _time(params: list[str], source: str, dialect: str) -> Mapped:
    upper = source.upper()
    mapped = Mapped({"data_type": DataType.TIME})
    if "TZ" in upper.replace(" ", "") or "WITH TIME ZONE" in upper:
        mapped.warning = ("time_zone_dropped", "TIME WITH TIME ZONE is generated as TIME "
                          "(times of day without an offset)")
    return mapped


def _float(params: list[str], source: str, dialect: str) -> Mapped:
    # REAL / FLOAT4 are 4-byte; FLOAT in Redshift, Snowflake and PostgreSQL means 8 bytes.
    upper = source.upper()
    four = upper.startswith(("REAL", "FLOAT4")) or (params and _int(params[0], "precision") <= 24)
    return Mapped({"data_type": DataType.REAL if four else DataType.DOUBLE})


def _decimal(params: list[str], source: str, dialect: str) -> Mapped:
    out: dict[str, Any] = {"data_type": DataType.DECIMAL}
    mapped = Mapped(out)
    if params:
        precision = _int(params[0], "precision")
        scale = _int(params[1], "scale") if len(params) > 1 else 0
        if MAX_DECIMAL_PRECISION < precision <= limits_for(dialect).precision:
            # PostgreSQL accepts NUMERIC(p) up to p = 1000, but dw-sim writes Parquet
            # decimal128 (38 digits). Every DECIMAL(38, s) value fits NUMERIC(p, s) for p > 38,
            # so the column is generated narrower and still loads into the declared table.
            narrowed = min(max(scale, 0), MAX_DECIMAL_PRECISION)
            mapped.warning = ("precision_narrowed", f"{source} is generated as DECIMAL("
                              f"{MAX_DECIMAL_PRECISION},{narrowed}): Parquet decimals hold at most "
                              f"{MAX_DECIMAL_PRECISION} digits; the values load into {source}")
            precision, scale = MAX_DECIMAL_PRECISION, narrowed
        out["precision"], out["scale"] = precision, scale
    elif dialect == "snowflake":
        out["precision"], out["scale"] = 38, 0
    return mapped


def _string(data_type: DataType, redshift_length: int | None = None) -> Mapper:
    """CHAR or VARCHAR; `redshift_length` is the length Redshift gives it when none is set."""
    def mapper(params: list[str], source: str, dialect: str) -> Mapped:
        out: dict[str, Any] = {"data_type": data_type}
        if params:
            size = params[0].upper()
            # Redshift's VARCHAR(MAX) is 65,535 bytes and CHAR(MAX) 4,096 (see schema/types.py).
            out["varchar_length"] = limits_for(dialect).length(data_type) if size == "MAX" \
                else _int(size, "length")
        elif redshift_length is not None and dialect == "redshift":
            out["varchar_length"] = redshift_length
        return Mapped(out)
    return mapper


def _binary(params: list[str], source: str, dialect: str) -> Mapped:
    out: dict[str, Any] = {"data_type": DataType.BINARY}
    if params and params[0].upper() != "MAX":
        out["varchar_length"] = _int(params[0], "length")
    return Mapped(out)


def _semi_structured(params: list[str], source: str, dialect: str) -> Mapped:
    what = "JSON arrays" if source.upper().startswith("ARRAY") else \
        "JSON objects (keys suited to the column's name)"
    return Mapped({"data_type": DataType.JSON}, (
        "semi_structured", f"{source} is semi-structured: dw-sim generates small {what} "
        "as text; load it with JSON_PARSE (Redshift) or PARSE_JSON (Snowflake)"))


def _spatial(params: list[str], source: str, dialect: str) -> Mapped:
    return Mapped({"data_type": DataType.VARCHAR, "varchar_length": 64, "faker_rule": "wkt_point"},
                  ("spatial_as_text", f"{source} is generated as WKT point text "
                   "('POINT(lon lat)'); load it with ST_GeomFromText / TO_GEOGRAPHY"))


_MAPPERS: dict[Any, Mapper] = {
    **{t: _fixed({"data_type": dt, "identity": True}) for t, dt in _SERIAL.items()},
    **{t: _fixed({"data_type": dt}) for t, dt in _SIMPLE.items()},
    D.TIME: _time,
    D.TIMETZ: _fixed({"data_type": DataType.TIME}, (
        "time_zone_dropped", "TIMETZ is generated as TIME (times of day without an offset)")),
    D.FLOAT: _float,
    **dict.fromkeys(_DECIMALS, _decimal),
    D.VARCHAR: _string(DataType.VARCHAR),
    D.NVARCHAR: _string(DataType.VARCHAR),
    D.NAME: _string(DataType.VARCHAR),
    D.TEXT: _string(DataType.VARCHAR, _REDSHIFT_TEXT_LENGTH),
    D.CHAR: _string(DataType.CHAR),
    D.NCHAR: _string(DataType.CHAR),
    D.BPCHAR: _string(DataType.CHAR, _REDSHIFT_TEXT_LENGTH),
    **dict.fromkeys(_BINARIES, _binary),
    D.UUID: _fixed({"data_type": DataType.CHAR, "varchar_length": 36, "faker_rule": "uuid4"},
                   ("uuid_as_text", "UUID is generated as 36-character text")),
    **dict.fromkeys(_SEMI_STRUCTURED, _semi_structured),
    **dict.fromkeys(_SPATIAL, _spatial),
}


def map_type(kind: exp.DataType, source: str, dialect: str) -> Mapped:
    params = _params(kind)
    mapper = _MAPPERS.get(kind.this)
    if mapper is None:
        raise UnsupportedType(f"data type {source} is not supported; use a numeric, text, "
                              "date/time, boolean, binary or semi-structured type")
    return mapper(params, source, dialect)
