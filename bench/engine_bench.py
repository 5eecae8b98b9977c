"""Engine benchmark (`make bench`): rows/s, Parquet bytes and peak RSS of dw-sim against DuckDB
generating the same table in SQL on one thread and a straightforward per-row Faker
implementation of it, measured in the same run, plus TPC-H at scale factor 1 through the
embedded executor.

Each side builds its vocabularies (dw-sim's Faker pools, DuckDB's Faker lists) once per seed
before the clock starts, as a worker does once per process; that setup is timed apart and
reported. The clock covers generating the rows and writing one snappy Parquet file.

Machines here are shared and noisy: every figure is the median of several repetitions, dw-sim
and DuckDB alternate run by run, and the comparisons are ratios of measurements taken in the
same run on the same machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reference import CUSTOMERS, reference_experiment  # noqa: E402

TPCH_SF1 = {"region": 5, "nation": 25, "supplier": 10_000, "customer": 150_000, "part": 200_000,
            "partsupp": 800_000, "orders": 1_500_000, "lineitem": 6_000_000}


class Run(NamedTuple):
    seconds: float  # on the clock: generate the rows and write one Parquet file
    bytes: int  # the Parquet file's size
    cpu_seconds: float  # CPU time of the process (all threads) over the same span
    setup_seconds: float  # off the clock, paid first: vocabularies for this seed


def dwsim_once(rows: int, seed: int) -> Run:
    """Generate the reference table's rows and write them as one Parquet part. The first row
    is generated off the clock: it fills the seed's Faker pools (cached per process)."""
    from dwsim.engine.generator import Generator
    from dwsim.engine.parquet import to_parquet

    setup = time.perf_counter()
    table = Generator(reference_experiment(rows), seed).table("orders")
    table.generate(0, min(rows, 1))
    setup = time.perf_counter() - setup
    started, cpu = time.perf_counter(), time.process_time()
    data = to_parquet(table.generate(0, rows))
    return Run(time.perf_counter() - started, len(data), time.process_time() - cpu, setup)


# -- DuckDB: the same table in SQL, on one thread ------------------------------------------------
TS_START, TS_SPAN = "2020-01-01", 189_302_400  # seconds in 2020-01-01 .. 2025-12-31 23:59:59
DATE_START, DATE_SPAN = "2020-01-01", 2_192  # days in 2020-01-01 .. 2025-12-31


