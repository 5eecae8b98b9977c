"""`dw-sim serve`: the HTTP API and web UI on this machine, on the embedded default.

waitress does the HTTP: a listen backlog, request framing (a malformed Content-Length or
chunk is a 400 and the connection closes), timeouts on idle or stalled connections, a body
size cap, and a pool of threads. This module is the WSGI application behind it: each /api
request becomes the API Gateway REST proxy event the deployed API receives and goes to the
same handler (dwsim.api.app.handle), as `sam local start-api` would, without Docker. Runs
execute in the background on the embedded executor, as a Step Functions execution would in
AWS. Everything else is the static UI from web/.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import waitress
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from dwsim.api import context
from dwsim.api.context import MAX_BODY_BYTES, ApiContext
from dwsim.api.events import rest_proxy_event
from dwsim.api.headers import security_headers
from dwsim.settings import Settings

MAX_READ = MAX_BODY_BYTES + 1  # read one byte past the limit so the handler can answer 413
# waitress refuses (413, plain text, connection closed) bodies past this before reading them;
# bodies between MAX_BODY_BYTES and it get the API's JSON 413.
HARD_BODY_CAP = 4 * MAX_BODY_BYTES
BACKLOG = 1024
THREADS = 8
CONNECTION_LIMIT = 512
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def web_root(settings: Settings) -> Path:
    """The UI's folder: settings.web_dir ($DWSIM_WEB_DIR), else web/ beside the package."""
    here = Path(__file__).resolve().parent
    for candidate in (settings.web_dir, here / "web", here.parents[2] / "web"):
        if candidate and (Path(candidate) / "index.html").is_file():
            return Path(candidate)
    raise FileNotFoundError("the web UI (web/index.html) was not found; set DWSIM_WEB_DIR")


