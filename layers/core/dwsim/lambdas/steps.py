"""The state machine's tasks, the status-change handler and the scheduled reconciler. Each
parses its payload into the step's input model, calls one workflow step and returns the
step's output model as JSON; services are built once per Lambda container from the settings."""

from __future__ import annotations

import functools
import json
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, ValidationError

from dwsim.composition import build_executor, build_services
from dwsim.errors import InvalidInput, NotFound
from dwsim.runs import layout, lifecycle, steps
from dwsim.runs import reconcile as runs_reconcile
from dwsim.runs.executor import RunExecutor
from dwsim.runs.payloads import (
    BatchItem,
    BatchOutput,
    ExecutionStatusChange,
    ExecutionStatusDetail,
    FinalizeOutput,
    MarkFailedInput,
    MarkFailedOutput,
    PlanInput,
    PlanOutput,
    ReconcileOutput,
    RunRef,
    StartRequest,
    StatusChangeOutput,
    TaskError,
    dump,
)
from dwsim.runs.services import Services
from dwsim.runs.steps import RunNotActive
from dwsim.settings import Settings, get_settings

# Each function names its own service (POWERTOOLS_SERVICE_NAME: dwsim-plan, dwsim-batch, ...).
logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="dwsim")


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
    """Plan the execution's run; an execution started without one (from the console) first
    creates its run under the same guard and validation as the API's generate."""
    task = PlanInput.model_validate(event)
    request = start_request(task.input)
    run_id = request.run_id
    if run_id is None:
        run_id = lifecycle.start_for_execution(
            services(), task.execution_arn, request.experiment, request.rows, request.seed,
            request.batch_rows, request.compression).run_id
        logger.info("run created for the execution", extra={"run_id": run_id})
    try:
        result = steps.plan(services(), request.experiment, run_id)
    except Exception as exc:
        if request.run_id is None:  # no later state knows this run: fail it here
            steps.fail(services(), request.experiment, run_id,
                       f"{type(exc).__name__}: {exc}", traceback.format_exc())
        raise
    settings = get_settings()
    return PlanOutput(**result.model_dump(), bucket=settings.bucket,
                      max_concurrency=settings.max_concurrency)


def start_request(execution_input: dict[str, Any]) -> StartRequest:
    try:
        return StartRequest.model_validate(execution_input)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}"
                             for e in exc.errors(include_url=False))
        raise InvalidInput(f"the execution input is not a run request: {problems}; expected "
                           '{"experiment": NAME, "rows"?: {TABLE: N}, "seed"?: N, '
                           '"batch_rows"?: N, "compression"?: ...}') from None


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
    ref = _run_of(detail)
    if ref is None:
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


def _run_of(detail: ExecutionStatusDetail) -> RunRef | None:
    """The run an execution ran: named in its input (started by the API), or, for an
    execution started from the console, the active run that records this execution."""
    try:
        request = StartRequest.model_validate_json(detail.input or "{}")
    except ValueError:
        return None
    if request.run_id:
        return RunRef(experiment=request.experiment, run_id=request.run_id)
    run_id = services().store.active_run_id(request.experiment)
    if run_id is None or not detail.execution_arn:
        return None
    try:
        run = services().store.get_run(request.experiment, run_id)
    except NotFound:
        return None
    if (run.executor or {}).get("execution_arn") != detail.execution_arn:
        return None
    return RunRef(experiment=request.experiment, run_id=run_id)


def reconcile(event: dict[str, Any]) -> ReconcileOutput:
    """Scheduled (EventBridge): finish the runs whose execution ended or never started."""
    settings = get_settings()
    done = runs_reconcile.reconcile(services(), _executor_for(settings),
                                    timedelta(minutes=settings.reconcile_grace_minutes))
    for item in done:
        logger.warning("run reconciled", extra=item.model_dump())
    metrics.add_metric(name="RunsReconciled", unit=MetricUnit.Count, value=len(done))
    return ReconcileOutput(reconciled=done)


@functools.lru_cache(maxsize=2)
def _executor_for(settings: Settings) -> RunExecutor:
    return build_executor(settings)
