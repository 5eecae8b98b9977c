"""What the metadata store keeps: experiments (as stored and as listed) and run records, as
printed by `runs show --json` and the API. Timestamps are aware UTC datetimes, written as
ISO 8601 with milliseconds and a Z."""

from __future__ import annotations

import datetime as dt
import os
import time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from dwsim.schema.canonical import canonical_json
from dwsim.schema.model import Experiment


def timestamp_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


UtcTimestamp = Annotated[AwareDatetime, PlainSerializer(timestamp_text, return_type=str,
                                                        when_used="json")]


def utc_now() -> dt.datetime:
    """Now, to the millisecond (what the stores keep)."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class StoredExperiment(BaseModel):
    model_config = ConfigDict(frozen=True)

    experiment: Experiment
    created_at: UtcTimestamp

    def to_json(self) -> dict[str, Any]:
        """The canonical experiment JSON plus when it was created."""
        return {**canonical_json(self.experiment), "created_at": timestamp_text(self.created_at)}


class ExperimentSummary(BaseModel):
    """What a listing shows of an experiment, without loading its schema."""

    name: str
    description: str | None
    dialect: str | None
    tables: int
    total_rows: int
    created_at: UtcTimestamp


class RunStatus(StrEnum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    ABORTED = "ABORTED"


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
    # The stores keep counts only; a run's file list lives in its manifest (runs/files.py
    # fills `files` in where one run is shown).
    files: list[str] = Field(default_factory=list)
    file_count: int = 0
    bytes: int = 0
    manifest: str | None = None

    @model_validator(mode="after")
    def _count_files(self) -> TableOutput:
        # Records stored before file_count existed kept their files inline.
        if self.files and not self.file_count:
            self.file_count = len(self.files)
        return self


class RunRecord(BaseModel):
    run_id: str
    experiment: str
    status: RunStatus = RunStatus.RUNNING
    started_at: UtcTimestamp
    finished_at: UtcTimestamp | None = None
    duration_seconds: float | None = None
    seed: int
    requested_rows: dict[str, int]
    batch_rows: int
    compression: str = "snappy"
    progress: Progress = Field(default_factory=Progress)
    output: str | None = None  # where the run's files are (s3://... or a folder)
    tables: list[TableOutput] = Field(default_factory=list)
    load_sql: str | None = None
    integrity: str | None = None  # how the run's integrity was proven before _SUCCESS
    error: str | None = None
    traceback: str | None = None  # at most TRACEBACK_CHARS: head and tail of a longer one
    traceback_uri: str | None = None  # where the whole traceback is, when it was shortened
    executor: dict[str, Any] = Field(default_factory=dict)  # who runs it: pid, or an execution ARN

    @property
    def active(self) -> bool:
        return self.status is RunStatus.RUNNING

    def close(self, status: RunStatus) -> None:
        """Finish the record: final status, finish time and duration."""
        self.status = status
        self.finished_at = utc_now()
        self.duration_seconds = round((self.finished_at - self.started_at).total_seconds(), 3)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def stored_json(self) -> str:
        """What a store keeps as the record's body: no progress counters (their own fields)
        and no file lists (the manifests have them), so its size does not grow with parts."""
        return self.model_dump_json(exclude={"progress": {"batches_done", "rows_done"},
                                             "tables": {"__all__": {"files"}}})


# Bounds on what a run record keeps of a failure (a DynamoDB item stops at 400 KB).
TRACEBACK_CHARS = 4_000
ERROR_CHARS = 2_000


def shorten(text: str, limit: int) -> str:
    """Head and tail of a text longer than limit, with how much was left out between."""
    if len(text) <= limit:
        return text
    keep = limit - 60
    head, tail = text[: keep // 2], text[-(keep - keep // 2):]
    return f"{head}\n... {len(text) - keep:,} characters left out ...\n{tail}"
