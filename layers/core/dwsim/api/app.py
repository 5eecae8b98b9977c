"""The API resolver. `lambda_handler` serves API Gateway REST proxy events."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from dwsim.api import experiments, runs, ui
from dwsim.api.context import MAX_BODY_BYTES
from dwsim.api.errors import error_response, from_domain, from_validation
from dwsim.errors import DwSimError, InputTooLarge

# The service name is the function's POWERTOOLS_SERVICE_NAME (dwsim-api in template.yaml).
logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="dwsim")

app = APIGatewayRestResolver(enable_validation=True, cors=CORSConfig(allow_origin="*",
                             allow_headers=["x-api-key", "content-type"], max_age=300))
app.include_router(experiments.router)
app.include_router(runs.router)
app.include_router(ui.router)


def too_large(event: dict) -> dict | None:
    """413 before anything parses the body (request validation runs ahead of middlewares)."""
    body = event.get("body") or ""
    size = len(body.encode("utf-8", "surrogatepass")) if isinstance(body, str) else len(body)
    if size <= MAX_BODY_BYTES:
        return None
    error = InputTooLarge(f"the request body is {size:,} bytes; the limit is {MAX_BODY_BYTES:,}")
    return {"statusCode": 413, "body": json.dumps(error.to_dict()), "isBase64Encoded": False,
            "multiValueHeaders": {"Content-Type": ["application/json"],
                                  "Access-Control-Allow-Origin": ["*"]}}


def count_runs(app: APIGatewayRestResolver, next_middleware):
    response = next_middleware(app)
    if app.current_event.path.endswith("/generate") and response.status_code == 202:
        metrics.add_metric(name="RunsStarted", unit=MetricUnit.Count, value=1)
    return response


app.use(middlewares=[count_runs])


@app.get("/api/openapi.json", summary="This API's OpenAPI document", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_document())


def openapi_document() -> str:
    return app.get_openapi_json_schema(title="dw-sim API", version="1.0.0",
                                       description="Generate realistic synthetic warehouse data.")


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


@app.exception_handler(ServiceError)
def service_error(exc: ServiceError) -> Response:
    """Powertools' own HTTP errors keep their status, in dw-sim's error shape."""
    code = "invalid_input" if exc.status_code == 400 else f"http_{exc.status_code}"
    return error_response(exc.status_code, code, str(exc.msg))


def request_id() -> str | None:
    """The API Gateway request id, else the Lambda invocation's."""
    event = getattr(app, "current_event", None)
    raw = event.raw_event if event is not None else {}
    rid = (raw.get("requestContext") or {}).get("requestId") if isinstance(raw, dict) else None
    return rid or getattr(getattr(app, "lambda_context", None), "aws_request_id", None)


@app.exception_handler(Exception)
def internal_error(exc: Exception) -> Response:
    """The last line of defence: whatever else a route raises becomes a 500 JSON error with the
    request id to quote, and its traceback goes to the log."""
    rid = None
    try:
        rid = request_id()
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


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context) -> dict:
    return too_large(event) or app.resolve(event, context)
