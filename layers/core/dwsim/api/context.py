"""What the API's routes work with, built once per process from the environment."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from dwsim.config import Settings
from dwsim.runs.workflow import Services
from dwsim.workflows.base import WorkflowStarter

MAX_BODY_BYTES = 1_200_000  # a 1 MiB DDL as JSON with room for escapes; larger → 413


@dataclass(frozen=True)
class ApiContext:
    settings: Settings
    services: Services
    starter: WorkflowStarter


_override: ApiContext | None = None


def configure(context: ApiContext | None) -> None:
    """`dw-sim serve` and tests install their own context (a home folder, a local starter)."""
    global _override
    _override = context
    _from_env.cache_clear()


@functools.lru_cache(maxsize=1)
def _from_env() -> ApiContext:
    from dwsim.runs.local import services_for

    settings = Settings.from_env()
    if settings.state_machine_arn:
        from dwsim.workflows.stepfunctions import StepFunctionsStarter

        starter: WorkflowStarter = StepFunctionsStarter(settings.state_machine_arn)
    else:
        from dwsim.workflows.local import LocalWorkflowStarter

        starter = LocalWorkflowStarter(settings)
    return ApiContext(settings, services_for(settings), starter)


def current() -> ApiContext:
    return _override or _from_env()
