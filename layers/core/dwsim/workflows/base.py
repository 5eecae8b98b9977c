"""The workflow starter interface: start the plan → batches → finalize workflow for a run
that the guard has already created, and stop it on cancel."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from dwsim.runs.model import RunRecord


class WorkflowStarter(ABC):
    @abstractmethod
    def start(self, run: RunRecord) -> dict[str, Any]:
        """Begin executing the run; returns executor details kept in the run record."""

    @abstractmethod
    def stop(self, run: RunRecord) -> None:
        """Stop a run's execution (after it was marked ABORTED); idempotent."""
