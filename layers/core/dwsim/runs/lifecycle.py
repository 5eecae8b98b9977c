"""Starting, cancelling and recovering runs: the rules shared by the CLI, the API and AWS."""

from __future__ import annotations

import os
import secrets
import socket
import traceback
from typing import Any

from dwsim.engine.codecs import COMPRESSIONS
from dwsim.errors import Conflict, DwSimError, InvalidInput, NotFound
from dwsim.metadata.records import RunRecord, RunStatus, new_run_id, utc_now
from dwsim.runs import steps
from dwsim.runs.batches import DEFAULT_BATCH_ROWS, MAX_BATCH_ROWS, MAX_BATCHES, count_batches
from dwsim.runs.executor import RunExecutor
from dwsim.runs.layout import run_prefix
from dwsim.runs.services import Services
from dwsim.schema.validate import with_table_rows


def start_run(services: Services, experiment_name: str, rows: dict[str, int] | None = None,
              seed: int | None = None, batch_rows: int | None = None,
              compression: str = "snappy", executor: dict[str, Any] | None = None) -> RunRecord:
    """Validate the request, then create the run and claim the experiment in one atomic write.
    An infeasible request is refused here, before anything is written."""
    batch_rows = DEFAULT_BATCH_ROWS if batch_rows is None else batch_rows
    if not 1 <= batch_rows <= MAX_BATCH_ROWS:
        raise InvalidInput(f"batch rows must be between 1 and {MAX_BATCH_ROWS:,}, not {batch_rows}")
    if compression not in COMPRESSIONS:
        raise InvalidInput(f"compression must be one of {', '.join(COMPRESSIONS)}, not {compression!r}")
    if seed is not None and not 0 <= seed < 2**63:
        raise InvalidInput(f"seed must be between 0 and 2**63 - 1, not {seed}")
    stored = services.store.get_experiment(experiment_name).experiment
    experiment = with_table_rows(stored, rows) if rows else stored
    limit = services.max_rows_per_run
    if limit and experiment.total_rows > limit:
        raise InvalidInput(f"the run requests {experiment.total_rows:,} rows; this deployment allows "
                           f"at most {limit:,} rows per run (MaxRowsPerRun)",
                           {"rows": experiment.total_rows, "max_rows_per_run": limit})
    batches = count_batches(experiment, batch_rows)  # arithmetic: nothing is built yet
    if batches > MAX_BATCHES:
        raise InvalidInput(f"{batches:,} batches of {batch_rows:,} rows; the limit is {MAX_BATCHES:,}: "
                           "raise the batch size")
    run = RunRecord(
        run_id=new_run_id(), experiment=experiment_name, started_at=utc_now(),
        seed=secrets.randbelow(2**31) if seed is None else seed,
        requested_rows={t.name: t.target_rows for t in experiment.tables},
        batch_rows=batch_rows, compression=compression, executor=executor or local_executor(),
    )
    run.progress.rows_total = experiment.total_rows
    run.progress.batches_total = batches
    run.output = services.objects.uri(run_prefix(experiment_name, run.run_id))
    services.store.start_run(run)
    return run


def start_for_execution(services: Services, execution_arn: str, experiment_name: str,
                        rows: dict[str, int] | None = None, seed: int | None = None,
                        batch_rows: int | None = None, compression: str = "snappy") -> RunRecord:
    """A run for an execution started without one (from the Step Functions console): the
    same validation and guard as the API's generate, the execution recorded as its executor.
    A retried plan step finds the run its own execution created instead of a conflict."""
    active = services.store.active_run_id(experiment_name)
    if active is not None:
        try:
            run = services.store.get_run(experiment_name, active)
        except NotFound:
            run = None
        if run is not None and (run.executor or {}).get("execution_arn") == execution_arn:
            return run
    return start_run(services, experiment_name, rows, seed, batch_rows, compression,
                     executor={"kind": "stepfunctions", "execution_arn": execution_arn})