class LambdaContext:
    function_name = "dw-sim-serve"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:local:000000000000:function:dw-sim-serve"
    aws_request_id = "local"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The Host header values accepted when bound to loopback (a page on another name that
    resolves to 127.0.0.1 — DNS rebinding — is refused); None: any, when bound elsewhere."""
    if not is_loopback(host):
        return None
    names = {*LOOPBACK_NAMES, f"[{host}]" if ":" in host else host}
    return frozenset({*names, *(f"{n}:{port}" for n in names)})


class Application:
    """The WSGI application. Each waitress thread resolves on its own Powertools resolver
    (they keep the request being resolved on the instance), so concurrent requests share
    nothing but the ApiContext's stores, which open a connection per call."""

    def __init__(self, settings: Settings, web: Path, verbose: bool = False):
        self.settings = settings
        self.web = web.resolve()
        self.verbose = verbose
        self.hosts: frozenset[str] | None = None
        self._local = threading.local()

    def resolver(self):
        resolver = getattr(self._local, "resolver", None)
        if resolver is None:
            from dwsim.api.app import build_resolver

            # No CloudWatch here: the run counter metric is an AWS concern.
            resolver = build_resolver(self.settings.cors_origin, count_metrics=False)
            self._local.resolver = resolver
        return resolver

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        # The request line as sent (waitress: REQUEST_URI): path still percent-encoded, as the
        # route patterns expect, and the query string with it.
        url = urlsplit(environ.get("REQUEST_URI") or environ.get("RAW_URI")
                       or environ.get("PATH_INFO") or "/")
        try:
            host = environ.get("HTTP_HOST")
            if self.hosts is not None and host is not None and host.lower() not in self.hosts:
                status, headers, body = error(421, "host_not_allowed",
                                              f"this server answers to localhost only, not {host!r}")
            elif url.path == "/api" or url.path.startswith("/api/"):
                status, headers, body = self._api(environ, method, url.path,
                                                  url.query or environ.get("QUERY_STRING", ""))
            elif method in ("GET", "HEAD"):
                status, headers, body = self._static(url.path)
            else:
                status, headers, body = error(405, "method_not_allowed", f"{method} {url.path}")
        except Exception as exc:  # noqa: BLE001 - one bad request never stops the server
            traceback.print_exc(file=sys.stderr)
            status, headers, body = error(500, "internal_error", "an unexpected error stopped "
                                          f"this request: {type(exc).__name__}")
        if self.verbose:
            sys.stderr.write(f"{environ.get('REMOTE_ADDR')} {method} {url.path} {status}\n")
        headers = [*headers, ("Content-Length", str(len(body)))]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [b"" if method == "HEAD" else body]

    def _api(self, environ: dict[str, Any], method: str, path: str,
             query: str) -> tuple[int, list[tuple[str, str]], bytes]:
        from dwsim.api.app import handle

        length = int(environ.get("CONTENT_LENGTH") or 0)  # waitress checked the framing
        body = environ["wsgi.input"].read(min(length, MAX_READ)) if length else None
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = environ[key]
        event = rest_proxy_event(method, path, query, headers, body,
                                 environ.get("REMOTE_ADDR") or "127.0.0.1")
        response = handle(self.resolver(), event, LambdaContext())
        payload = response.get("body") or ""
        if response.get("isBase64Encoded"):
            import base64

            data = base64.b64decode(payload)
        else:
            data = payload.encode() if isinstance(payload, str) else payload
        out: list[tuple[str, str]] = []
        sent = set()
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out.extend((name, str(value)) for value in values)
            sent.add(name.lower())
        for name, value in (response.get("headers") or {}).items():
            if name.lower() not in sent:
                out.append((name, str(value)))
        return response.get("statusCode", 500), out, data

    def _static(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        target = (self.web / relative).resolve()
        if self.web not in target.parents or not target.is_file():
            return error(404, "not_found", f"no file {path}")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        return 200, [("Content-Type", kind), ("Cache-Control", "no-cache"),
                     *security_headers(kind).items()], target.read_bytes()


def error(status: int, code: str, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
    kind = "application/json"
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return status, [("Content-Type", kind), *security_headers(kind).items()], body


class JsonErrorTask(ErrorTask):
    """waitress's own refusals (bad framing, a body past the cap, a header too large) in the
    API's error shape and with its headers; the connection still closes after them."""

    def execute(self) -> None:
        problem = self.request.error
        code = {400: "invalid_input", 413: "too_large"}.get(problem.code, f"http_{problem.code}")
        status, headers, body = error(problem.code, code, f"{problem.reason}: {problem.body}")
        self.status = f"{status} {problem.reason}"
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask


class Server:
    """waitress's server around the application; `address` is where it listens."""

    def __init__(self, settings: Settings, host: str, port: int, verbose: bool):
        self.app = Application(settings, web_root(settings), verbose)
        self.executor = context.current().executor
        self._server = waitress.create_server(
            self.app, host=host, port=port, threads=THREADS, backlog=BACKLOG,
            connection_limit=CONNECTION_LIMIT, channel_timeout=settings.serve_timeout,
            cleanup_interval=max(1, min(30, int(settings.serve_timeout // 2) or 1)),
            max_request_body_size=HARD_BODY_CAP, asyncore_use_poll=True, ident="dw-sim",
            clear_untrusted_proxy_headers=True, expose_tracebacks=False)
        self._server.channel_class = JsonErrorChannel
        listening = getattr(self._server, "effective_listen", None)  # a name with many addresses
        self.address = (tuple(listening[0][:2]) if listening else
                        (self._server.effective_host, self._server.effective_port))
        self.app.hosts = allowed_hosts(host, self.address[1])

    def serve_forever(self) -> None:
        self._server.run()

    def close(self) -> None:
        self._server.close()


def make_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
                verbose: bool = False) -> Server:
    context.configure(ApiContext.build(settings, workers))
    return Server(settings, host, port, verbose)


def serve_until_stopped(server: Server) -> None:
    """Serve until SIGTERM or SIGINT (Ctrl-C). Then the runs this process executes are marked
    FAILED (nothing to recover) and the process ends at once, without waiting for batches in
    flight: its batch workers see it gone and exit too (as they do when it is killed)."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.close()
    marked = server.executor.shutdown("dw-sim serve stopped while the run was in progress")
    if marked:
        print(f"dw-sim serve stopped; marked FAILED: {', '.join(marked)}", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    # Not sys.exit: interpreter shutdown would wait for the process pools' batches in flight.
    os._exit(0)
