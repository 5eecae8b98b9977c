"""PostgreSQL as the oracle: a throw-away local server, and a loader that puts a finished run's
Parquet into it with every constraint of the experiment enforced.

The server lives in a temporary folder and listens only on a unix socket there, so every
pytest-xdist worker can start its own without port races. As root it runs as the `postgres`
user (PostgreSQL refuses to run as root).

The loader creates one schema per run, COPYs every part into tables with loose types (text,
numeric), then adds each constraint — exact types, NOT NULL, CHECK, PRIMARY KEY, UNIQUE, and
last the FOREIGN KEYs — after counting the rows that would violate it, so a failure names the
table, the constraint and how many rows break it.
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import psycopg
import pyarrow.parquet as pq
import pytest
from psycopg import sql

from dwsim.objects.base import ObjectStore
from dwsim.schema.domains import decimal_spec, string_length
from dwsim.schema.model import Column, Experiment, Table
from dwsim.schema.types import DataType
from tests.support.tools import require

SERVER_USER = "postgres"  # who runs the server when the tests run as root
SETTINGS = """
listen_addresses = ''
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 20
shared_buffers = 32MB
"""

_TYPES = {
    DataType.SMALLINT: "smallint", DataType.INT: "integer", DataType.BIGINT: "bigint",
    DataType.REAL: "real", DataType.FLOAT: "double precision", DataType.DOUBLE: "double precision",
    DataType.BOOLEAN: "boolean", DataType.DATE: "date", DataType.TIMESTAMP: "timestamp",
    DataType.TIMESTAMPTZ: "timestamptz", DataType.TIME: "time", DataType.BINARY: "bytea",
    DataType.JSON: "jsonb",
}
# Loaded unconstrained, then tightened to the exact type once overlong values are counted.
_LOOSE = {DataType.VARCHAR: "text", DataType.CHAR: "text", DataType.DECIMAL: "numeric"}


# --- the server ---------------------------------------------------------------------------

def pg_bin() -> Path:
    """The folder of initdb and pg_ctl: $DWSIM_PG_BIN, else Debian's newest, else the PATH's."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                    key=lambda p: [int(x) for x in Path(p).parts[-3].split(".") if x.isdigit()])
    folders = [os.environ.get("DWSIM_PG_BIN"), *[Path(p).parent for p in reversed(debian)],
               os.path.dirname(shutil.which("initdb") or "") or None]
    found = next((Path(f) / "initdb" for f in folders if f and (Path(f) / "initdb").exists()), None)
    return require("postgresql", found).parent


@dataclass
class Server:
    socket_dir: Path
    user: str = "dwsim"

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.socket_dir), user=self.user, dbname="postgres",
                               autocommit=True)


@contextmanager
def throwaway_server() -> Iterator[Server]:
    """initdb into a fresh temporary folder, start, yield, then stop and remove it all."""
    bin_dir = pg_bin()
    as_root = os.geteuid() == 0
    run_as: dict = {}
    if as_root:
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            pytest.fail(f"the tests run as root, so PostgreSQL must run as the '{SERVER_USER}' "
                        "user, which does not exist: `apt-get install postgresql` creates it",
                        pytrace=False)
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    # Short, world-traversable path: a unix socket path is limited to ~100 bytes.
    base = Path(tempfile.mkdtemp(prefix="dwsim-pg-"))
    base.chmod(0o755)
    if as_root:
        os.chown(base, run_as["user"], run_as["group"])
    data, log = base / "data", base / "server.log"

    def pg(*args: str) -> None:
        done = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=base, capture_output=True,
                              text=True, timeout=120, **run_as)
        if done.returncode:
            server_log = log.read_text() if log.exists() else ""
            pytest.fail(f"{args[0]} failed ({done.returncode}): {done.stdout}{done.stderr}"
                        f"{server_log}", pytrace=False)

    try:
        pg("initdb", "-D", str(data), "-U", "dwsim", "--auth=trust", "-E", "UTF8", "--no-locale",
           "--no-sync", "--no-instructions")
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS.format(socket_dir=base))
        pg("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "start")
        try:
            yield Server(base)
        finally:
            pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """One server per test session, that is per xdist worker."""
    with throwaway_server() as server:
        yield server


# --- the loader ---------------------------------------------------------------------------

@dataclass
class LoadReport:
    schema: str
    rows: dict[str, int] = field(default_factory=dict)  # rows COPY loaded, per table
    added: list[str] = field(default_factory=list)  # constraints PostgreSQL accepted
    violations: list[str] = field(default_factory=list)  # "table: constraint: N offending rows"


@dataclass
class Constraint:
    table: str
    label: str  # what a person reads: "PRIMARY KEY (id)", "email VARCHAR(120)"
    offending: sql.Composable  # SELECT count(*) of the rows that break it
    add: sql.Composable  # the ALTER TABLE that enforces it
    unit: str = "offending rows"


def load_run(conn: psycopg.Connection, experiment: Experiment, objects: ObjectStore,
             prefix: str, schema: str) -> LoadReport:
    """Load the parts under `prefix` (a run's folder) into a new schema, then enforce every
    constraint of the experiment; each one that fails is counted in the report."""
    report = LoadReport(schema)
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    for table in experiment.tables:
        name = sql.Identifier(schema, table.name)
        columns = sql.SQL(", ").join(sql.SQL("{} " + _loose_type(c)).format(sql.Identifier(c.name))
                                     for c in table.columns)
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(name, columns))
        report.rows[table.name] = copy_parts(conn, name, table, objects, f"{prefix}/{table.name}/")
    constraints = [c for t in experiment.tables for c in table_constraints(schema, t)]
    constraints += [c for t in experiment.tables for c in foreign_keys(schema, experiment, t)]
    for constraint in constraints:
        _enforce(conn, constraint, report)
    return report


