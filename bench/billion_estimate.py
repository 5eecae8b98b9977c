"""What a 1-billion-row TPC-H run costs on the deployed stack, from measured batch speed.

Imports examples/tpch_redshift.sql with TPC-H proportions scaled to 1,000,000,000 rows in all,
splits it into batches exactly as the plan step does (width-adaptive rows per batch), then
measures on this machine how long one batch of each table takes to generate and encode as
Parquet (the batch Lambda's work but the S3 PUT), at the far end of the table's row range.
The estimate multiplies those by the batch counts and spreads them over the Map's concurrency,
with the template's defaults and list prices stated below (us-east-1, arm64; change them with
the flags). Measured figures are medians; the machine is shared, so read them as an order of
magnitude, not a promise.

    python bench/billion_estimate.py [--rows 1e9] [--concurrency 100] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

TPCH_SF1 = {"region": 5, "nation": 25, "supplier": 10_000, "customer": 150_000, "part": 200_000,
            "partsupp": 800_000, "orders": 1_500_000, "lineitem": 6_000_000}

# The template's defaults (template.yaml) and list prices (us-east-1, arm64, 2026).
BATCH_MEMORY_GB = 3008 / 1024
LAMBDA_GB_SECOND = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1_000_000
STATE_TRANSITION = 0.025 / 1000  # STANDARD child executions of the Distributed Map
TRANSITIONS_PER_BATCH = 3  # child start, Batch task, child end
S3_PUT = 0.005 / 1000
S3_GB_MONTH = 0.023
PUT_MB_PER_SECOND = 80  # one Lambda's sustained PutObject throughput (conservative)
BATCH_OVERHEAD_SECONDS = 0.5  # child execution start, invocation, run-record update
COLD_START_SECONDS = 4.0  # per container: the runtime and its numpy/pyarrow/Faker imports


def scaled_rows(total: int) -> dict[str, int]:
    factor = total / sum(TPCH_SF1.values())
    rows = {t: max(1, round(n * factor)) for t, n in TPCH_SF1.items()}
    rows["region"], rows["nation"] = 5, 25  # fixed-size dimensions
    rows["lineitem"] += total - sum(rows.values())  # exact total
    return rows


def measure(total: int, repeat: int) -> tuple[dict, dict]:
    from dwsim.engine.generator import Generator
    from dwsim.engine.parquet import to_parquet
    from dwsim.experiments import interpret_sql
    from dwsim.runs.batches import DEFAULT_BATCH_ROWS, table_batch_rows

    sql = (HERE.parent / "examples" / "tpch_redshift.sql").read_bytes()
    experiment = interpret_sql(sql, "tpch", "redshift", scaled_rows(total))
    generator = Generator(experiment, seed=42)
    per_table = {}
    for table in experiment.tables:
        size = table_batch_rows(table, DEFAULT_BATCH_ROWS)
        count = min(size, table.target_rows)
        start = table.target_rows - count  # the far end: offsets, keys and parents at full scale
        rows = generator.table(table.name)
        rows.generate(start, min(count, 1000))  # pools and caches, as a warm Lambda has them
        seconds, sizes = [], []
        for _ in range(repeat):
            began = time.perf_counter()
            data = to_parquet(rows.generate(start, count))
            seconds.append(time.perf_counter() - began)
            sizes.append(len(data))
        per_table[table.name] = {
            "rows": table.target_rows, "batch_rows": size,
            "batches": -(-table.target_rows // size), "measured_rows": count,  # one full batch
            "seconds": statistics.median(seconds), "bytes": statistics.median(sizes)}
    return per_table, {t.name: t.target_rows for t in experiment.tables}


def estimate(per_table: dict, concurrency: int) -> dict:
    batches = lambda_seconds = stored_bytes = 0.0
    for t in per_table.values():
        full = t["rows"] / t["measured_rows"]  # the table's rows over the rows measured
        generate = t["seconds"] * full
        upload = t["bytes"] * full / (PUT_MB_PER_SECOND * 1e6)
        batches += t["batches"]
        lambda_seconds += generate + upload + t["batches"] * BATCH_OVERHEAD_SECONDS
        stored_bytes += t["bytes"] * full
    lambda_seconds += concurrency * COLD_START_SECONDS
    longest = max(t["seconds"] + t["bytes"] / (PUT_MB_PER_SECOND * 1e6) for t in per_table.values())
    wall = max(lambda_seconds / concurrency, longest) + 60  # + plan, finalize, Map start-up
    cost = {
        "lambda_compute": lambda_seconds * BATCH_MEMORY_GB * LAMBDA_GB_SECOND,
        "lambda_requests": batches * LAMBDA_REQUEST,
        "step_functions": batches * TRANSITIONS_PER_BATCH * STATE_TRANSITION,
        "s3_puts": batches * S3_PUT,
        "s3_storage_per_month": stored_bytes / 1e9 * S3_GB_MONTH,
    }
    return {"batches": int(batches), "lambda_seconds": lambda_seconds, "wall_seconds": wall,
            "parquet_gb": stored_bytes / 1e9, "cost_usd": cost,
            "cost_usd_total_run": sum(v for k, v in cost.items() if k != "s3_storage_per_month")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e9)
    parser.add_argument("--concurrency", type=int, default=100, help="the MaxConcurrency parameter")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    per_table, _ = measure(int(args.rows), args.repeat)
    result = {"per_table": per_table, "estimate": estimate(per_table, args.concurrency),
              "concurrency": args.concurrency}
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return
    print(f"{'table':10} {'rows':>14} {'batch rows':>11} {'batches':>8} {'s/batch':>8} {'MB/batch':>9}")
    for name, t in per_table.items():
        print(f"{name:10} {t['rows']:>14,} {t['batch_rows']:>11,} {t['batches']:>8,} "
              f"{t['seconds']:>8.2f} {t['bytes'] / 1e6:>9.1f}")
    e = result["estimate"]
    print(f"\n{e['batches']:,} batches, {e['lambda_seconds']:,.0f} Lambda-seconds, "
          f"{e['parquet_gb']:.1f} GB of Parquet")
    print(f"wall clock at concurrency {args.concurrency}: ~{e['wall_seconds'] / 60:.1f} min")
    for item, usd in e["cost_usd"].items():
        print(f"  {item:22} ${usd:,.2f}")
    print(f"  {'run total':22} ${e['cost_usd_total_run']:,.2f} (+ storage per month)")


if __name__ == "__main__":
    main()
