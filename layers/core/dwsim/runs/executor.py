"""The interface of a run executor: how a run that the guard has created gets executed
(plan → batches → finalize). Implementations live in dwsim.executors: a background thread
on this machine, or a Step Functions execution."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from dwsim.metadata.records import RunRecord


class RunExecutor(ABC):
    @abstractmethod
    def start(self, run: RunRecord) -> dict[str, Any]:
        """Begin executing the run; returns executor details kept in the run record."""

    @abstractmethod
    def stop(self, run: RunRecord) -> None:
        """Stop a run's execution (after it was marked ABORTED); idempotent."""
