"""The API resolver. `lambda_handler` serves API Gateway REST proxy events."""

from __future__ import annotations

import base64
import binascii
import json

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from dwsim import limits
from dwsim.api import experiments, files, runs, ui
from dwsim.api.context import MAX_BODY_BYTES
from dwsim.api.errors import error_response, from_domain, from_validation
from dwsim.api.headers import with_security_headers
from dwsim.errors import DwSimError, InputTooLarge, InvalidInput
from dwsim.settings import get_settings

# The service name is the function's POWERTOOLS_SERVICE_NAME (dwsim-api in template.yaml).
logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="dwsim")

ALLOW_HEADERS = ["x-api-key", "content-type", "authorization", "x-amz-date",
                 "x-amz-security-token"]


class IsolatedResolver(APIGatewayRestResolver):
    """Powertools keeps the event being resolved on the BaseRouter class, shared by every
    resolver of the process; this instance attribute shadows it, so concurrent requests, each
    on its own resolver (`dw-sim serve` builds one per thread), never see each other's event.
    Everything else a request touches (context, routes, middleware stacks) is per instance."""

    def resolve(self, event: dict, context) -> dict:
        self.current_event = self._to_proxy_event(event)
        self.lambda_context = context
        return super().resolve(event, context)


def build_resolver(cors_origin: str | None = None, count_metrics: bool = True) -> IsolatedResolver:
    """The API: every route, error handler and middleware on a new resolver. CORS headers only
    for the configured origin (none by default: the UI is served from the API's own origin)."""
    cors = CORSConfig(allow_origin=cors_origin, allow_headers=ALLOW_HEADERS,
                      max_age=300) if cors_origin else None
    app = IsolatedResolver(enable_validation=True, cors=cors)
    # A Router points at the last resolver that included it: routes take the request from
    # their parameters, never from `router.current_event`.
    app.include_router(experiments.router)
    app.include_router(runs.router)
    app.include_router(files.router)
    app.include_router(ui.router)
    if count_metrics:
        app.use(middlewares=[count_runs])

    @app.get("/api/openapi.json", summary="This API's OpenAPI document", include_in_schema=False)
    def openapi() -> Response[str]:
        return Response(status_code=200, content_type="application/json",
                        body=openapi_document(app))

    @app.exception_handler(DwSimError)
    def domain_error(exc: DwSimError) -> Response:
        logger.info("request refused", extra={"code": exc.code, "error": exc.message})
        return from_domain(exc)

    @app.exception_handler(RequestValidationError)
    def validation_error(exc: RequestValidationError) -> Response:
        return from_validation(exc.errors())

    @app.exception_handler(ValidationError)
    def model_validation_error(exc: ValidationError) -> Response:
        """A model refused a value the request models let through: a 422 saying where and what."""
        logger.info("request refused", extra={"code": "invalid_request", "error": str(exc)})
        return from_validation(exc.errors(include_url=False, include_input=False))

    @app.exception_handler(RecursionError)
    def too_deep(exc: RecursionError) -> Response:
        logger.info("request refused", extra={"code": "too_deeply_nested"})
        return error_response(400, "invalid_input", "the request is nested too deeply to process "
                              "(JSON nested thousands of levels deep); an experiment schema needs "
                              "only a few levels")

    @app.exception_handler(UnicodeDecodeError)
    def not_utf8(exc: UnicodeDecodeError) -> Response:
        logger.info("request refused", extra={"code": "invalid_input", "error": str(exc)})
        return error_response(400, "invalid_input", "the request body is not UTF-8 text "
                              f"(byte {exc.start}: {exc.object[exc.start:exc.start + 1]!r}); "
                              "send JSON in UTF-8")

    @app.exception_handler(ServiceError)
    def service_error(exc: ServiceError) -> Response:
        """Powertools' own HTTP errors keep their status, in dw-sim's error shape."""
        code = "invalid_input" if exc.status_code == 400 else f"http_{exc.status_code}"
        return error_response(exc.status_code, code, str(exc.msg))

    @app.exception_handler(Exception)
    def internal_error(exc: Exception) -> Response:
        """The last line of defence: whatever else a route raises becomes a 500 JSON error with
        the request id to quote, and its traceback goes to the log."""
        rid = None
        try:
            rid = request_id(app)
        except Exception:  # noqa: BLE001 - never fail while reporting a failure
            pass
        logger.exception("unexpected error", extra={"request_id": rid,
                                                     "error_type": type(exc).__name__})
        return error_response(500, "internal_error",
                              "an unexpected error stopped this request; it is logged"
                              + (f" under request id {rid}" if rid else ""), request_id=rid)

    @app.not_found
    def not_found(exc: Exception) -> Response:
        return error_response(404, "not_found", f"no route {app.current_event.http_method} "
                              f"{app.current_event.path}")

    return app


