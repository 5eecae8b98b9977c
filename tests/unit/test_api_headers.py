"""The API's responses in AWS carry the security headers, and CORS answers only the one
configured origin (none by default)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dwsim.api.app import build_resolver, handle, lambda_handler
from dwsim.api.context import MAX_BODY_BYTES
from dwsim.settings import Settings
from tests.support.aws import LambdaContext, reload_settings, rest_event

PREFLIGHT = {"Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE",
             "Access-Control-Request-Headers": "x-api-key"}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DWSIM_HOME", str(tmp_path / "home"))
    reload_settings()


def headers_of(response: dict) -> dict[str, str]:
    merged = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    merged.update({k.lower(): ",".join(v) for k, v in (response.get("multiValueHeaders") or {}).items()})
    return merged


def event(method: str, path: str, body=None, **headers: str) -> dict:
    built = rest_event(method, path, body)
    built["headers"].update(headers)
    built["multiValueHeaders"].update({k: [v] for k, v in headers.items()})
    return built


def test_every_response_has_the_security_headers():
    responses = {
        "page": lambda_handler(event("GET", "/"), LambdaContext("api")),
        "json": lambda_handler(event("GET", "/api/experiments"), LambdaContext("api")),
        "404": lambda_handler(event("GET", "/api/nowhere"), LambdaContext("api")),
        "422": lambda_handler(event("POST", "/api/experiments/import-sql", {"name": "x"}),
                              LambdaContext("api")),
        "413": lambda_handler(event("POST", "/api/experiments", "x" * (MAX_BODY_BYTES + 1)), LambdaContext("api")),
    }
    assert [r["statusCode"] for r in responses.values()] == [200, 200, 404, 422, 413]
    for name, response in responses.items():
        headers = headers_of(response)
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
        assert "access-control-allow-origin" not in headers, name
    page = headers_of(responses["page"])["content-security-policy"]
    assert "default-src 'self'" in page and "'unsafe-inline'" not in page
    assert headers_of(responses["json"])["content-security-policy"].startswith("default-src 'none'")


def test_no_cors_by_default():
    for response in (lambda_handler(event("OPTIONS", "/api/experiments/x", **PREFLIGHT), LambdaContext("api")),
                     lambda_handler(event("GET", "/api/experiments", Origin="https://evil.example"),
                                    LambdaContext("api"))):
        assert "access-control-allow-origin" not in headers_of(response)


def test_cors_answers_only_the_configured_origin():
    resolver = build_resolver("https://ui.example")
    allowed = handle(resolver, event("OPTIONS", "/api/experiments/x",
                                     **{**PREFLIGHT, "Origin": "https://ui.example"}), LambdaContext("api"))
    assert headers_of(allowed)["access-control-allow-origin"] == "https://ui.example"
    assert "DELETE" in headers_of(allowed)["access-control-allow-methods"]
    refused = handle(resolver, event("OPTIONS", "/api/experiments/x", **PREFLIGHT), LambdaContext("api"))
    assert "access-control-allow-origin" not in headers_of(refused)
    listed = handle(resolver, event("GET", "/api/experiments", Origin="https://ui.example"),
                    LambdaContext("api"))
    assert listed["statusCode"] == 200
    assert headers_of(listed)["access-control-allow-origin"] == "https://ui.example"


@pytest.mark.parametrize("origin", ["*", "https://a.example/path", "a.example", "https://*.example"])
def test_the_cors_origin_is_one_exact_origin(origin):
    with pytest.raises(ValidationError, match="cors_origin"):
        Settings(cors_origin=origin)
