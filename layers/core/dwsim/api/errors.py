"""Domain errors to HTTP, in one place: the code and status live on the error classes."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import Response, content_types

from dwsim.errors import DwSimError, InvalidInput


def error_response(status: int, code: str, message: str, details=None) -> Response:
    body = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps({"error": body}, default=str))


def from_domain(exc: DwSimError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.details)


def from_validation(errors: list[dict]) -> Response:
    """Powertools' request validation errors, reworded to say where and what."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return from_domain(InvalidInput("the request body is not valid JSON"))
    problems = []
    for e in errors:
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
        problems.append({"location": where, "rule": e.get("type", "invalid"),
                         "message": e.get("msg", "invalid")})
    first = problems[0] if problems else {"location": "", "message": "invalid request"}
    message = f"{first['location']}: {first['message']}" if first["location"] else first["message"]
    return error_response(422, "invalid_request", message, problems)
