"""Split each table's row target into batches whose sizes add up exactly."""

from __future__ import annotations

from dwsim.runs.payloads import Batch
from dwsim.schema.model import Experiment

DEFAULT_BATCH_ROWS = 250_000
MAX_BATCH_ROWS = 5_000_000
MAX_BATCHES = 100_000


def split(experiment: Experiment, batch_rows: int) -> list[Batch]:
    batches: list[Batch] = []
    for table in experiment.tables:
        parts = max(1, -(-table.target_rows // batch_rows)) if table.target_rows else 0
        for part in range(parts):
            start = part * batch_rows
            count = min(batch_rows, table.target_rows - start)
            batches.append(Batch(batch=len(batches), table=table.name, part=part, start=start,
                                 count=count))
    return batches
