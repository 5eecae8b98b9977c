"""No request takes the API down: unexpected errors are 500 JSON errors with the request id
(and a logged traceback), deep nesting and model refusals are 4xx, and request bodies are
validated strictly (no "10" → 10, no true → 1)."""

from __future__ import annotations

import json

import pytest

from dwsim.api import experiments as experiment_routes
from dwsim.api.app import lambda_handler
from dwsim.api.context import MAX_BODY_BYTES
from tests.support.aws import LambdaContext, reload_settings, rest_event

DDL = "CREATE TABLE a (id INT PRIMARY KEY, label VARCHAR(20));"


@pytest.fixture
def api(tmp_path, monkeypatch):
    monkeypatch.setenv("DWSIM_HOME", str(tmp_path / "home"))
    reload_settings()

    def call(method: str, path: str, body=None, request_id: str | None = "req-abc",
             context: LambdaContext | None = None) -> tuple[int, dict]:
        event = rest_event(method, path, body)
        if request_id is None:
            del event["requestContext"]["requestId"]
        else:
            event["requestContext"]["requestId"] = request_id
        response = lambda_handler(event, context or LambdaContext("api"))
        assert response["multiValueHeaders"]["Content-Type"] == ["application/json"]
        return response["statusCode"], json.loads(response["body"])

    return call


def import_body(**fields) -> dict:
    return {"name": "a", "sql": DDL, "dialect": "redshift", "dry_run": True, **fields}


def test_an_unexpected_error_is_a_500_json_error_with_the_request_id_and_a_logged_traceback(
        api, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise KeyError("kaboom")

    monkeypatch.setattr(experiment_routes, "create_experiment", boom)
    status, body = api("POST", "/api/experiments", {"name": "x"}, request_id="req-123")
    assert status == 500
    assert body["error"]["code"] == "internal_error"
    assert body["error"]["request_id"] == "req-123"
    assert "req-123" in body["error"]["message"] and "kaboom" not in body["error"]["message"]
    error = next(r for r in caplog.records if r.getMessage() == "unexpected error")
    assert error.levelname == "ERROR" and error.request_id == "req-123"
    assert error.exc_info[0] is KeyError  # Powertools writes it as the "exception" traceback


def test_without_an_api_gateway_request_id_the_lambda_request_id_is_reported(api, monkeypatch):
    monkeypatch.setattr(experiment_routes, "preview", lambda *a, **k: 1 / 0)
    context = LambdaContext("api")
    status, body = api("POST", "/api/experiments/import-sql", import_body(), request_id=None,
                       context=context)
    assert status == 500 and body["error"]["request_id"] == context.aws_request_id


def test_deeply_nested_json_is_a_400(api):
    status, body = api("POST", "/api/experiments", "[" * 100_000 + "]" * 100_000)
    assert status == 400 and body["error"]["code"] == "invalid_input"
    assert "nested too deeply" in body["error"]["message"]


@pytest.mark.parametrize("target_rows", [10**12, -1, {"a": 10**12}])
def test_a_row_target_out_of_range_is_a_422(api, target_rows):
    status, body = api("POST", "/api/experiments/import-sql", import_body(target_rows=target_rows))
    assert status == 422 and body["error"]["code"] == "invalid_request"
    assert body["error"]["message"].startswith("target_rows")
    assert "10000000000" in body["error"]["message"] or "greater than" in body["error"]["message"]


def test_a_pydantic_error_from_deeper_down_is_a_422(api, monkeypatch):
    from pydantic import BaseModel

    class Inner(BaseModel):
        n: int

    monkeypatch.setattr(experiment_routes, "preview", lambda *a, **k: Inner(n="x"))
    status, body = api("POST", "/api/experiments/import-sql", import_body())
    assert status == 422 and body["error"]["code"] == "invalid_request"
    assert body["error"]["details"][0]["location"] == "n"


@pytest.mark.parametrize("fields, location", [
    ({"target_rows": "10"}, "target_rows"),
    ({"target_rows": True}, "target_rows"),
    ({"target_rows": {"a": "5"}}, "target_rows"),
    ({"target_rows": 10.0}, "target_rows"),
    ({"dry_run": "true"}, "dry_run"),
    ({"dry_run": 1}, "dry_run"),
    ({"name": 5}, "name"),
])
def test_import_sql_bodies_are_not_coerced(api, fields, location):
    status, body = api("POST", "/api/experiments/import-sql", import_body(**fields))
    assert status == 422, body
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["details"][0]["location"] == location


@pytest.mark.parametrize("payload, location", [
    ({"rows": {"a": True}}, "rows.a"),
    ({"rows": {"a": "5"}}, "rows.a"),
    ({"rows": {"a": 10**12}}, "rows.a"),
    ({"seed": "5"}, "seed"),
    ({"seed": False}, "seed"),
    ({"batch_rows": "100"}, "batch_rows"),
])
def test_generate_bodies_are_not_coerced(api, payload, location):
    status, created = api("POST", "/api/experiments/import-sql", import_body(dry_run=False))
    assert status == 201, created
    status, body = api("POST", "/api/experiments/a/generate", payload)
    assert status == 422, body
    assert body["error"]["details"][0]["location"] == location
    assert api("GET", "/api/experiments/a/runs")[1] == {"runs": [], "next_token": None}


def test_well_typed_bodies_still_work(api):
    status, body = api("POST", "/api/experiments/import-sql", import_body(target_rows={"a": 7}))
    assert status == 200 and body["tables"][0]["target_rows"] == 7


def test_unknown_routes_and_domain_errors_keep_their_status(api):
    assert api("GET", "/api/nope")[0] == 404
    assert api("GET", "/api/experiments/missing")[0] == 404
    status, body = api("POST", "/api/experiments/import-sql", "{not json")
    assert status == 400 and body["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("check", ["(" * 3000 + "a > 1" + ")" * 3000,
                                   " AND ".join(["a > 1"] * 20_000)])
