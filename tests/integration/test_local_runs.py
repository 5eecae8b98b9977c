"""Whole runs on the embedded default: plan → batches (process pool) → finalize, read back."""

from __future__ import annotations

import io
import json
import socket
import threading
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dwsim.composition import build_services, services_factory
from dwsim.errors import Conflict, InvalidInput, NotFound, RunActive, SchemaInvalid
from dwsim.executors.local import execute
from dwsim.metadata.records import RunStatus
from dwsim.runs import lifecycle
from dwsim.runs.files import with_files
from dwsim.schema.validate import prepare
from dwsim.settings import Settings
from tests.support.schemas import TPCH_ROWS, kitchen_sink, tpch_experiment


@pytest.fixture
def home(tmp_path):
    settings = Settings(home=tmp_path / "home")
    services = build_services(settings)
    services.store.create_experiment(tpch_experiment())
    return settings, services


def read_tables(services, run) -> dict[str, pa.Table]:
    out = {}
    for table in run.tables:
        prefix = f"experiments/{run.experiment}/runs/{run.run_id}/{table.name}/"
        parts = [pq.read_table(io.BytesIO(services.objects.get(k))) for k in services.objects.list(prefix)]
        out[table.name] = pa.concat_tables(parts)
    return out


def test_a_run_writes_exact_verified_parquet_and_load_sql(home):
    settings, services = home
    run = lifecycle.start_run(services, "tpch", seed=5, batch_rows=7000)
    final = execute(services_factory(settings), "tpch", run.run_id, workers=1)
    assert final.status is RunStatus.COMPLETED, final.traceback
    assert final.progress.batches_done == final.progress.batches_total == 19
    assert final.progress.rows_done == sum(TPCH_ROWS.values())
    assert {t.name: t.rows for t in final.tables} == TPCH_ROWS
    # The record counts the files; the manifest lists them (and a shown run reads it).
    assert all(t.files == [] and t.file_count >= 1 for t in final.tables)
    lineitem = next(t for t in with_files(services.objects, final).tables if t.name == "lineitem")
    assert lineitem.file_count == len(lineitem.files) == 9
    assert all(f.endswith(".parquet") for f in lineitem.files)
    prefix = f"experiments/tpch/runs/{run.run_id}"
    manifest = json.loads(services.objects.get(f"{prefix}/_manifests/lineitem.manifest"))
    assert [e["meta"]["content_length"] for e in manifest["entries"]] == [
        services.objects.size(f.split(str(services.objects.root) + "/")[1]) for f in lineitem.files]
    sql = services.objects.get(f"{prefix}/load.sql").decode()
    assert sql == final.load_sql
    assert "COPY tpch.lineitem FROM" in sql and "FORMAT AS PARQUET MANIFEST" in sql
    assert "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE" in sql and "CREATE EXTERNAL TABLE" in sql
    assert services.objects.exists(f"{prefix}/_SUCCESS")
    assert services.store.active_run_id("tpch") is None
    assert final.duration_seconds is not None and final.finished_at
    assert final.integrity == ("exact row counts in every part's footer; 18 keys and foreign "
                               "keys hold by construction")


def test_no_success_marker_unless_every_constraint_holds_by_construction(home):
    """A snapshot that escaped validation (here edited after planning) fails at finalize."""
    from dwsim.runs import layout, steps
    from dwsim.schema.model import ForeignKey

    settings, services = home
    run = lifecycle.start_run(services, "tpch", seed=5, batch_rows=20000)
    planned = steps.plan(services, "tpch", run.run_id)
    key = layout.snapshot_key(layout.run_prefix("tpch", run.run_id))
    snapshot = steps.run_snapshot(services, "tpch", run.run_id)
    snapshot.table("lineitem").foreign_keys.append(  # nothing makes l_suppkey a part key
        ForeignKey(columns=["l_suppkey"], ref_table="part", ref_columns=["p_partkey"]))
    services.objects.put(key, snapshot.model_dump_json().encode())
    steps._snapshot.cache_clear()
    for batch in steps.planned_batches(services, planned):
        steps.run_batch(services, "tpch", run.run_id, batch)
    with pytest.raises(steps.IntegrityUnproven, match=r"lineitem foreign key \(l_suppkey\) → part"):
        steps.finalize(services, "tpch", run.run_id)
    assert not services.objects.exists(f"{layout.run_prefix('tpch', run.run_id)}/_SUCCESS")


def test_one_and_four_workers_write_identical_tables(home):
    settings, services = home
    one = execute(services_factory(settings), "tpch", lifecycle.start_run(services, "tpch", seed=9, batch_rows=5000).run_id, 1)
    four = execute(services_factory(settings), "tpch", lifecycle.start_run(services, "tpch", seed=9, batch_rows=5000).run_id, 4)
    assert one.status is four.status is RunStatus.COMPLETED
    first, second = read_tables(services, one), read_tables(services, four)
    assert all(first[name].equals(second[name]) for name in first)


def test_injected_batch_failure_fails_the_run_with_traceback(home, monkeypatch):
    settings, services = home
    settings = settings.model_copy(update={"fault_batch": "lineitem:1"})
    run = lifecycle.start_run(services, "tpch", batch_rows=10000)
    final = execute(services_factory(settings), "tpch", run.run_id, workers=2)
    assert final.status is RunStatus.FAILED
    assert "injected failure in batch 1 of table lineitem" in final.error
    assert "Traceback" in final.traceback and "InjectedFault" in final.traceback
    assert services.store.active_run_id("tpch") is None
    assert not services.objects.exists(f"experiments/tpch/runs/{run.run_id}/_SUCCESS")


