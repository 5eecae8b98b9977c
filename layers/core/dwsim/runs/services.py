"""The two stores a run's steps work with. composition.py builds them from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from dwsim.metadata.base import MetadataStore
from dwsim.objects.base import ObjectStore


@dataclass(frozen=True)
class Services:
    store: MetadataStore
    objects: ObjectStore
    # Tests only: the batch "table:part" that raises (settings.fault_batch).
    fault_batch: str | None = None
    # The most rows one run may request (settings.max_rows_per_run; 0: no limit).
    max_rows_per_run: int = 0
