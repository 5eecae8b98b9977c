"""Settings, read once from the environment (the Lambda functions' variables, or the shell)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path  # embedded default: where the SQLite file and the output folder live
    table_name: str | None = None  # DynamoDB table: set in AWS, selects the DynamoDB store
    bucket: str | None = None  # S3 bucket: set in AWS, selects the S3 object store
    state_machine_arn: str | None = None

    @classmethod
    def from_env(cls, home: str | os.PathLike | None = None) -> Settings:
        return cls(
            home=Path(home or os.environ.get("DWSIM_HOME") or ".dwsim"),
            table_name=os.environ.get("DWSIM_TABLE_NAME") or None,
            bucket=os.environ.get("DWSIM_BUCKET") or None,
            state_machine_arn=os.environ.get("DWSIM_STATE_MACHINE_ARN") or None,
        )
