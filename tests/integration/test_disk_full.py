"""A run whose writes fail for lack of space ends FAILED with the error, and its claim is
released. The failing writes are real: the CLI runs under RLIMIT_FSIZE, so every write past
that size fails in the kernel (EFBIG, as ENOSPC would on a full disk) while the small
metadata store still fits."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

LIMIT = 1 << 20  # bytes: far above the SQLite store's writes, far below one Parquet part
SCHEMA = {"name": "full", "tables": [{"name": "t", "target_rows": 1000, "columns": [
    {"name": "id", "data_type": "INT", "is_unique": True},
    {"name": "v", "data_type": "VARCHAR", "varchar_length": 40}]}]}


def cli(home, *args: str, limit: int | None = None) -> subprocess.CompletedProcess:
    def limited() -> None:  # in the child, before exec; the batch workers inherit it
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "dwsim.cli", "--home", str(home), "--json", *args],
                          capture_output=True, text=True, timeout=300, env=os.environ,
                          preexec_fn=limited if limit else None)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_run_that_cannot_write_its_parts_ends_failed_and_frees_the_experiment(tmp_path, workers):
    home = tmp_path / "home"
    schema = tmp_path / "full.json"
    schema.write_text(json.dumps(SCHEMA))
    assert cli(home, "experiment", "create", str(schema)).returncode == 0

    starved = cli(home, "experiment", "generate", "full", "--rows", "t=500000", "--wait",
                  "--workers", workers, limit=LIMIT)
    assert starved.returncode != 0
    runs = json.loads(cli(home, "runs", "list", "full").stdout)["runs"]
    assert len(runs) == 1 and runs[0]["status"] == "FAILED"
    failed = json.loads(cli(home, "runs", "show", "full", runs[0]["run_id"]).stdout)
    print(f"workers {workers}: {failed['error']}")
    assert "File too large" in failed["error"] and "OSError" in failed["error"]
    assert not list(home.rglob("part-*.parquet")) and not list(home.rglob(".part-*"))

    # The claim is released: the next run, with room to write, completes.
    done = cli(home, "experiment", "generate", "full", "--rows", "t=1000", "--wait")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "COMPLETED"


# Starts a run, then lets this process write nothing at all (the SQLite store included, as on
# a disk with no byte left) and executes it: recording FAILED fails too.
NO_ROOM_AT_ALL = """
import resource, sys
from dwsim.composition import build_services
from dwsim.executors import local
from dwsim.runs.lifecycle import start_run
from dwsim.settings import Settings

services = build_services(Settings(home=sys.argv[1]))
run = start_run(services, "full", {"t": 1000}, seed=1)
print(run.run_id, flush=True)
local.RECORD_RETRY_SECONDS = 1.0
resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
local.execute(lambda: services, "full", run.run_id)
"""


def test_a_failure_the_store_cannot_record_is_left_to_runs_recover(tmp_path):
    home = tmp_path / "home"
    schema = tmp_path / "full.json"
    schema.write_text(json.dumps(SCHEMA))
    assert cli(home, "experiment", "create", str(schema)).returncode == 0

    crashed = subprocess.run([sys.executable, "-c", NO_ROOM_AT_ALL, str(home)],
                             capture_output=True, text=True, timeout=120, env=os.environ)
    run_id = crashed.stdout.split()[0]
    print(crashed.stderr.strip().splitlines()[-1])
    assert crashed.returncode != 0
    assert f"dw-sim: run {run_id} failed (" in crashed.stderr
    assert "could not be recorded as FAILED" in crashed.stderr
    assert "dw-sim runs recover full" in crashed.stderr
    assert json.loads(cli(home, "runs", "show", "full", run_id).stdout)["status"] == "RUNNING"

    recovered = cli(home, "runs", "recover", "full")
    assert recovered.returncode == 0, recovered.stderr
    assert json.loads(cli(home, "runs", "show", "full", run_id).stdout)["status"] == "FAILED"
    done = cli(home, "experiment", "generate", "full", "--wait")
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "COMPLETED"
