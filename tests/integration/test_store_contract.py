"""One contract for both metadata stores: SQLite (embedded default) and DynamoDB (moto)."""

from __future__ import annotations

import copy

import pytest

from dwsim.errors import AlreadyExists, NotFound
from dwsim.schema.model import Experiment
from dwsim.schema.validate import prepare

SCHEMA = {
    "name": "shop",
    "description": "contract",
    "tables": [{"name": "users", "target_rows": 10,
                "columns": [{"name": "id", "data_type": "INT", "is_unique": True}]}],
}


def experiment(name: str = "shop", **changes):
    raw = copy.deepcopy(SCHEMA)
    raw["name"] = name
    raw.update(changes)
    return prepare(raw)


def wide_experiment(tables: int = 300, columns: int = 40):
    return prepare({
        "name": "wide",
        "dialect": "redshift",
        "tables": [{
            "name": f"table_{t:03d}", "target_rows": 1000, "primary_key": ["id"],
            "columns": [{"name": "id", "data_type": "BIGINT"}] + [
                {"name": f"column_{c:02d}", "data_type": "VARCHAR", "varchar_length": 64,
                 "source_type": "VARCHAR(64)"} for c in range(columns - 1)],
        } for t in range(tables)],
    })


def test_create_then_get_returns_the_same_experiment(store):
    created = store.create_experiment(experiment())
    loaded = store.get_experiment("shop")
    assert loaded.experiment == created.experiment
    assert loaded.created_at == created.created_at


def test_existing_name_is_refused_and_nothing_is_overwritten(store):
    store.create_experiment(experiment(description="first"))
    with pytest.raises(AlreadyExists, match="already exists"):
        store.create_experiment(experiment(description="second"))
    assert store.get_experiment("shop").experiment.description == "first"


def test_list_is_sorted_by_name_with_summaries(store):
    for name in ("zeta", "alpha", "mid"):
        store.create_experiment(experiment(name))
    summaries = store.list_experiments()
    assert [s.name for s in summaries] == ["alpha", "mid", "zeta"]
    assert summaries[0].tables == 1 and summaries[0].total_rows == 10
    assert summaries[0].description == "contract"


def test_delete_removes_everything_and_unknown_names_are_not_found(store):
    store.create_experiment(experiment())
    store.delete_experiment("shop")
    with pytest.raises(NotFound):
        store.get_experiment("shop")
    with pytest.raises(NotFound):
        store.delete_experiment("shop")
    assert store.list_experiments() == []
    store.create_experiment(experiment(description="again"))  # the name is free again
    assert store.get_experiment("shop").experiment.description == "again"


def test_unknown_experiment_is_not_found(store):
    with pytest.raises(NotFound, match="experiment 'ghost' not found"):
        store.get_experiment("ghost")


def test_a_300_table_40_column_schema_stores_and_loads(store):
    wide = wide_experiment()
    assert len(wide.model_dump_json()) > 400_000, "the schema must exceed one DynamoDB item"
    store.create_experiment(wide)
    loaded = store.get_experiment("wide").experiment
    assert loaded == wide
    assert sum(len(t.columns) for t in loaded.tables) == 12_000
    store.delete_experiment("wide")
    with pytest.raises(NotFound):
        store.get_experiment("wide")


def warehouse_experiment(tables: int = 8000):
    """What a 10 MiB DDL export imports as (about 8,000 tables of twenty columns with keys,
    foreign keys and comments), built directly: importing the DDL would take seconds."""
    words = ["customer", "order", "billing", "shipping", "status", "amount", "created", "city",
             "email", "phone", "country", "product", "price", "quantity", "region", "updated"]
    types = [("BIGINT", {}), ("VARCHAR", {"varchar_length": 64}), ("DECIMAL", {"precision": 12,
             "scale": 2}), ("DATE", {}), ("TIMESTAMP", {}), ("BOOLEAN", {})]
    return Experiment.model_validate({
        "name": "warehouse", "dialect": "redshift",
        "tables": [{
            "name": f"t{t:05d}_{words[t % 16]}", "target_rows": 1000, "primary_key": ["id"],
            "description": f"Table {t}: one row per {words[t % 16]} event, loaded nightly",
            "foreign_keys": [{"columns": ["parent_id"], "ref_table": f"t{t // 2:05d}_"
                              f"{words[t // 2 % 16]}", "ref_columns": ["id"]}] if t else [],
            "columns": [{"name": "id", "data_type": "BIGINT", "identity": True},
                        {"name": "parent_id", "data_type": "BIGINT", "required": True}] + [
                {"name": f"{words[(t + c) % 16]}_{words[(t * 7 + c) % 16]}_{c}",
                 "data_type": types[(t + c) % 6][0], **types[(t + c) % 6][1],
                 "comment": f"column {c} of table {t}"} for c in range(18)],
        } for t in range(tables)],
    })


@pytest.fixture(scope="module")
def warehouse():
    return warehouse_experiment()


def item_bytes(item: dict) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values."""
    return sum(len(name) + len(value if isinstance(value, bytes) else str(value).encode())
               for name, value in ((k, v.value if hasattr(v, "value") else v)
                                   for k, v in item.items()))


def test_a_10_mib_ddl_experiment_stores_and_loads(store, warehouse):
    store.create_experiment(warehouse)
    assert store.get_experiment("warehouse").experiment == warehouse
    assert store.list_experiments()[0].tables == 8000
    if hasattr(store, "table"):  # DynamoDB: chunks stay items, and one transaction holds them
        pages = [store.table.scan()]
        while "LastEvaluatedKey" in pages[-1]:
            pages.append(store.table.scan(ExclusiveStartKey=pages[-1]["LastEvaluatedKey"]))
        sizes = [item_bytes(item) for page in pages for item in page["Items"]]
        assert len(sizes) > 3 and max(sizes) < 400_000 and sum(sizes) < 4_000_000


def test_dynamodb_delete_leaves_no_item_behind(dynamodb_store):
    dynamodb_store.create_experiment(wide_experiment(tables=50))
    dynamodb_store.create_experiment(experiment("other"))
    dynamodb_store.delete_experiment("wide")
    keys = {item["pk"] for item in dynamodb_store.table.scan()["Items"]}
    assert keys == {"EXP#other"}
