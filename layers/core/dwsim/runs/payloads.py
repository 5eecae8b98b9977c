"""The typed payloads that pass between the workflow's steps: the state machine hands them
to the Lambdas as JSON, the local executor passes them in process. One model per step input
and output, so both executors and every handler agree on their shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RunRef(_Payload):
    """Which run a step works on: the input of plan and finalize."""

    experiment: str = Field(min_length=1)
    run_id: str = Field(min_length=1)


class StartRequest(BaseModel):
    """An execution's input: a RunRef when the API started it, or what a user typed in the
    Step Functions console — an experiment and, as the API's generate takes them, rows, seed,
    batch_rows and compression — when the plan step creates the run itself. Checked as
    strictly as the API's request body (unknown fields and "10" for 10 are refused)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    experiment: str = Field(min_length=1)
    run_id: str | None = Field(default=None, min_length=1)
    rows: dict[str, Annotated[int, Field(ge=0, le=10_000_000_000)]] | None = None
    seed: int | None = Field(default=None, ge=0)
    batch_rows: int | None = Field(default=None, ge=1)
    compression: Literal["snappy", "zstd", "gzip", "none"] = "snappy"


class PlanInput(_Payload):
    """The plan task's payload: the execution's input and the execution's own ARN (`$$`)."""

    input: dict[str, Any]
    execution_arn: str = Field(min_length=1)


class Batch(_Payload):
    """One part of one table: rows [start, start + count) written as part number `part`."""

    batch: int = Field(ge=0)  # position in the run's batch list
    table: str
    part: int = Field(ge=0)  # position within the table: the part file's number
    start: int = Field(ge=0)  # first row index
    count: int = Field(ge=0)


class BatchItem(RunRef, Batch):
    """One entry of the plan's batch list: the batch step's input."""


class PlanResult(RunRef):
    batches_total: int
    rows_total: int
    batches_key: str


class PlanOutput(PlanResult):
    """What the plan Lambda returns to the state machine: the plan plus where the Map reads
    the batch list and how many batches it runs at once."""

    bucket: str  # the Lambdas always run with DWSIM_BUCKET
    max_concurrency: int


class BatchResult(_Payload):
    batch: int
    table: str
    rows: int
    key: str
    counted: bool  # False when a retry found the batch counted already


class BatchOutput(_Payload):
    """What the batch Lambda returns (kept small: the Map writes results to S3)."""

    batch: int
    rows: int = 0
    skipped: bool | None = None  # True when the run was no longer active


class FinalizeOutput(RunRef):
    status: str
    rows: int


class TaskError(_Payload):
    """A state's error as a Catch hands it over (`ResultPath: $.error`)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    error: str = Field(default="Error", alias="Error")
    cause: str = Field(default="", alias="Cause")


class MarkFailedInput(RunRef):
    error: TaskError = Field(default_factory=TaskError)


class MarkFailedOutput(RunRef):
    status: str
    error: str


class ExecutionStatusDetail(_Payload):
    """The detail of EventBridge's "Step Functions Execution Status Change" event."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    execution_arn: str | None = Field(default=None, alias="executionArn")
    status: str | None = None
    input: str | None = None
    error: str | None = None
    cause: str | None = None


class ExecutionStatusChange(_Payload):
    detail: ExecutionStatusDetail = Field(default_factory=ExecutionStatusDetail)


class StatusChangeOutput(_Payload):
    changed: bool
    status: str | None = None
    run_id: str | None = None


class ReconciledRun(_Payload):
    experiment: str
    run_id: str
    action: str
    status: str | None = None


class ReconcileOutput(_Payload):
    """What the scheduled reconciler did: every run it finished or whose claim it released."""

    reconciled: list[ReconciledRun] = Field(default_factory=list)


def dump(payload: BaseModel) -> dict[str, Any]:
    """JSON-ready, with AWS's field names, leaving out what is unset (None)."""
    return payload.model_dump(mode="json", by_alias=True, exclude_none=True)
