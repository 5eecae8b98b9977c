"""The embedded executor: plan → batches on a process pool → finalize, in this process.

It is what Step Functions does in AWS, with the same step functions. Between batches it
checks the run's status, so a cancel (ABORTED) stops it; any exception marks the run FAILED
with its traceback and releases the claim.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import json
import multiprocessing
import subprocess
import sys
import time
import traceback
from collections.abc import Callable

from dwsim.config import Settings
from dwsim.runs import workflow
from dwsim.runs.model import RunRecord
from dwsim.runs.plan import Batch
from dwsim.runs.workflow import RunNotActive, Services

ProgressCallback = Callable[[RunRecord], None]
STATUS_POLL_SECONDS = 0.5


def services_for(settings: Settings) -> Services:
    from dwsim.objects import open_objects
    from dwsim.store import open_store

    return Services(open_store(settings), open_objects(settings))


@functools.lru_cache(maxsize=4)
def _worker_services(settings: Settings) -> Services:
    return services_for(settings)


def _worker_batch(settings: Settings, experiment: str, run_id: str, batch: dict) -> dict:
    return workflow.run_batch(_worker_services(settings), experiment, run_id, batch)


def execute(settings: Settings, experiment: str, run_id: str, workers: int = 1,
            on_progress: ProgressCallback | None = None) -> RunRecord:
    """Run the whole workflow for a started run; returns the final run record."""
    services = services_for(settings)
    try:
        result = workflow.plan(services, experiment, run_id)
        batches = json.loads(services.objects.get(result["batches_key"]))
        if workers <= 1:
            _run_inline(services, experiment, run_id, batches, on_progress)
        else:
            _run_pool(settings, services, experiment, run_id, batches, workers, on_progress)
        workflow.finalize(services, experiment, run_id)
    except RunNotActive:
        pass  # cancelled: the run is already ABORTED and the claim released
    except BaseException as exc:  # noqa: BLE001 - every failure must leave the run FAILED
        message = f"{type(exc).__name__}: {exc}" if not str(exc).startswith(type(exc).__name__) else str(exc)
        workflow.fail(services, experiment, run_id, message, traceback.format_exc())
        if isinstance(exc, KeyboardInterrupt):
            raise
    final = services.store.get_run(experiment, run_id)
    if on_progress:
        on_progress(final)
    return final


def _still_running(services: Services, experiment: str, run_id: str) -> RunRecord | None:
    run = services.store.get_run(experiment, run_id)
    return run if run.active else None


def _run_inline(services, experiment, run_id, batches, on_progress) -> None:
    last_check = 0.0
    for batch in batches:
        now = time.monotonic()
        if now - last_check >= STATUS_POLL_SECONDS:
            run = _still_running(services, experiment, run_id)
            if run is None:
                raise RunNotActive("cancelled")
            if on_progress:
                on_progress(run)
            last_check = now
        workflow.run_batch(services, experiment, run_id, Batch(**{
            k: batch[k] for k in ("batch", "table", "part", "start", "count")}))


def _run_pool(settings, services, experiment, run_id, batches, workers, on_progress) -> None:
    # spawn: workers start clean (no inherited locks or SQLite handles), same on every OS.
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = {pool.submit(_worker_batch, settings, experiment, run_id, b) for b in batches}
        try:
            while pending:
                done, pending = cf.wait(pending, timeout=STATUS_POLL_SECONDS,
                                        return_when=cf.FIRST_COMPLETED)
                for future in done:
                    future.result()  # re-raise a batch's failure here
                run = _still_running(services, experiment, run_id)
                if run is None:
                    raise RunNotActive("cancelled")
                if on_progress:
                    on_progress(run)
        finally:
            for future in pending:
                future.cancel()


def spawn_detached(settings: Settings, experiment: str, run_id: str, workers: int) -> int:
    """Run the workflow in a background process that outlives the CLI; returns its pid."""
    command = [sys.executable, "-m", "dwsim.runs.local", str(settings.home), experiment, run_id,
               str(workers)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    return process.pid


def _main(argv: list[str]) -> int:
    home, experiment, run_id, workers = argv
    settings = Settings.from_env(home)
    services = services_for(settings)
    run = services.store.get_run(experiment, run_id)
    from dwsim.runs.lifecycle import local_executor

    run.executor = local_executor()
    services.store.update_run(run)
    final = execute(settings, experiment, run_id, int(workers))
    return 0 if final.status.value == "COMPLETED" else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
