"""The run record, as stored and as printed by `runs show --json` and the API."""

from __future__ import annotations

import os
import time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class RunStatus(StrEnum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    ABORTED = "ABORTED"


TERMINAL = {RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.ABORTED}

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_run_id() -> str:
    """Time-sortable: 10 base-32 characters of milliseconds, then 6 random ones."""
    millis = time.time_ns() // 1_000_000
    head = "".join(_CROCKFORD[(millis >> (5 * i)) & 31] for i in range(9, -1, -1))
    rand = int.from_bytes(os.urandom(4), "big")
    tail = "".join(_CROCKFORD[(rand >> (5 * i)) & 31] for i in range(5, -1, -1))
    return head + tail


class Progress(BaseModel):
    batches_done: int = 0
    batches_total: int = 0
    rows_done: int = 0
    rows_total: int = 0


class TableOutput(BaseModel):
    name: str
    rows: int
    files: list[str] = Field(default_factory=list)
    bytes: int = 0
    manifest: str | None = None


class RunRecord(BaseModel):
    run_id: str
    experiment: str
    status: RunStatus = RunStatus.RUNNING
    started_at: str
    finished_at: str | None = None
    duration_seconds: float | None = None
    seed: int
    requested_rows: dict[str, int]
    batch_rows: int
    compression: str = "snappy"
    progress: Progress = Field(default_factory=Progress)
    output: str | None = None  # where the run's files are (s3://... or a folder)
    tables: list[TableOutput] = Field(default_factory=list)
    load_sql: str | None = None
    error: str | None = None
    traceback: str | None = None
    executor: dict[str, Any] = Field(default_factory=dict)  # who runs it: pid, or an execution ARN

    @property
    def active(self) -> bool:
        return self.status is RunStatus.RUNNING

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
