"""Request and response models: they validate input and generate the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dwsim.store.base import ExperimentSummary


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImportSqlRequest(_Request):
    name: str = Field(description="experiment name", min_length=1, max_length=64)
    sql: str = Field(description="CREATE TABLE DDL (1 MiB at most)")
    dialect: Literal["redshift", "snowflake", "postgres"]
    target_rows: int | dict[str, int] | None = Field(
        default=None, description="rows for every table, or per table (key '*' is the default)")
    description: str | None = None
    dry_run: bool = Field(default=False, description="interpret without storing")


class GenerateRequest(_Request):
    rows: dict[str, int] | None = Field(default=None, description="row targets per table")
    seed: int | None = Field(default=None, ge=0, description="same seed, same rows")
    batch_rows: int | None = Field(default=None, ge=1, description="rows per Parquet part")
    compression: Literal["snappy", "zstd", "gzip", "none"] = "snappy"


class ExperimentListItem(ExperimentSummary):
    last_run: dict[str, Any] | None = Field(default=None, description="run_id, status, started_at")


class ExperimentList(BaseModel):
    experiments: list[ExperimentListItem]
