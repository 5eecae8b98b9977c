"""DynamoDB metadata store, single-table design.

Items (pk, sk):
  EXP#<name>, META           summary attributes; gsi1pk=EXPERIMENT, gsi1sk=<name> for listing
  EXP#<name>, SCHEMA#<nnnn>  the experiment JSON, zlib-compressed, in chunks under 350 KB
                             (DynamoDB items stop at 400 KB; a 300×40 schema needs this),
                             written with META in one transaction (4 MB at most: about
                             60 MB of JSON, what a 10 MiB DDL export becomes)
  EXP#<name>, CLAIM          the one-active-run claim: run_id of the active run;
                             gsi1pk=CLAIM, gsi1sk=<name>, so the reconciler lists every claim
  EXP#<name>, RUN#<run_id>   status, the record (zlib JSON, counts per table, no file lists)
                             and the progress counters batches_done and rows_done
  RUN#<name>#<run_id>, BATCH#<nnnnnn>   one item per counted batch, put only if absent in the
                             same transaction that ADDs to the run's counters: a retried batch
                             counts once, and no item grows with the number of batches
Everything of an experiment shares its partition key, so delete is one Query plus deletes.
Counted-batch items live in a partition per run (the experiment's queries never page through
them) and carry expires_at, the table's TTL attribute: they only matter while the run runs,
and DynamoDB removes them, so deleting an experiment does not wait on 100,000 deletes.
"""

from __future__ import annotations

import json
import random
import time
import zlib
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from dwsim.errors import AlreadyExists, Conflict, InputTooLarge, NotFound, RunActive
from dwsim.metadata.base import MetadataStore
from dwsim.metadata.records import (
    ExperimentSummary,
    RunRecord,
    RunStatus,
    StoredExperiment,
    timestamp_text,
    utc_now,
)
from dwsim.schema.model import Experiment

CHUNK_BYTES = 350_000
LIST_INDEX = "gsi1"
CLAIMS = "CLAIM"  # gsi1pk of the claim items
MAX_TRANSACT_ITEMS = 100
BATCH_ITEM_TTL_SECONDS = 30 * 24 * 3600  # past any run's timeout (24 h by default)
CONFLICT_ATTEMPTS = 8  # transactions on the run item meet each other while batches finish
# A transaction's items add up to 4 MB at most; the META item and keys need a little of it.
MAX_TRANSACT_BYTES = 4_000_000 - 100_000


def experiment_pk(name: str) -> str:
    return f"EXP#{name}"


def batches_pk(experiment: str, run_id: str) -> str:
    return f"RUN#{experiment}#{run_id}"


