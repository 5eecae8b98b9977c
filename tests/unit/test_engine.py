"""Properties of generated data, checked on the Arrow/Parquet output itself."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dwsim.engine.generator import Generator
from dwsim.engine.parquet import to_parquet
from tests.support.schemas import sink_experiment, tpch_experiment


def whole(experiment, seed: int, batch_rows: int) -> dict[str, pa.Table]:
    """Every table, generated batch by batch and read back through Parquet."""
    generator = Generator(experiment, seed)
    out = {}
    for table in experiment.tables:
        parts = []
        for start in range(0, table.target_rows, batch_rows):
            count = min(batch_rows, table.target_rows - start)
            data = to_parquet(generator.table(table.name).generate(start, count))
            parts.append(pq.read_table(io.BytesIO(data)))
        out[table.name] = pa.concat_tables(parts)
    return out


@pytest.fixture(scope="module")
def sink():
    experiment = sink_experiment()
    return experiment, whole(experiment, seed=11, batch_rows=1000)


@pytest.fixture(scope="module")
def tpch():
    experiment = tpch_experiment()
    return experiment, whole(experiment, seed=3, batch_rows=7777)


def tuples(table: pa.Table, columns) -> list[tuple]:
    return list(zip(*[table[c].to_pylist() for c in columns], strict=True))


def test_exact_row_counts(sink, tpch):
    for experiment, tables in (sink, tpch):
        assert {t.name: tables[t.name].num_rows for t in experiment.tables} == {
            t.name: t.target_rows for t in experiment.tables}


def test_unique_columns_and_keys_have_no_duplicates(sink, tpch):
    checked = 0
    for experiment, tables in (sink, tpch):
        for table in experiment.tables:
            data = tables[table.name]
            keys = [table.primary_key, *table.unique] + [[c.name] for c in table.columns if c.is_unique]
            for key in filter(None, keys):
                values = [v for v in tuples(data, key) if None not in v]
                assert len(values) == len(set(values)), (table.name, key)
                checked += 1
    assert checked >= 14


def test_every_foreign_key_value_exists_in_its_parent(sink, tpch):
    checked = 0
    for experiment, tables in (sink, tpch):
        for table in experiment.tables:
            for fk in table.foreign_keys:
                parent = set(tuples(tables[fk.ref_table], fk.ref_columns))
                child = [v for v in tuples(tables[table.name], fk.columns) if None not in v]
                assert child and set(child) <= parent, (table.name, fk.columns)
                checked += 1
    assert checked == 12  # TPC-H's lineitem declares part and supplier inside partsupp's key


def test_composite_keys_vary_their_later_columns(tpch):
    _, tables = tpch
    partsupp = tables["partsupp"]
    suppliers_per_part = pc.count_distinct(partsupp["ps_suppkey"]).as_py()
    assert suppliers_per_part > 50, "later key columns must not repeat the same few values"
    lines = pc.value_counts(tables["lineitem"]["l_linenumber"]).to_pylist()
    assert sorted(v["values"] for v in lines) == [1, 2, 3, 4, 5, 6, 7], "lines count from 1"
    per_order = pc.value_counts(tables["lineitem"]["l_orderkey"]).to_pylist()
    sizes = {v["counts"] for v in per_order}
    assert sizes == {1, 2, 3, 4, 5, 6, 7}, "orders have 1 to 7 lines, 4 on average"


def test_parquet_types_follow_the_schema(sink):
    experiment, tables = sink
    schema = tables["items"].schema
    expect = {
        "id": pa.int64(), "email": pa.string(), "ticket": pa.int32(), "seat": pa.date32(),
        "parent_region": pa.int16(), "amount": pa.decimal128(12, 2), "ratio": pa.float32(),
        "score": pa.float64(), "created_at": pa.timestamp("us"),
        "updated_at": pa.timestamp("us", tz="UTC"), "wake_up": pa.time64("us"),
        "active": pa.bool_(), "token": pa.binary(), "payload": pa.string(),
    }
    assert {name: schema.field(name).type for name in expect} == expect
    for column in experiment.table("items").columns:
        assert schema.field(column.name).nullable == (not column.required), column.name


def test_ranges_lengths_and_nulls(sink):
    _, tables = sink
    items = tables["items"]

    def span(name):
        return pc.min(items[name]).as_py(), pc.max(items[name]).as_py()

    lo, hi = span("amount")
    assert Decimal(0) <= lo and hi <= Decimal(10000)
    assert -1 <= span("ratio")[0] and span("ratio")[1] <= 1
    assert span("score") == (5.0, 5.0), "min == max works"
    assert span("small")[0] >= -3 and span("small")[1] <= 3
    assert span("born") == (dt.date(1990, 5, 5), dt.date(1990, 5, 5))
    lo, hi = span("created_at")
    assert dt.datetime(2023, 1, 1) <= lo and hi <= dt.datetime(2023, 1, 31, 23, 59, 59)
    lo, hi = span("updated_at")
    assert dt.datetime(2024, 6, 1, tzinfo=dt.UTC) <= lo <= hi <= dt.datetime(2024, 6, 30, 23, 59, 59, tzinfo=dt.UTC)
    for name, length in (("email", 60), ("sku", 10), ("note", 20), ("city", 8), ("guid", 36)):
        assert pc.max(pc.utf8_length(items[name])).as_py() <= length, name
    assert pc.min(pc.binary_length(items["token"])).as_py() == 12
    for name in ("email", "amount", "created_at", "active", "parent_region"):
        assert items[name].null_count == 0, name
    assert items["ticket"].null_count == 0, "nullable without a null_ratio means no NULLs"
    assert 0.15 < items["note"].null_count / items.num_rows < 0.25
    assert 0.2 < items["manager_id"].null_count / items.num_rows < 0.3
    status = {v["values"]: v["counts"] for v in pc.value_counts(items["status"]).to_pylist()}
    assert set(status) == {"new", "paid", "shipped"} and status["shipped"] > status["paid"] > status["new"]


def test_edge_tables(sink):
    _, tables = sink
    assert tables["singleton"]["lone"].to_pylist() == [7]
    letters = tables["exact"]["letter"].to_pylist()
    assert sorted(letters) == sorted("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "domain == rows"


def test_realistic_values(sink):
    _, tables = sink
    emails = tables["items"]["email"].to_pylist()
    assert all("@" in e and "." in e.split("@")[1] for e in emails[:100])
    guid = tables["items"]["guid"][0].as_py()
    assert len(guid) == 36 and guid[14] == "4" and guid.count("-") == 4


def test_same_seed_same_rows_whatever_the_batch_size(tpch):
    experiment, by_7777 = tpch
    by_1000 = whole(experiment, seed=3, batch_rows=1000)
    one_batch = whole(experiment, seed=3, batch_rows=10**9)
    for name in by_7777:
        assert by_1000[name].equals(by_7777[name]), name
        assert one_batch[name].equals(by_7777[name]), name


def test_another_seed_gives_other_rows(tpch):
    experiment, first = tpch
    other = Generator(experiment, 4).table("customer").generate(0, 1500)
    assert not other.equals(first["customer"])
    assert other["c_custkey"].equals(first["customer"]["c_custkey"]), "sequence keys stay 1..N"
    assert other["c_name"] != first["customer"]["c_name"]


def test_any_row_can_be_computed_alone(tpch):
    experiment, tables = tpch
    generator = Generator(experiment, 3)
    row = generator.table("lineitem").generate(31337, 1)
    assert row.to_pylist()[0] == tables["lineitem"].slice(31337, 1).to_pylist()[0]


def test_rows_outside_the_table_are_refused():
    experiment = sink_experiment(100)
    with pytest.raises(ValueError, match="outside table 'items'"):
        Generator(experiment, 1).table("items").generate(90, 20)
