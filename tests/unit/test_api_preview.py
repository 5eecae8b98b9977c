"""The preview routes through the API handler: the dry run of an SQL import and the preview of
a JSON schema carry sample values, store nothing, and refuse with located problems."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from dwsim.api.app import lambda_handler
from tests.support.aws import LambdaContext, reload_settings, rest_event

ROOT = Path(__file__).resolve().parents[2]
TPCH = (ROOT / "examples" / "tpch_redshift.sql").read_text()


@pytest.fixture
def api(tmp_path, monkeypatch):
    monkeypatch.setenv("DWSIM_HOME", str(tmp_path / "home"))
    reload_settings()

    def call(method: str, path: str, body=None, query: dict[str, str] | None = None):
        event = rest_event(method, path, body)
        if query:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
        response = lambda_handler(event, LambdaContext("api"))
        return response["statusCode"], json.loads(response["body"])

    return call


def column(body: dict, table: str, name: str) -> dict:
    return next(c for t in body["tables"] if t["name"] == table for c in t["columns"] if c["name"] == name)


def dry_run(api) -> dict:
    status, body = api("POST", "/api/experiments/import-sql",
                       {"name": "tpch", "sql": TPCH, "dialect": "redshift", "target_rows": 300, "dry_run": True})
    assert status == 200, body
    return body


def test_the_sql_dry_run_carries_samples_and_stores_nothing(api):
    body = dry_run(api)
    assert body["sampling"] == {"seed": 0, "rows": 5, "tables_sampled": 8, "tables_omitted": 0,
                                "note": "the first 5 rows of each table at seed 0"}
    assert set(body["samples"]) == {t["name"] for t in body["tables"]}
    for table in body["tables"]:
        assert list(body["samples"][table["name"]]) == [c["name"] for c in table["columns"]]
        assert all(len(v) == 5 for v in body["samples"][table["name"]].values())
    assert set(body["samples"]["orders"]["o_orderstatus"]) <= {"F", "O", "P"}
    assert api("GET", "/api/experiments") == (200, {"experiments": []})


def test_an_edited_preview_is_validated_resampled_and_created_as_edited(api):
    experiment = dry_run(api)
    edited = copy.deepcopy(experiment)
    status_column = column(edited, "orders", "o_orderstatus")
    status_column.update(values=["X", "Y"], weights=[3, 1])
    status_column.pop("rule_inferred")
    status, body = api("POST", "/api/experiments/preview", edited, {"tables": "orders"})
    assert status == 200, body
    assert set(body["samples"]["orders"]["o_orderstatus"]) <= {"X", "Y"}
    assert body["samples"]["region"] == experiment["samples"]["region"]  # the rest is unchanged
    assert column(body, "orders", "o_orderstatus")["values"] == ["X", "Y"]
    assert api("GET", "/api/experiments") == (200, {"experiments": []}), "a preview stores nothing"

    status, stored = api("POST", "/api/experiments", body)  # samples and sampling are ignored
    assert status == 201, stored
    status, shown = api("GET", "/api/experiments/tpch")
    assert "samples" not in shown and "sampling" not in shown
    assert column(shown, "orders", "o_orderstatus")["values"] == ["X", "Y"]
    assert column(shown, "orders", "o_orderstatus")["weights"] == [3, 1]
    assert shown["dialect"] == "redshift" and len(shown["warnings"]) == 3


def test_an_invalid_preview_is_refused_with_every_problem_located(api):
    edited = dry_run(api)
    column(edited, "orders", "o_orderstatus").update(values=["X", "Y"], weights=[1])
    column(edited, "customer", "c_acctbal").update(faker_rule="no_such_rule")
    status, body = api("POST", "/api/experiments/preview", edited)
    assert status == 422 and body["error"]["code"] == "schema_invalid"
    assert {(p["location"], p["rule"]) for p in body["error"]["details"]} == {
        ("table 'orders', column 'o_orderstatus'", "weights"),
        ("table 'customer', column 'c_acctbal'", "faker_rule")}


def test_values_the_engine_cannot_make_are_refused_at_the_column(api):
    schema = {"name": "s", "tables": [{"name": "t", "target_rows": 10, "columns": [
        {"name": "n", "data_type": "INT", "values": ["X", "Y"]}]}]}
    status, body = api("POST", "/api/experiments/preview", schema)
    assert status == 422
    assert body["error"]["details"][0]["location"] == "table 't', column 'n'"
    assert "cannot make this column's values" in body["error"]["message"]


def test_a_preview_body_must_be_a_schema(api):
    status, body = api("POST", "/api/experiments/preview", {"name": "s", "tables": [], "extra": 1})
    assert status == 422 and "unknown field 'extra'" in json.dumps(body)
    status, body = api("POST", "/api/experiments/preview", "[1, 2]")
    assert status == 422
