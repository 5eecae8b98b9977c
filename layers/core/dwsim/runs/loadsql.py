"""Load statements for a finished run: Redshift COPY, Snowflake COPY INTO, Athena DDL."""

from __future__ import annotations

from dwsim.schema import domains
from dwsim.schema.model import Column, Experiment, Table
from dwsim.schema.types import DataType

_ATHENA = {
    DataType.SMALLINT: "smallint", DataType.INT: "int", DataType.BIGINT: "bigint",
    DataType.REAL: "float", DataType.FLOAT: "double", DataType.DOUBLE: "double",
    DataType.VARCHAR: "string", DataType.CHAR: "string", DataType.JSON: "string",
    DataType.BOOLEAN: "boolean", DataType.DATE: "date", DataType.TIMESTAMP: "timestamp",
    DataType.TIMESTAMPTZ: "timestamp", DataType.TIME: "string", DataType.BINARY: "binary",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _target(table: Table) -> str:
    return table.qualified_name or (_quote(table.name) if table.quoted else table.name)


def _athena_type(column: Column) -> str:
    if column.data_type is DataType.DECIMAL:
        precision, scale = domains.decimal_spec(column)
        return f"decimal({precision},{scale})"
    return _ATHENA[column.data_type]


def load_sql(experiment: Experiment, table_locations: dict[str, str], manifests: dict[str, str],
             run_id: str) -> str:
    """`table_locations` maps a table to the folder of its parts; `manifests` to its manifest."""
    lines = [f"-- dw-sim run {run_id} of experiment {experiment.name}",
             "-- Replace <iam-role-arn>, <stage> and <database> with yours.", "",
             "-- Amazon Redshift"]
    for table in experiment.tables:
        # dw-sim generates IDENTITY values (a unique sequence): without EXPLICIT_IDS, COPY
        # would skip the identity column and Redshift would number the rows itself, breaking
        # the foreign keys that reference them. EXPLICIT_IDS is one of the parameters COPY
        # accepts with columnar formats ("COPY from columnar data formats").
        explicit = " EXPLICIT_IDS" if any(c.identity for c in table.columns) else ""
        lines.append(f"COPY {_target(table)} FROM '{manifests[table.name]}'\n"
                     f"  IAM_ROLE '<iam-role-arn>' FORMAT AS PARQUET MANIFEST{explicit};")
    # Snowflake: MATCH_BY_COLUMN_NAME loads every column present in the Parquet by name, an
    # AUTOINCREMENT/IDENTITY column included, so the generated identity values are loaded
    # (the column default is used only for columns the file does not have). The sequence is
    # not advanced past them: restart it before inserting rows of your own.
    lines += ["", "-- Snowflake (an external stage on the run's folder)"]
    for table in experiment.tables:
        folder = table_locations[table.name].rstrip("/").rsplit("/", 1)[-1]
        lines.append(f"COPY INTO {_target(table)} FROM @<stage>/{folder}/\n"
                     "  FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE;")
    lines += ["", "-- Amazon Athena"]
    for table in experiment.tables:
        columns = ",\n".join(f"  `{c.name}` {_athena_type(c)}" for c in table.columns)
        lines.append(f"CREATE EXTERNAL TABLE IF NOT EXISTS <database>.{table.name} (\n{columns}\n)"
                     f"\nSTORED AS PARQUET\nLOCATION '{table_locations[table.name].rstrip('/')}/';")
    return "\n".join(lines) + "\n"