class DynamoDBStore(MetadataStore):
    def __init__(self, table_name: str, resource: Any = None):
        self.table = (resource or boto3.resource("dynamodb")).Table(table_name)
        self.client = self.table.meta.client

    def create_experiment(self, experiment: Experiment) -> StoredExperiment:
        created_at = utc_now()
        body = zlib.compress(experiment.model_dump_json().encode(), 6)
        chunks = [body[i:i + CHUNK_BYTES] for i in range(0, len(body), CHUNK_BYTES)] or [b""]
        if len(chunks) + 1 > MAX_TRANSACT_ITEMS or len(body) > MAX_TRANSACT_BYTES:
            raise InputTooLarge(f"experiment '{experiment.name}' is too large to store: "
                                f"{len(body):,} bytes compressed, and DynamoDB writes at most "
                                f"{MAX_TRANSACT_BYTES:,} in the one transaction that creates it")
        pk = experiment_pk(experiment.name)
        meta = {
            "pk": pk, "sk": "META", "gsi1pk": "EXPERIMENT", "gsi1sk": experiment.name,
            "name": experiment.name, "tables": len(experiment.tables),
            "total_rows": experiment.total_rows, "created_at": timestamp_text(created_at), "chunks": len(chunks),
        }
        if experiment.description is not None:
            meta["description"] = experiment.description
        if experiment.dialect is not None:
            meta["dialect"] = experiment.dialect
        items = [{"Put": {"TableName": self.table.name, "Item": meta,
                          "ConditionExpression": "attribute_not_exists(pk)"}}]
        items += [{"Put": {"TableName": self.table.name,
                           "Item": {"pk": pk, "sk": f"SCHEMA#{i:04d}", "data": chunk}}}
                  for i, chunk in enumerate(chunks)]
        try:
            self.client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if _condition_failed(exc, index=0):
                raise AlreadyExists(f"experiment '{experiment.name}' already exists") from None
            raise
        return StoredExperiment(experiment=experiment, created_at=created_at)

    def _items(self, name: str, prefix: str | None = None) -> list[dict[str, Any]]:
        condition = Key("pk").eq(experiment_pk(name))
        if prefix:
            condition &= Key("sk").begins_with(prefix)
        items, kwargs = [], {"KeyConditionExpression": condition, "ConsistentRead": True}
        while True:
            page = self.table.query(**kwargs)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def get_experiment(self, name: str) -> StoredExperiment:
        items = {item["sk"]: item for item in self._items(name)}
        meta = items.get("META")
        if meta is None:
            raise NotFound(f"experiment '{name}' not found")
        body = b"".join(bytes(items[f"SCHEMA#{i:04d}"]["data"]) for i in range(int(meta["chunks"])))
        return StoredExperiment(experiment=Experiment.model_validate_json(zlib.decompress(body)),
                                created_at=meta["created_at"])

    def list_experiments(self) -> list[ExperimentSummary]:
        out, kwargs = [], {"IndexName": LIST_INDEX,
                           "KeyConditionExpression": Key("gsi1pk").eq("EXPERIMENT")}
        while True:
            page = self.table.query(**kwargs)
            out += [ExperimentSummary(name=i["name"], description=i.get("description"),
                                      dialect=i.get("dialect"), tables=int(i["tables"]),
                                      total_rows=int(i["total_rows"]), created_at=i["created_at"])
                    for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete_experiment(self, name: str) -> None:
        items = self._items(name)
        if not any(item["sk"] == "META" for item in items):
            raise NotFound(f"experiment '{name}' not found")
        claim = next((item for item in items if item["sk"] == "CLAIM"), None)
        if claim is not None:
            raise Conflict(f"experiment '{name}' has an active run {claim['run_id']}; cancel it first",
                           {"active_run_id": claim["run_id"]})
        # META last: a half-finished delete leaves a visible experiment to delete again.
        items.sort(key=lambda item: item["sk"] == "META")
        with self.table.batch_writer() as batch:
            for item in items[:-1]:
                batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
        self.table.delete_item(Key={"pk": experiment_pk(name), "sk": "META"})

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, run: RunRecord) -> None:
        pk = experiment_pk(run.experiment)
        items = [
            {"ConditionCheck": {"TableName": self.table.name, "Key": {"pk": pk, "sk": "META"},
                                "ConditionExpression": "attribute_exists(pk)"}},
            {"Put": {"TableName": self.table.name,
                     "Item": {"pk": pk, "sk": "CLAIM", "run_id": run.run_id,
                              "gsi1pk": CLAIMS, "gsi1sk": run.experiment},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": self.table.name, "Item": self._run_item(run),
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ]
        try:
            self._transact(items)
        except ClientError as exc:
            if _condition_failed(exc, index=0) or not self._exists(pk, "META"):
                raise NotFound(f"experiment '{run.experiment}' not found") from None
            if _condition_failed(exc):
                active = self.active_run_id(run.experiment)
                raise RunActive.for_run(run.experiment, active or "unknown") from None
            raise

    def _exists(self, pk: str, sk: str) -> bool:
        return "Item" in self.table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True,
                                             ProjectionExpression="pk")

    def _run_item(self, run: RunRecord) -> dict[str, Any]:
        return {"pk": experiment_pk(run.experiment), "sk": f"RUN#{run.run_id}",
                "status": run.status.value, "body": _pack(run), "batches_done": 0, "rows_done": 0}

    @staticmethod
    def _run_from(item: dict[str, Any]) -> RunRecord:
        run = RunRecord.model_validate_json(zlib.decompress(bytes(item["body"])))
        run.progress.batches_done = int(item.get("batches_done", 0))
        run.progress.rows_done = int(item.get("rows_done", 0))
        if "executor" in item:
            run.executor = json.loads(item["executor"])
        if "batches_total" in item:
            run.progress.batches_total = int(item["batches_total"])
            run.progress.rows_total = int(item["rows_total"])
        return run

    def get_run(self, experiment: str, run_id: str) -> RunRecord:
        item = self.table.get_item(Key={"pk": experiment_pk(experiment), "sk": f"RUN#{run_id}"},
                                   ConsistentRead=True).get("Item")
        if item is None:
            raise NotFound(f"run '{run_id}' of experiment '{experiment}' not found")
        return self._run_from(item)

    def list_runs(self, experiment: str, limit: int | None = None,
                  before: str | None = None) -> list[RunRecord]:
        if not self._exists(experiment_pk(experiment), "META"):
            raise NotFound(f"experiment '{experiment}' not found")
        # Run ids sort by time: newest first is the RUN# range read backwards.
        pk = experiment_pk(experiment)
        condition = Key("pk").eq(pk) & (Key("sk").between("RUN#", f"RUN#{before}") if before
                                         else Key("sk").begins_with("RUN#"))
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ScanIndexForward": False,
                                  "ConsistentRead": True}
        runs: list[RunRecord] = []
        while limit is None or len(runs) < limit:
            if limit is not None:
                kwargs["Limit"] = limit - len(runs) + 1
            page = self.table.query(**kwargs)
            runs += [self._run_from(i) for i in page["Items"] if i["sk"] != f"RUN#{before}"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return runs if limit is None else runs[:limit]

    def last_run(self, experiment: str) -> RunRecord | None:
        # Run ids sort by time, so the newest run is the last RUN# sort key.
        page = self.table.query(
            KeyConditionExpression=Key("pk").eq(experiment_pk(experiment)) & Key("sk").begins_with("RUN#"),
            ScanIndexForward=False, Limit=1, ConsistentRead=True)
        return self._run_from(page["Items"][0]) if page["Items"] else None

    def active_run_id(self, experiment: str) -> str | None:
        item = self.table.get_item(Key={"pk": experiment_pk(experiment), "sk": "CLAIM"},
                                   ConsistentRead=True).get("Item")
        return item["run_id"] if item else None

    def active_runs(self) -> list[tuple[str, str]]:
        out, kwargs = [], {"IndexName": LIST_INDEX, "KeyConditionExpression": Key("gsi1pk").eq(CLAIMS)}
        while True:
            page = self.table.query(**kwargs)
            out += [(item["gsi1sk"], item["run_id"]) for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def set_executor(self, experiment: str, run_id: str, executor: dict[str, Any]) -> None:
        self._set(experiment, run_id, "SET executor = :e", {":e": json.dumps(executor)})

    def set_totals(self, experiment: str, run_id: str, batches_total: int, rows_total: int) -> None:
        self._set(experiment, run_id, "SET batches_total = :b, rows_total = :r",
                  {":b": batches_total, ":r": rows_total})

    def _set(self, experiment: str, run_id: str, update: str, values: dict[str, Any]) -> None:
        """One conditional update of named attributes: other writers' fields are untouched."""
        try:
            self.table.update_item(
                Key={"pk": experiment_pk(experiment), "sk": f"RUN#{run_id}"},
                UpdateExpression=update, ConditionExpression="#s = :running",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={**values, ":running": RunStatus.RUNNING.value})
        except ClientError as exc:
            if not _condition_failed(exc):
                raise

    def record_batch(self, experiment: str, run_id: str, batch: int, rows: int) -> bool:
        # One transaction: the batch's own item (only if absent) and the run's counters.
        items = [
            {"Put": {"TableName": self.table.name,
                     "Item": {"pk": batches_pk(experiment, run_id), "sk": f"BATCH#{batch:06d}",
                              "rows": rows, "expires_at": int(time.time()) + BATCH_ITEM_TTL_SECONDS},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": self.table.name,
                        "Key": {"pk": experiment_pk(experiment), "sk": f"RUN#{run_id}"},
                        "UpdateExpression": "ADD batches_done :one, rows_done :rows",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":one": 1, ":rows": rows}}},
        ]
        try:
            self._transact(items)
        except ClientError as exc:
            if _condition_failed(exc):  # counted before, or the run is gone
                return False
            raise
        return True

    def finish_run(self, run: RunRecord) -> bool:
        pk = experiment_pk(run.experiment)
        update = {"TableName": self.table.name, "Key": {"pk": pk, "sk": f"RUN#{run.run_id}"},
                  "UpdateExpression": "SET #s = :status, body = :body",
                  "ConditionExpression": "#s = :running",
                  "ExpressionAttributeNames": {"#s": "status"},
                  "ExpressionAttributeValues": {":status": run.status.value, ":body": _pack(run),
                                                ":running": RunStatus.RUNNING.value}}
        release = {"TableName": self.table.name, "Key": {"pk": pk, "sk": "CLAIM"},
                   "ConditionExpression": "attribute_not_exists(pk) OR run_id = :id",
                   "ExpressionAttributeValues": {":id": run.run_id}}
        try:
            self._transact([{"Update": update}, {"Delete": release}])
            return True
        except ClientError as exc:
            if not _condition_failed(exc):
                raise
            run_finished = _condition_failed(exc, index=0)
        # Off the usual path: either the run was finished already (still free its claim), or
        # another run holds the claim (`runs recover` freed ours), so the run changes alone.
        if run_finished:
            self._write_alone(self.client.delete_item, release)
            return False
        return self._write_alone(self.client.update_item, update)

    def _transact(self, items: list[dict[str, Any]]) -> None:
        """TransactWriteItems, tried again after a jittered pause while it only conflicts with
        another transaction on the same item (100 batches finishing at once share the run
        item); the SDK does not retry those. Every caller's transaction is idempotent."""
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                self.client.transact_write_items(TransactItems=items)
                return
            except ClientError as exc:
                if not _conflict_only(exc) or attempt == CONFLICT_ATTEMPTS - 1:
                    raise
            time.sleep(random.uniform(0, min(2.0, 0.05 * 2 ** attempt)))

    @staticmethod
    def _write_alone(call: Any, request: dict[str, Any]) -> bool:
        try:
            call(**request)
        except ClientError as exc:
            if not _condition_failed(exc):
                raise
            return False
        return True


def _pack(run: RunRecord) -> bytes:
    # Compressed: the load SQL and a table per warehouse table repeat a lot.
    return zlib.compress(run.stored_json().encode(), 6)


def _conflict_only(exc: ClientError) -> bool:
    """Cancelled because another transaction held an item, and for no other reason."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    codes = {r.get("Code", "None") for r in exc.response.get("CancellationReasons") or []}
    return "TransactionConflict" in codes and codes <= {"TransactionConflict", "None"}


def _condition_failed(exc: ClientError, index: int | None = None) -> bool:
    error = exc.response.get("Error", {})
    if error.get("Code") == "ConditionalCheckFailedException":
        return True
    if error.get("Code") != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    if index is not None:
        return len(reasons) > index and reasons[index].get("Code") == "ConditionalCheckFailed"
    return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)