def refused_body(event: dict) -> dict | None:
    """413 for a body over the limit and 400 for one that is not UTF-8 text, before anything
    parses it (request validation runs ahead of middlewares and Powertools' decoding of a
    non-UTF-8 body would raise)."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            data = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            return _refusal(400, InvalidInput("the request body is marked base64 but is not"))
    else:
        data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if len(data) > MAX_BODY_BYTES:
        return _refusal(413, InputTooLarge(f"the request body is {len(data):,} bytes; the limit "
                                           f"is {MAX_BODY_BYTES:,}"))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _refusal(400, InvalidInput(f"the request body is not UTF-8 text (byte "
                                          f"{exc.start:,} cannot start a character)"))
    return None


def _refusal(status: int, error: DwSimError) -> dict:
    return {"statusCode": status, "body": json.dumps(error.to_dict()), "isBase64Encoded": False,
            "multiValueHeaders": {"Content-Type": ["application/json"]}}


def count_runs(app: APIGatewayRestResolver, next_middleware):
    response = next_middleware(app)
    if app.current_event.path.endswith("/generate") and response.status_code == 202:
        metrics.add_metric(name="RunsStarted", unit=MetricUnit.Count, value=1)
    return response


def openapi_document(resolver: APIGatewayRestResolver | None = None) -> str:
    return (resolver or app).get_openapi_json_schema(
        title="dw-sim API", version="1.0.0",
        description="Generate realistic synthetic warehouse data.\n\n" + limits_description())


def limits_description() -> str:
    """The limits as a Markdown table: each is checked before the work it bounds, and a
    refusal names the size and the limit."""
    rows = [
        ("request body", f"{MAX_BODY_BYTES:,} bytes", "413 too_large"),
        ("DDL text (import-sql `sql`)", f"{limits.DDL_SIZE_LIMIT:,} bytes", "413 too_large"),
        ("tables per experiment (JSON or CREATE TABLE statements)", f"{limits.MAX_TABLES:,}",
         "422 schema_invalid"),
        ("columns per table", f"{limits.MAX_COLUMNS:,}", "422 schema_invalid"),
        ("foreign keys per table", f"{limits.MAX_FOREIGN_KEYS:,}", "422 schema_invalid"),
        ("unique keys per table", f"{limits.MAX_UNIQUE_KEYS:,}", "422 schema_invalid"),
        ("relations per table", f"{limits.MAX_RELATIONS:,}", "422 schema_invalid"),
        ("values (and weights) per column", f"{limits.MAX_VALUES:,}", "422 schema_invalid"),
        ("rows per table", f"{limits.MAX_TABLE_ROWS:,}", "422"),
        ("rows per batch (batch_rows)", f"{limits.MAX_BATCH_ROWS:,}", "400 invalid_input"),
        ("batches per run (counted before planning)", f"{limits.MAX_BATCHES:,}",
         "400 invalid_input"),
        ("experiment name", f"{limits.MAX_EXPERIMENT_NAME} characters", "422"),
        ("table or column name", f"{limits.MAX_NAME} characters", "422"),
        ("runs per page (limit)", f"{limits.MAX_RUNS_PAGE}", "422 invalid_request"),
        ("JSON or SQL expression nesting", "what the parser takes (about 1,000 levels)",
         "400 invalid_input / sql_syntax_error"),
    ]
    return "\n".join(["Limits (each checked before the work it bounds):", "",
                      "| size | limit | refused with |", "| --- | --- | --- |",
                      *(f"| {what} | {limit} | {refusal} |" for what, limit, refusal in rows)])


def request_id(app: APIGatewayRestResolver) -> str | None:
    """The API Gateway request id, else the Lambda invocation's."""
    event = getattr(app, "current_event", None)
    raw = event.raw_event if event is not None else {}
    rid = (raw.get("requestContext") or {}).get("requestId") if isinstance(raw, dict) else None
    return rid or getattr(getattr(app, "lambda_context", None), "aws_request_id", None)


def handle(resolver: APIGatewayRestResolver, event: dict, context) -> dict:
    """One request: the 413 check, the resolver, then the security headers on whatever came
    back (error handlers' responses included)."""
    return with_security_headers(refused_body(event) or resolver.resolve(event, context))


app = build_resolver(get_settings().cors_origin)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context) -> dict:
    return handle(app, event, context)