def copy_parts(conn: psycopg.Connection, name: sql.Identifier, table: Table, objects: ObjectStore,
                folder: str) -> int:
    """COPY every part into the table; returns the rows it holds then."""
    names = [c.name for c in table.columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(name, _ids(names))
    for key in objects.list(folder):
        if not key.endswith(".parquet"):
            continue
        data = pq.read_table(io.BytesIO(objects.get(key)), columns=names)
        with conn.cursor() as cursor, cursor.copy(statement) as copy:
            for batch in data.to_batches():
                # to_pylist gives Decimal, bytes, date, time, naive or UTC datetimes, None.
                for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                    copy.write_row(row)
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone()[0]


def _enforce(conn: psycopg.Connection, constraint: Constraint, report: LoadReport) -> None:
    where = f"{constraint.table}: {constraint.label}"
    count = conn.execute(constraint.offending).fetchone()[0]
    if count:
        report.violations.append(f"{where}: {count} {constraint.unit}")
        return
    try:
        conn.execute(constraint.add)
    except psycopg.Error as exc:
        report.violations.append(f"{where}: refused by PostgreSQL: {str(exc).strip()}")
    else:
        report.added.append(where)


def _loose_type(column: Column) -> str:
    return _LOOSE.get(column.data_type) or _TYPES[column.data_type]


def exact_type(column: Column) -> str:
    if column.data_type in (DataType.VARCHAR, DataType.CHAR):
        return f"{column.data_type.value.lower()}({string_length(column)})"
    if column.data_type is DataType.DECIMAL:
        return "numeric({}, {})".format(*decimal_spec(column))
    return _TYPES[column.data_type]


def _ids(names: list[str], template: str = "{}", joiner: str = ", ") -> sql.Composable:
    """Quoted column names, each put in `template`, joined: `"a", "b"`, `"a" IS NULL OR ...`."""
    return sql.SQL(joiner).join(sql.SQL(template).format(sql.Identifier(n)) for n in names)


def table_constraints(schema: str, table: Table) -> list[Constraint]:
    """Exact types, NOT NULL and CHECKs per column, then the primary key and unique keys."""
    name = sql.Identifier(schema, table.name)
    out: list[Constraint] = []

    def add(label: str, offending: sql.Composable, action: sql.Composable) -> None:
        out.append(Constraint(table.name, label,
                              sql.SQL("SELECT count(*) FROM {} WHERE {}").format(name, offending),
                              sql.SQL("ALTER TABLE {} {}").format(name, action)))

    for column in table.columns:
        col = sql.Identifier(column.name)
        if column.data_type in _LOOSE:
            kind = exact_type(column)
            if column.data_type is DataType.DECIMAL:
                precision, scale = decimal_spec(column)
                too_wide = sql.SQL("{c} <> round({c}, {s}) OR abs({c}) >= 10::numeric ^ {d}")
                too_wide = too_wide.format(c=col, s=scale, d=precision - scale)
            else:
                too_wide = sql.SQL("char_length({}) > {}").format(col, string_length(column))
            add(f"{column.name} {kind.upper()}", too_wide,
                sql.SQL("ALTER COLUMN {} TYPE " + kind).format(col))
        if column.required:
            add(f"{column.name} NOT NULL", sql.SQL("{} IS NULL").format(col),
                sql.SQL("ALTER COLUMN {} SET NOT NULL").format(col))
        for label, check in column_checks(column):
            add(f"CHECK ({label})", sql.SQL("NOT ({})").format(check),
                sql.SQL("ADD CHECK ({})").format(check))

    keys = [("PRIMARY KEY", table.primary_key)] if table.primary_key else []
    unique = [list(u) for u in table.unique] + [[c.name] for c in table.columns if c.is_unique]
    for columns in unique:
        if all(columns != k for _, k in keys):
            keys.append(("UNIQUE", columns))
    for kind, columns in keys:
        # Rows beyond the first of each key; for a primary key also rows with a NULL in it.
        nulls = _ids(columns, "{} IS NULL", " OR ")
        query = sql.SQL("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {} "
                        "WHERE NOT ({}) GROUP BY {}) AS keys").format(name, nulls, _ids(columns))
        unit = "duplicate rows"
        if kind == "PRIMARY KEY":
            query = sql.SQL("SELECT ({}) + (SELECT count(*) FROM {} WHERE {})").format(
                query, name, nulls)
            unit = "duplicate or NULL-key rows"
        add_key = sql.SQL("ALTER TABLE {} ADD " + kind + " ({})").format(name, _ids(columns))
        out.append(Constraint(table.name, f"{kind} ({', '.join(columns)})", query, add_key, unit))
    return out


def column_checks(column: Column) -> list[tuple[str, sql.Composable]]:
    """(label, condition) for the column's declared values and bounds (not engine defaults),
    and a BINARY column's length."""
    col = sql.Identifier(column.name)
    checks: list[tuple[str, sql.Composable]] = []

    def check(op: str, value) -> None:
        checks.append((f"{column.name} {op} {value}",
                       sql.SQL("{} " + op + " {}").format(col, sql.Literal(value))))

    if column.data_type is DataType.BINARY:
        length = string_length(column)
        checks.append((f"octet_length({column.name}) <= {length}",
                       sql.SQL("octet_length({}) <= {}").format(col, length)))
    values = [v for v in column.values or [] if v is not None]
    if values:
        checks.append((f"{column.name} IN {tuple(values)}", sql.SQL("{} IN ({})").format(
            col, sql.SQL(", ").join(map(sql.Literal, values)))))
    if column.min_value is not None:
        check(">=", Decimal(str(column.min_value)))
    if column.max_value is not None:
        check("<=", Decimal(str(column.max_value)))
    if column.date_start is not None:
        check(*_temporal_bound(column.data_type, column.date_start, end=False))
    if column.date_end is not None:
        check(*_temporal_bound(column.data_type, column.date_end, end=True))
    return checks


def _temporal_bound(data_type: DataType, bound: dt.date, end: bool) -> tuple[str, dt.date]:
    """A date_start/date_end as (operator, value) for a DATE or TIMESTAMP[TZ] column: a date
    alone ends a timestamp range at the end of that day; naive bounds are UTC for TIMESTAMPTZ."""
    if data_type is DataType.DATE:
        return ("<=" if end else ">="), bound.date() if isinstance(bound, dt.datetime) else bound
    op = "<=" if end else ">="
    if not isinstance(bound, dt.datetime):
        bound = dt.datetime.combine(bound + dt.timedelta(days=1 if end else 0), dt.time())
        op = "<" if end else ">="
    if data_type is DataType.TIMESTAMPTZ:
        return op, bound if bound.tzinfo else bound.replace(tzinfo=dt.UTC)
    return op, bound.astimezone(dt.UTC).replace(tzinfo=None) if bound.tzinfo else bound


def foreign_keys(schema: str, experiment: Experiment, table: Table) -> list[Constraint]:
    """One per foreign key; the orphans are child rows without a NULL in the key (MATCH
    SIMPLE) that match no parent row."""
    out = []
    for fk in table.foreign_keys:
        parent = experiment.table(fk.ref_table)
        ref_columns = fk.ref_columns or (parent.primary_key if parent else [])
        child, ref = sql.Identifier(schema, table.name), sql.Identifier(schema, fk.ref_table)
        match = sql.SQL(" AND ").join(
            sql.SQL("p.{} = c.{}").format(sql.Identifier(r), sql.Identifier(c))
            for c, r in zip(fk.columns, ref_columns, strict=True))
        present = _ids(fk.columns, "c.{} IS NOT NULL", " AND ")
        orphans = sql.SQL("SELECT count(*) FROM {} AS c WHERE {} AND NOT EXISTS "
                          "(SELECT 1 FROM {} AS p WHERE {})").format(child, present, ref, match)
        add = sql.SQL("ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} ({})").format(
            child, _ids(fk.columns), ref, _ids(ref_columns))
        label = (f"FOREIGN KEY ({', '.join(fk.columns)}) "
                 f"REFERENCES {fk.ref_table} ({', '.join(ref_columns)})")
        out.append(Constraint(table.name, label, orphans, add, "orphan rows"))
    return out