def test_cancel_aborts_a_running_run(home):
    settings, services = home
    big = dict(TPCH_ROWS, lineitem=400_000)
    run = lifecycle.start_run(services, "tpch", rows=big, batch_rows=2000)
    result = {}
    worker = threading.Thread(target=lambda: result.update(final=execute(services_factory(settings), "tpch", run.run_id)))
    worker.start()
    deadline = time.monotonic() + 60
    while services.store.get_run("tpch", run.run_id).progress.batches_done < 2:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    cancelled = lifecycle.cancel_run(services, "tpch", run.run_id)
    worker.join(60)
    assert cancelled.status is RunStatus.ABORTED
    final = result["final"]
    assert final.status is RunStatus.ABORTED and final.error == "cancelled by the user"
    assert final.progress.batches_done < final.progress.batches_total
    assert services.store.active_run_id("tpch") is None
    assert not services.objects.exists(f"experiments/tpch/runs/{run.run_id}/_SUCCESS")
    with pytest.raises(Conflict, match="already ABORTED"):
        lifecycle.cancel_run(services, "tpch", run.run_id)


def test_second_start_while_running_names_the_active_run(home):
    _, services = home
    first = lifecycle.start_run(services, "tpch")
    with pytest.raises(RunActive) as info:
        lifecycle.start_run(services, "tpch")
    assert info.value.run_id == first.run_id


def test_infeasible_request_is_refused_before_anything_is_written(home):
    settings, services = home
    with pytest.raises(SchemaInvalid, match="partsupp"):  # part × supplier = 200,000 pairs
        lifecycle.start_run(services, "tpch", rows={"partsupp": 200_001})
    services.store.create_experiment(prepare(kitchen_sink(10)))
    with pytest.raises(SchemaInvalid, match="exact"):
        lifecycle.start_run(services, "sink", rows={"exact": 37})
    assert services.store.list_runs("tpch") == [] and services.store.active_run_id("sink") is None
    assert services.objects.list("experiments/") == []


def test_recover_releases_a_claim_whose_executor_is_gone(home):
    _, services = home
    gone = {"kind": "local", "pid": 2**22 + 12345, "host": socket.gethostname()}  # no such pid
    run = lifecycle.start_run(services, "tpch", executor=gone)
    with pytest.raises(RunActive):
        lifecycle.start_run(services, "tpch")
    result = lifecycle.recover(services, "tpch")
    assert result["run_id"] == run.run_id
    recovered = services.store.get_run("tpch", run.run_id)
    assert recovered.status is RunStatus.FAILED and "recovered" in recovered.error
    assert services.store.active_run_id("tpch") is None
    live = lifecycle.start_run(services, "tpch")  # this process is alive
    with pytest.raises(Conflict, match="still running"):
        lifecycle.recover(services, "tpch")
    assert services.store.active_run_id("tpch") == live.run_id


def test_zstd_compression_is_an_option(home):
    settings, services = home
    run = lifecycle.start_run(services, "tpch", rows={"lineitem": 2000, "orders": 500}, compression="zstd")
    final = execute(services_factory(settings), "tpch", run.run_id)
    assert final.status is RunStatus.COMPLETED
    key = with_files(services.objects, final).tables[-1].files[0].split(str(services.objects.root) + "/")[1]
    metadata = pq.read_metadata(io.BytesIO(services.objects.get(key)))
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    with pytest.raises(InvalidInput, match="compression must be one of"):
        lifecycle.start_run(services, "tpch", compression="lz4")


def test_verify_catches_duplicates_orphans_and_miscounts(home):
    from dwsim.runs.steps import run_snapshot
    from dwsim.runs.verify import verify_run

    settings, services = home
    run = lifecycle.start_run(services, "tpch", seed=1)
    final = execute(services_factory(settings), "tpch", run.run_id)
    snapshot = run_snapshot(services, "tpch", run.run_id)
    assert verify_run(services.objects, snapshot, final).ok
    prefix = f"experiments/tpch/runs/{run.run_id}"
    customer = services.objects.get(f"{prefix}/customer/part-00000.parquet")
    services.objects.put(f"{prefix}/customer/part-00001.parquet", customer)  # every key twice
    services.objects.delete_prefix(f"{prefix}/nation/")  # customers' nations now orphaned
    report = verify_run(services.objects, snapshot, final)
    failed = {(c.table, c.kind) for c in report.checks if c.failures}
    assert not report.ok
    assert {("customer", "rows"), ("customer", "key"), ("nation", "rows"),
            ("customer", "foreign_key"), ("supplier", "foreign_key")} <= failed


def test_recover_refuses_without_a_claim_and_releases_a_stale_one(home):
    import sqlite3

    _, services = home
    with pytest.raises(Conflict, match="no active run to recover"):
        lifecycle.recover(services, "tpch")
    with pytest.raises(NotFound):
        lifecycle.recover(services, "ghost")
    run = lifecycle.start_run(services, "tpch")
    lifecycle.cancel_run(services, "tpch", run.run_id)
    # Simulate a finish that crashed between its two writes: the run is finished, the claim
    # still names it (possible in DynamoDB, where they are two conditional writes).
    with sqlite3.connect(services.store.path) as db:
        db.execute("INSERT INTO claims (experiment, run_id) VALUES (?, ?)", ("tpch", run.run_id))
    with pytest.raises(RunActive):
        lifecycle.start_run(services, "tpch")
    result = lifecycle.recover(services, "tpch")
    assert result == {"run_id": run.run_id, "action": "released a stale claim"}
    assert services.store.get_run("tpch", run.run_id).status is RunStatus.ABORTED, "unchanged"
    lifecycle.start_run(services, "tpch")
