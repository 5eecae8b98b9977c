"""Runs the workflow on a background thread of this process (`dw-sim serve`): exactly what a
Step Functions execution does, on the embedded executor."""

from __future__ import annotations

import threading
from typing import Any

from dwsim.config import Settings
from dwsim.runs import local
from dwsim.runs.lifecycle import local_executor
from dwsim.runs.model import RunRecord
from dwsim.workflows.base import WorkflowStarter


class LocalWorkflowStarter(WorkflowStarter):
    def __init__(self, settings: Settings, workers: int = 1):
        self.settings = settings
        self.workers = workers
        self.threads: dict[str, threading.Thread] = {}

    def start(self, run: RunRecord) -> dict[str, Any]:
        thread = threading.Thread(target=local.execute, name=f"run-{run.run_id}", daemon=True,
                                  args=(self.settings, run.experiment, run.run_id, self.workers))
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
