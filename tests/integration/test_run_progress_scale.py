"""Run progress and results at scale: no stored item grows with a run's batches or parts
(DynamoDB refuses an item over 400 KB), a retried batch counts once, a 100,000-part run
finishes, and a failure's traceback is bounded on the record and whole in the object store."""

from __future__ import annotations

import boto3
import pytest

from dwsim.metadata.records import (
    ERROR_CHARS,
    TRACEBACK_CHARS,
    RunRecord,
    RunStatus,
    TableOutput,
    new_run_id,
    shorten,
    utc_now,
)
from dwsim.runs import layout, steps
from dwsim.runs.services import Services
from dwsim.schema.validate import prepare
from tests.support.aws import moto_transactions_item_scoped

ITEM_LIMIT = 400 * 1024
SCHEMA = {"name": "shop", "tables": [{"name": "t", "target_rows": 10,
                                      "columns": [{"name": "id", "data_type": "INT"}]}]}


def item_size(item: dict) -> int:
    """An item's size as DynamoDB counts it: each attribute's name plus its value (strings in
    UTF-8, binary as is, a number one byte per two significant digits plus one)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict) -> int:
    (kind, body), = value.items()
    if kind == "S":
        return len(body.encode())
    if kind == "B":
        return len(body)
    if kind == "N":
        return (len(body.strip("-").replace(".", "").strip("0")) + 1) // 2 + 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: v}) for v in body)
    if kind == "M":
        return 3 + item_size(body)
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in body)
    return 1  # BOOL, NULL


def all_items(table: str = "dwsim-test") -> list[dict]:
    client, items, kwargs = boto3.client("dynamodb"), [], {"TableName": table}
    while True:
        page = client.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run_item(run: RunRecord) -> dict:
    return next(i for i in all_items() if i["sk"]["S"] == f"RUN#{run.run_id}")


def started(store) -> RunRecord:
    store.create_experiment(prepare(dict(SCHEMA)))
    run = RunRecord(run_id=new_run_id(), experiment="shop", started_at=utc_now(), seed=1,
                    requested_rows={"t": 10}, batch_rows=5)
    store.start_run(run)
    return run


def test_counting_batches_grows_no_item(dynamodb_store):
    """All 100,000 batches of a 100,000-batch run counted: the run item stays the size it
    started at (only its two counters gain digits), each batch is a small item of its own,
    and a retried batch counts once. (moto's transactions back up only the items they name
    here: with its whole-table backups, 100,000 calls would take hours.)"""
    store = dynamodb_store
    run = started(store)
    store.set_totals("shop", run.run_id, 100_000, 100_000 * 1_000_000)
    with moto_transactions_item_scoped():
        assert store.record_batch("shop", run.run_id, 0, 1_000_000) is True
        first = item_size(run_item(run))
        for n in range(1, 100_000):
            assert store.record_batch("shop", run.run_id, n, 1_000_000) is True
        for n in range(0, 100_000, 1_000):  # retries, as the Map's Retry would make them
            assert store.record_batch("shop", run.run_id, n, 1_000_000) is False
    progress = store.get_run("shop", run.run_id).progress
    assert (progress.batches_done, progress.rows_done) == (100_000, 100_000 * 1_000_000)
    items = all_items()
    item = next(i for i in items if i["sk"]["S"] == f"RUN#{run.run_id}")
    assert item_size(item) - first <= 8, "only the counters' digits may grow"
    assert not any(kind in ("SS", "NS", "BS") for value in item.values() for kind in value)
    batch_items = [i for i in items if i["sk"]["S"].startswith("BATCH#")]
    assert len(batch_items) == 100_000 and max(item_size(i) for i in batch_items) < 200
    assert {i["pk"]["S"] for i in batch_items} == {f"RUN#shop#{run.run_id}"}
    assert all(int(i["expires_at"]["N"]) > utc_now().timestamp() for i in batch_items)
    assert max(item_size(i) for i in items) < ITEM_LIMIT


def test_a_run_of_100000_parts_finishes_with_counts_not_file_lists(store):
    """finish_run keeps counts and sizes per table; the 100,000 file URLs finalize hands
    it stay in the manifests (with them inline the DynamoDB item passed 400 KB)."""
    run = started(store)
    files = [f"s3://dwsim-data/experiments/shop/runs/{run.run_id}/t/part-{n:05d}.parquet"
             for n in range(100_000)]
    run.tables = [TableOutput(name="t", rows=100_000_000_000, files=files, file_count=len(files),
                              bytes=7 * 10**12, manifest="s3://dwsim-data/manifest")]
    run.close(RunStatus.COMPLETED)
    assert store.finish_run(run) is True
    assert store.active_run_id("shop") is None
    table = store.get_run("shop", run.run_id).tables[0]
    assert (table.files, table.file_count, table.rows, table.bytes) == (
        [], 100_000, 100_000_000_000, 7 * 10**12)
    if store.__class__.__name__ == "DynamoDBStore":
        assert item_size(run_item(run)) < 4_000


def test_a_long_traceback_is_bounded_on_the_record_and_whole_in_the_object_store(
        store, local_objects):
    run = started(store)
    trace = "Traceback (most recent call last):\n" + "".join(
        f'  File "gen.py", line {n}, in step\n    frame({n})\n' for n in range(20_000)) + "ValueError: boom"
    assert len(trace) > 500_000
    failed = steps.fail(Services(store, local_objects), "shop", run.run_id, "ValueError: " + "x" * 50_000,
                        trace)
    assert failed.status is RunStatus.FAILED and store.active_run_id("shop") is None
    assert len(failed.traceback) <= TRACEBACK_CHARS and len(failed.error) <= ERROR_CHARS
    assert failed.traceback.startswith("Traceback (most recent call last):")
    assert failed.traceback.endswith("ValueError: boom") and "characters left out" in failed.traceback
    key = layout.traceback_key(layout.run_prefix("shop", run.run_id))
    assert failed.traceback_uri == local_objects.uri(key)
    assert local_objects.get(key).decode() == trace
    if store.__class__.__name__ == "DynamoDBStore":
        assert item_size(run_item(run)) < 10_000


def test_a_short_traceback_is_kept_whole(store, local_objects):
    run = started(store)
    failed = steps.fail(Services(store, local_objects), "shop", run.run_id, "boom", "Traceback: short")
    assert (failed.traceback, failed.traceback_uri) == ("Traceback: short", None)
    assert local_objects.list(layout.run_prefix("shop", run.run_id)) == []


@pytest.mark.parametrize("limit", [100, 4_000])
def test_shorten_keeps_head_and_tail_within_the_limit(limit):
    text = "".join(chr(65 + n % 26) for n in range(50_000))
    short = shorten(text, limit)
    assert len(short) <= limit and short.startswith(text[:10]) and short.endswith(text[-10:])
    assert shorten("abc", limit) == "abc"


def test_only_a_pure_transaction_conflict_is_tried_again():
    """DynamoDB cancels a transaction that meets another on the same item (the run item,
    while many batches finish); that alone is retried, never a failed condition."""
    from botocore.exceptions import ClientError

    from dwsim.metadata.dynamodb import _conflict_only

    def cancelled(*codes: str) -> ClientError:
        return ClientError({"Error": {"Code": "TransactionCanceledException"},
                            "CancellationReasons": [{"Code": c} for c in codes]}, "TransactWriteItems")

    assert _conflict_only(cancelled("None", "TransactionConflict"))
    assert not _conflict_only(cancelled("ConditionalCheckFailed", "TransactionConflict"))
    assert not _conflict_only(cancelled("ConditionalCheckFailed", "None"))
    assert not _conflict_only(ClientError({"Error": {"Code": "ValidationException"}}, "TransactWriteItems"))
