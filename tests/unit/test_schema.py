"""The experiment schema: the original format accepted unchanged, extensions, and every
validation rule reported with its location."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from dwsim.errors import SchemaInvalid
from dwsim.schema.canonical import canonical_json
from dwsim.schema.types import DataType
from dwsim.schema.validate import prepare

ROOT = Path(__file__).resolve().parents[2]

ORIGINAL = {
    "name": "shop",
    "description": "written for the original format",
    "tables": [
        {
            "name": "users",
            "target_rows": 100,
            "columns": [
                {"name": "id", "data_type": "INT", "is_unique": True, "required": True,
                 "min_value": 1, "max_value": 1000},
                {"name": "email", "data_type": "VARCHAR", "faker_rule": "email", "varchar_length": 80},
                {"name": "joined", "data_type": "DATE", "date_start": "2021-01-01",
                 "date_end": "2021-12-31"},
                {"name": "active", "data_type": "BOOLEAN"},
                {"name": "score", "data_type": "FLOAT", "min_value": 0, "max_value": 1.5},
            ],
        }
    ],
}


def problems_of(raw) -> list[dict]:
    with pytest.raises(SchemaInvalid) as info:
        prepare(raw)
    return info.value.details


def schema_with(**column) -> dict:
    raw = copy.deepcopy(ORIGINAL)
    raw["tables"][0]["columns"].append({"name": "extra", **column})
    return raw


def test_original_format_is_accepted_unchanged():
    experiment = prepare(copy.deepcopy(ORIGINAL))
    users = experiment.table("users")
    assert [c.data_type for c in users.columns] == [
        DataType.INT, DataType.VARCHAR, DataType.DATE, DataType.BOOLEAN, DataType.FLOAT]
    assert users.column("email").faker_rule == "email"
    assert users.column("email").rule_inferred is False
    assert users.column("id").is_unique and users.column("id").required


def test_canonical_json_round_trips_through_create():
    first = canonical_json(prepare(copy.deepcopy(ORIGINAL)))
    again = canonical_json(prepare(json.loads(json.dumps(first))))
    assert again == first
    assert first["tables"][0]["keys"][0]["kind"] == "unique"


def test_example_schema_uses_the_extensions():
    raw = json.loads((ROOT / "examples" / "ecommerce.json").read_text())
    experiment = prepare(raw)
    lines = experiment.table("order_lines")
    assert lines.primary_key == ["order_id", "line_no"]
    fk = lines.foreign_keys[0]
    assert fk.ref_columns == ["order_id"], "REFERENCES without columns means the parent's PK"
    assert experiment.table("orders").foreign_keys[0].distribution == "zipf"


def test_rules_are_inferred_from_names_and_marked():
    raw = copy.deepcopy(ORIGINAL)
    raw["tables"][0]["columns"] += [
        {"name": "customer_email", "data_type": "VARCHAR"},
        {"name": "created_at", "data_type": "TIMESTAMP"},
        {"name": "unit_price", "data_type": "DECIMAL", "precision": 10, "scale": 2},
        {"name": "favourite_number", "data_type": "INT"},
    ]
    table = prepare(raw).table("users")
    assert (table.column("customer_email").faker_rule, table.column("customer_email").rule_inferred) == ("email", True)
    assert table.column("created_at").faker_rule == "event_time"
    assert table.column("unit_price").faker_rule == "amount"
    assert table.column("favourite_number").faker_rule is None


def test_type_aliases_and_unknown_types():
    assert prepare(schema_with(data_type="integer")).table("users").column("extra").data_type is DataType.INT
    found = problems_of(schema_with(data_type="INTERVAL"))
    assert found[0]["location"] == "table 'users', column 'extra'"
    assert "unknown data_type 'INTERVAL'" in found[0]["message"]


@pytest.mark.parametrize(
    ("column", "rule", "fragment"),
    [
        ({"data_type": "INT", "min_value": 10, "max_value": 1}, "range", "greater than max_value"),
        ({"data_type": "DATE", "date_start": "2022-01-02", "date_end": "2022-01-01"}, "date_range", "after date_end"),
        ({"data_type": "VARCHAR", "varchar_length": 0}, "varchar_length", "at least 1"),
        ({"data_type": "SMALLINT", "max_value": 40000}, "range", "outside the range of SMALLINT"),
        ({"data_type": "DECIMAL", "precision": 5, "scale": 6}, "scale", "between 0 and the precision"),
        ({"data_type": "DECIMAL", "precision": 5, "scale": 2, "max_value": 1000}, "range", "does not fit DECIMAL(5,2)"),
        ({"data_type": "VARCHAR", "faker_rule": "no_such_rule"}, "faker_rule", "unknown faker_rule"),
        ({"data_type": "VARCHAR", "faker_rule": "amount"}, "faker_rule", "applies to numeric columns"),
        ({"data_type": "INT", "required": True, "null_ratio": 0.5}, "null_ratio", "NOT NULL"),
        ({"data_type": "VARCHAR", "values": ["a", "b"], "weights": [1]}, "weights", "1 weights for 2 values"),
        ({"data_type": "BOOLEAN", "min_value": 1}, "range", "apply to numeric columns"),
        ({"data_type": "INT", "is_unique": True, "min_value": 1, "max_value": 50}, "key_domain", "only 50 distinct values"),
        ({"data_type": "CHAR", "varchar_length": 1, "is_unique": True}, "key_domain", "only 36 distinct values"),
        ({"data_type": "DATE", "is_unique": True, "date_start": "2020-01-01", "date_end": "2020-01-31"}, "key_domain", "only 31"),
    ],
)
def test_column_rules_are_reported_with_location(column, rule, fragment):
    found = problems_of(schema_with(**column))
    assert any(p["rule"] == rule and fragment in p["message"] for p in found), found
    assert all(p["location"].startswith("table 'users'") for p in found)


def test_every_problem_is_reported_not_just_the_first():
    raw = copy.deepcopy(ORIGINAL)
    cols = raw["tables"][0]["columns"]
    cols[0]["min_value"] = 5000  # > max 1000
    cols[1]["varchar_length"] = 0
    cols.append({"name": "select", "data_type": "INT"})
    rules = {p["rule"] for p in problems_of(raw)}
    assert {"range", "varchar_length", "reserved_word"} <= rules


def test_composite_key_domain_names_the_key():
    raw = copy.deepcopy(ORIGINAL)
    raw["tables"][0]["columns"] += [
        {"name": "a", "data_type": "SMALLINT", "min_value": 1, "max_value": 5},
        {"name": "b", "data_type": "BOOLEAN"},
    ]
    raw["tables"][0]["primary_key"] = ["a", "b"]
    found = problems_of(raw)
    assert found[0]["rule"] == "key_domain"
    assert "primary key (a, b) can take only 10 distinct values" in found[0]["message"]
    raw["tables"][0]["target_rows"] = 10  # exactly the domain is fine
    prepare(raw)


def test_duplicates_and_names():
    raw = copy.deepcopy(ORIGINAL)
    raw["tables"].append(copy.deepcopy(raw["tables"][0]))
    raw["tables"][1]["name"] = "USERS"
    raw["tables"][0]["columns"].append({"name": "ID", "data_type": "INT"})
    raw["name"] = "bad name!"
    rules = {p["rule"] for p in problems_of(raw)}
    assert {"duplicate_table", "duplicate_column", "identifier"} <= rules


def test_reserved_word_may_be_kept_when_quoted():
    raw = schema_with(data_type="INT")
    raw["tables"][0]["columns"][-1]["name"] = "order"
    assert any(p["rule"] == "reserved_word" and "Redshift" in p["message"] for p in problems_of(raw))
    raw["tables"][0]["columns"][-1]["quoted"] = True
    prepare(raw)


def _two_tables() -> dict:
    raw = copy.deepcopy(ORIGINAL)
    raw["tables"].append({
        "name": "orders", "target_rows": 10,
        "columns": [{"name": "user_id", "data_type": "INT"}, {"name": "note", "data_type": "VARCHAR"}],
        "foreign_keys": [{"columns": ["user_id"], "ref_table": "users", "ref_columns": ["id"]}],
    })
    return raw


def test_foreign_keys_must_point_at_unique_columns_of_known_tables():
    prepare(_two_tables())
    raw = _two_tables()
    raw["tables"][1]["foreign_keys"][0]["ref_table"] = "people"
    assert "unknown table 'people'" in problems_of(raw)[0]["message"]
    raw = _two_tables()
    raw["tables"][1]["foreign_keys"][0]["ref_columns"] = ["nope"]
    assert "has no column(s) nope" in problems_of(raw)[0]["message"]
    raw = _two_tables()
    raw["tables"][1]["foreign_keys"][0]["ref_columns"] = ["email"]
    assert "is not a primary or unique key" in problems_of(raw)[0]["message"]
    raw = _two_tables()
    raw["tables"][1]["foreign_keys"][0]["columns"] = ["ghost"]
    assert "unknown column(s): ghost" in problems_of(raw)[0]["message"]
    raw = _two_tables()
    raw["tables"][1]["columns"][0]["data_type"] = "DATE"
    assert problems_of(raw)[0]["rule"] == "foreign_key_type"


def test_key_naming_a_missing_column():
    raw = copy.deepcopy(ORIGINAL)
    raw["tables"][0]["primary_key"] = ["id", "nope"]
    raw["tables"][0]["unique"] = [["email", "ghost"]]
    messages = [p["message"] for p in problems_of(raw)]
    assert any("primary key (id, nope) names unknown column(s): nope" in m for m in messages)
    assert any("unique key (email, ghost) names unknown column(s): ghost" in m for m in messages)


def test_structural_errors_name_table_and_column():
    raw = copy.deepcopy(ORIGINAL)
    raw["tables"][0]["columns"][2]["date_start"] = "not a date"
    raw["tables"][0]["columns"][1]["colour"] = "blue"
    del raw["tables"][0]["target_rows"]
    found = problems_of(raw)
    where = {(p["location"], p["rule"]) for p in found}
    assert ("table 'users', column 'joined'", "date_type") in where or any(
        p["location"] == "table 'users', column 'joined'" for p in found)
    assert any(p["message"] == "unknown field 'colour'" for p in found)
    assert any(p["message"] == "field 'target_rows' is required" and p["location"] == "table 'users'"
               for p in found)


def test_not_an_object():
    assert problems_of([1, 2])[0]["message"] == "an experiment schema must be a JSON object"


def test_a_bare_name_column_follows_its_table():
    from dwsim.schema.rules import infer_rule
    from dwsim.schema.types import DataType

    assert infer_rule("n_name", DataType.CHAR, "nation") == "country"
    assert infer_rule("s_name", DataType.CHAR, "supplier") == "company"
    assert infer_rule("p_name", DataType.VARCHAR, "part") == "catch_phrase"
    assert infer_rule("c_name", DataType.VARCHAR, "customer") == "name"
    assert infer_rule("ps_availqty", DataType.INT, "partsupp") == "quantity"
    assert infer_rule("o_shippriority", DataType.INT, "orders") == "rating"
    assert infer_rule("favourite_number", DataType.INT, "users") is None


def test_a_date_alone_bounds_a_timestamp_column_by_whole_days():
    from dwsim.schema import domains

    experiment = prepare({"name": "d", "tables": [{"name": "t", "target_rows": 1, "columns": [
        {"name": "at", "data_type": "TIMESTAMP", "date_start": "2025-01-01", "date_end": "2025-12-31"},
        {"name": "until", "data_type": "TIMESTAMP", "date_end": "2025-12-31T10:00:00"}]}]})
    whole_days, to_the_second = experiment.tables[0].columns
    assert domains.timestamp_range(whole_days)[1] == dt.datetime(2025, 12, 31, 23, 59, 59)
    assert domains.timestamp_range(to_the_second)[1] == dt.datetime(2025, 12, 31, 10, 0)
