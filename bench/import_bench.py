"""DDL import benchmark: MiB/s of `import-sql` on warehouse-sized exports.

Generates one realistic export per dialect shape — Redshift's generated DDL
(v_generate_tbl_ddl: ENCODE, DISTKEY/SORTKEY, OWNER TO, COMMENT ON, foreign keys added at the
end), Snowflake GET_DDL (create or replace, COLLATE, inline COMMENT, keys, cluster by) and
pg_dump --schema-only (SET, sequences OWNED BY, ALTER TABLE ONLY ... ADD CONSTRAINT, indexes,
COMMENT ON) — of thousands of tables with keys, foreign keys and comments, at 1, 5 and 10 MiB,
and times what the CLI and the API call:

- `dry-run`: `experiments.interpret_sql` (parse, import, validate), as `import-sql --dry-run`
  before its bounded preview;
- `create`: the same plus `create_experiment` into a fresh SQLite store.

Every figure is the median of --runs repetitions (machines here are shared and noisy).

    python bench/import_bench.py [--sizes 1,5,10] [--dialects redshift,snowflake,postgres]
                                 [--runs 3] [--json] [--profile DIALECT:MIB]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MIB = 1024 * 1024

# (name, Redshift type, Snowflake type, PostgreSQL type): names a warehouse really has.
COLUMNS = [
    ("customer_email", "VARCHAR(256)", "VARCHAR(16777216)", "character varying(255)"),
    ("first_name", "VARCHAR(64)", "VARCHAR(16777216)", "character varying(64)"),
    ("last_name", "VARCHAR(64)", "VARCHAR(16777216)", "text"),
    ("city", "VARCHAR(64)", "VARCHAR(64)", "character varying(64)"),
    ("country_code", "CHAR(2)", "VARCHAR(2)", "character(2)"),
    ("status", "VARCHAR(16)", "VARCHAR(16)", "character varying(16)"),
    ("quantity", "INTEGER", "NUMBER(38,0)", "integer"),
    ("unit_price", "NUMERIC(12,2)", "NUMBER(12,2)", "numeric(12,2)"),
    ("total_amount", "NUMERIC(14,2)", "NUMBER(14,2)", "numeric(14,2)"),
    ("discount_rate", "DOUBLE PRECISION", "FLOAT", "double precision"),
    ("is_active", "BOOLEAN", "BOOLEAN", "boolean"),
    ("created_at", "TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP_NTZ(9)", "timestamp with time zone"),
    ("updated_at", "TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP_NTZ(9)", "timestamp without time zone"),
    ("order_date", "DATE", "DATE", "date"),
    ("phone_number", "VARCHAR(32)", "VARCHAR(32)", "character varying(32)"),
    ("postal_code", "VARCHAR(10)", "VARCHAR(10)", "character varying(10)"),
    ("description", "VARCHAR(1024)", "VARCHAR(16777216)", "text"),
    ("line_count", "SMALLINT", "NUMBER(5,0)", "smallint"),
    ("external_ref", "VARCHAR(36)", "VARCHAR(36)", "uuid"),
    ("score", "REAL", "FLOAT", "real"),
    ("company_name", "VARCHAR(128)", "VARCHAR(16777216)", "character varying(128)"),
    ("event_count", "BIGINT", "NUMBER(38,0)", "bigint"),
    ("notes", "VARCHAR(4096)", "VARCHAR(16777216)", "text"),
    ("shipped_on", "DATE", "DATE", "date"),
]
ENCODE = {"VARCHAR": "lzo", "CHAR": "lzo", "BOOLEAN": "raw"}


# Qualifiers that make names vary as much as a real warehouse's (billing_city, src_status).
QUALIFIERS = ["billing", "shipping", "src", "last", "first", "primary", "home", "work", "prev",
              "next", "origin", "dest", "vendor", "partner", "store", "region", "channel",
              "promo", "return", "refund", "tax", "net", "gross", "base", "local", "global",
              "legacy", "current", "target", "planned", "actual", "min", "max", "avg", "raw"]
LENGTHS = [8, 16, 20, 32, 40, 50, 64, 100, 128, 200, 255, 256, 500, 1000]


def _vary(definition: str, rng: random.Random) -> str:
    """Another length or precision, as column definitions differ from table to table."""
    if "(16777216)" in definition or "(" not in definition or "," in definition:
        if definition.startswith(("NUMERIC(", "NUMBER(", "numeric(")) and "38" not in definition:
            return f"{definition.split('(')[0]}({rng.choice([10, 12, 14, 18])},{rng.choice([2, 4])})"
        return definition
    return f"{definition.split('(')[0]}({rng.choice(LENGTHS)})"


def _columns(rng: random.Random) -> list[tuple[str, str, str, str]]:
    picked = []
    for name, rs, sf, pg in rng.sample(COLUMNS, rng.randint(8, len(COLUMNS))):
        if rng.random() < 0.5:
            name = f"{rng.choice(QUALIFIERS)}_{name}"
        picked.append((name, _vary(rs, rng), _vary(sf, rng), _vary(pg, rng)))
    return picked


def _parents(rng: random.Random, i: int) -> list[int]:
    """Up to two earlier tables this one references (a snowflake of dimensions and facts)."""
    if i == 0:
        return []
    return sorted(set(rng.randrange(0, i) for _ in range(rng.randint(0, 2))))


def redshift_table(rng: random.Random, i: int) -> tuple[str, str]:
    name = f"ops.t{i:05d}_orders"
    cols = [f"\tid BIGINT NOT NULL DEFAULT \"identity\"({400000 + i}, 0, '1,1'::text) ENCODE az64"]
    parents = _parents(rng, i)
    for parent in parents:
        cols.append(f"\t,t{parent:05d}_id BIGINT NOT NULL  ENCODE az64")
    for col, rs, _sf, _pg in _columns(rng):
        encode = ENCODE.get(rs.split("(")[0], "az64")
        null = " NOT NULL" if rng.random() < 0.4 else ""
        cols.append(f"\t,{col} {rs}{null}   ENCODE {encode}")
    cols.append("\t,PRIMARY KEY (id)")
    body = (f"--DROP TABLE {name};\nCREATE TABLE IF NOT EXISTS {name}\n(\n" + "\n".join(cols)
            + f"\n)\nDISTSTYLE KEY\n DISTKEY (id)\n SORTKEY (\n\tid\n\t)\n;\n"
            f"ALTER TABLE {name} owner to etl_owner;\n"
            f"COMMENT ON table {name} IS 'Table {i}: one row per order event, loaded nightly';\n"
            f"COMMENT ON column {name}.id IS 'Surrogate key, from the identity';\n")
    later = "".join(
        f"ALTER TABLE {name} ADD CONSTRAINT t{i:05d}_t{p:05d}_fkey FOREIGN KEY (t{p:05d}_id) "
        f"REFERENCES ops.t{p:05d}_orders(id);\n" for p in parents)
    return body, later


def snowflake_table(rng: random.Random, i: int) -> tuple[str, str]:
    name = f"T{i:05d}_ORDERS"
    cols = ["\tID NUMBER(38,0) NOT NULL autoincrement start 1 increment 1 noorder "
            "COMMENT 'Surrogate key'"]
    parents = _parents(rng, i)
    for parent in parents:
        cols.append(f"\tT{parent:05d}_ID NUMBER(38,0) NOT NULL")
    for col, _rs, sf, _pg in _columns(rng):
        extra = " COLLATE 'en-ci'" if sf.startswith("VARCHAR") and rng.random() < 0.2 else ""
        comment = f" COMMENT 'The {col.lower()} as the source system sends it'" \
            if rng.random() < 0.3 else ""
        null = " NOT NULL" if rng.random() < 0.4 else ""
        cols.append(f"\t{col.upper()} {sf}{null}{extra}{comment}")
    cols.append(f"\tconstraint PK_T{i:05d} primary key (ID)")
    for parent in parents:
        cols.append(f"\tconstraint FK_T{i:05d}_T{parent:05d} foreign key (T{parent:05d}_ID) "
                    f"references RETAIL_DB.SALES.T{parent:05d}_ORDERS(ID)")
    body = (f"create or replace TABLE {name} cluster by (ID)(\n" + ",\n".join(cols)
            + f"\n)DATA_RETENTION_TIME_IN_DAYS=7\nCOMMENT='Table {i}: order events'\n;\n")
    return body, ""


def postgres_table(rng: random.Random, i: int) -> tuple[str, str]:
    name = f"public.t{i:05d}_orders"
    cols = ["    id bigint NOT NULL"]
    parents = _parents(rng, i)
    for parent in parents:
        cols.append(f"    t{parent:05d}_id bigint NOT NULL")
    for col, _rs, _sf, pg in _columns(rng):
        null = " NOT NULL" if rng.random() < 0.4 else ""
        default = " DEFAULT now()" if col.startswith("created_at") else ""
        cols.append(f"    {col} {pg}{default}{null}")
    if rng.random() < 0.3:
        cols.append(f"    CONSTRAINT t{i:05d}_quantity_check CHECK ((quantity >= 0))"
                    if any(c.startswith("    quantity ") for c in cols) else
                    f"    CONSTRAINT t{i:05d}_id_check CHECK ((id > 0))")
    body = (f"--\n-- Name: t{i:05d}_orders; Type: TABLE; Schema: public; Owner: app\n--\n\n"
            f"CREATE TABLE {name} (\n" + ",\n".join(cols) + "\n);\n\n\n"
            f"ALTER TABLE {name} OWNER TO app;\n\n"
            f"COMMENT ON TABLE {name} IS 'Table {i}: one row per order event';\n\n"
            f"CREATE SEQUENCE {name}_id_seq\n    START WITH 1\n    INCREMENT BY 1\n"
            "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n\n"
            f"ALTER SEQUENCE {name}_id_seq OWNER TO app;\n\n"
            f"ALTER SEQUENCE {name}_id_seq OWNED BY {name}.id;\n\n")
    later = (f"ALTER TABLE ONLY {name} ALTER COLUMN id SET DEFAULT "
             f"nextval('{name}_id_seq'::regclass);\n\n"
             f"ALTER TABLE ONLY {name}\n    ADD CONSTRAINT t{i:05d}_orders_pkey PRIMARY KEY (id);\n\n"
             f"CREATE INDEX t{i:05d}_orders_created_idx ON {name} USING btree (id);\n\n"
             + "".join(f"ALTER TABLE ONLY {name}\n    ADD CONSTRAINT t{i:05d}_t{p:05d}_fkey "
                       f"FOREIGN KEY (t{p:05d}_id) REFERENCES public.t{p:05d}_orders(id);\n\n"
                       for p in parents))
    return body, later


PROLOGUE = {
    "redshift": "",
    "snowflake": "create or replace database RETAIL_DB;\n\ncreate or replace schema SALES;\n\n",
    "postgres": ("--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"
                 "SET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', "
                 "false);\n\nCREATE FUNCTION public.touch() RETURNS trigger\n    LANGUAGE plpgsql\n"
                 "    AS $$\nBEGIN\n  NEW.updated_at := now();  -- never ';' in data\n"
                 "  RETURN NEW;\nEND;\n$$;\n\n"),
}
TABLES: dict[str, Callable[[random.Random, int], tuple[str, str]]] = {
    "redshift": redshift_table, "snowflake": snowflake_table, "postgres": postgres_table}


def generate(dialect: str, size: int, seed: int = 7) -> tuple[str, int]:
    """An export of about `size` bytes (never more) and how many tables it defines."""
    rng = random.Random(seed)
    head, tail, used, count = [PROLOGUE[dialect]], [], len(PROLOGUE[dialect]), 0
    while True:
        body, later = TABLES[dialect](rng, count)
        grown = len(body.encode()) + len(later.encode())
        if used + grown > size:
            break
        head.append(body)
        tail.append(later)
        used += grown
        count += 1
    return "".join(head) + "".join(tail), count


def _median(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds: other work on a shared machine slows the first,
    barely the second. Each run starts from a collected heap, as a fresh import would, not
    with the previous run's experiment still waiting to be collected."""
    wall, cpu = [], []
    for _ in range(runs):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(wall), statistics.median(cpu)


