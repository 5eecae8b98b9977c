"""Split each table's row target into batches whose sizes add up exactly.

A batch's rows adapt to the table's width so one batch stays within BATCH_MEMORY_BUDGET
(measured: about 40 bytes of peak memory per value of a 1 M-row batch, text included), and
the number of batches is counted arithmetically before any list is built, so a request for
10^10 rows in batches of one is refused at once instead of exhausting memory."""

from __future__ import annotations

from dwsim.limits import MAX_BATCH_ROWS, MAX_BATCHES
from dwsim.runs.payloads import Batch
from dwsim.schema.model import Experiment, Table

__all__ = ["DEFAULT_BATCH_ROWS", "MAX_BATCH_ROWS", "MAX_BATCHES", "count_batches", "split",
           "table_batch_rows"]

DEFAULT_BATCH_ROWS = 250_000
BATCH_MEMORY_BUDGET = 1_500_000_000  # bytes: half of the batch Lambda's 3 GB
PEAK_BYTES_PER_VALUE = 40
MIN_BATCH_ROWS = 1_000


def table_batch_rows(table: Table, batch_rows: int) -> int:
    """The rows of one batch of `table`: the requested size, less for wide tables."""
    fits = BATCH_MEMORY_BUDGET // (PEAK_BYTES_PER_VALUE * max(len(table.columns), 1))
    return max(1, min(batch_rows, max(fits, MIN_BATCH_ROWS)))


def count_batches(experiment: Experiment, batch_rows: int) -> int:
    return sum(-(-t.target_rows // table_batch_rows(t, batch_rows))
               for t in experiment.tables if t.target_rows)


def split(experiment: Experiment, batch_rows: int) -> list[Batch]:
    if count_batches(experiment, batch_rows) > MAX_BATCHES:
        raise ValueError(f"more than {MAX_BATCHES:,} batches; count them before splitting")
    batches: list[Batch] = []
    for table in experiment.tables:
        size = table_batch_rows(table, batch_rows)
        parts = -(-table.target_rows // size) if table.target_rows else 0
        for part in range(parts):
            start = part * size
            batches.append(Batch(batch=len(batches), table=table.name, part=part, start=start,
                                 count=min(size, table.target_rows - start)))
    return batches
