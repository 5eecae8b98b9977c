"""What the API's routes work with: built once per process from the settings, or installed
by `dw-sim serve` and tests."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from dwsim.composition import build_executor, build_services
from dwsim.runs.executor import RunExecutor
from dwsim.runs.services import Services
from dwsim.settings import Settings, get_settings

MAX_BODY_BYTES = 12 * 1024 * 1024  # a 10 MiB DDL as JSON with room for escapes; larger → 413


@dataclass(frozen=True)
class ApiContext:
    settings: Settings
    services: Services
    executor: RunExecutor

    @classmethod
    def build(cls, settings: Settings, workers: int = 1) -> ApiContext:
        return cls(settings, build_services(settings), build_executor(settings, workers))


_override: ApiContext | None = None


def configure(context: ApiContext | None) -> None:
    """`dw-sim serve` and tests install their own context (a home folder, a local executor)."""
    global _override
    _override = context
    _from_settings.cache_clear()


@functools.lru_cache(maxsize=2)
def _from_settings(settings: Settings) -> ApiContext:
    # Keyed by the settings so that a build begun under older settings never sticks.
    return ApiContext.build(settings)


def current() -> ApiContext:
    return _override or _from_settings(get_settings())
