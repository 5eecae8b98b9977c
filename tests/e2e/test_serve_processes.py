"""Stopping `dw-sim serve` stops its batch workers: killed (SIGKILL) mid-run, the workers exit
and write nothing more, and `dw-sim runs recover` then frees the experiment for the next run;
stopped (SIGTERM), it marks its run FAILED itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.e2e.conftest import Served, wait_for

SCHEMA = {"name": "long", "tables": [{"name": "t", "target_rows": 60_000_000, "columns": [
    {"name": "id", "data_type": "INT", "is_unique": True},
    {"name": "v", "data_type": "VARCHAR", "varchar_length": 20}]}]}


def call(served, method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(served.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def workers_of(pid: int) -> list[int]:
    """The process-pool workers `pid` spawned (multiprocessing's spawn entry point)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; whoever adopted it reaps it


def parts(home: Path) -> set[str]:
    return {str(p) for p in home.rglob("part-*.parquet")}


def start_long_run(served) -> dict:
    assert call(served, "POST", "/api/experiments", SCHEMA)[0] == 201
    status, run = call(served, "POST", "/api/experiments/long/generate",
                       {"seed": 3, "batch_rows": 100_000})
    assert status == 202, run

    def some_batches_done() -> bool:
        progress = call(served, "GET", f"/api/experiments/long/runs/{run['run_id']}")[1]["progress"]
        return progress["batches_done"] >= 2

    wait_for(some_batches_done, timeout=120)
    return run


def test_a_killed_serve_leaves_no_worker_and_recover_frees_the_experiment(tmp_path):
    home = tmp_path / "home"
    served = Served(home, args=("--workers", "2"))
    try:
        run = start_long_run(served)
        workers = workers_of(served.process.pid)
        assert len(workers) == 2
        served.process.send_signal(signal.SIGKILL)
        served.process.wait(10)
        wait_for(lambda: not any(alive(w) for w in workers), timeout=10)
        written = parts(home)
        time.sleep(2)
        print(f"killed serve: {len(workers)} workers exited, {len(written)} parts, none after")
        assert parts(home) == written and 0 < len(written) < 600
    finally:
        served.stop()

    served = Served(home, args=("--workers", "2"))
    try:
        status, body = call(served, "POST", "/api/experiments/long/generate", {"seed": 4})
        assert status == 409  # the killed run still holds the claim
        recovered = subprocess.run(
            [sys.executable, "-m", "dwsim.cli", "--home", str(home), "--json", "runs", "recover",
             "long"], capture_output=True, text=True, timeout=60, env=os.environ)
        assert recovered.returncode == 0, recovered.stderr
        assert json.loads(recovered.stdout)["run_id"] == run["run_id"]
        status, stale = call(served, "GET", f"/api/experiments/long/runs/{run['run_id']}")
        assert stale["status"] == "FAILED" and "recovered" in stale["error"]
        status, second = call(served, "POST", "/api/experiments/long/generate",
                              {"seed": 4, "rows": {"t": 50_000}})
        assert status == 202, second
        path = f"/api/experiments/long/runs/{second['run_id']}"
        wait_for(lambda: call(served, "GET", path)[1]["status"] != "RUNNING", timeout=120)
        assert call(served, "GET", path)[1]["status"] == "COMPLETED"
    finally:
        served.stop()


def test_a_stopped_serve_fails_its_run_and_its_workers_exit(tmp_path):
    home = tmp_path / "home"
    served = Served(home, args=("--workers", "2"))
    try:
        run = start_long_run(served)
        workers = workers_of(served.process.pid)
        assert len(workers) == 2
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(20) == 0
        wait_for(lambda: not any(alive(w) for w in workers), timeout=10)
    finally:
        served.stop()

    served = Served(home)  # what the stopped server left: a FAILED run and a free experiment
    try:
        status, stopped = call(served, "GET", f"/api/experiments/long/runs/{run['run_id']}")
        assert status == 200 and stopped["status"] == "FAILED", stopped
        assert call(served, "POST", "/api/experiments/long/generate",
                    {"seed": 5, "rows": {"t": 1_000}})[0] == 202
    finally:
        served.stop()
    shown = subprocess.run(
        [sys.executable, "-m", "dwsim.cli", "--home", str(home), "--json", "runs", "show", "long",
         run["run_id"]], capture_output=True, text=True, timeout=60, env=os.environ)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    print(f"stopped serve: run {record['status']}: {record['error']}")
    assert record["status"] == "FAILED" and "serve stopped" in record["error"]