def duckdb_lists(seed: int) -> dict[str, list[str]]:
    """Faker vocabularies of the size dw-sim samples (a pool of 1,024 values per column, with
    Faker's repeats; 16 e-mail domains), clipped to the columns' lengths."""
    from faker import Faker

    from dwsim.engine.pools import DEFAULT_POOL_SIZE

    fake = Faker("en_US")
    fake.seed_instance(seed)
    first = [fake.first_name()[:50] for _ in range(DEFAULT_POOL_SIZE)]
    last = [fake.last_name()[:50] for _ in range(DEFAULT_POOL_SIZE)]
    return {
        "first_name": first,
        "last_name": last,
        "first_lower": [name.lower() for name in first],
        "last_lower": [name.lower() for name in last],
        "domain": ["@" + fake.free_email_domain() for _ in range(max(8, DEFAULT_POOL_SIZE // 64))],
        "city": [fake.city()[:60] for _ in range(DEFAULT_POOL_SIZE)],
        "note": [fake.sentence()[:200] for _ in range(DEFAULT_POOL_SIZE)],
    }


def duckdb_sql(rows: int, lists: dict[str, list[str]]) -> str:
    """The reference table as one SELECT over range() and a one-row table `lists` of VARCHAR[]
    columns. Null ratios are the prepared schema's (stated or inferred from column names)."""
    columns = {c.name: c for c in reference_experiment(rows).table("orders").columns}

    def nullable(name: str, expr: str) -> str:
        ratio = columns[name].null_ratio
        return f"CASE WHEN random() < {ratio} THEN NULL ELSE {expr} END" if ratio else expr

    def pick(name: str) -> str:
        return f"l.{name}[1 + floor(random() * {len(lists[name])})::INTEGER]"

    values = {
        "id": "r.id",
        "customer_id": "r.customer_id",
        "first_name": "l.first_name[r.fi]",
        "last_name": "l.last_name[r.li]",
        "email": "l.first_lower[r.fi] || '.' || l.last_lower[r.li] || '.' || r.id || l.domain[r.di]",
        "city": pick("city"),
        "amount": "(floor(pow(random(), 3) * 1000001) / 100)::DECIMAL(12,2)",  # dw-sim's u**3 skew
        "created_at": f"TIMESTAMP '{TS_START}' + to_seconds(floor(random() * {TS_SPAN})::BIGINT)",
        "order_date": f"DATE '{DATE_START}' + floor(random() * {DATE_SPAN})::INTEGER",
        "is_active": "random() < 0.5",
        "note": pick("note"),
    }
    select = ",\n       ".join(f"{nullable(name, values[name])} AS {name}" for name in columns)
    return (f"SELECT {select}\n"
            f"FROM (SELECT i AS id, (1 + floor(random() * {CUSTOMERS}))::INTEGER AS customer_id,\n"
            f"             1 + floor(random() * {len(lists['first_name'])})::INTEGER AS fi,\n"
            f"             1 + floor(random() * {len(lists['last_name'])})::INTEGER AS li,\n"
            f"             1 + floor(random() * {len(lists['domain'])})::INTEGER AS di\n"
            f"      FROM range(1, {rows} + 1) t(i)) r, lists l")


def duckdb_once(rows: int, seed: int) -> Run:
    """DuckDB on one thread: the reference table in SQL, COPY to one snappy Parquet file.
    Off the clock: the Faker lists, the connection and the one-row table holding the lists."""
    try:
        import duckdb
    except ImportError as error:
        raise SystemExit("the benchmark needs DuckDB: pip install -e '.[dev]'") from error

    setup = time.perf_counter()
    lists = duckdb_lists(seed)
    con = duckdb.connect()
    try:
        con.execute("SET threads = 1")
        names = list(lists)
        con.execute("CREATE TEMP TABLE lists AS SELECT "
                    + ", ".join(f"?::VARCHAR[] AS {name}" for name in names),
                    [lists[name] for name in names])
        sql = duckdb_sql(rows, lists)
        con.execute("SELECT setseed(?)", [(seed % 1000) / 1000])
        setup = time.perf_counter() - setup
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "orders.parquet"
            started, cpu = time.perf_counter(), time.process_time()
            con.execute(f"COPY ({sql}) TO '{path}' (FORMAT PARQUET, COMPRESSION SNAPPY)")
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            return Run(elapsed, path.stat().st_size, cpu, setup)
    finally:
        con.close()


def faker_once(rows: int, seed: int) -> Run:
    """The per-row way: one Faker call per value, rows as dicts, then Parquet."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    started, cpu = time.perf_counter(), time.process_time()
    records = []
    for i in range(rows):
        records.append({
            "id": i + 1,
            "customer_id": rng.randint(1, CUSTOMERS),
            "first_name": fake.first_name(),
            "last_name": fake.last_name(),
            "email": fake.unique.email(),
            "city": fake.city(),
            "amount": Decimal(rng.randint(0, 1_000_000)) / 100,
            "created_at": fake.date_time_between("-6y", "now"),
            "order_date": fake.date_between("-6y", "today"),
            "is_active": fake.boolean(),
            "note": fake.sentence() if rng.random() >= 0.2 else None,
        })
    table = pa.Table.from_pylist(records)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="snappy")
    return Run(time.perf_counter() - started, sink.tell(), time.process_time() - cpu, 0.0)


def peak_rss_mb(rows: int) -> float:
    """Peak RSS of a fresh process that generates and writes one batch of `rows`: VmHWM, the
    high-water mark of the process's own memory. (getrusage's ru_maxrss would not do: Linux
    carries it over from the parent through fork and exec, so a benchmark that has grown past
    the child's peak reports its own size.)"""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); "
            f"from engine_bench import dwsim_once; dwsim_once({rows}, 1); "
            "print(next(line.split()[1] for line in open('/proc/self/status') "
            "if line.startswith('VmHWM:')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024  # kB


def tpch_once(workers: int, batch_rows: int) -> float:
    from dwsim.composition import build_services, services_factory
    from dwsim.executors.local import execute
    from dwsim.experiments import interpret_sql
    from dwsim.runs import lifecycle
    from dwsim.settings import Settings

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=home)
        services = build_services(settings)
        sql = (HERE.parent / "examples" / "tpch_redshift.sql").read_bytes()
        services.store.create_experiment(interpret_sql(sql, "tpch", "redshift", TPCH_SF1))
        run = lifecycle.start_run(services, "tpch", seed=1, batch_rows=batch_rows)
        started = time.perf_counter()
        final = execute(services_factory(settings), "tpch", run.run_id, workers=workers)
        elapsed = time.perf_counter() - started
        if final.status.value != "COMPLETED":
            raise SystemExit(f"TPC-H run {final.status.value}: {final.error}")
        return elapsed


def median_rate(rows: int, runs: list[Run], setup: bool = False) -> float:
    return statistics.median(rows / (r.seconds + (r.setup_seconds if setup else 0)) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000,
                        help="rows for the per-row Faker baseline (its rate is per row)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tpch-repeat", type=int, default=3)
    parser.add_argument("--tpch-batch-rows", type=int, default=500_000)
    parser.add_argument("--skip-tpch", action="store_true", help="leave out TPC-H SF1")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = args.rows

    dwsim_once(10_000, 0)  # warm: imports, which every process pays once
    duckdb_once(10_000, 0)
    import duckdb
    dwsim_runs: list[Run] = []
    duckdb_runs: list[Run] = []
    for seed in range(1, args.repeat + 1):  # alternate, so both see the same machine
        dwsim_runs.append(dwsim_once(rows, seed))
        duckdb_runs.append(duckdb_once(rows, seed))
    faker_runs = [faker_once(args.baseline_rows, seed) for seed in range(max(3, args.repeat // 2))]
    dwsim_rate, duckdb_rate = median_rate(rows, dwsim_runs), median_rate(rows, duckdb_runs)
    faker_rate = median_rate(args.baseline_rows, faker_runs)
    dwsim_cold, duckdb_cold = median_rate(rows, dwsim_runs, True), median_rate(rows, duckdb_runs, True)
    rss = peak_rss_mb(rows)
    tpch = [] if args.skip_tpch else [tpch_once(2, args.tpch_batch_rows)
                                      for _ in range(args.tpch_repeat)]

    def cpu_per_wall(runs: list[Run]) -> float:
        return round(statistics.median(r.cpu_seconds / r.seconds for r in runs), 2)

    def per_cpu(runs: list[Run]) -> float:  # rows per CPU second: steadier on a shared machine
        return statistics.median(rows / r.cpu_seconds for r in runs)

    result = {
        "reference_rows": rows,
        "repeat": args.repeat,
        "dwsim_rows_per_s_median": round(dwsim_rate),
        "dwsim_rows_per_s_all": [round(rows / r.seconds) for r in dwsim_runs],
        "dwsim_parquet_bytes": dwsim_runs[0].bytes,
        "dwsim_cpu_per_wall": cpu_per_wall(dwsim_runs),
        "dwsim_setup_seconds_median": round(statistics.median(r.setup_seconds for r in dwsim_runs), 3),
        "dwsim_peak_rss_mb": round(rss, 1),
        "duckdb_version": duckdb.__version__,
        "duckdb_threads": 1,
        "duckdb_rows_per_s_median": round(duckdb_rate),
        "duckdb_rows_per_s_all": [round(rows / r.seconds) for r in duckdb_runs],
        "duckdb_parquet_bytes": duckdb_runs[0].bytes,
        "duckdb_cpu_per_wall": cpu_per_wall(duckdb_runs),
        "duckdb_setup_seconds_median": round(statistics.median(r.setup_seconds for r in duckdb_runs), 3),
        "ratio_vs_duckdb": round(dwsim_rate / duckdb_rate, 2),
        "ratio_vs_duckdb_with_setup": round(dwsim_cold / duckdb_cold, 2),
        "ratio_vs_duckdb_per_cpu_second": round(per_cpu(dwsim_runs) / per_cpu(duckdb_runs), 2),
        "faker_rows": args.baseline_rows,
        "faker_rows_per_s_median": round(faker_rate),
        "faker_parquet_bytes_per_row": round(faker_runs[0].bytes / args.baseline_rows, 1),
        "speedup_vs_faker": round(dwsim_rate / faker_rate, 1),
        "tpch_sf1_rows": sum(TPCH_SF1.values()),
        "tpch_sf1_seconds_2_workers_median": round(statistics.median(tpch), 2) if tpch else None,
        "tpch_sf1_seconds_all": [round(t, 2) for t in tpch],
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"reference table 'orders', {rows:,} rows, one thread each, median of {args.repeat} "
          "(vocabularies built off the clock):")
    print(f"  dw-sim            {dwsim_rate:>12,.0f} rows/s   {dwsim_runs[0].bytes:>12,} Parquet bytes   "
          f"peak RSS {rss:,.0f} MB   CPU/wall {result['dwsim_cpu_per_wall']:.2f}")
    print(f"  DuckDB {duckdb.__version__:<10} {duckdb_rate:>12,.0f} rows/s   "
          f"{duckdb_runs[0].bytes:>12,} Parquet bytes   CPU/wall {result['duckdb_cpu_per_wall']:.2f}")
    print(f"  per-row Faker     {faker_rate:>12,.0f} rows/s   {faker_runs[0].bytes / args.baseline_rows:>12,.1f}"
          f" bytes/row   (on {args.baseline_rows:,} rows)")
    print(f"  dw-sim / DuckDB   {dwsim_rate / duckdb_rate:>12,.2f}x   "
          f"({dwsim_cold / duckdb_cold:.2f}x counting the vocabularies: "
          f"{result['dwsim_setup_seconds_median']:.2f} s vs {result['duckdb_setup_seconds_median']:.2f} s; "
          f"{result['ratio_vs_duckdb_per_cpu_second']:.2f}x per CPU second)")
    print(f"  dw-sim / Faker    {dwsim_rate / faker_rate:>12,.1f}x")
    if tpch:
        print(f"TPC-H SF1 ({sum(TPCH_SF1.values()):,} rows), 2 workers, median of {args.tpch_repeat}: "
              f"{statistics.median(tpch):.2f} s  (all: {', '.join(f'{t:.2f}' for t in tpch)})")


if __name__ == "__main__":
    main()