def measure(dialect: str, mib: float, runs: int) -> dict:
    from dwsim.experiments import interpret_sql
    from dwsim.metadata.sqlite import SQLiteStore

    sql, tables = generate(dialect, int(mib * MIB))
    size = len(sql.encode())
    data = sql.encode()
    experiment = interpret_sql(data, "bench", dialect)  # also proves the export imports
    assert len(experiment.tables) == tables, (len(experiment.tables), tables)
    columns = sum(len(t.columns) for t in experiment.tables)
    del experiment
    dry = _median(lambda: interpret_sql(data, "bench", dialect), runs)
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(10**6))

        def create() -> None:
            store = SQLiteStore(Path(folder) / f"db{next(counter)}.sqlite")
            store.create_experiment(interpret_sql(data, "bench", dialect))

        created = _median(create, runs)
    mib_s = size / MIB
    return {"dialect": dialect, "mib": mib, "bytes": size, "tables": tables,
            "columns": columns,
            "dry_run_s": round(dry[0], 3), "dry_run_mib_s": round(mib_s / dry[0], 2),
            "dry_run_cpu_mib_s": round(mib_s / dry[1], 2),
            "create_s": round(created[0], 3), "create_mib_s": round(mib_s / created[0], 2),
            "create_cpu_mib_s": round(mib_s / created[1], 2), "runs": runs}


