"""The CLI's HTTP client: what it sends (the API key, a SigV4 signature, from flags or the
environment) to a small HTTP server that records each request, and how the API's answers
become the CLI's errors."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dwsim.cli import main
from dwsim.errors import NotFound, RunActive, SchemaInvalid
from dwsim.remote.client import ApiClient, ApiError, domain_error
from dwsim.remote.sigv4 import region_of

BLOB = bytes(range(256)) * 12_000  # 3 MB, read in several chunks


class Recorder(BaseHTTPRequestHandler):
    """Answers every GET with an empty experiment list and keeps the request's headers."""

    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        Recorder.seen.append({k.lower(): v for k, v in self.headers.items()} | {"path": self.path})
        body = BLOB if self.path.startswith("/blob") else json.dumps({"experiments": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_api_key_goes_in_x_api_key(recorder, capsys):
    assert main(["--api", recorder + "/", "--api-key", "k-123", "experiment", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"experiments": []}
    (request,) = Recorder.seen
    assert request["path"] == "/api/experiments" and request["x-api-key"] == "k-123"
    assert "authorization" not in request and request["user-agent"].startswith("dw-sim/")


def test_the_environment_names_the_api_and_its_key(recorder, capsys, monkeypatch):
    monkeypatch.setenv("DWSIM_API_URL", recorder)
    monkeypatch.setenv("DWSIM_API_KEY", "from-env")
    assert main(["experiment", "list"]) == 0
    assert "No experiments yet" in capsys.readouterr().out
    assert Recorder.seen[0]["x-api-key"] == "from-env"
    code = main(["serve", "--port", "0"])
    assert code == 1 and "works on this machine only" in capsys.readouterr().err


def test_iam_mode_signs_with_sigv4_for_execute_api(recorder, capsys, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert main(["--api", recorder, "--auth", "iam", "experiment", "list", "--json"]) == 0
    (request,) = Recorder.seen
    authorization = request["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in authorization
    assert "SignedHeaders=" in authorization and "Signature=" in authorization
    assert request["x-amz-security-token"] == "session-token" and request["x-amz-date"]
    assert "x-api-key" not in request


def test_iam_mode_without_credentials_says_so(recorder, capsys, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code = main(["--api", recorder, "--auth", "iam", "experiment", "list", "--json"])
    error = json.loads(capsys.readouterr().err)["error"]
    assert code == 1 and error["code"] == "invalid_input" and "AWS credentials" in error["message"]
    assert Recorder.seen == []


def test_flags_that_need_api_and_a_bad_url_are_refused(capsys):
    assert main(["--api-key", "k", "experiment", "list"]) == 1
    assert "--api-key and --auth apply to --api URL" in capsys.readouterr().err
    assert main(["--api", "ftp://host", "experiment", "list"]) == 1
    assert "is not an http(s) URL" in capsys.readouterr().err
    assert main(["--api", "http://127.0.0.1:1", "--home", "x", "experiment", "list"]) == 1
    assert "--home names the embedded store" in capsys.readouterr().err


def test_region_of_an_execute_api_host():
    assert region_of("abc123.execute-api.eu-central-1.amazonaws.com") == "eu-central-1"
    assert region_of("127.0.0.1") is None


def test_the_apis_error_envelope_becomes_the_domain_error():
    problems = [{"location": "t.id", "rule": "unique_domain", "message": "too few values"}]
    error = domain_error(422, json.dumps({"error": {"code": "schema_invalid", "message": "m",
                                                    "details": problems}}).encode())
    assert isinstance(error, SchemaInvalid) and error.one_line() == "t.id: too few values"
    error = domain_error(409, json.dumps({"error": {"code": "run_active", "message": "busy",
                                                    "details": {"active_run_id": "R1"}}}).encode())
    assert isinstance(error, RunActive) and error.run_id == "R1"
    error = domain_error(404, b'{"error": {"code": "not_found", "message": "gone"}}')
    assert isinstance(error, NotFound) and error.to_dict() == {"error": {"code": "not_found",
                                                                         "message": "gone"}}
    error = domain_error(422, b'{"error": {"code": "invalid_request", "message": "seed: bad"}}')
    assert isinstance(error, ApiError) and (error.code, error.status) == ("invalid_request", 422)


def test_answers_without_the_envelope_say_what_came_back():
    error = domain_error(403, b'{"message": "Forbidden"}', "Forbidden")
    assert error.code == "http_403" and "403 Forbidden: Forbidden" in error.message
    assert "--api-key" in error.message
    error = domain_error(502, b"<html>bad gateway</html>", "Bad Gateway")
    assert error.code == "http_502" and "bad gateway" in error.message


def test_an_absolute_url_is_streamed_without_the_apis_credentials(recorder):
    """What a presigned S3 URL gets: a plain GET, no x-api-key (S3 would refuse a second
    credential), the body read in chunks."""
    client = ApiClient(recorder, api_key="secret-key")
    chunks = list(client.stream(recorder + "/blob?X-Amz-Signature=abc", len(BLOB)))
    assert b"".join(chunks) == BLOB and len(chunks) > 1
    (request,) = Recorder.seen
    assert request["path"] == "/blob?X-Amz-Signature=abc" and "x-api-key" not in request
