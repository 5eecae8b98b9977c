"""Batches: exact totals, sizes that adapt to the table's width, and a count known before
anything is built."""

from __future__ import annotations

import tracemalloc

import pytest

from dwsim.runs.batches import (
    BATCH_MEMORY_BUDGET,
    MAX_BATCHES,
    PEAK_BYTES_PER_VALUE,
    count_batches,
    split,
    table_batch_rows,
)
from dwsim.schema.validate import prepare


def experiment(columns: int, rows: int):
    return prepare({"name": "wide", "tables": [{"name": "t", "target_rows": rows, "columns": [
        {"name": f"c{i}", "data_type": "INT"} for i in range(columns)]}]})


def test_batches_add_up_and_wide_tables_get_smaller_batches():
    narrow, wide = experiment(10, 1_000_000), experiment(1600, 100_000)
    assert table_batch_rows(narrow.tables[0], 250_000) == 250_000
    rows = table_batch_rows(wide.tables[0], 250_000)
    assert rows * 1600 * PEAK_BYTES_PER_VALUE <= BATCH_MEMORY_BUDGET and rows < 250_000
    for e in (narrow, wide):
        batches = split(e, 250_000)
        assert len(batches) == count_batches(e, 250_000)
        assert sum(b.count for b in batches) == e.tables[0].target_rows
        assert [b.start for b in batches] == sorted(b.start for b in batches)


def test_too_many_batches_are_counted_not_built():
    huge = experiment(3, 10_000_000_000)
    tracemalloc.start()
    assert count_batches(huge, 1) == 10_000_000_000
    with pytest.raises(ValueError, match=f"more than {MAX_BATCHES:,} batches"):
        split(huge, 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10_000_000, "no batch list was built"
