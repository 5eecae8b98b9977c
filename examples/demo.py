"""`make demo`: the main job on the embedded default (SQLite + a local folder, no AWS).

Imports the TPC-H Redshift DDL, shows how dw-sim understood it, and stores it as an experiment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dwsim.cli import main as dw_sim

HERE = Path(__file__).resolve().parent
NAME = "tpch-demo"
# TPC-H's own proportions at about a tenth of scale factor 1 in total.
ROWS = ["region=5", "nation=25", "supplier=1000", "customer=15000", "part=20000",
        "partsupp=80000", "orders=150000", "lineitem=600000"]


def run(*argv: str) -> int:
    print(f"\n$ dw-sim {' '.join(argv)}", flush=True)
    return dw_sim(list(argv))


def main() -> int:
    print(f"dw-sim demo (store: {os.environ.get('DWSIM_HOME', '.dwsim')})")
    run("experiment", "delete", NAME)  # start clean; "not found" on a first run is expected
    rows = [arg for row in ROWS for arg in ("--rows", row)]
    code = run("experiment", "import-sql", str(HERE / "tpch_redshift.sql"), "--name", NAME,
               "--dialect", "redshift", *rows)
    if code:
        return code
    return run("experiment", "list")


if __name__ == "__main__":
    sys.exit(main())
