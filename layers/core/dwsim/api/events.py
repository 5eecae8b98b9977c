"""Build the API Gateway REST proxy event the deployed API sends, for `dw-sim serve`."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any
from urllib.parse import parse_qs


def rest_proxy_event(method: str, path: str, query: str = "", headers: dict[str, str] | None = None,
                     body: bytes | str | None = None, source_ip: str = "127.0.0.1") -> dict[str, Any]:
    headers = dict(headers or {})
    multi_query = {k: v for k, v in parse_qs(query, keep_blank_values=True).items()} if query else None
    encoded = False
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            body, encoded = base64.b64encode(body).decode(), True
    return {
        "resource": "/api/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} if multi_query else None,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": {"proxy": path.removeprefix("/api/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/api/{proxy+}", "httpMethod": method, "path": f"/local{path}",
            "stage": "local", "requestId": str(uuid.uuid4()), "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": source_ip, "apiKey": headers.get("x-api-key")},
        },
        "body": body if body not in (None, "") else None,
        "isBase64Encoded": encoded,
    }