def test_sql_nested_too_deeply_is_a_located_sql_error(api, check):
    sql = f"CREATE TABLE t (a INT CHECK ({check}))"
    status, body = api("POST", "/api/experiments/import-sql", import_body(sql=sql, dialect="postgres"))
    assert status == 400 and body["error"]["code"] == "sql_syntax_error"
    assert "nests expressions too deeply" in body["error"]["message"]


def test_powertools_http_errors_keep_their_status_in_the_error_shape(api, monkeypatch):
    from aws_lambda_powertools.event_handler.exceptions import BadRequestError

    def refuse(*args, **kwargs):
        raise BadRequestError("not like that")

    monkeypatch.setattr(experiment_routes, "preview", refuse)
    status, body = api("POST", "/api/experiments/import-sql", import_body())
    assert (status, body) == (400, {"error": {"code": "invalid_input", "message": "not like that"}})


@pytest.mark.parametrize("path", ["/api/experiments", "/api/experiments/import-sql",
                                  "/api/experiments/preview", "/api/experiments/x/generate"])
def test_a_body_that_is_not_utf8_is_a_400_on_every_route_with_a_body(path):
    import base64

    def send(body: str, encoded: bool = True) -> tuple[int, dict]:
        event = {**rest_event("POST", path), "body": body, "isBase64Encoded": encoded}
        response = lambda_handler(event, LambdaContext("api"))
        return response["statusCode"], json.loads(response["body"])

    # What serve (and API Gateway, for a binary body) hands over: the bytes in base64.
    status, body = send(base64.b64encode(b'{"name": "\xff"}').decode())
    assert status == 400 and body["error"] == {
        "code": "invalid_input",
        "message": "the request body is not UTF-8 text (byte 10 cannot start a character)"}
    status, body = send("%%% not base64")
    assert status == 400 and "base64" in body["error"]["message"]
    too_big = MAX_BODY_BYTES + 100
    status, body = send(base64.b64encode(b"x" * too_big).decode())
    assert status == 413 and f"{too_big:,} bytes" in body["error"]["message"]
    status, _ = send(base64.b64encode(b'"x"').decode())
    assert status == 422
