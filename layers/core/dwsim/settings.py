"""Settings: one validated object, read once per process from the environment (the Lambda
functions' variables in AWS, the shell locally). Nothing else in dwsim reads os.environ."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DWSIM_", frozen=True, extra="ignore",
                                      env_ignore_empty=True)

    # Embedded default: where the SQLite file and the output folder live.
    home: Path = Path(".dwsim")
    # In AWS: the DynamoDB table and S3 bucket select the AWS adapters; the state machine
    # selects the Step Functions executor.
    table_name: str | None = None
    bucket: str | None = None
    state_machine_arn: str | None = None
    # How many batch Lambdas the Distributed Map runs at once (the plan step hands it over).
    max_concurrency: int = Field(default=100, ge=1, le=10_000)
    # The most rows one run may request across its tables (0: no limit); a cost guard.
    max_rows_per_run: int = Field(default=0, ge=0)
    # The reconciler fails a RUNNING run whose execution never started after this long.
    reconcile_grace_minutes: int = Field(default=15, ge=0)
    # Tests only: the batch "table:part" that raises, to exercise failure paths end to end.
    fault_batch: str | None = None
    # Where the web UI's files are, when not beside the package.
    web_dir: Path | None = None
    # The one origin (scheme://host[:port]) whose pages may call the API from a browser (CORS);
    # none by default: the UI is served from the API's own origin.
    cors_origin: str | None = Field(default=None, pattern=r"^https?://[^/\s*]+$")
    # `dw-sim serve`: seconds a connection may sit idle, or a request take to arrive, before
    # it is closed.
    serve_timeout: float = Field(default=30.0, gt=0, le=3600)
    # The CLI against a deployed stack or `dw-sim serve` (--api, --api-key, --auth): the API's
    # base URL, its key (x-api-key), or SigV4 from the default AWS credentials (iam).
    api_url: str | None = None
    api_key: SecretStr | None = None
    api_auth: Literal["key", "iam"] = "key"

    def with_home(self, home: str | Path | None) -> Settings:
        """The same settings on another embedded store (the CLI's --home)."""
        return self if home is None else self.model_copy(update={"home": Path(home)})


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()