def profile(dialect: str, mib: float) -> None:
    from dwsim.experiments import interpret_sql

    data = generate(dialect, int(mib * MIB))[0].encode()
    profiler = cProfile.Profile()
    profiler.runcall(interpret_sql, data, "bench", dialect)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,5,10", help="MiB, comma-separated")
    parser.add_argument("--dialects", default="redshift,snowflake,postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", metavar="DIALECT:MIB", help="cProfile one dry run instead")
    parser.add_argument("--write", metavar="DIALECT:MIB:FILE", help="write one export to FILE")
    args = parser.parse_args()
    if args.profile:
        dialect, mib = args.profile.split(":")
        profile(dialect, float(mib))
        return
    if args.write:
        dialect, mib, path = args.write.split(":", 2)
        Path(path).write_text(generate(dialect, int(float(mib) * MIB))[0])
        return
    results = [measure(d, float(s), args.runs) for s in args.sizes.split(",")
               for d in args.dialects.split(",")]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'dialect':<10} {'MiB':>4} {'tables':>6} {'columns':>7} {'dry-run s':>9} "
          f"{'MiB/s':>6} {'(CPU)':>6} {'create s':>8} {'MiB/s':>6} {'(CPU)':>6}"
          f"   (medians of {args.runs}; CPU: MiB per CPU second)")
    for r in results:
        print(f"{r['dialect']:<10} {r['mib']:>4g} {r['tables']:>6} {r['columns']:>7} "
              f"{r['dry_run_s']:>9.2f} {r['dry_run_mib_s']:>6.2f} {r['dry_run_cpu_mib_s']:>6.2f} "
              f"{r['create_s']:>8.2f} {r['create_mib_s']:>6.2f} {r['create_cpu_mib_s']:>6.2f}")


if __name__ == "__main__":
    main()
