"""The state machine's tasks. Each parses its task payload into the step's input model, calls
one workflow step and returns the step's output model as JSON; services are built once per
Lambda container from the settings."""

from __future__ import annotations

import functools
import json
import traceback
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from dwsim.composition import build_services
from dwsim.errors import NotFound
from dwsim.runs import layout, steps
from dwsim.runs.payloads import (
    BatchItem,
    BatchOutput,
    ExecutionStatusChange,
    FinalizeOutput,
    MarkFailedInput,
    MarkFailedOutput,
    PlanOutput,
    RunRef,
    StatusChangeOutput,
    TaskError,
    dump,
)
from dwsim.runs.services import Services
from dwsim.runs.steps import RunNotActive
from dwsim.settings import Settings, get_settings

logger = Logger(service="dwsim-workflow")
tracer = Tracer(service="dwsim-workflow")
metrics = Metrics(namespace="dwsim", service="dwsim-workflow")


def entry(step: Callable[[dict[str, Any]], BaseModel]) -> Callable[[dict, Any], dict]:
    """A Lambda handler for one step, with Powertools logging, tracing and metrics."""

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict, context: Any) -> dict:
        return dump(step(event))

    lambda_handler.__name__ = f"{step.__name__}_handler"
    return lambda_handler


def services() -> Services:
    return _services_for(get_settings())


@functools.lru_cache(maxsize=2)
def _services_for(settings: Settings) -> Services:
    # Keyed by the settings, not built once: a call that began under older settings (a
    # container's stale thread, a test's previous deployment) can never pin its services.
    return build_services(settings)


def plan(event: dict[str, Any]) -> PlanOutput:
    ref = RunRef.model_validate(event)
    result = steps.plan(services(), ref.experiment, ref.run_id)
    settings = get_settings()
    return PlanOutput(**result.model_dump(), bucket=settings.bucket,
                      max_concurrency=settings.max_concurrency)


def batch(event: dict[str, Any]) -> BatchOutput:
    item = BatchItem.model_validate(event)  # one entry of the plan's batch list
    try:
        result = steps.run_batch(services(), item.experiment, item.run_id, item)
    except RunNotActive as exc:
        logger.info("batch skipped", extra={"reason": str(exc)})
        return BatchOutput(batch=item.batch, skipped=True)
    except Exception as exc:
        # The Map's own error only says a child failed; keep this batch's traceback for
        # mark-failed. A retry that succeeds leaves it unused.
        key = layout.error_key(layout.run_prefix(item.experiment, item.run_id), item.batch)
        services().objects.put(key, json.dumps({
            "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}).encode())
        raise
    metrics.add_metric(name="RowsGenerated", unit=MetricUnit.Count, value=result.rows)
    return BatchOutput(batch=result.batch, rows=result.rows)


def finalize(event: dict[str, Any]) -> FinalizeOutput:
    ref = RunRef.model_validate(event)
    run = steps.finalize(services(), ref.experiment, ref.run_id)
    return FinalizeOutput(experiment=ref.experiment, run_id=ref.run_id, status=run.status.value,
                          rows=sum(t.rows for t in run.tables))


def _describe_failure(ref: RunRef, error: TaskError) -> tuple[str, str | None]:
    """The root cause: a batch's own error when one failed (the Map, or finalize's count check,
    only report that something is missing), else the failed task's error and stack."""
    objects = services().objects
    errors = objects.list(layout.errors_prefix(layout.run_prefix(ref.experiment, ref.run_id)))
    if errors:
        first = json.loads(objects.get(errors[0]))
        return first["error"], first["traceback"]
    name, cause = error.error, error.cause
    try:
        detail = json.loads(cause) if cause else {}
    except json.JSONDecodeError:
        detail = {}
    if isinstance(detail, dict) and detail.get("errorMessage"):
        stack = "".join(detail.get("stackTrace") or [])
        return (f"{detail.get('errorType', name)}: {detail['errorMessage']}",
                f"Traceback (from the {name} task):\n{stack}{detail.get('errorType', name)}: "
                f"{detail['errorMessage']}")
    return f"{name}: {cause}" if cause else name, None


def mark_failed(event: dict[str, Any]) -> MarkFailedOutput:
    request = MarkFailedInput.model_validate({**event, "error": event.get("error") or {}})
    message, trace = _describe_failure(request, request.error)
    run = steps.fail(services(), request.experiment, request.run_id, message, trace)
    metrics.add_metric(name="RunsFailed", unit=MetricUnit.Count, value=1)
    return MarkFailedOutput(experiment=request.experiment, run_id=request.run_id,
                            status=run.status.value, error=message)


def status_change(event: dict[str, Any]) -> StatusChangeOutput:
    """EventBridge "Step Functions Execution Status Change": an execution that was stopped,
    timed out or failed outside our Catch still leaves its run finished and the claim free."""
    detail = ExecutionStatusChange.model_validate(event).detail
    try:
        ref = RunRef.model_validate_json(detail.input or "{}")
    except ValueError:
        logger.warning("status change without a run", extra={"detail": detail.model_dump()})
        return StatusChangeOutput(changed=False)
    try:
        if detail.status == "ABORTED":
            changed = steps.abort(services(), ref.experiment, ref.run_id, "the execution was stopped")
        elif detail.status in ("TIMED_OUT", "FAILED"):
            before = services().store.get_run(ref.experiment, ref.run_id)
            if not before.active:
                return StatusChangeOutput(changed=False, status=before.status.value)
            steps.fail(services(), ref.experiment, ref.run_id,
                       f"the execution {detail.status.lower().replace('_', ' ')}: "
                       f"{detail.error or ''} {detail.cause or ''}".strip())
            changed = True
        else:
            return StatusChangeOutput(changed=False)
    except NotFound:
        return StatusChangeOutput(changed=False)
    run = services().store.get_run(ref.experiment, ref.run_id)
    return StatusChangeOutput(changed=changed, status=run.status.value, run_id=ref.run_id)