def local_executor() -> dict[str, Any]:
    return {"kind": "local", "pid": os.getpid(), "host": socket.gethostname()}


def cancel_run(services: Services, experiment_name: str, run_id: str) -> RunRecord:
    run = services.store.get_run(experiment_name, run_id)
    if not run.active:
        raise Conflict(f"run {run_id} is already {run.status.value}; only a RUNNING run can be cancelled",
                       {"status": run.status.value})
    if not steps.abort(services, experiment_name, run_id, "cancelled by the user"):
        raise Conflict(f"run {run_id} finished before it could be cancelled")
    return services.store.get_run(experiment_name, run_id)


def executor_alive(run: RunRecord) -> bool | None:
    """True/False for a local executor on this host; None when this host cannot tell."""
    info = run.executor or {}
    if info.get("kind") != "local" or info.get("host") != socket.gethostname():
        return None
    try:
        os.kill(int(info["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, KeyError, ValueError):
        return None
    return True


def recover(services: Services, experiment_name: str, force: bool = False) -> dict[str, Any]:
    """Release a claim whose executor is gone (crash, kill, timeout): its run becomes FAILED.
    Refuses while the executor is alive, unless forced when it cannot be checked."""
    run_id = services.store.active_run_id(experiment_name)
    if run_id is None:
        services.store.get_experiment(experiment_name)  # NotFound for unknown experiments
        raise Conflict(f"experiment '{experiment_name}' has no active run to recover")
    try:
        run = services.store.get_run(experiment_name, run_id)
    except NotFound:
        run = None
    if run is not None and run.active:
        alive = executor_alive(run)
        if alive or (alive is None and not force):
            how = "is still running" if alive else "cannot be checked from this host (use --force)"
            raise Conflict(f"run {run_id}'s executor {how}", {"active_run_id": run_id})
        steps.fail(services, experiment_name, run_id,
                      "recovered: the executor stopped without finishing the run")
        return {"run_id": run_id, "action": "marked FAILED and released the claim"}
    release_stale_claim(services, experiment_name, run_id, run)
    return {"run_id": run_id, "action": "released a stale claim"}


def release_stale_claim(services: Services, experiment_name: str, run_id: str,
                        run: RunRecord | None) -> None:
    """The claim points at a finished or missing run (finishing crashed between its two
    writes): release it; the condition on the run id leaves any newer claim alone."""
    stale = run or RunRecord(run_id=run_id, experiment=experiment_name, started_at=utc_now(),
                             seed=0, requested_rows={}, batch_rows=1, status=RunStatus.FAILED)
    services.store.finish_run(stale)


class WorkflowStartFailed(DwSimError):
    code = "workflow_start_failed"
    status = 503


def start_generation(services: Services, executor: RunExecutor, experiment_name: str,
                     rows: dict[str, int] | None = None, seed: int | None = None,
                     batch_rows: int | None = None, compression: str = "snappy") -> RunRecord:
    """Claim the experiment (the guard), then start the steps. If the workflow cannot be
    started, the run is marked FAILED and the claim released: nothing stays half-started."""
    run = start_run(services, experiment_name, rows, seed, batch_rows, compression,
                    executor={"kind": "pending"})
    try:
        details = executor.start(run)
    except Exception as exc:
        steps.fail(services, experiment_name, run.run_id,
                      f"could not start the workflow: {type(exc).__name__}: {exc}",
                      traceback.format_exc())
        raise WorkflowStartFailed(f"could not start the workflow for run {run.run_id}: {exc}",
                                  {"run_id": run.run_id}) from None
    services.store.set_executor(experiment_name, run.run_id, details)
    return services.store.get_run(experiment_name, run.run_id)


def cancel_generation(services: Services, executor: RunExecutor, experiment_name: str,
                      run_id: str) -> RunRecord:
    run = cancel_run(services, experiment_name, run_id)
    executor.stop(run)
    return run
