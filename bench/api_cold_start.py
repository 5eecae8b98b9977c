"""Cold start of the API function: how long importing its handler takes in a fresh process,
and which heavy packages that import pulls in (the median of several fresh processes).

    python bench/api_cold_start.py [--runs 5] [--json]

Each run is a new interpreter that imports `functions/api/app.py` as the Lambda runtime does
(the function's folder and the core layer on sys.path) and reports the time of that import
alone, so interpreter start-up is left out. The machine is shared and noisy: read the median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pyarrow", "faker", "sqlglot", "boto3")
PROBE = f"""
import json, sys, time
started = time.perf_counter()
import app
elapsed = time.perf_counter() - started
print(json.dumps({{"seconds": elapsed, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def one_run() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "layers" / "core"),
           "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT / "functions" / "api", env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    one_run()  # warm the disk cache and the bytecode of the first run
    results = [one_run() for _ in range(args.runs)]
    seconds = [r["seconds"] for r in results]
    summary = {"runs": args.runs, "median_seconds": round(statistics.median(seconds), 4),
               "all_seconds": [round(s, 4) for s in seconds], "loaded": results[0]["loaded"]}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"API handler import, median of {args.runs} fresh processes: "
              f"{summary['median_seconds'] * 1000:.0f} ms "
              f"({', '.join(f'{s * 1000:.0f}' for s in seconds)} ms); heavy packages loaded: "
              f"{', '.join(summary['loaded']) or 'none'}")


if __name__ == "__main__":
    main()
