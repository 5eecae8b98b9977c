"""The embedded executor: plan → batches on a process pool → finalize, in this process.

It is what Step Functions does in AWS, with the same step functions. Between batches it
checks the run's status, so a cancel (ABORTED) stops it; any exception marks the run FAILED
with its traceback and releases the claim. Recording FAILED needs only the metadata store,
never the output folder, and is retried while the store cannot write (a full disk); a run
whose executor ended before it could be recorded is left to `dw-sim runs recover`.

Batch workers watch the process that started them and exit as soon as it is gone, so a
killed `dw-sim serve` or CLI leaves no worker writing parts.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
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
PARENT_POLL_SECONDS = 0.2
# How long a failure is retried while the store cannot record it (disk full, locked).
RECORD_RETRY_SECONDS = 20.0

_worker_services: Services | None = None


def _init_worker(factory: ServicesFactory, parent: int) -> None:
    global _worker_services
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch",
                     daemon=True).start()
    _worker_services = factory()


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent is gone (killed: its pipes are never closed, and the worker also
    holds the queue's write end) would go on writing parts for nobody; it exits instead."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


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
        recorded = record_failure(services, experiment, run_id, message, traceback.format_exc())
        if isinstance(exc, KeyboardInterrupt) or not recorded:
            raise
    final = services.store.get_run(experiment, run_id)
    if on_progress:
        on_progress(final)
    return final


def record_failure(services: Services, experiment: str, run_id: str, message: str,
                   trace: str | None = None, retry_seconds: float | None = None) -> bool:
    """Mark the run FAILED and release its claim. This writes only to the metadata store; when
    the store cannot write (its disk is full too), retry with backoff for a while, then say so
    on stderr and leave the run to `dw-sim runs recover`. True when recorded."""
    deadline = time.monotonic() + (RECORD_RETRY_SECONDS if retry_seconds is None else retry_seconds)
    pause = 0.25
    while True:
        try:
            steps.fail(services, experiment, run_id, message, trace)
            return True
        except Exception as exc:  # noqa: BLE001 - the store's error is reported, not raised
            if time.monotonic() + pause > deadline:
                print(f"dw-sim: run {run_id} failed ({message}) and could not be recorded as "
                      f"FAILED: {type(exc).__name__}: {exc}; run `dw-sim runs recover "
                      f"{experiment}` once this process has stopped", file=sys.stderr, flush=True)
                return False
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


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
                                initializer=_init_worker, initargs=(factory, os.getpid())) as pool:
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
        self.experiments: dict[str, str] = {}

    def start(self, run: RunRecord) -> dict[str, Any]:
        thread = threading.Thread(target=execute, name=f"run-{run.run_id}", daemon=True,
                                  args=(self.factory, run.experiment, run.run_id, self.workers))
        self.experiments[run.run_id] = run.experiment
        self.threads[run.run_id] = thread
        thread.start()
        return {**local_executor(), "thread": thread.name}

    def stop(self, run: RunRecord) -> None:
        # The executor checks the run's status between batches and stops on ABORTED.
        return None

    def shutdown(self, reason: str) -> list[str]:
        """This process is stopping: mark the runs it still executes FAILED (releasing their
        claims) so they need no recovery; their batches stop as the workers see it exit.
        Returns the run ids marked."""
        marked: list[str] = []
        live = [run_id for run_id, thread in self.threads.items() if thread.is_alive()]
        if not live:
            return marked
        services = self.factory()
        for run_id in live:
            experiment = self.experiments.get(run_id)
            if experiment and record_failure(services, experiment, run_id, reason,
                                             retry_seconds=2.0):
                marked.append(run_id)
        return marked

    def join(self, run_id: str, timeout: float | None = None) -> None:
        thread = self.threads.get(run_id)
        if thread is not None:
            thread.join(timeout)
