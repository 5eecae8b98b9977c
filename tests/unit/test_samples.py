"""Sample values for previews: the real engine's first rows, JSON-friendly, bounded in cost,
and refused at the column when the engine cannot make them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from dwsim.engine.generator import Generator
from dwsim.engine.samples import SAMPLE_ROWS, SAMPLE_SEED, json_value, sample_experiment
from dwsim.errors import SchemaInvalid
from dwsim.experiments import interpret_sql, preview
from dwsim.schema.canonical import canonical_json
from dwsim.schema.rules import rule_problem
from dwsim.schema.types import DataType
from dwsim.schema.validate import prepare

ROOT = Path(__file__).resolve().parents[2]
TPCH = (ROOT / "examples" / "tpch_redshift.sql").read_bytes()


@pytest.fixture(scope="module")
def tpch():
    return interpret_sql(TPCH, "tpch", "redshift", 300)


def schema(*columns: dict, rows: int = 100, **table) -> dict:
    return {"name": "s", "tables": [{"name": "t", "target_rows": rows, "columns": list(columns), **table}]}


def test_every_column_of_every_table_gets_the_engines_first_five_rows(tpch):
    samples = sample_experiment(tpch)
    assert list(samples.values) == [t.name for t in tpch.tables] and samples.omitted == []
    for table in tpch.tables:
        first = Generator(tpch, SAMPLE_SEED).table(table.name).generate(0, SAMPLE_ROWS)
        assert list(samples.values[table.name]) == [c.name for c in table.columns]
        for name, values in samples.values[table.name].items():
            assert values == [json_value(v) for v in first.column(name).to_pylist()]
    orders = samples.values["orders"]
    assert orders["o_orderkey"] == [1, 2, 3, 4, 5]
    assert set(orders["o_orderstatus"]) <= {"F", "O", "P"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in orders["o_orderdate"])
    assert all(re.fullmatch(r"-?\d+\.\d\d", v) for v in orders["o_totalprice"])  # exact decimals
    assert samples.describe() == {"seed": 0, "rows": 5, "tables_sampled": 8, "tables_omitted": 0,
                                  "note": "the first 5 rows of each table at seed 0"}


def test_values_are_json_friendly():
    assert json_value(None) is None and json_value(True) is True and json_value(7) == 7
    assert json_value(Decimal("12.50")) == "12.50"
    assert json_value(dt.date(2024, 2, 29)) == "2024-02-29"
    assert json_value(dt.datetime(2024, 2, 29, 13, 5, tzinfo=dt.UTC)) == "2024-02-29 13:05:00+00:00"
    assert json_value(dt.time(8, 30)) == "08:30:00"
    assert json_value(b"\x00\xff") == "00ff"
    assert json_value(float("nan")) == "nan" and json_value(1.5) == 1.5
    long = json_value("x" * 500)
    assert len(long) == 200 and long.endswith("…")


def test_samples_follow_the_rules_as_stated():
    experiment = prepare(schema(
        {"name": "id", "data_type": "BIGINT"},
        {"name": "kind", "data_type": "VARCHAR", "varchar_length": 5, "values": ["X", "Y"], "weights": [3, 1]},
        {"name": "gone", "data_type": "INT", "null_ratio": 1.0},
        {"name": "price", "data_type": "DECIMAL", "precision": 6, "scale": 2, "min_value": 10, "max_value": 20},
        {"name": "at", "data_type": "TIMESTAMPTZ"}, {"name": "blob", "data_type": "BINARY", "varchar_length": 4},
        {"name": "ok", "data_type": "BOOLEAN"}, primary_key=["id"]))
    values = sample_experiment(experiment).values["t"]
    assert values["id"] == [1, 2, 3, 4, 5]
    assert set(values["kind"]) <= {"X", "Y"}
    assert values["gone"] == [None] * 5
    assert all(10 <= Decimal(v) <= 20 for v in values["price"])
    assert all(v is None or re.fullmatch(r"[0-9a-f]*", v) for v in values["blob"])
    assert all(v is None or isinstance(v, bool) for v in values["ok"])


def test_small_and_empty_tables_give_what_they_have():
    experiment = prepare({"name": "s", "tables": [
        {"name": "two", "target_rows": 2, "columns": [{"name": "id", "data_type": "INT"}]},
        {"name": "none", "target_rows": 0, "columns": [{"name": "id", "data_type": "INT"}]}]})
    values = sample_experiment(experiment).values
    assert len(values["two"]["id"]) == 2 and values["none"] == {"id": []}


def test_sampling_is_bounded_and_says_so():
    experiment = prepare({"name": "s", "tables": [
        {"name": f"t{i}", "target_rows": 10, "columns": [{"name": "id", "data_type": "INT"}]}
        for i in range(5)]})
    capped = sample_experiment(experiment, max_tables=2)
    assert list(capped.values) == ["t0", "t1"] and capped.omitted == ["t2", "t3", "t4"]
    assert capped.describe()["tables_omitted"] == 3
    assert "only the first 2 of 5 tables are sampled" in capped.describe()["note"]
    # A slow clock: the first table is always sampled, no other is started after the budget.
    ticks = iter(range(100))
    timed = sample_experiment(experiment, budget_seconds=0.5, clock=lambda: next(ticks))
    assert list(timed.values) == ["t0"] and len(timed.omitted) == 4
    # The budget runs out inside a table: its first columns are sampled, and the note says so.
    wide = prepare(schema(*({"name": c, "data_type": "INT"} for c in "abcd")))
    ticks = iter(range(100))
    cut = sample_experiment(wide, budget_seconds=2.5, clock=lambda: next(ticks))  # 1 tick a column
    assert list(cut.values["t"]) == ["a", "b", "c"] and cut.omitted == []
    assert cut.partial == "t" and "table t only in part" in cut.describe()["note"]
    # The table just edited is sampled first, whatever the bound.
    first = sample_experiment(experiment, max_tables=1, first=["t3"])
    assert list(first.values) == ["t3"] and first.omitted == ["t0", "t1", "t2", "t4"]


def test_a_column_the_engine_cannot_make_is_refused_where_it_is():
    experiment = prepare(schema({"name": "id", "data_type": "INT"},
                                {"name": "n", "data_type": "INT", "values": ["X", "Y"]}))
    with pytest.raises(SchemaInvalid) as refused:
        sample_experiment(experiment)
    assert [(p.location, p.rule) for p in refused.value.problems] == [("table 't', column 'n'", "generation")]
    assert "cannot make this column's values" in refused.value.problems[0].message


def test_a_preview_is_accepted_back_by_create_and_nothing_of_it_is_kept(tpch):
    body = preview(tpch)
    assert set(body) >= {"samples", "sampling"} and body["samples"]["region"]["r_regionkey"] == [1, 2, 3, 4, 5]
    again = prepare(body)
    assert again == tpch  # the same experiment (a Decimal bound may come back as an int)
    assert preview(again)["samples"] == body["samples"]
    assert not {"samples", "sampling"} & (set(again.model_dump()) | set(canonical_json(again)))


def test_the_ui_suggests_only_rules_dw_sim_accepts():
    html = (ROOT / "layers" / "core" / "dwsim" / "web" / "index.html").read_text()
    datalist = re.search(r'<datalist id="faker-rules">(.*?)</datalist>', html, re.S).group(1)
    rules = re.findall(r'<option value="([a-z0-9_]+)">', datalist)
    assert len(rules) >= 20
    for rule in rules:
        assert any(rule_problem(rule, t) is None for t in DataType), rule
