"""What a column's name implies when the schema says nothing: code sets for categorical
columns, ranges for numbers, NULLs for nullable columns. The schema's own words always win."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from dwsim.engine.generator import Generator
from dwsim.errors import SchemaInvalid
from dwsim.schema.validate import prepare
from tests.support.schemas import tpch_experiment
from tests.unit.test_ddl_import import load


def columns(table: dict) -> dict:
    experiment = prepare({"name": "e", "tables": [{"target_rows": 2000, **table}]})
    return experiment.tables[0].column_map()


def test_tpch_categorical_columns_get_their_code_sets():
    experiment = tpch_experiment()
    orders, lineitem = experiment.table("orders"), experiment.table("lineitem")
    assert orders.column("o_orderstatus").values == ["F", "O", "P"]
    assert orders.column("o_orderpriority").values[0] == "1-URGENT"
    assert lineitem.column("l_returnflag").values == ["N", "R", "A"]
    assert lineitem.column("l_shipmode").values[:2] == ["TRUCK", "MAIL"]
    assert experiment.table("region").column("r_name").values[0] == "EUROPE"
    assert experiment.table("customer").column("c_mktsegment").values[0] == "BUILDING"
    assert lineitem.column("l_returnflag").rule_inferred
    # and the data has them, few and skewed
    table = Generator(experiment, 3).table("orders").generate(0, 15000)
    counts = sorted((v["counts"] for v in pc.value_counts(table["o_orderpriority"]).to_pylist()),
                    reverse=True)
    assert len(counts) == 5 and counts[0] > 2 * counts[-1]


def test_code_sets_fit_the_column_and_short_chars_are_codes():
    cols = columns({"name": "t", "columns": [
        {"name": "status", "data_type": "VARCHAR", "varchar_length": 20},
        {"name": "status_code", "data_type": "CHAR", "varchar_length": 1},
        {"name": "grade", "data_type": "CHAR", "varchar_length": 2},
        {"name": "segment", "data_type": "VARCHAR", "varchar_length": 1},
        {"name": "country_code", "data_type": "CHAR", "varchar_length": 2},
        {"name": "account_type", "data_type": "VARCHAR", "varchar_length": 30},
    ]})
    assert cols["status"].values == ["active", "inactive", "pending", "suspended", "closed", "deleted"]
    assert cols["status_code"].values == ["A", "I", "P", "S", "C", "D"]
    assert cols["grade"].values == ["AA", "AB", "BA", "BB", "CA", "CB"]
    assert cols["segment"].values == ["C", "B", "S", "E", "P"]
    assert cols["country_code"].faker_rule == "country_code" and cols["country_code"].values is None
    assert cols["account_type"].values[0] == "free"
    for column in cols.values():
        if column.values:
            assert len(column.values) <= 25 and abs(sum(column.weights) - 1) < 1e-9
            assert column.weights == sorted(column.weights, reverse=True)


def test_names_imply_ranges():
    cols = columns({"name": "t", "columns": [
        {"name": "c_birth_month", "data_type": "INT"},
        {"name": "hour", "data_type": "SMALLINT"},
        {"name": "day_of_week", "data_type": "INT"},
        {"name": "l_tax", "data_type": "DECIMAL", "precision": 15, "scale": 2},
        {"name": "tax_pct", "data_type": "INT"},
        {"name": "utc_offset", "data_type": "INT"},
        {"name": "age", "data_type": "INT", "min_value": 21},
    ]})
    bounds = {n: (c.min_value, c.max_value) for n, c in cols.items()}
    assert bounds["c_birth_month"] == (1, 12) and bounds["hour"] == (0, 23)
    assert bounds["day_of_week"] == (1, 7) and bounds["utc_offset"] == (-12, 14)
    assert (float(bounds["l_tax"][0]), float(bounds["l_tax"][1])) == (0.0, 0.08)
    assert bounds["tax_pct"] == (0, 100)
    assert bounds["age"] == (21, None), "a bound the schema gives is kept as it is"


def test_nullable_columns_get_nulls_by_kind_and_the_schema_wins():
    cols = columns({"name": "t", "primary_key": ["id"], "unique": [["code"]], "columns": [
        {"name": "id", "data_type": "INT"},
        {"name": "code", "data_type": "VARCHAR", "varchar_length": 10},
        {"name": "middle_name", "data_type": "VARCHAR", "varchar_length": 30},
        {"name": "notes", "data_type": "VARCHAR", "varchar_length": 200},
        {"name": "amount", "data_type": "DECIMAL", "precision": 10, "scale": 2},
        {"name": "must", "data_type": "INT", "required": True},
        {"name": "never", "data_type": "INT", "null_ratio": 0},
    ]})
    ratios = {n: c.null_ratio for n, c in cols.items()}
    assert ratios == {"id": None, "code": None, "middle_name": 0.6, "notes": 0.2, "amount": 0.03,
                      "must": None, "never": 0}


def test_inference_is_idempotent_and_explicit_values_win():
    raw = {"name": "e", "tables": [{"name": "t", "target_rows": 10, "columns": [
        {"name": "status", "data_type": "VARCHAR", "varchar_length": 10, "values": ["on", "off"]},
        {"name": "priority", "data_type": "VARCHAR", "varchar_length": 10, "faker_rule": "word"}]}]}
    experiment = prepare(raw)
    status, priority = experiment.tables[0].columns
    assert status.values == ["on", "off"] and status.weights is None and not status.rule_inferred
    assert priority.values is None and priority.faker_rule == "word"
    again = prepare(experiment.model_dump())
    assert again == experiment


def test_an_inferred_rule_that_cannot_fit_is_dropped_but_a_stated_one_is_refused():
    imported = load("CREATE TABLE t (id INT PRIMARY KEY, order_guid CHAR(16), event_uuid CHAR(36))")
    cols = imported.tables[0].column_map()
    assert cols["order_guid"].faker_rule is None and cols["event_uuid"].faker_rule == "uuid4"
    with pytest.raises(SchemaInvalid, match="makes 36-character values; the column holds 16"):
        columns({"name": "t", "columns": [{"name": "g", "data_type": "CHAR", "varchar_length": 16,
                                           "faker_rule": "uuid4"}]})


def test_a_last_name_is_not_a_last_event():
    cols = columns({"name": "t", "columns": [
        {"name": "last_name", "data_type": "VARCHAR", "varchar_length": 30},
        {"name": "last_login_at", "data_type": "TIMESTAMP"}]})
    assert (cols["last_name"].null_ratio, cols["last_login_at"].null_ratio) == (0.03, 0.1)
