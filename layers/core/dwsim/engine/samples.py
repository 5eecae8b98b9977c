"""Sample values for a preview: the first rows of each table, made by the real engine at a
fixed seed, as JSON-friendly values (a run with that seed starts with exactly these rows).

`sample_experiment(experiment)` returns per table, per column, up to five values: text for
decimals, dates, times and timestamps, hex for binary, None for NULL. The cost is bounded
(Faker fills a pool of about a thousand values per column, 10-100 ms each): tables are
sampled in order, column by column, until `MAX_SAMPLED_TABLES` tables or
`SAMPLE_BUDGET_SECONDS` are spent; the rest are named as omitted and the `sampling` note says
so; long text is cut. A sampled column the engine cannot make values for is refused with its
location, as validation refuses a schema, rather than left for a run to fail on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dwsim.engine.generator import Generator
from dwsim.errors import Problem, SchemaInvalid
from dwsim.schema.model import Experiment
from dwsim.schema.problems import where

SAMPLE_ROWS = 5
SAMPLE_SEED = 0
MAX_SAMPLED_TABLES = 200
SAMPLE_BUDGET_SECONDS = 5.0  # no further column is started once this much time is spent
MAX_TEXT = 200  # characters of one sampled text value; longer values end with "…"

ColumnSamples = dict[str, list[Any]]


@dataclass(frozen=True)
class Samples:
    """Sample values per table and column, and how they were made."""

    values: dict[str, ColumnSamples]  # a table cut short by the budget lacks its last columns
    seed: int = SAMPLE_SEED
    rows: int = SAMPLE_ROWS
    omitted: list[str] = field(default_factory=list)  # tables past the sampling bound
    partial: str | None = None  # the table the budget ran out in, if it did mid-table

    def describe(self) -> dict[str, Any]:
        """The `sampling` field of a preview: seed, rows, what was left out, and a note."""
        note = f"the first {self.rows} rows of each table at seed {self.seed}"
        if self.omitted:
            total = len(self.values) + len(self.omitted)
            note += f"; only the first {len(self.values):,} of {total:,} tables are sampled"
        if self.partial:
            note += f"; table {self.partial} only in part"
        if self.omitted or self.partial:
            note += ", to keep the preview quick"
        return {"seed": self.seed, "rows": self.rows, "tables_sampled": len(self.values),
                "tables_omitted": len(self.omitted), "note": note}


def sample_experiment(experiment: Experiment, rows: int = SAMPLE_ROWS, seed: int = SAMPLE_SEED,
                      first: Sequence[str] = (), max_tables: int = MAX_SAMPLED_TABLES,
                      budget_seconds: float = SAMPLE_BUDGET_SECONDS,
                      clock: Callable[[], float] = time.monotonic) -> Samples:
    """The first `rows` rows of the tables, column by column: the tables named in `first`
    (say, the one just edited), then the others in order, until `max_tables` tables are
    sampled or `budget_seconds` are spent (checked before each column; the first column is
    always sampled). Raises SchemaInvalid, located at each column, when the engine cannot
    make a column's values (columns past the bound are not tried)."""
    generator = Generator(experiment, seed)
    values: dict[str, ColumnSamples] = {}
    problems: list[Problem] = []
    deadline = clock() + budget_seconds
    wanted = set(first)
    tables = sorted(experiment.tables, key=lambda t: t.name not in wanted)  # stable
    stop, partial = len(tables), None
    for position, table in enumerate(tables):
        if position >= max_tables or (position and clock() >= deadline):
            stop = position
            break
        maker = generator.table(table.name)
        idx = np.arange(min(rows, table.target_rows), dtype=np.uint64)
        columns: ColumnSamples = values.setdefault(table.name, {})
        for i, column in enumerate(table.columns):
            if (position or i) and clock() >= deadline:
                partial = table.name
                break
            try:  # one column at a time: the same values as whole rows, located failures
                array = maker.columns_at([column.name], idx, depth=0)[column.name]
            except Exception as exc:  # noqa: BLE001 - the engine's reason, shown where it applies
                problems.append(_problem(table.name, column.name, exc))
                continue
            columns[column.name] = [json_value(v) for v in array.to_pylist()]
        if partial:
            stop = position + 1
            break
    if problems:
        raise SchemaInvalid(problems)
    in_order = {t.name: values[t.name] for t in experiment.tables if t.name in values}
    return Samples(in_order, seed, rows, [t.name for t in tables[stop:]], partial)


def _problem(table: str, column: str, exc: Exception) -> Problem:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Problem(where(table, column), "generation",
                   f"dw-sim cannot make this column's values: {reason}")


def json_value(value: Any) -> Any:
    """One Arrow value as JSON: numbers and booleans as they are, text for what JSON lacks."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if isinstance(value, bytes | bytearray):
        return json_value(value.hex())
    return json_value(str(value))  # Decimal, date, datetime, time: their text
