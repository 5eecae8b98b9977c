"""`dw-sim serve`: the HTTP API and web UI on this machine, on the embedded default.

Each /api request becomes the API Gateway REST proxy event the deployed API receives and goes
to the same handler (dwsim.api.app.lambda_handler), as `sam local start-api` would, without
Docker. Runs execute in the background on the embedded executor, as a Step Functions
execution would in AWS. Everything else is the static UI from web/.
"""

from __future__ import annotations

import json
import mimetypes
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from dwsim.api import context
from dwsim.api.context import MAX_BODY_BYTES, ApiContext
from dwsim.api.events import rest_proxy_event
from dwsim.settings import Settings

MAX_READ = MAX_BODY_BYTES + 1  # read one byte past the limit so the handler can answer 413


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


class Handler(BaseHTTPRequestHandler):
    server_version = "dw-sim"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _api(self) -> None:
        from dwsim.api.app import lambda_handler

        url = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True  # the body's end is unknown: do not read on
            self._plain(400, json.dumps({"error": {"code": "invalid_input", "message":
                        "the Content-Length header is not a non-negative integer"}}),
                        "application/json")
            return
        body = self.rfile.read(min(length, MAX_READ)) if length else None
        if length > MAX_READ:  # drain what we will not use, so the connection stays sane
            remaining = length - MAX_READ
            while remaining > 0:
                remaining -= len(self.rfile.read(min(remaining, 1 << 20)) or b"x" * remaining)
        headers = {k.lower(): v for k, v in self.headers.items()}
        event = rest_proxy_event(self.command, url.path, url.query, headers, body, self.client_address[0])
        response = lambda_handler(event, LambdaContext())
        payload = response.get("body") or ""
        data = payload.encode() if isinstance(payload, str) else payload
        self.send_response(response.get("statusCode", 500))
        sent = set()
        for name, values in (response.get("multiValueHeaders") or {}).items():
            for value in values:
                self.send_header(name, value)
            sent.add(name.lower())
        for name, value in (response.get("headers") or {}).items():
            if name.lower() not in sent:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _static(self) -> None:
        root = self.server.web_root
        path = urlsplit(self.path).path
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        target = (root / relative).resolve()
        if root not in target.parents or not target.is_file():
            self._plain(404, json.dumps({"error": {"code": "not_found", "message": f"no file {path}"}}),
                        "application/json")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._plain(200, target.read_bytes(), kind)

    def _plain(self, status: int, body: bytes | str, kind: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith("javascript") else ""))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _dispatch(self) -> None:
        try:
            if urlsplit(self.path).path.startswith("/api/") or urlsplit(self.path).path == "/api":
                self._api()
            elif self.command in ("GET", "HEAD"):
                self._static()
            else:
                self._plain(405, json.dumps({"error": {"code": "method_not_allowed",
                                                       "message": f"{self.command} {self.path}"}}),
                            "application/json")
        except BrokenPipeError:
            pass
        except Exception as exc:  # noqa: BLE001 - one bad request never stops the server
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            try:
                self._plain(500, json.dumps({"error": {
                    "code": "internal_error",
                    "message": f"an unexpected error stopped this request: {type(exc).__name__}"}}),
                    "application/json")
            except OSError:
                pass

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = do_HEAD = _dispatch


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, web: Path, verbose: bool):
        super().__init__(address, Handler)
        self.web_root = web.resolve()
        self.verbose = verbose


def make_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
                verbose: bool = False) -> Server:
    context.configure(ApiContext.build(settings, workers))
    return Server((host, port), web_root(settings), verbose)
