"""The embedded executor: plan → batches on a process pool → finalize, in this process.

It is what Step Functions does in AWS, with the same step functions. Between batches it
checks the run's status, so a cancel (ABORTED) stops it; any exception marks the run FAILED
with its traceback and releases the claim.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from dwsim.metadata.records import RunRecord
from dwsim.runs import steps
from dwsim.runs.executor import RunExecutor
from dwsim.runs.lifecycle import local_executor
from dwsim.runs.payloads import BatchItem
from dwsim.runs.services import Services
from dwsim.runs.steps import RunNotActive

ProgressCallback = Callable[[RunRecord], None]
# Builds the services in a worker process: a picklable, module-level callable (with spawn,
# workers import it by name), e.g. functools.partial(composition.build_services, settings).
ServicesFactory = Callable[[], Services]
STATUS_POLL_SECONDS = 0.5

_worker_services: Services | None = None


def _init_worker(factory: ServicesFactory) -> None:
    global _worker_services
    _worker_services = factory()


def _worker_batch(experiment: str, run_id: str, item: BatchItem) -> None:
    assert _worker_services is not None, "the pool initializer builds the services"
    steps.run_batch(_worker_services, experiment, run_id, item)


def execute(factory: ServicesFactory, experiment: str, run_id: str, workers: int = 1,
            on_progress: ProgressCallback | None = None) -> RunRecord:
    """Run the whole workflow for a started run; returns the final run record."""
    services = factory()
    try:
        planned = steps.plan(services, experiment, run_id)
        batches = steps.planned_batches(services, planned)
        if workers <= 1:
            _run_inline(services, experiment, run_id, batches, on_progress)
        else:
            _run_pool(factory, services, experiment, run_id, batches, workers, on_progress)
        steps.finalize(services, experiment, run_id)
    except RunNotActive:
        pass  # cancelled: the run is already ABORTED and the claim released
    except BaseException as exc:  # noqa: BLE001 - every failure must leave the run FAILED
        message = f"{type(exc).__name__}: {exc}" if not str(exc).startswith(type(exc).__name__) else str(exc)
        steps.fail(services, experiment, run_id, message, traceback.format_exc())
        if isinstance(exc, KeyboardInterrupt):
            raise
    final = services.store.get_run(experiment, run_id)
    if on_progress:
        on_progress(final)
    return final


def _still_running(services: Services, experiment: str, run_id: str) -> RunRecord | None:
    run = services.store.get_run(experiment, run_id)
    return run if run.active else None


def _run_inline(services: Services, experiment: str, run_id: str, batches: list[BatchItem],
                on_progress: ProgressCallback | None) -> None:
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
        steps.run_batch(services, experiment, run_id, batch)


def _run_pool(factory: ServicesFactory, services: Services, experiment: str, run_id: str,
              batches: list[BatchItem], workers: int, on_progress: ProgressCallback | None) -> None:
    # spawn: workers start clean (no inherited locks or SQLite handles), same on every OS.
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                initializer=_init_worker, initargs=(factory,)) as pool:
        pending = {pool.submit(_worker_batch, experiment, run_id, b) for b in batches}
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


class ThreadExecutor(RunExecutor):
    """Runs the workflow on a background thread of this process (`dw-sim serve`, and the API
    on the embedded default): exactly what a Step Functions execution does."""

    def __init__(self, factory: ServicesFactory, workers: int = 1):
        self.factory = factory
        self.workers = workers
        self.threads: dict[str, threading.Thread] = {}

    def start(self, run: RunRecord) -> dict[str, Any]:
        thread = threading.Thread(target=execute, name=f"run-{run.run_id}", daemon=True,
                                  args=(self.factory, run.experiment, run.run_id, self.workers))
        thread.start()
        self.threads[run.run_id] = thread
        return {**local_executor(), "thread": thread.name}

    def stop(self, run: RunRecord) -> None:
        # The executor checks the run's status between batches and stops on ABORTED.
        return None

    def join(self, run_id: str, timeout: float | None = None) -> None:
        thread = self.threads.get(run_id)
        if thread is not None:
            thread.join(timeout)
