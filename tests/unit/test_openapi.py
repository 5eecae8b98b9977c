"""The committed OpenAPI document is the one the handlers generate."""

from __future__ import annotations

import json
from pathlib import Path

from dwsim.api.app import openapi_document

ROOT = Path(__file__).resolve().parents[2]


def test_committed_openapi_matches_the_handlers():
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    generated = json.loads(openapi_document())
    assert committed == generated, "regenerate with `make openapi`"
    paths = set(generated["paths"])
    assert {"/api/experiments", "/api/experiments/import-sql", "/api/experiments/{name}",
            "/api/experiments/{name}/generate", "/api/experiments/{name}/runs",
            "/api/experiments/{name}/runs/{run_id}", "/api/experiments/{name}/runs/{run_id}/cancel"} <= paths
    body = generated["components"]["schemas"]["ImportSqlRequest"]
    assert set(body["required"]) == {"name", "sql", "dialect"}


def test_the_api_serves_the_web_ui_without_the_api_paths():
    from dwsim.api.app import lambda_handler
    from tests.support.aws import LambdaContext, rest_event

    for path, kind in (("/", "text/html"), ("/app.js", "text/javascript"), ("/styles.css", "text/css")):
        response = lambda_handler(rest_event("GET", path), LambdaContext("api"))
        assert response["statusCode"] == 200
        assert response["multiValueHeaders"]["Content-Type"][0].startswith(kind)
    assert "/" not in json.loads(openapi_document())["paths"]
