"""`dw-sim serve` answers every request with JSON, and one bad request never stops it."""

from __future__ import annotations

import http.client
import json
import threading

import pytest

from dwsim.serve import make_server
from dwsim.settings import Settings
from tests.support.http import raw_exchange


@pytest.fixture
def server(tmp_path):
    srv = make_server(Settings(home=tmp_path / "home"), port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.address
    srv.close()
    from dwsim.api import context
    context.configure(None)


def request(address, method: str, path: str, body: str | None = None, headers=None):
    conn = http.client.HTTPConnection(*address, timeout=30)
    conn.request(method, path, body=body, headers={"Content-Type": "application/json",
                                                   **(headers or {})})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return response.status, data


def test_a_bad_content_length_is_a_400(server):
    reply = raw_exchange(server, b"POST /api/experiments HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["error"]["code"] == "invalid_input"
    assert request(server, "GET", "/api/experiments") == (200, {"experiments": []})


def test_nesting_strict_types_and_unexpected_errors_over_http(server, monkeypatch):
    status, body = request(server, "POST", "/api/experiments", "[" * 100_000 + "]" * 100_000)
    assert status == 400 and "nested too deeply" in body["error"]["message"]
    status, body = request(server, "POST", "/api/experiments/import-sql", json.dumps(
        {"name": "a", "sql": "CREATE TABLE a (id INT)", "dialect": "redshift", "target_rows": "10"}))
    assert status == 422 and body["error"]["details"][0]["location"] == "target_rows"
    from dwsim.api import experiments as routes

    monkeypatch.setattr(routes, "preview_schema", lambda *a: [][1])
    status, body = request(server, "POST", "/api/experiments/preview", json.dumps({"name": "x"}))
    assert status == 500 and body["error"]["code"] == "internal_error"
    assert body["error"]["request_id"]

    import dwsim.api.app

    def broken(resolver, event, context):
        raise RuntimeError("outside any route")

    monkeypatch.setattr(dwsim.api.app, "handle", broken)
    status, body = request(server, "GET", "/api/experiments")
    assert status == 500 and body["error"]["code"] == "internal_error"
    monkeypatch.undo()
    assert request(server, "GET", "/api/experiments") == (200, {"experiments": []})
