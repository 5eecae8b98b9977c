"""One contract for both metadata stores: SQLite (embedded default) and DynamoDB (moto)."""

from __future__ import annotations

import copy

import pytest

from dwsim.errors import AlreadyExists, NotFound
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


def test_dynamodb_delete_leaves_no_item_behind(dynamodb_store):
    dynamodb_store.create_experiment(wide_experiment(tables=50))
    dynamodb_store.create_experiment(experiment("other"))
    dynamodb_store.delete_experiment("wide")
    keys = {item["pk"] for item in dynamodb_store.table.scan()["Items"]}
    assert keys == {"EXP#other"}
