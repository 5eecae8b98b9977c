"""Split each table's row target into batches whose sizes add up exactly."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from dwsim.schema.model import Experiment

DEFAULT_BATCH_ROWS = 250_000
MAX_BATCH_ROWS = 5_000_000
MAX_BATCHES = 100_000


@dataclass(frozen=True)
class Batch:
    batch: int  # position in the run's batch list
    table: str
    part: int  # position within the table: the part file's number
    start: int  # first row index
    count: int

    def to_dict(self) -> dict:
        return asdict(self)


def split(experiment: Experiment, batch_rows: int) -> list[Batch]:
    batches: list[Batch] = []
    for table in experiment.tables:
        parts = max(1, -(-table.target_rows // batch_rows)) if table.target_rows else 0
        for part in range(parts):
            start = part * batch_rows
            count = min(batch_rows, table.target_rows - start)
            batches.append(Batch(len(batches), table.name, part, start, count))
    return batches


def part_key(prefix: str, table: str, part: int) -> str:
    return f"{prefix}/{table}/part-{part:05d}.parquet"
