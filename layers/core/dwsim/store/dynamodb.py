"""DynamoDB metadata store, single-table design.

Items (pk, sk):
  EXP#<name>, META           summary attributes; gsi1pk=EXPERIMENT, gsi1sk=<name> for listing
  EXP#<name>, SCHEMA#<nnnn>  the experiment JSON, zlib-compressed, in chunks under 350 KB
                             (DynamoDB items stop at 400 KB; a 300×40 schema needs this)
Everything of an experiment shares its partition key, so delete is one Query plus deletes.
"""

from __future__ import annotations

import zlib
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from dwsim.errors import AlreadyExists, InputTooLarge, NotFound
from dwsim.schema.model import Experiment
from dwsim.store.base import ExperimentSummary, MetadataStore, StoredExperiment, now_iso

CHUNK_BYTES = 350_000
LIST_INDEX = "gsi1"
MAX_TRANSACT_ITEMS = 100


def experiment_pk(name: str) -> str:
    return f"EXP#{name}"


class DynamoDBStore(MetadataStore):
    def __init__(self, table_name: str, resource: Any = None):
        self.table = (resource or boto3.resource("dynamodb")).Table(table_name)
        self.client = self.table.meta.client

    def create_experiment(self, experiment: Experiment) -> StoredExperiment:
        created_at = now_iso()
        body = zlib.compress(experiment.model_dump_json().encode(), 6)
        chunks = [body[i:i + CHUNK_BYTES] for i in range(0, len(body), CHUNK_BYTES)] or [b""]
        if len(chunks) + 1 > MAX_TRANSACT_ITEMS:
            raise InputTooLarge(f"experiment '{experiment.name}' is too large to store "
                                f"({len(body):,} bytes compressed)")
        pk = experiment_pk(experiment.name)
        meta = {
            "pk": pk, "sk": "META", "gsi1pk": "EXPERIMENT", "gsi1sk": experiment.name,
            "name": experiment.name, "tables": len(experiment.tables),
            "total_rows": experiment.total_rows, "created_at": created_at, "chunks": len(chunks),
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
        return StoredExperiment(experiment, created_at)

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
        return StoredExperiment(Experiment.model_validate_json(zlib.decompress(body)),
                                meta["created_at"])

    def list_experiments(self) -> list[ExperimentSummary]:
        out, kwargs = [], {"IndexName": LIST_INDEX,
                           "KeyConditionExpression": Key("gsi1pk").eq("EXPERIMENT")}
        while True:
            page = self.table.query(**kwargs)
            out += [ExperimentSummary(i["name"], i.get("description"), i.get("dialect"),
                                      int(i["tables"]), int(i["total_rows"]), i["created_at"])
                    for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete_experiment(self, name: str) -> None:
        items = self._items(name)
        if not any(item["sk"] == "META" for item in items):
            raise NotFound(f"experiment '{name}' not found")
        # META last: a half-finished delete leaves a visible experiment to delete again.
        items.sort(key=lambda item: item["sk"] == "META")
        with self.table.batch_writer() as batch:
            for item in items[:-1]:
                batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
        self.table.delete_item(Key={"pk": experiment_pk(name), "sk": "META"})


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
