"""Engine benchmark (`make bench`): rows/s, Parquet bytes and peak RSS of dw-sim against a
straightforward per-row Faker implementation of the same table, measured in the same run,
plus TPC-H at scale factor 1 through the embedded executor.

Machines here are shared and noisy: every figure is the median of several repetitions, and
the comparison is a ratio of two measurements taken minutes apart on the same machine.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reference import CUSTOMERS, reference_experiment  # noqa: E402

TPCH_SF1 = {"region": 5, "nation": 25, "supplier": 10_000, "customer": 150_000, "part": 200_000,
            "partsupp": 800_000, "orders": 1_500_000, "lineitem": 6_000_000}


def dwsim_once(rows: int, seed: int) -> tuple[float, int]:
    """Seconds to generate the reference table's rows and write them as one Parquet part."""
    from dwsim.engine.generator import Generator
    from dwsim.engine.parquet import to_parquet

    table = Generator(reference_experiment(rows), seed).table("orders")
    started = time.perf_counter()
    data = to_parquet(table.generate(0, rows))
    return time.perf_counter() - started, len(data)


def faker_once(rows: int, seed: int) -> tuple[float, int]:
    """The per-row way: one Faker call per value, rows as dicts, then Parquet."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    started = time.perf_counter()
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
    return time.perf_counter() - started, sink.tell()


def peak_rss_mb(rows: int) -> float:
    """Peak RSS of a fresh process that generates and writes one batch of `rows`."""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import resource; "
            f"from engine_bench import dwsim_once; dwsim_once({rows}, 1); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024  # Linux reports KiB


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000,
                        help="rows for the per-row Faker baseline (its rate is per row)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tpch-repeat", type=int, default=3)
    parser.add_argument("--tpch-batch-rows", type=int, default=500_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    dwsim_once(10_000, 0)  # warm: imports and Faker pools, which every process pays once
    dwsim_runs = [dwsim_once(args.rows, seed) for seed in range(args.repeat)]
    faker_runs = [faker_once(args.baseline_rows, seed) for seed in range(max(3, args.repeat // 2))]
    dwsim_rate = statistics.median(args.rows / s for s, _ in dwsim_runs)
    faker_rate = statistics.median(args.baseline_rows / s for s, _ in faker_runs)
    rss = peak_rss_mb(args.rows)
    tpch = [tpch_once(2, args.tpch_batch_rows) for _ in range(args.tpch_repeat)]
    result = {
        "reference_rows": args.rows,
        "dwsim_rows_per_s_median": round(dwsim_rate),
        "dwsim_parquet_bytes": dwsim_runs[0][1],
        "dwsim_peak_rss_mb": round(rss, 1),
        "faker_rows": args.baseline_rows,
        "faker_rows_per_s_median": round(faker_rate),
        "faker_parquet_bytes_per_row": round(faker_runs[0][1] / args.baseline_rows, 1),
        "speedup_vs_faker": round(dwsim_rate / faker_rate, 1),
        "tpch_sf1_rows": sum(TPCH_SF1.values()),
        "tpch_sf1_seconds_2_workers_median": round(statistics.median(tpch), 2),
        "tpch_sf1_seconds_all": [round(t, 2) for t in tpch],
        "cpu_count": __import__("os").cpu_count(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"reference table 'orders', {args.rows:,} rows, one worker, median of {args.repeat}:")
    print(f"  dw-sim            {dwsim_rate:>12,.0f} rows/s   {dwsim_runs[0][1]:,} Parquet bytes   "
          f"peak RSS {rss:,.0f} MB")
    print(f"  per-row Faker     {faker_rate:>12,.0f} rows/s   (on {args.baseline_rows:,} rows)")
    print(f"  ratio             {dwsim_rate / faker_rate:>12,.1f}x")
    print(f"TPC-H SF1 ({sum(TPCH_SF1.values()):,} rows), 2 workers, median of {args.tpch_repeat}: "
          f"{statistics.median(tpch):.2f} s  (all: {', '.join(f'{t:.2f}' for t in tpch)})")


if __name__ == "__main__":
    main()
