"""A small HTTP client for dw-sim's API on the standard library (urllib): JSON in and out,
the API key or a SigV4 signature on every call, the API's error envelope turned back into the
domain error it came from, and files streamed from their URLs."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from dwsim import __version__
from dwsim.errors import (
    AlreadyExists,
    Conflict,
    DwSimError,
    InputTooLarge,
    InvalidInput,
    NotFound,
    RunActive,
    SchemaInvalid,
    SqlSyntaxError,
)

# The domain errors the API sends, rebuilt as themselves so the CLI prints them as it would
# locally (SchemaInvalid's problems, RunActive's run id); other codes keep code and status.
DOMAIN_ERRORS: dict[str, type[DwSimError]] = {cls.code: cls for cls in (
    AlreadyExists, Conflict, InputTooLarge, InvalidInput, NotFound, RunActive, SchemaInvalid,
    SqlSyntaxError)}
RANGE_BYTES = 4 * 1024 * 1024  # what the API's file route sends at most per response
READ_BYTES = 1 << 20


class ApiError(DwSimError):
    """An error the API reported that has no domain class here (its code and status kept)."""

    def __init__(self, code: str, status: int, message: str, details: Any = None):
        super().__init__(message, details)
        self.code, self.status = code, status


class ApiUnreachable(DwSimError):
    code = "api_unreachable"
    status = 503


def domain_error(status: int, raw: bytes, reason: str = "") -> DwSimError:
    """The API's `{"error": {code, message, details}}` as the error it was; anything else
    (API Gateway's own `{"message": "Forbidden"}`) as an ApiError saying what came back."""
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str) and "message" in error:
        details = error.get("details")
        cls = DOMAIN_ERRORS.get(error["code"])
        if cls is not None:
            return cls(error["message"], details)
        if error.get("request_id") is not None and details is None:
            details = {"request_id": error["request_id"]}
        return ApiError(error["code"], status, error["message"], details)
    said = body.get("message") if isinstance(body, dict) else raw[:200].decode("utf-8", "replace")
    hint = " (check --api-key / DWSIM_API_KEY, or --auth iam)" if status in (401, 403) else ""
    return ApiError(f"http_{status}", status,
                    f"the API answered {status} {reason}".rstrip() + (f": {said}" if said else "") + hint)


class ApiClient:
    def __init__(self, base_url: str, api_key: str | None = None, auth: str = "key",
                 timeout: float = 60.0):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidInput(f"--api '{base_url}' is not an http(s) URL (the stack's ApiUrl, "
                               "or http://127.0.0.1:8000 for `dw-sim serve`)")
        self.base = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.signer = None
        if auth == "iam":
            from dwsim.remote.sigv4 import SigV4Signer

            self.signer = SigV4Signer(parts.hostname or "")

    def url(self, path: str, query: dict[str, Any] | None = None) -> str:
        present = {k: v for k, v in (query or {}).items() if v is not None}
        return self.base + path + (f"?{urlencode(present)}" if present else "")

    def call(self, method: str, path: str, body: Any = None,
             query: dict[str, Any] | None = None) -> Any:
        """One JSON request; the decoded JSON answer, or the error the API reported."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"accept": "application/json"}
        if data is not None:
            headers["content-type"] = "application/json"
        with self._open(method, self.url(path, query), data, headers) as response:
            return json.loads(response.read() or b"null")

    def stream(self, url: str, size: int) -> Iterator[bytes]:
        """A file's bytes from the URL the file list gave: an absolute (presigned) URL is
        fetched as it is, with no credentials; a path under the API is read range by range,
        authenticated like any API call."""
        if urlsplit(url).scheme in ("http", "https"):
            with self._open("GET", url, None, {}, authenticate=False) as response:
                while chunk := response.read(READ_BYTES):
                    yield chunk
            return
        start = 0
        while start < size:
            end = min(size, start + RANGE_BYTES) - 1
            with self._open("GET", self.base + url, None, {"range": f"bytes={start}-{end}"}) as response:
                chunk = response.read()
            if not chunk:
                return
            yield chunk
            start += len(chunk)

    def _open(self, method: str, url: str, data: bytes | None, headers: dict[str, str],
              authenticate: bool = True):
        headers = {"user-agent": f"dw-sim/{__version__}", **headers}
        if authenticate and self.api_key:
            headers["x-api-key"] = self.api_key
        if authenticate and self.signer is not None:
            headers = self.signer.sign(method, url, data, headers)
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310 - http(s) only
        except urllib.error.HTTPError as error:
            with error:
                if not authenticate:  # a presigned URL: S3 answers in XML, not the API's JSON
                    raise ApiError(f"http_{error.code}", error.code,
                                   f"the download URL answered {error.code} {error.reason or ''}"
                                   .rstrip() + " (a presigned URL lasts an hour: run the "
                                   "command again)") from None
                raise domain_error(error.code, error.read(), error.reason or "") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise ApiUnreachable(f"cannot reach the API at {self.base}: {reason}") from None
