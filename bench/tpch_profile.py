"""What TPC-H data from dw-sim looks like: generate TPC-H at 600,000 lineitems (150,000
orders, scale factor 0.1) through the embedded executor, read the Parquet parts back and
print the figures a reviewer checks for fidelity:

- lines per order (histogram of 1..7, as TPC-H's dbgen draws them uniformly);
- the largest customer's share of the orders;
- distinct names, addresses, phones and e-mails of customers and suppliers;
- the NULL share of every nullable column.

Usage: python bench/tpch_profile.py [--seed N] [--workers N] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
SF01 = {"region": 5, "nation": 25, "supplier": 1_000, "customer": 15_000, "part": 20_000,
        "partsupp": 80_000, "orders": 150_000, "lineitem": 600_000}
PEOPLE = ("name", "address", "phone", "email")  # column name endings counted per table


def generate(home: str, seed: int, workers: int) -> tuple[Path, dict]:
    """Run the example DDL through the embedded executor; the run's folder and experiment."""
    from dwsim.composition import build_services, services_factory
    from dwsim.executors.local import execute
    from dwsim.experiments import interpret_sql
    from dwsim.runs import lifecycle
    from dwsim.runs.layout import run_prefix
    from dwsim.settings import Settings

    settings = Settings(home=home)
    services = build_services(settings)
    experiment = interpret_sql((HERE.parent / "examples" / "tpch_redshift.sql").read_bytes(),
                               "tpch", "redshift", SF01)
    services.store.create_experiment(experiment)
    run = lifecycle.start_run(services, "tpch", seed=seed, batch_rows=200_000)
    final = execute(services_factory(settings), "tpch", run.run_id, workers=workers)
    if final.status.value != "COMPLETED":
        raise SystemExit(f"TPC-H run {final.status.value}: {final.error}")
    folder = next(p for p in Path(home).rglob("_plan")
                  if run_prefix("tpch", run.run_id) in str(p)).parent
    return folder, experiment


def read(folder: Path, table: str) -> pa.Table:
    parts = sorted((folder / table).glob("part-*.parquet"))
    return pa.concat_tables([pq.read_table(p) for p in parts])


def profile(folder: Path, experiment) -> dict:
    tables = {t.name: read(folder, t.name) for t in experiment.tables}
    out: dict = {"rows": {name: t.num_rows for name, t in tables.items()}}

    per_order = pc.value_counts(tables["lineitem"]["l_orderkey"]).field("counts")
    histogram = pc.value_counts(per_order).to_pylist()
    out["lines_per_order"] = {str(v["values"]): v["counts"]
                              for v in sorted(histogram, key=lambda v: v["values"])}
    out["orders_with_lines"] = len(per_order)
    counts = pc.value_counts(tables["orders"]["o_custkey"]).field("counts")
    out["largest_customer_share_of_orders"] = round(pc.max(counts).as_py() / tables["orders"].num_rows, 5)
    out["customers_with_orders"] = len(counts)

    distinct: dict[str, dict] = {}
    for name in ("customer", "supplier"):
        table = tables[name]
        for column in table.column_names:
            if column.split("_", 1)[-1] in PEOPLE:
                distinct[column] = {"distinct": pc.count_distinct(table[column]).as_py(),
                                    "rows": table.num_rows}
    out["distinct_people_columns"] = distinct

    nullable = {}
    for table in experiment.tables:
        for column in table.columns:
            if not column.required:
                data = tables[table.name][column.name]
                nullable[f"{table.name}.{column.name}"] = round(data.null_count / max(len(data), 1), 4)
    out["null_share_of_nullable_columns"] = nullable
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        folder, experiment = generate(home, args.seed, args.workers)
        result = profile(folder, experiment)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in result["rows"].items()))
    total = result["orders_with_lines"]
    print(f"lines per order ({total:,} orders with lines):")
    for lines, orders in result["lines_per_order"].items():
        print(f"  {lines:>2} lines: {orders:>7,} orders  {orders / total:6.1%}")
    print(f"largest customer: {result['largest_customer_share_of_orders']:.3%} of orders "
          f"({result['customers_with_orders']:,} customers have orders)")
    print("distinct values:")
    for column, figures in result["distinct_people_columns"].items():
        print(f"  {column:<12} {figures['distinct']:>7,} of {figures['rows']:,} rows")
    nullable = result["null_share_of_nullable_columns"]
    print("NULL share of nullable columns: "
          + (", ".join(f"{k} {v:.1%}" for k, v in nullable.items()) or
             "none (every TPC-H column is NOT NULL)"))


if __name__ == "__main__":
    main()
