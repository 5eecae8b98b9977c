"""The reconciler: finishes runs left RUNNING with the claim held after their execution ended
or never started (the API died between the claim and StartExecution; a status-change event
was lost). Scheduled in AWS; pure domain code over the stores and the executor interface."""

from __future__ import annotations

from datetime import datetime, timedelta

from dwsim.errors import NotFound
from dwsim.metadata.records import RunStatus, utc_now
from dwsim.runs import steps
from dwsim.runs.executor import ExecutionState, RunExecutor
from dwsim.runs.lifecycle import release_stale_claim
from dwsim.runs.payloads import ReconciledRun
from dwsim.runs.services import Services

ENDED_MESSAGES = {
    ExecutionState.FAILED: "the execution failed without marking its run",
    ExecutionState.TIMED_OUT: "the execution timed out",
    ExecutionState.SUCCEEDED: "the execution succeeded without completing its run",
    ExecutionState.MISSING: "the run's recorded execution does not exist",
}
FINISHED_MEANWHILE = "left alone: the run finished meanwhile"


def reconcile(services: Services, executor: RunExecutor, grace: timedelta,
              now: datetime | None = None) -> list[ReconciledRun]:
    """Look at every claimed run once; finish those whose execution is over. A run whose
    execution is still running, or that this executor cannot check, is left alone."""
    now = now or utc_now()
    done = []
    for experiment, run_id in services.store.active_runs():
        action = _reconcile_run(services, executor, experiment, run_id, grace, now)
        if action is not None:
            try:
                status = services.store.get_run(experiment, run_id).status.value
            except NotFound:
                status = None
            done.append(ReconciledRun(experiment=experiment, run_id=run_id, action=action, status=status))
    return done


def _reconcile_run(services: Services, executor: RunExecutor, experiment: str, run_id: str,
                   grace: timedelta, now: datetime) -> str | None:
    try:
        run = services.store.get_run(experiment, run_id)
    except NotFound:
        run = None
    if run is None or not run.active:
        release_stale_claim(services, experiment, run_id, run)
        return "released a stale claim"
    info = run.executor or {}
    if info.get("kind") in (None, "pending"):
        # Claimed, but StartExecution never answered: the API stopped in between.
        if now - run.started_at < grace:
            return None  # a start may still be on its way
        return _fail(services, experiment, run_id,
                     f"the workflow never started ({_minutes(now - run.started_at)} after the "
                     "run was claimed)")
    state = executor.state(run)
    if state is None or state is ExecutionState.RUNNING:
        return None
    if state is ExecutionState.MISSING and now - run.started_at < grace:
        return None
    if state is ExecutionState.ABORTED:
        if steps.abort(services, experiment, run_id, "the execution was stopped"):
            return "marked ABORTED: the execution was stopped"
        return FINISHED_MEANWHILE
    return _fail(services, experiment, run_id, ENDED_MESSAGES[state])


def _fail(services: Services, experiment: str, run_id: str, message: str) -> str:
    # finish_run's condition on RUNNING: a run that finished meanwhile keeps its own status.
    final = steps.fail(services, experiment, run_id, f"reconciled: {message}")
    return f"marked FAILED: {message}" if final.status is RunStatus.FAILED else FINISHED_MEANWHILE


def _minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:.0f} min"
