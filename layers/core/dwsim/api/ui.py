"""The web UI's static files, served by the API at / without an API key (the page then asks
for the key once and sends it as x-api-key). `dw-sim serve` serves the same files."""

from __future__ import annotations

from pathlib import Path

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

router = Router()
WEB = Path(__file__).resolve().parent.parent / "web"
ASSETS = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "styles.css": "text/css; charset=utf-8"}


def asset(name: str) -> Response[str]:
    return Response(status_code=200, content_type=ASSETS[name], body=(WEB / name).read_text(),
                    headers={"Cache-Control": "no-cache"})


@router.get("/", include_in_schema=False)
def index() -> Response[str]:
    return asset("index.html")


@router.get("/app.js", include_in_schema=False)
def script() -> Response[str]:
    return asset("app.js")


@router.get("/styles.css", include_in_schema=False)
def styles() -> Response[str]:
    return asset("styles.css")
