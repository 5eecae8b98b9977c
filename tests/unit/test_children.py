"""Children per parent: keys numbered within a parent (order lines 1..k), exact per-parent
counts for foreign keys that ask for them, and Zipf parents capped at 1% of the children."""

from __future__ import annotations

from collections import Counter

import numpy as np

from dwsim.engine import children
from dwsim.engine.generator import Generator
from dwsim.schema.validate import prepare


def invoices(lines: int, spec: dict | None = None) -> Generator:
    fk = {"columns": ["invoice_id"], "ref_table": "invoices"}
    if spec:
        fk["children"] = spec
    return Generator(prepare({"name": "billing", "tables": [
        {"name": "invoices", "target_rows": 1000, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "INT"}]},
        {"name": "lines", "target_rows": lines, "primary_key": ["invoice_id", "line_no"],
         "foreign_keys": [fk],
         "columns": [{"name": "invoice_id", "data_type": "INT"},
                     {"name": "line_no", "data_type": "SMALLINT"}]},
    ]}), seed=4)


def test_lines_are_numbered_one_to_k_within_each_invoice_and_k_varies():
    table = invoices(4500).table("lines").generate(0, 4500)
    by_invoice: dict[int, list[int]] = {}
    for invoice, line in zip(table["invoice_id"].to_pylist(), table["line_no"].to_pylist(),
                             strict=True):
        by_invoice.setdefault(invoice, []).append(line)
    assert sum(map(len, by_invoice.values())) == 4500
    assert all(sorted(ls) == list(range(1, len(ls) + 1)) for ls in by_invoice.values())
    sizes = Counter(len(ls) for ls in by_invoice.values())
    assert set(sizes) <= set(range(1, 9)) and len(sizes) >= 6, sizes  # 1..8 around 4.5


def test_any_batch_computes_the_same_rows():
    table = invoices(4500).table("lines")
    whole = table.generate(0, 4500).to_pylist()
    pieces = [row for start in range(0, 4500, 777)
              for row in table.generate(start, min(777, 4500 - start)).to_pylist()]
    assert pieces == whole


def test_a_declared_count_distribution_is_kept():
    table = invoices(2500, {"distribution": "uniform", "min": 2, "max": 3}).table("lines")
    counts = Counter(table.generate(0, 2500)["invoice_id"].to_pylist())
    assert set(counts.values()) == {2, 3} and sum(counts.values()) == 2500
    poisson = invoices(3000, {"distribution": "poisson", "min": 0, "max": 12}).table("lines")
    counts = Counter(poisson.generate(0, 3000)["invoice_id"].to_pylist())
    assert sum(counts.values()) == 3000 and max(counts.values()) <= 12 and len(counts) > 900


def test_totals_stay_exact_beyond_the_bounds():
    offsets = children.offsets(7, 100, 1000, "uniform", 1, 3, 1.5)  # 10 a parent, max 3
    assert offsets[-1] == 1000 and np.all(np.diff(offsets) >= 0)
    parent, position = children.locate(offsets, np.arange(1000))
    assert parent.max() == 99 and position.min() == 0


def test_a_zipf_foreign_key_keeps_its_most_popular_parent_at_one_percent():
    generator = Generator(prepare({"name": "z", "tables": [
        {"name": "customers", "target_rows": 5000, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "INT"}]},
        {"name": "orders", "target_rows": 50_000, "foreign_keys": [
            {"columns": ["customer_id"], "ref_table": "customers", "distribution": "zipf"}],
         "columns": [{"name": "customer_id", "data_type": "INT", "required": True}]}]}), seed=2)
    counts = Counter(generator.table("orders").generate(0, 50_000)["customer_id"].to_pylist())
    top = counts.most_common(1)[0][1]
    assert top <= 0.011 * 50_000, top
    assert top > 20 * (50_000 / 5000), "still skewed: the top customer has 20× the mean"
