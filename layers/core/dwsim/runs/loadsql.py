"""Load statements for a finished run: Redshift COPY, Snowflake COPY INTO, Athena DDL.

Every name and path goes into the SQL through `identifier` or `literal`, which let sqlglot
quote and escape it for the dialect, so no table or column name can end a statement early."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from dwsim.schema import domains
from dwsim.schema.model import Column, Experiment, Table
from dwsim.schema.names import IDENTIFIER
from dwsim.schema.types import DataType

# Athena's DDL is Hive's: backtick identifiers (`` doubles a backtick) and backslash escapes.
_SQLGLOT_DIALECT = {"redshift": "redshift", "snowflake": "snowflake", "athena": "hive"}

_ATHENA = {
    DataType.SMALLINT: "smallint", DataType.INT: "int", DataType.BIGINT: "bigint",
    DataType.REAL: "float", DataType.FLOAT: "double", DataType.DOUBLE: "double",
    DataType.VARCHAR: "string", DataType.CHAR: "string", DataType.JSON: "string",
    DataType.BOOLEAN: "boolean", DataType.DATE: "date", DataType.TIMESTAMP: "timestamp",
    DataType.TIMESTAMPTZ: "timestamp", DataType.TIME: "string", DataType.BINARY: "binary",
}


def identifier(name: str, dialect: str, quoted: bool = True) -> str:
    """`name` as an identifier of `dialect` ("redshift", "snowflake" or "athena"). An unquoted
    name stays unquoted (its case folding is the warehouse's) only when it is a plain word."""
    if not quoted and IDENTIFIER.match(name):
        return name
    return exp.to_identifier(name, quoted=True).sql(dialect=_SQLGLOT_DIALECT[dialect])


def literal(text: str, dialect: str) -> str:
    """`text` as a string literal of `dialect`, every quote and backslash escaped."""
    return exp.Literal.string(text).sql(dialect=_SQLGLOT_DIALECT[dialect])


def _target(table: Table, source_dialect: str | None, dialect: str) -> str:
    """The table as the DDL named it (schema-qualified when it was), re-quoted part by part."""
    parts = [(table.name, table.quoted)]
    if table.qualified_name:
        try:
            parsed = sqlglot.parse_one(table.qualified_name, into=exp.Table, read=source_dialect)
        except sqlglot.errors.SqlglotError:
            parsed = None
        idents = [parsed.args.get(k) for k in ("catalog", "db", "this")] if parsed else []
        idents = [i for i in idents if i is not None]
        if idents and all(isinstance(i, exp.Identifier) for i in idents) \
                and idents[-1].name == table.name:
            parts = [(i.name, bool(i.args.get("quoted"))) for i in idents[:-1]] + parts
    return ".".join(identifier(name, dialect, quoted) for name, quoted in parts)


def _athena_type(column: Column) -> str:
    if column.data_type is DataType.DECIMAL:
        precision, scale = domains.decimal_spec(column)
        return f"decimal({precision},{scale})"
    return _ATHENA[column.data_type]


def load_sql(experiment: Experiment, table_locations: dict[str, str], manifests: dict[str, str],
             run_id: str) -> str:
    """`table_locations` maps a table to the folder of its parts; `manifests` to its manifest."""
    source = experiment.dialect if experiment.dialect in ("redshift", "snowflake", "postgres") \
        else None
    lines = [f"-- dw-sim run {run_id} of experiment {experiment.name}",
             "-- Replace <iam-role-arn>, <stage> and <database> with yours.", "",
             "-- Amazon Redshift"]
    for table in experiment.tables:
        # dw-sim generates IDENTITY values (a unique sequence): without EXPLICIT_IDS, COPY
        # would skip the identity column and Redshift would number the rows itself, breaking
        # the foreign keys that reference them. EXPLICIT_IDS is one of the parameters COPY
        # accepts with columnar formats ("COPY from columnar data formats").
        explicit = " EXPLICIT_IDS" if any(c.identity for c in table.columns) else ""
        lines.append(f"COPY {_target(table, source, 'redshift')} FROM "
                     f"{literal(manifests[table.name], 'redshift')}\n"
                     f"  IAM_ROLE '<iam-role-arn>' FORMAT AS PARQUET MANIFEST{explicit};")
    # Snowflake: MATCH_BY_COLUMN_NAME loads every column present in the Parquet by name, an
    # AUTOINCREMENT/IDENTITY column included, so the generated identity values are loaded
    # (the column default is used only for columns the file does not have). The sequence is
    # not advanced past them: restart it before inserting rows of your own. The stage path is
    # a quoted literal ('@stage/path/'), as Snowflake asks for paths with special characters.
    lines += ["", "-- Snowflake (an external stage on the run's folder)"]
    for table in experiment.tables:
        folder = table_locations[table.name].rstrip("/").rsplit("/", 1)[-1]
        lines.append(f"COPY INTO {_target(table, source, 'snowflake')} FROM "
                     f"{literal(f'@<stage>/{folder}/', 'snowflake')}\n"
                     "  FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE;")
    lines += ["", "-- Amazon Athena"]
    for table in experiment.tables:
        columns = ",\n".join(f"  {identifier(c.name, 'athena')} {_athena_type(c)}"
                             for c in table.columns)
        location = literal(table_locations[table.name].rstrip("/") + "/", "athena")
        lines.append(f"CREATE EXTERNAL TABLE IF NOT EXISTS {identifier('<database>', 'athena')}."
                     f"{identifier(table.name, 'athena')} (\n{columns}\n)"
                     f"\nSTORED AS PARQUET\nLOCATION {location};")
    return "\n".join(lines) + "\n"
