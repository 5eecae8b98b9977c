"""`dw-sim experiment generate` and `dw-sim runs ...` against a temporary embedded store."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = ["--rows", "region=5", "--rows", "nation=25", "--rows", "supplier=50", "--rows", "customer=300",
        "--rows", "part=400", "--rows", "partsupp=1600", "--rows", "orders=3000", "--rows", "lineitem=9000"]


@pytest.fixture
def cli(cli):
    """The CLI with a small TPC-H experiment imported."""
    code, _, err = cli("experiment", "import-sql", str(ROOT / "examples" / "tpch_redshift.sql"),
                       "--name", "tpch", "--dialect", "redshift", *ROWS)
    assert code == 0, err
    return cli


def test_generate_wait_json_prints_the_run_record_with_every_file(cli):
    code, out, err = cli("experiment", "generate", "tpch", "--wait", "--json", "--seed", "3",
                         "--batch-rows", "4000", "--workers", "2")
    assert code == 0, err
    run = json.loads(out)
    assert run["status"] == "COMPLETED" and run["seed"] == 3
    tables = {t["name"]: t for t in run["tables"]}
    assert tables["lineitem"]["rows"] == 9000 and len(tables["lineitem"]["files"]) == 3
    assert all(Path(f).is_file() for t in run["tables"] for f in t["files"])
    assert Path(run["output"]).is_dir() and (Path(run["output"]) / "_SUCCESS").is_file()

    code, out, _ = cli("runs", "list", "tpch", "--json")
    assert [r["run_id"] for r in json.loads(out)["runs"]] == [run["run_id"]]
    code, out, _ = cli("runs", "show", "tpch", run["run_id"], "--json")
    assert json.loads(out)["progress"]["rows_done"] == run["progress"]["rows_total"]
    code, out, _ = cli("runs", "verify", "tpch", run["run_id"])
    assert code == 0 and "Integrity: every check passed" in out
    code, _, err = cli("runs", "cancel", "tpch", run["run_id"])
    assert code == 1 and "already COMPLETED" in err


def test_generate_rows_override_and_errors(cli):
    code, out, err = cli("experiment", "generate", "tpch", "--wait", "--json", "--rows", "orders=10",
                         "--rows", "lineitem=20")
    assert code == 0, err
    assert {t["name"]: t["rows"] for t in json.loads(out)["tables"]}["orders"] == 10
    code, _, err = cli("experiment", "generate", "tpch", "--rows", "nosuch=5")
    assert code == 1 and "unknown table(s) in rows: nosuch" in err
    code, _, err = cli("experiment", "generate", "tpch", "--rows", "partsupp=100000")
    assert code == 1 and "partsupp" in err and "distinct values" in err
    code, _, err = cli("experiment", "generate", "ghost", "--wait")
    assert code == 1 and "experiment 'ghost' not found" in err
    code, _, err = cli("experiment", "generate", "tpch", "--batch-rows", "0")
    assert code == 1 and "batch rows" in err
    code, _, err = cli("runs", "show", "tpch", "NOPE")
    assert code == 1 and "run 'NOPE'" in err
    code, out, _ = cli("runs", "list", "tpch", "--json")
    assert len(json.loads(out)["runs"]) == 1, "refused requests leave no run behind"


def test_generate_in_the_background_completes(cli):
    code, out, err = cli("experiment", "generate", "tpch", "--json", "--batch-rows", "500")
    assert code == 0, err
    started = json.loads(out)
    run_id = started["run_id"]
    assert started["status"] == "RUNNING"
    deadline = time.monotonic() + 120
    while True:
        code, out, _ = cli("runs", "show", "tpch", run_id, "--json")
        status = json.loads(out)["status"]
        if status != "RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == "COMPLETED"


def test_delete_removes_runs_and_generated_files(cli, tmp_path):
    code, out, _ = cli("experiment", "generate", "tpch", "--wait", "--json")
    output = Path(json.loads(out)["output"])
    assert output.is_dir()
    code, out, _ = cli("experiment", "delete", "tpch", "--json")
    assert code == 0 and json.loads(out)["objects_removed"] > 8
    assert not output.exists()
    code, _, err = cli("runs", "list", "tpch")
    assert code == 1 and "not found" in err


def test_runs_recover_from_the_cli(cli):
    code, _, err = cli("runs", "recover", "tpch")
    assert code == 1 and "no active run to recover" in err
