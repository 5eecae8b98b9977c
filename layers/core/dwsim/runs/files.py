"""A run's file lists: the run record keeps counts and sizes per table, the table's manifest
(written by finalize) lists its files, so one run shown in full reads them from there."""

from __future__ import annotations

import json

from dwsim.errors import NotFound
from dwsim.metadata.records import RunRecord
from dwsim.objects.base import ObjectStore
from dwsim.runs import layout


def with_files(objects: ObjectStore, run: RunRecord) -> RunRecord:
    """A copy of the run with each finished table's `files` as its manifest lists them."""
    run = run.model_copy(deep=True)
    prefix = layout.run_prefix(run.experiment, run.run_id)
    for table in run.tables:
        if table.files or table.manifest is None:
            continue  # files kept inline (older records), or nothing finalized
        try:
            manifest = json.loads(objects.get(layout.manifest_key(prefix, table.name)))
        except NotFound:
            continue  # the objects were removed; the counts remain
        table.files = [entry["url"] for entry in manifest["entries"]]
    return run
