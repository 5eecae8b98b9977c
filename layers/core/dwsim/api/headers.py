"""Security headers on every response, the same in AWS (the API Lambda) and in `dw-sim serve`.

The page and its assets come from the same origin as the API, so the page's CSP allows only
'self' (no inline script or style); everything else gets the strictest policy. CORS is off
unless an origin is configured (DWSIM_CORS_ORIGIN): the UI needs none.
"""

from __future__ import annotations

from typing import Any

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'"
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
          "X-Frame-Options": "DENY"}


def security_headers(content_type: str | None) -> dict[str, str]:
    """The headers for a response of this content type (an HTML page gets the page's CSP)."""
    html = (content_type or "").split(";")[0].strip().lower() == "text/html"
    return {**COMMON, "Content-Security-Policy": PAGE_CSP if html else OTHER_CSP}


def with_security_headers(response: dict[str, Any]) -> dict[str, Any]:
    """Add the security headers to an API Gateway proxy response (in place), keeping any the
    handler set itself."""
    multi = response.get("multiValueHeaders")
    single = response.get("headers")
    present = {k.lower(): v for k, v in {**(single or {}), **(multi or {})}.items()}
    kind = present.get("content-type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    for name, value in security_headers(kind).items():
        if name.lower() in present:
            continue
        if multi is not None or single is None:
            response.setdefault("multiValueHeaders", {})[name] = [value]
        else:
            single[name] = value
    return response
