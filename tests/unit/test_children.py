"""Children per parent: keys numbered within a parent (order lines 1..k), exact per-parent
counts for foreign keys that ask for them, and Zipf parents capped at 1% of the children."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dwsim.engine import children
from dwsim.engine.generator import Generator
from dwsim.schema.validate import prepare


def invoices(lines: int, spec: dict | None = None, parents: int = 1000,
             child_block: int = children.BLOCK_PARENTS) -> Generator:
    fk = {"columns": ["invoice_id"], "ref_table": "invoices"}
    if spec:
        fk["children"] = spec
    return Generator(prepare({"name": "billing", "tables": [
        {"name": "invoices", "target_rows": parents, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "INT"}]},
        {"name": "lines", "target_rows": lines, "primary_key": ["invoice_id", "line_no"],
         "foreign_keys": [fk],
         "columns": [{"name": "invoice_id", "data_type": "INT"},
                     {"name": "line_no", "data_type": "SMALLINT"}]},
    ]}), seed=4, child_block=child_block)


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
    offsets = children.offsets(children.Layout(7, 100, 1000, "uniform", 1, 3, 1.5))  # 10 a parent, max 3
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


LAYOUTS = st.builds(
    lambda key, parents, per_parent, spec, block: children.Layout(
        key, parents, max(0, round(parents * per_parent)), spec[0], spec[1],
        max(spec[1], spec[2]), 1.5, block),
    st.integers(0, 2**32), st.integers(1, 400), st.floats(0.0, 9.0),
    st.tuples(st.sampled_from(["uniform", "poisson", "zipf"]), st.integers(0, 3), st.integers(0, 8)),
    st.sampled_from([1, 3, 64, 100]))


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(LAYOUTS, st.lists(st.integers(1, 500), min_size=1, max_size=8))
def test_blocks_keep_totals_exact_and_lines_contiguous_for_any_batches(layout, sizes):
    """Small blocks (the default is 65,536 parents): totals are exact, each parent's rows are
    one run numbered 0..k-1, and rows located in batches of any boundaries (or in any order)
    agree with the whole table."""
    whole = children.offsets(layout)
    assert whole[0] == 0 and whole[-1] == layout.children and len(whole) == layout.parents + 1
    counts = np.diff(whole)
    assert counts.min() >= 0
    if layout.parents * layout.lo <= layout.children <= layout.parents * layout.hi:
        assert counts.min() >= layout.lo and counts.max() <= layout.hi
    rows = np.arange(layout.children, dtype=np.uint64)
    parent, position = children.locate(whole, rows)
    assert np.array_equal(parent.astype(np.int64), np.repeat(np.arange(layout.parents), counts))
    assert np.array_equal(position.astype(np.int64), rows.astype(np.int64) - whole[parent.astype(np.int64)])
    cuts = np.cumsum(sizes * (layout.children // max(1, sum(sizes)) + 1))
    for batch in np.split(rows, cuts[cuts < layout.children]):
        got_parent, got_position = layout.locate(batch)
        assert np.array_equal(got_parent, parent[batch.astype(np.int64)])
        assert np.array_equal(got_position, position[batch.astype(np.int64)])
    shuffled = np.random.default_rng(layout.key).permutation(rows)
    got_parent, got_position = layout.locate(shuffled)
    assert np.array_equal(got_parent, parent[shuffled.astype(np.int64)])
    spread = layout.spread(rows, np.uint64(layout.key))
    assert np.array_equal(np.sort(spread), rows)  # a bijection of the child rows
    assert np.array_equal(layout.block_of(spread), layout.block_of(rows))  # within blocks


def test_small_blocks_through_the_engine_number_lines_and_agree_across_batches():
    table = invoices(4500, child_block=64).table("lines")
    whole = table.generate(0, 4500)
    by_invoice: dict[int, list[int]] = {}
    for invoice, line in zip(whole["invoice_id"].to_pylist(), whole["line_no"].to_pylist(),
                             strict=True):
        by_invoice.setdefault(invoice, []).append(line)
    assert sum(map(len, by_invoice.values())) == 4500 and len(by_invoice) == 1000
    assert all(ls == list(range(1, len(ls) + 1)) for ls in by_invoice.values())
    assert len(Counter(len(ls) for ls in by_invoice.values())) >= 6
    pieces = [row for start in range(0, 4500, 613)
              for row in table.generate(start, min(613, 4500 - start)).to_pylist()]
    assert pieces == whole.to_pylist()


def test_children_vary_per_parent_beyond_twenty_million_parents():
    """250 million orders, a billion lines: a few batches far into the table (the whole
    table is never made) number lines 1..k per order with k varying, and the last line
    belongs to the last order: the total is exact."""
    generator = Generator(prepare({"name": "big", "tables": [
        {"name": "orders", "target_rows": 250_000_000, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "BIGINT"}]},
        {"name": "lines", "target_rows": 1_000_000_000, "primary_key": ["order_id", "line_no"],
         "foreign_keys": [{"columns": ["order_id"], "ref_table": "orders",
                           "children": {"distribution": "uniform", "min": 1, "max": 7}}],
         "columns": [{"name": "order_id", "data_type": "BIGINT"},
                     {"name": "line_no", "data_type": "SMALLINT"}]},
    ]}), seed=3)
    lines = generator.table("lines")
    for start in (0, 612_345_678, 999_980_000):
        batch = lines.generate(start, 20_000)
        runs: dict[int, list[int]] = {}
        for order, line in zip(batch["order_id"].to_pylist(), batch["line_no"].to_pylist(),
                               strict=True):
            runs.setdefault(order, []).append(line)
        inner = list(runs.values())[1:-1]  # the first and last order may be cut by the batch
        assert all(ls == list(range(1, len(ls) + 1)) for ls in inner)
        sizes = Counter(len(ls) for ls in inner)
        assert set(sizes) == set(range(1, 8)), sizes  # 1..7, not a fixed 4 per order
        assert lines.generate(start + 5_000, 3).equals(batch.slice(5_000, 3))
    layout = children.Layout(1, 250_000_000, 1_000_000_000, "uniform", 1, 7, 1.5)
    parent, position = layout.locate(np.array([999_999_999, 0]))
    assert parent.tolist() == [249_999_999, 0] and position[1] == 0
    last_block = layout.offsets(layout.blocks - 1)
    assert last_block[-1] == 1_000_000_000 - layout.start(layout.blocks - 1)


def test_a_plain_foreign_key_with_a_children_spec_gets_exact_counts_over_blocks():
    """Not part of a key: each customer gets 2..4 orders, the total is exact, and with blocks
    of 64 customers the rows still agree across batches."""
    generator = Generator(prepare({"name": "shop", "tables": [
        {"name": "customers", "target_rows": 300, "primary_key": ["id"],
         "columns": [{"name": "id", "data_type": "INT"}]},
        {"name": "orders", "target_rows": 900, "foreign_keys": [
            {"columns": ["customer_id"], "ref_table": "customers",
             "children": {"distribution": "uniform", "min": 2, "max": 4}}],
         "columns": [{"name": "customer_id", "data_type": "INT", "required": True}]}]}),
        seed=5, child_block=64)
    orders = generator.table("orders")
    whole = orders.generate(0, 900)["customer_id"].to_pylist()
    counts = Counter(whole)
    assert len(counts) == 300 and set(counts.values()) == {2, 3, 4}
    pieces = [v for start in range(0, 900, 131)
              for v in orders.generate(start, min(131, 900 - start))["customer_id"].to_pylist()]
    assert pieces == whole
