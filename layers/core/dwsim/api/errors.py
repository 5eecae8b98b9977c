"""Domain errors to HTTP, in one place: the code and status live on the error classes."""

from __future__ import annotations

import json
import re

from aws_lambda_powertools.event_handler import Response, content_types

from dwsim.api.models import ErrorEnvelope
from dwsim.errors import DwSimError, InvalidInput


def error_response(status: int, code: str, message: str, details=None,
                   request_id: str | None = None) -> Response:
    body = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    if request_id is not None:
        body["request_id"] = request_id
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps({"error": body}, default=str))


def from_domain(exc: DwSimError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.details)


# The tags pydantic puts in a location for each member of a union ("constrained-int",
# "dict[str,constrained-int]"): not where the value is, so left out of the location.
_UNION_TAG = re.compile(r"^(constrained-\w+|\w+\[.*\]|int|str|bool|float)$")


def from_validation(errors: list[dict]) -> Response:
    """Powertools' request validation errors, reworded to say where and what."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return from_domain(InvalidInput("the request body is not valid JSON"))
    # A value refused by every member of a union gets one error per member; the members whose
    # type did not match say less than the one whose type matched ({"t": 10**12} for
    # int | dict[str, int] is too large, not "not an integer").
    in_union = [e for e in errors if any(isinstance(p, str) and _UNION_TAG.match(p)
                                         for p in e.get("loc", ()))]
    if any(not str(e.get("type", "")).endswith("_type") for e in in_union):
        errors = [e for e in errors
                  if e not in in_union or not str(e.get("type", "")).endswith("_type")]
    problems = []
    for e in errors:
        where = ".".join(str(p) for p in e.get("loc", ())
                         if p != "body" and not (isinstance(p, str) and _UNION_TAG.match(p)))
        problems.append({"location": where, "rule": e.get("type", "invalid"),
                         "message": e.get("msg", "invalid")})
    first = problems[0] if problems else {"location": "", "message": "invalid request"}
    message = f"{first['location']}: {first['message']}" if first["location"] else first["message"]
    return error_response(422, "invalid_request", message, problems)


_ERRORS = {
    400: "the body is not JSON, is nested too deeply, or an argument is malformed",
    404: "no such experiment, run or route",
    409: "a conflict: the experiment already exists, or a run is active (details name it)",
    413: "the request body is larger than the limit (see Limits)",
    422: "the request or the schema breaks a rule or a limit: details list every problem "
         "with its location",
    500: "an unexpected error; the message carries the request id its traceback is logged under",
}


def documented(success: dict[int, dict], *, conflicts: bool = False) -> dict[int, dict]:
    """A route's OpenAPI responses: its successes and every error status it can return, each
    with the error envelope's schema."""
    errors = {status: {"description": text, "content": {"application/json": {"model": ErrorEnvelope}}}
              for status, text in _ERRORS.items() if conflicts or status != 409}
    return {**success, **errors}


def ok(model, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"model": model}}}
