"""`dw-sim serve` as an HTTP server: the same API, status codes and error shapes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from dwsim.api.context import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parents[2]


def call(served, method: str, path: str, body=None, raw: bytes | None = None):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(served.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), dict(error.headers)


def test_serve_speaks_the_api(served):
    schema = json.loads((ROOT / "examples" / "ecommerce.json").read_text())
    status, body, headers = call(served, "GET", "/api/experiments")
    assert status == 200 and schema["name"] not in [e["name"] for e in body["experiments"]]
    assert headers["Content-Type"].startswith("application/json")
    assert call(served, "POST", "/api/experiments", schema)[0] == 201
    status, body, _ = call(served, "GET", "/api/experiments")
    assert schema["name"] in [e["name"] for e in body["experiments"]]
    status, body, _ = call(served, "POST", "/api/experiments", schema)
    assert status == 409 and body["error"]["code"] == "already_exists"
    status, body, _ = call(served, "GET", "/api/experiments/ghost")
    assert status == 404 and body == {"error": {"code": "not_found", "message": "experiment 'ghost' not found"}}
    status, body, _ = call(served, "POST", "/api/experiments/import-sql", raw=b"{oops")
    assert status == 400 and body["error"]["code"] == "invalid_input"
    status, body, _ = call(served, "POST", "/api/experiments/import-sql", raw=b"x" * (MAX_BODY_BYTES + 1))
    assert status == 413
    status, body, _ = call(served, "POST", "/api/experiments/import-sql", {"name": "x", "dialect": "redshift"})
    assert status == 422 and body["error"]["details"][0]["location"] == "sql"
    status, spec, _ = call(served, "GET", "/api/openapi.json")
    assert status == 200 and spec == json.loads((ROOT / "docs" / "openapi.json").read_text())
    status, run, _ = call(served, "POST", "/api/experiments/ecommerce/generate", {"seed": 1})
    assert status == 202 and run["status"] == "RUNNING"
    status, body, _ = call(served, "GET", "/api/nowhere")
    assert status == 404


def test_serve_serves_the_ui_and_refuses_paths_outside_it(served):
    with urllib.request.urlopen(served.url + "/", timeout=10) as response:
        assert response.status == 200 and b"<title>dw-sim" in response.read()
    status, _, _ = call(served, "GET", "/../pyproject.toml")
    assert status == 404
