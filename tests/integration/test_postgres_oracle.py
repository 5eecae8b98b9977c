"""PostgreSQL as the oracle: every example schema's generated Parquet loads into a real
database with every constraint enforced (types and lengths, NOT NULL, CHECK, PRIMARY KEY,
UNIQUE, FOREIGN KEY), and no row is rejected."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from psycopg import sql

from dwsim.composition import build_services, services_factory
from dwsim.executors.local import execute
from dwsim.experiments import interpret_sql
from dwsim.metadata.records import RunStatus
from dwsim.runs import lifecycle, steps
from dwsim.runs.layout import part_key, run_prefix
from dwsim.schema.validate import prepare
from dwsim.settings import Settings
from tests.support.postgres import copy_parts, load_run, pg_bin
from tests.support.schemas import ROOT, sink_experiment

TPCH_ROWS = {"region": 5, "nation": 25, "supplier": 100, "customer": 1500, "part": 1000,
             "partsupp": 4000, "orders": 4000, "lineitem": 9000}
ECOMMERCE_ROWS = {"customers": 1500, "products": 300, "orders": 4000, "order_lines": 9000}
BATCH_ROWS = 2000  # two or more parts for every table above it


def tpch(dialect: str):
    sql = (ROOT / "examples" / f"tpch_{dialect}.sql").read_bytes()
    return interpret_sql(sql, f"tpch_{dialect}", dialect, TPCH_ROWS)


def ecommerce():
    raw = json.loads((ROOT / "examples" / "ecommerce.json").read_text())
    for table in raw["tables"]:
        table["target_rows"] = ECOMMERCE_ROWS[table["name"]]
    return prepare(raw)


def export(file: str, dialect: str):
    """A whole warehouse export (GET_DDL, v_generate_tbl_ddl, pg_dump), 3,000 rows a table."""
    return interpret_sql((ROOT / "examples" / file).read_bytes(), file.split(".")[0], dialect, 3000)


EXAMPLES = {"tpch_redshift": lambda: tpch("redshift"), "tpch_snowflake": lambda: tpch("snowflake"),
            "ecommerce": ecommerce,
            # (snowflake_get_ddl.sql is left out: PostgreSQL refuses its VARCHAR(16777216).)
            "redshift_generated_ddl": lambda: export("redshift_generated_ddl.sql", "redshift"),
            "postgres_pg_dump": lambda: export("postgres_pg_dump.sql", "postgres"),
            # Not an example: every type and key shape, to keep the loader honest about types.
            "kitchen_sink": sink_experiment}


def generate(tmp_path, experiment):
    """A completed run on the embedded default: (services, run id, the run's experiment)."""
    settings = Settings(home=tmp_path / "home")
    services = build_services(settings)
    services.store.create_experiment(experiment)
    run = lifecycle.start_run(services, experiment.name, seed=11, batch_rows=BATCH_ROWS)
    final = execute(services_factory(settings), experiment.name, run.run_id, workers=1)
    assert final.status is RunStatus.COMPLETED, final.traceback
    return services, run.run_id, steps.run_snapshot(services, experiment.name, run.run_id)


def load(postgres_server, services, run_id, experiment):
    with postgres_server.connect() as conn:
        return load_run(conn, experiment, services.objects, run_prefix(experiment.name, run_id),
                        schema=f"{experiment.name}_{run_id}")


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_loads_into_postgres_with_every_constraint(tmp_path, postgres_server, example):
    services, run_id, experiment = generate(tmp_path, EXAMPLES[example]())
    parts = {t.name: len(services.objects.list(f"{run_prefix(experiment.name, run_id)}/{t.name}/"))
             for t in experiment.tables}
    assert all(parts[t.name] >= 2 for t in experiment.tables if t.target_rows > BATCH_ROWS)

    report = load(postgres_server, services, run_id, experiment)

    assert report.violations == [], "\n".join(report.violations)
    assert report.rows == {t.name: t.target_rows for t in experiment.tables}
    # Every primary and foreign key is among the constraints PostgreSQL accepted.
    keys = sum(bool(t.primary_key) + len(t.foreign_keys) for t in experiment.tables)
    assert sum(" KEY (" in added for added in report.added) == keys


def test_the_oracle_counts_duplicates_orphans_and_out_of_domain_values(tmp_path, postgres_server):
    services, run_id, experiment = generate(tmp_path, ecommerce())
    prefix = run_prefix(experiment.name, run_id)
    objects = services.objects
    # An extra customers part repeating the first one: every key in it twice.
    first = objects.get(part_key(prefix, "customers", 0))
    repeated = pq.read_metadata(io.BytesIO(first)).num_rows
    objects.put(part_key(prefix, "customers", 99), first)
    # Orders whose customer does not exist, status is not allowed, time is missing or too late,
    # coupon is too long.
    orders = pq.read_table(io.BytesIO(objects.get(part_key(prefix, "orders", 0))))
    broken = {"customer_id": {range(0, 7): -1}, "status": {range(10, 13): "lost"},
              "ordered_at": {range(30, 34): None, range(40, 45): dt.datetime(2030, 1, 1)},
              "coupon_code": {range(20, 22): "X" * 17}}
    for name, changes in broken.items():
        values = orders[name].to_pylist()
        for rows, value in changes.items():
            values[rows.start:rows.stop] = [value] * len(rows)
        index = orders.schema.get_field_index(name)
        column = orders.schema.field(index).with_nullable(True)
        orders = orders.set_column(index, column, pa.array(values, column.type))
    sink = io.BytesIO()
    pq.write_table(orders, sink)
    objects.put(part_key(prefix, "orders", 0), sink.getvalue())

    report = load(postgres_server, services, run_id, experiment)

    assert report.rows["customers"] == ECOMMERCE_ROWS["customers"] + repeated
    assert report.violations == [
        f"customers: PRIMARY KEY (customer_id): {repeated} duplicate or NULL-key rows",
        f"customers: UNIQUE (email): {repeated} duplicate rows",
        "orders: CHECK (status IN ('placed', 'shipped', 'delivered', 'returned')): 3 offending rows",
        "orders: ordered_at NOT NULL: 4 offending rows",
        "orders: CHECK (ordered_at < 2026-01-01 00:00:00): 5 offending rows",
        "orders: coupon_code VARCHAR(16): 2 offending rows",
        "orders: FOREIGN KEY (customer_id) REFERENCES customers (customer_id): 7 orphan rows",
    ]


def test_pg_dump_example_loads_into_the_schema_its_own_ddl_creates(tmp_path, postgres_server):
    """The truest oracle: PostgreSQL runs examples/postgres_pg_dump.sql itself (enums,
    sequences, CHECKs, the unique index on lower(email), the trigger, foreign keys added last),
    and every generated row goes in, parents first, with every constraint live."""
    file = ROOT / "examples" / "postgres_pg_dump.sql"
    database = f"own_{tmp_path.name[-24:]}".lower().replace("-", "_")
    with postgres_server.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'helpdesk'").fetchone():
            conn.execute("CREATE ROLE helpdesk")  # the dump's owner
    psql = subprocess.run([str(pg_bin() / "psql"), "-h", str(postgres_server.socket_dir), "-U",
                           postgres_server.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-q",
                           "-f", str(file)], capture_output=True, text=True, timeout=120)
    assert psql.returncode == 0, psql.stderr

    services, run_id, experiment = generate(tmp_path, export(file.name, "postgres"))
    prefix = run_prefix(experiment.name, run_id)
    loaded = {}
    with psycopg.connect(host=str(postgres_server.socket_dir), user=postgres_server.user,
                         dbname=database, autocommit=True) as conn:
        for table in parents_first(experiment):
            loaded[table.name] = copy_parts(conn, sql.Identifier("public", table.name), table,
                                            services.objects, f"{prefix}/{table.name}/")
    assert loaded == {t.name: t.target_rows for t in experiment.tables}


def parents_first(experiment):
    """The tables in an order that loads every parent before its children."""
    done: dict[str, object] = {}

    def visit(table):
        if table.name not in done:
            done[table.name] = None
            for fk in table.foreign_keys:
                if fk.ref_table != table.name:
                    visit(experiment.table(fk.ref_table))
            done[table.name] = table

    for table in experiment.tables:
        visit(table)
    return list(done.values())
