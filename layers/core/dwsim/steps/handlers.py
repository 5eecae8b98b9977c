"""The state machine's tasks. Each takes the task payload the ASL passes and calls one
workflow step; services are built once per Lambda container from the environment."""

from __future__ import annotations

import functools
import json
import traceback
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from dwsim.config import Settings
from dwsim.errors import NotFound
from dwsim.runs import workflow
from dwsim.runs.workflow import RunNotActive, Services, run_prefix

logger = Logger(service="dwsim-workflow")
tracer = Tracer(service="dwsim-workflow")
metrics = Metrics(namespace="dwsim", service="dwsim-workflow")
MAX_CONCURRENCY_DEFAULT = 100


def entry(step: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict, Any], dict]:
    """A Lambda handler for one step, with Powertools logging, tracing and metrics."""

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict, context: Any) -> dict:
        return step(event)

    lambda_handler.__name__ = f"{step.__name__}_handler"
    return lambda_handler


@functools.lru_cache(maxsize=1)
def services() -> Services:
    from dwsim.runs.local import services_for

    return services_for(Settings.from_env())


def _ids(event: dict[str, Any]) -> tuple[str, str]:
    try:
        return str(event["experiment"]), str(event["run_id"])
    except KeyError as exc:
        raise ValueError(f"the task payload has no {exc.args[0]!r}: {sorted(event)}") from None


def plan(event: dict[str, Any]) -> dict[str, Any]:
    import os

    experiment, run_id = _ids(event)
    result = workflow.plan(services(), experiment, run_id)
    settings = Settings.from_env()
    return {**result, "bucket": settings.bucket,
            "max_concurrency": int(os.environ.get("DWSIM_MAX_CONCURRENCY", MAX_CONCURRENCY_DEFAULT))}


def batch(event: dict[str, Any]) -> dict[str, Any]:
    experiment, run_id = _ids(event)
    item = event  # one entry of the plan's batch list: ids, batch, table, part, start, count
    try:
        result = workflow.run_batch(services(), experiment, run_id, item)
    except RunNotActive as exc:
        logger.info("batch skipped", extra={"reason": str(exc)})
        return {"batch": item.get("batch"), "skipped": True}
    except Exception as exc:
        # The Map's own error only says a child failed; keep this batch's traceback for
        # mark-failed. A retry that succeeds leaves it unused.
        key = f"{run_prefix(experiment, run_id)}/_errors/batch-{item.get('batch', 'x')}.json"
        services().objects.put(key, json.dumps({
            "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}).encode())
        raise
    metrics.add_metric(name="RowsGenerated", unit=MetricUnit.Count, value=result["rows"])
    return {"batch": result["batch"], "rows": result["rows"]}


def finalize(event: dict[str, Any]) -> dict[str, Any]:
    experiment, run_id = _ids(event)
    run = workflow.finalize(services(), experiment, run_id)
    return {"experiment": experiment, "run_id": run_id, "status": run.status.value,
            "rows": sum(t.rows for t in run.tables)}


def _describe_failure(experiment: str, run_id: str, error: dict[str, Any]) -> tuple[str, str | None]:
    """The root cause: a batch's own error when one failed (the Map, or finalize's count check,
    only report that something is missing), else the failed task's error and stack."""
    name, cause = error.get("Error", "Error"), error.get("Cause", "")
    objects = services().objects
    errors = objects.list(f"{run_prefix(experiment, run_id)}/_errors/")
    if errors:
        first = json.loads(objects.get(errors[0]))
        return first["error"], first["traceback"]
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


def mark_failed(event: dict[str, Any]) -> dict[str, Any]:
    experiment, run_id = _ids(event)
    message, trace = _describe_failure(experiment, run_id, event.get("error") or {})
    run = workflow.fail(services(), experiment, run_id, message, trace)
    metrics.add_metric(name="RunsFailed", unit=MetricUnit.Count, value=1)
    return {"experiment": experiment, "run_id": run_id, "status": run.status.value, "error": message}


def status_change(event: dict[str, Any]) -> dict[str, Any]:
    """EventBridge "Step Functions Execution Status Change": an execution that was stopped,
    timed out or failed outside our Catch still leaves its run finished and the claim free."""
    detail = event.get("detail") or {}
    status = detail.get("status")
    try:
        payload = json.loads(detail.get("input") or "{}")
        experiment, run_id = _ids(payload)
    except (ValueError, json.JSONDecodeError):
        logger.warning("status change without a run", extra={"detail": detail})
        return {"changed": False}
    try:
        if status == "ABORTED":
            changed = workflow.abort(services(), experiment, run_id, "the execution was stopped")
        elif status in ("TIMED_OUT", "FAILED"):
            before = services().store.get_run(experiment, run_id)
            if not before.active:
                return {"changed": False, "status": before.status.value}
            workflow.fail(services(), experiment, run_id,
                          f"the execution {status.lower().replace('_', ' ')}: "
                          f"{detail.get('error') or ''} {detail.get('cause') or ''}".strip())
            changed = True
        else:
            return {"changed": False}
    except NotFound:
        return {"changed": False}
    run = services().store.get_run(experiment, run_id)
    return {"changed": changed, "status": run.status.value, "run_id": run_id}
