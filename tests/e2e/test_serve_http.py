"""`dw-sim serve` as an HTTP server under load and abuse: simultaneous requests, malformed
framing, security headers, CORS and the Host check. Each test prints what it sent and saw."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter

import pytest

from dwsim.api.context import MAX_BODY_BYTES
from tests.e2e.conftest import Served
from tests.support.http import raw_exchange

TIMEOUT = 2  # DWSIM_SERVE_TIMEOUT: seconds before a stalled connection is closed
RACE_SCHEMA = {"name": "race", "tables": [{"name": "t", "target_rows": 40_000_000, "columns": [
    {"name": "id", "data_type": "INT", "is_unique": True},
    {"name": "v", "data_type": "VARCHAR", "varchar_length": 20}]}]}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("serve-http") / "home",
                    {"DWSIM_SERVE_TIMEOUT": str(TIMEOUT)})
    yield server
    server.stop()


def request(served, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json",
                                                       **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def simultaneously(count: int, call) -> tuple[Counter, list[str]]:
    """Start `count` calls at the same instant; the statuses seen and the connection errors."""
    barrier = threading.Barrier(count)
    statuses: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        try:
            status = call()
        except OSError as exc:  # a reset, a refused or timed-out connection
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
            return
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses, errors


def raw(served, data: bytes) -> bytes:
    # the socket's own timeout, well past the server's, fails the test instead of hanging it
    return raw_exchange((served.host, served.port), data, timeout=TIMEOUT * 10)


def test_twenty_simultaneous_generates_start_exactly_one_run(served):
    body = json.dumps(RACE_SCHEMA).encode()
    assert request(served, "POST", "/api/experiments", body)[0] == 201
    statuses, errors = simultaneously(20, lambda: request(
        served, "POST", "/api/experiments/race/generate", b'{"seed": 1}')[0])
    print(f"generate: 20 requests sent, statuses seen {dict(statuses)}, "
          f"{len(errors)} dropped connections {errors[:3]}")
    assert errors == []
    assert statuses == Counter({202: 1, 409: 19})
    status, data, _ = request(served, "GET", "/api/experiments/race/runs")
    runs = json.loads(data)["runs"]
    assert status == 200 and len(runs) == 1
    status, data, _ = request(served, "POST", f"/api/experiments/race/runs/{runs[0]['run_id']}/cancel")
    assert status == 200 and json.loads(data)["status"] in ("ABORTED", "COMPLETED")


def test_two_hundred_simultaneous_gets_are_all_answered(served):
    statuses, errors = simultaneously(200, lambda: request(served, "GET", "/api/experiments")[0])
    print(f"GET: 200 requests sent, statuses seen {dict(statuses)}, "
          f"{len(errors)} dropped connections {errors[:3]}")
    assert errors == [] and statuses == Counter({200: 200})


@pytest.mark.parametrize("framing", [
    b"Content-Length: abc\r\n\r\n",
    b"Content-Length: -1\r\n\r\n",
    b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
], ids=["letters", "negative", "twice", "bad-chunk"])
def test_malformed_framing_is_a_400_and_the_server_goes_on(served, framing):
    reply = raw(served, b"POST /api/experiments HTTP/1.1\r\nHost: localhost\r\n" + framing)
    head, _, body = reply.partition(b"\r\n\r\n")
    print(f"framing {framing!r}: {head.splitlines()[0] if head else b'closed'}")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body)["error"]["code"] == "invalid_input"
    assert b"x-content-type-options: nosniff" in head.lower()
    assert request(served, "GET", "/api/experiments")[0] == 200


def test_a_body_shorter_than_declared_is_closed_after_the_timeout(served):
    reply = raw(served, b"POST /api/experiments HTTP/1.1\r\nHost: localhost\r\n"
                        b"Content-Length: 100\r\n\r\n{\"name\"")
    print(f"short body: {reply[:40]!r} then closed")
    assert reply == b""  # nothing to answer: the request never arrived whole
    assert request(served, "GET", "/api/experiments")[0] == 200


def test_a_body_that_is_not_utf8_is_a_400(served):
    status, data, headers = request(served, "POST", "/api/experiments", b"\xff\xfe{}")
    assert status == 400 and json.loads(data)["error"]["code"] == "invalid_input"
    assert "UTF-8" in json.loads(data)["error"]["message"]
    assert request(served, "GET", "/api/experiments")[0] == 200


def test_every_response_carries_the_security_headers(served):
    status, _, page = request(served, "GET", "/")
    assert status == 200 and page["content-type"].startswith("text/html")
    csp = {d.split()[0]: d.split()[1:] for d in page["content-security-policy"].split("; ")}
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in page["content-security-policy"]
    seen = {"/": page}
    for path, expected in (("/app.js", 200), ("/api/experiments", 200),
                           ("/api/experiments/ghost", 404), ("/nowhere", 404)):
        status, _, headers = request(served, "GET", path)
        assert status == expected
        seen[path] = headers
    seen["413"] = request(served, "POST", "/api/experiments", b"x" * (MAX_BODY_BYTES + 1))[2]
    for path, headers in seen.items():
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
        assert "access-control-allow-origin" not in headers, path
    assert seen["/api/experiments"]["content-security-policy"].startswith("default-src 'none'")


def test_no_cors_for_other_origins(served):
    preflight = {"Origin": "http://evil.example", "Access-Control-Request-Method": "DELETE"}
    status, _, headers = request(served, "OPTIONS", "/api/experiments/race", headers=preflight)
    assert "access-control-allow-origin" not in headers and status >= 400
    status, _, headers = request(served, "GET", "/api/experiments",
                                 headers={"Origin": "http://evil.example"})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_only_localhost_names_reach_a_loopback_server(served):
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}", "localhost",
                 f"[::1]:{served.port}"):
        assert request(served, "GET", "/api/experiments", headers={"Host": host})[0] == 200, host
    for host in (f"evil.example:{served.port}", "evil.example", f"localhost.evil.example:{served.port}",
                 f"127.0.0.1:{served.port + 1}"):
        status, data, _ = request(served, "GET", "/", headers={"Host": host})
        assert status == 421 and json.loads(data)["error"]["code"] == "host_not_allowed", host


def test_the_query_string_and_encoded_path_reach_the_api(served):
    """waitress hands the path and the query apart: both must reach the routes as sent."""
    body = json.dumps({**RACE_SCHEMA, "name": "paged"}).encode()
    assert request(served, "POST", "/api/experiments", body)[0] == 201
    status, data, _ = request(served, "GET", "/api/experiments/paged/runs?limit=abc")
    assert status == 422 and "limit" in json.loads(data)["error"]["message"]
    status, data, _ = request(served, "GET", "/api/experiments/paged/runs?limit=1")
    assert status == 200 and json.loads(data) == {"runs": [], "next_token": None}
