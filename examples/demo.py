"""`make demo`: the main job on the embedded default (SQLite + a local folder, no AWS).

Imports the TPC-H Redshift DDL, generates about a million rows across its eight tables with
two workers, prints rows per table, rows per second, the output folder and the load SQL,
then reads the Parquet back to prove integrity: exact counts, 0 duplicate keys, 0 orphans.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from dwsim.composition import build_services, services_factory
from dwsim.errors import NotFound
from dwsim.executors.local import execute
from dwsim.experiments import delete_experiment, interpret_sql
from dwsim.runs import lifecycle
from dwsim.runs.steps import run_snapshot
from dwsim.runs.verify import verify_run
from dwsim.settings import get_settings

HERE = Path(__file__).resolve().parent
NAME = "tpch-demo"
# TPC-H's own proportions at a tenth of scale factor 1: 866,030 rows.
ROWS = {"region": 5, "nation": 25, "supplier": 1_000, "customer": 15_000, "part": 20_000,
        "partsupp": 80_000, "orders": 150_000, "lineitem": 600_000}


def main() -> int:
    settings = get_settings()
    services = build_services(settings)
    print(f"dw-sim demo: embedded default under {settings.home.resolve()}\n")
    try:
        delete_experiment(services.store, services.objects, NAME)  # start clean
    except NotFound:
        pass  # a first run has nothing to delete
    experiment = interpret_sql((HERE / "tpch_redshift.sql").read_bytes(), NAME, "redshift", ROWS)
    services.store.create_experiment(experiment)
    keys = sum(1 for t in experiment.tables for _ in t.foreign_keys)
    print(f"1. Imported examples/tpch_redshift.sql: {len(experiment.tables)} tables, "
          f"{keys} foreign keys, composite keys on lineitem and partsupp "
          f"({len(experiment.warnings)} warnings: skipped non-table statements)")

    run = lifecycle.start_run(services, NAME, seed=2026)
    print(f"2. Generating {experiment.total_rows:,} rows with 2 workers (run {run.run_id}, seed 2026)")
    started = time.perf_counter()
    final = execute(services_factory(settings), NAME, run.run_id, workers=2)
    elapsed = time.perf_counter() - started
    if final.status.value != "COMPLETED":
        print(f"run {final.status.value}: {final.error}\n{final.traceback}", file=sys.stderr)
        return 1
    print(f"   {final.status.value} in {elapsed:.2f}s: {experiment.total_rows / elapsed:,.0f} rows/s\n")
    print(f"   {'table':<10} {'rows':>10} {'files':>6} {'bytes':>12}")
    for table in final.tables:
        print(f"   {table.name:<10} {table.rows:>10,} {len(table.files):>6} {table.bytes:>12,}")
    print(f"\n3. Output folder: {final.output}")
    print("   Load SQL for lineitem (every table's is in load.sql there):\n")
    statements = [s.strip() for s in final.load_sql.split(";") if "lineitem" in s]
    for statement in statements[:2]:
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        print("   " + body.replace("\n", "\n   ") + ";")
    print()

    report = verify_run(services.objects, run_snapshot(services, NAME, run.run_id), final)
    duplicates = sum(c.failures for c in report.checks if c.kind == "key")
    orphans = sum(c.failures for c in report.checks if c.kind == "foreign_key")
    miscounts = sum(c.failures for c in report.checks if c.kind == "rows")
    print("4. Integrity, read back from the Parquet files:")
    print(f"   {sum(c.kind == 'rows' for c in report.checks)} tables with exact row counts "
          f"(off by {miscounts})")
    print(f"   {sum(c.kind == 'key' for c in report.checks)} keys checked: {duplicates} duplicate keys")
    print(f"   {sum(c.kind == 'foreign_key' for c in report.checks)} foreign keys checked: "
          f"{orphans} orphan foreign keys")
    print("   " + ("PASS" if report.ok else "FAIL: " + json.dumps(report.to_dict())))
    home = os.fspath(settings.home)
    print(f"\nNext: open the web UI on this store with `.venv/bin/dw-sim serve --home {home}` "
          f"(http://127.0.0.1:8000/), or `.venv/bin/dw-sim runs list {NAME} --home {home}`.")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
