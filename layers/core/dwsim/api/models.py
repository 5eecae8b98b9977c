"""Request and response models: they validate input and generate the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dwsim.limits import MAX_EXPERIMENT_NAME, MAX_TABLE_ROWS
from dwsim.metadata.records import (
    ExperimentSummary,
    Progress,
    RunRecord,
    RunStatus,
    UtcTimestamp,
)


class _Request(BaseModel):
    """Request bodies are checked strictly: unknown fields, and a string or boolean where a
    number belongs ("10", true), are refused with a 422 rather than converted."""

    model_config = ConfigDict(extra="forbid", strict=True)


Rows = Annotated[int, Field(ge=0, le=MAX_TABLE_ROWS)]  # as the experiment schema allows


class ImportSqlRequest(_Request):
    name: str = Field(description="experiment name", min_length=1,
                      max_length=MAX_EXPERIMENT_NAME)
    sql: str = Field(description="CREATE TABLE DDL (10 MiB at most)")
    dialect: Literal["redshift", "snowflake", "postgres"]
    target_rows: Rows | dict[str, Rows] | None = Field(
        default=None, description="rows for every table, or per table (key '*' is the default)")
    description: str | None = None
    dry_run: bool = Field(default=False, description="interpret without storing")


class GenerateRequest(_Request):
    rows: dict[str, Rows] | None = Field(default=None, description="row targets per table")
    seed: int | None = Field(default=None, ge=0, description="same seed, same rows")
    batch_rows: int | None = Field(default=None, ge=1, description="rows per Parquet part")
    compression: Literal["snappy", "zstd", "gzip", "none"] = "snappy"


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="stable, for programs: not_found, invalid_input, "
                                  "schema_invalid, invalid_request, already_exists, run_active, ...")
    message: str = Field(description="for people: what is wrong and where")
    details: Any = Field(default=None, description="the problems, each with its location, "
                                                   "rule and message; or the line and column")
    request_id: str | None = Field(default=None, description="500 only: the id the traceback "
                                                             "is logged under")


class ErrorEnvelope(BaseModel):
    """Every error response's body."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


class LastRun(BaseModel):
    run_id: str
    status: RunStatus
    started_at: UtcTimestamp


class ExperimentListItem(ExperimentSummary):
    last_run: LastRun | None = Field(default=None, description="the newest run, if any")


class ExperimentList(BaseModel):
    experiments: list[ExperimentListItem]


class _Document(BaseModel):
    """A response whose required fields are checked and whose other fields pass through as
    dw-sim wrote them (the canonical JSON leaves out unset and default fields)."""

    model_config = ConfigDict(extra="allow")


class KeyDescription(_Document):
    kind: Literal["primary", "unique", "foreign"]
    columns: list[str]
    enforcement: str = Field(description="how dw-sim guarantees the key")


class TableDocument(_Document):
    name: str
    target_rows: int
    columns: list[dict[str, Any]]
    primary_key: list[str]
    unique: list[list[str]]
    foreign_keys: list[dict[str, Any]]
    keys: list[KeyDescription]


class ExperimentDocument(_Document):
    """The canonical experiment JSON (what `dw-sim experiment show --json` prints)."""

    name: str
    tables: list[TableDocument]
    warnings: list[dict[str, Any]]


class StoredExperimentDocument(ExperimentDocument):
    created_at: str


class Sampling(BaseModel):
    """How a preview's sample values were made."""

    seed: int = Field(description="the seed of the samples: a run with this seed starts with "
                                  "exactly these rows")
    rows: int = Field(description="rows sampled per table (fewer when a table's target is smaller)")
    tables_sampled: int
    tables_omitted: int = Field(description="tables left unsampled to keep the preview quick "
                                            "(sampling stops after 200 tables or about 5 s)")
    note: str = Field(description="the above, for people")


class ExperimentPreview(ExperimentDocument):
    """The canonical experiment JSON plus sample values, nothing stored. POST it (or an edit
    of it) to /api/experiments to create it: `samples` and `sampling` are ignored there."""

    samples: dict[str, dict[str, list[Any]]] = Field(
        description="per table, per column: the values of the first rows as the engine makes "
                    "them (text for decimals, dates, times and timestamps; hex for binary; "
                    "null for NULL)")
    sampling: Sampling


class TableSummary(BaseModel):
    name: str
    rows: int
    bytes: int
    file_count: int


class RunSummary(BaseModel):
    """A run without its file lists, load SQL and traceback (GET the run for those): lists
    stay small however many parts the runs wrote."""

    run_id: str
    experiment: str
    status: RunStatus
    started_at: UtcTimestamp
    finished_at: UtcTimestamp | None = None
    duration_seconds: float | None = None
    seed: int
    progress: Progress
    output: str | None = None
    error: str | None = None
    tables: list[TableSummary]

    @classmethod
    def of(cls, run: RunRecord) -> RunSummary:
        return cls(**run.model_dump(include={"run_id", "experiment", "status", "started_at",
                                             "finished_at", "duration_seconds", "seed",
                                             "progress", "output", "error"}),
                   tables=[TableSummary(name=t.name, rows=t.rows, bytes=t.bytes,
                                        file_count=t.file_count) for t in run.tables])


class RunPage(BaseModel):
    runs: list[RunSummary]
    next_token: str | None = Field(default=None, description="pass as next_token for older runs")


class Deleted(BaseModel):
    deleted: str
    objects_removed: int


class RunFile(BaseModel):
    path: str = Field(description="where the file is within the run's output "
                                  "(`<table>/part-00000.parquet`, `load.sql`, `_manifests/...`)")
    table: str | None = Field(default=None, description="the table a Parquet part belongs to")
    size: int = Field(description="bytes")
    url: str = Field(description="where to GET it: a presigned S3 URL (no credentials needed "
                                 "until it expires), or, on a local store, a path under the "
                                 "API's base URL that needs the API's own authentication")


class RunFiles(BaseModel):
    experiment: str
    run_id: str
    status: RunStatus
    expires_in: int = Field(description="seconds the presigned URLs stay valid")
    files: list[RunFile]
    next_token: str | None = Field(default=None, description="pass as next_token for more files")
