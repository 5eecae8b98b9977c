"""The interface of a run executor: how a run that the guard has created gets executed
(plan → batches → finalize). Implementations live in dwsim.executors: a background thread
on this machine, or a Step Functions execution."""

from __future__ import annotations

from abc import ABC, abstractmethod
from enum import StrEnum
from typing import Any

from dwsim.metadata.records import RunRecord


class ExecutionState(StrEnum):
    """Where a run's execution is: still RUNNING, ended (how), or MISSING (none by that id)."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    MISSING = "MISSING"


class RunExecutor(ABC):
    @abstractmethod
    def start(self, run: RunRecord) -> dict[str, Any]:
        """Begin executing the run; returns executor details kept in the run record."""

    @abstractmethod
    def stop(self, run: RunRecord) -> None:
        """Stop a run's execution (after it was marked ABORTED); idempotent."""

    def state(self, run: RunRecord) -> ExecutionState | None:
        """Is the run's execution still running, and if not, how did it end? None when this
        executor cannot tell (nothing recorded, or another kind of executor's run)."""
        return None
