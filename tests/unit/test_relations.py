"""Same-row relations: inferred from names, stored in the schema (editable), checked, and
kept by every generated row."""

from __future__ import annotations

import datetime as dt

import pytest

from dwsim.engine.generator import Generator
from dwsim.errors import SchemaInvalid
from dwsim.schema.validate import prepare

ROWS = 5000


def events(relations=None):
    table = {"name": "events", "target_rows": ROWS, "primary_key": ["id"], "columns": [
        {"name": "id", "data_type": "INT"},
        {"name": "sent_at", "data_type": "TIMESTAMP"},
        {"name": "clicked_at", "data_type": "TIMESTAMP"},
        {"name": "send_date", "data_type": "DATE"},
        {"name": "start_date", "data_type": "DATE", "required": True},
        {"name": "end_date", "data_type": "DATE"},
        {"name": "created_at", "data_type": "TIMESTAMPTZ", "required": True},
        {"name": "updated_at", "data_type": "TIMESTAMPTZ", "required": True},
        {"name": "quantity", "data_type": "INT", "min_value": 1, "max_value": 10},
        {"name": "unit_price", "data_type": "DECIMAL", "precision": 8, "scale": 2},
        {"name": "line_total", "data_type": "DECIMAL", "precision": 10, "scale": 2},
    ]}
    if relations is not None:
        table["relations"] = relations
    return prepare({"name": "mail", "tables": [table]})


def test_relations_are_inferred_from_names():
    relations = {r.column: (r.kind, r.of) for r in events().tables[0].relations}
    assert relations == {
        "clicked_at": ("after", ["sent_at"]), "end_date": ("after", ["start_date"]),
        "updated_at": ("after", ["created_at"]), "send_date": ("date_of", ["sent_at"]),
        "line_total": ("product", ["quantity", "unit_price"]),
    }
    assert all(r.inferred for r in events().tables[0].relations)
    ranged = prepare({"name": "r", "tables": [{"name": "t", "target_rows": 1, "columns": [
        {"name": "created_at", "data_type": "TIMESTAMP"},
        {"name": "updated_at", "data_type": "TIMESTAMP", "date_start": "2024-06-01"}]}]})
    assert ranged.tables[0].relations == [], "a column with its own range keeps it"


def test_every_row_keeps_them():
    rows = Generator(events(), 8).table("events").generate(0, ROWS).to_pylist()
    for row in rows:
        if row["sent_at"] and row["clicked_at"]:
            assert row["sent_at"] <= row["clicked_at"] <= row["sent_at"] + dt.timedelta(days=3)
        if row["sent_at"] and row["send_date"]:
            assert row["send_date"] == row["sent_at"].date()
        if row["end_date"]:
            assert row["start_date"] <= row["end_date"] <= row["start_date"] + dt.timedelta(days=365)
        assert row["created_at"] <= row["updated_at"]
        if None not in (row["quantity"], row["unit_price"], row["line_total"]):
            assert row["line_total"] == row["quantity"] * row["unit_price"]
    nulls = sum(r["sent_at"] is None for r in rows)
    assert nulls > 0, "nullable sources keep their NULLs; their dependants keep their own values"


def test_an_empty_list_turns_inference_off_and_stated_relations_are_checked():
    assert events(relations=[]).tables[0].relations == []
    with pytest.raises(SchemaInvalid) as refused:
        events(relations=[
            {"kind": "after", "column": "clicked_at", "of": "nowhere"},
            {"kind": "date_of", "column": "quantity", "of": "sent_at"},
            {"kind": "after", "column": "id", "of": "sent_at"},
            {"kind": "after", "column": "end_date", "of": "start_date", "min_lag": 5, "max_lag": 1},
        ])
    messages = [p.message for p in refused.value.problems]
    assert messages == [
        "relation after of column clicked_at names unknown column(s): nowhere",
        "relation date_of of column quantity: 'date_of' makes a DATE column from one timestamp column",
        "relation after of column id: the column is produced by a key or foreign key",
        "relation after of column end_date: min_lag 5.0 is greater than max_lag 1.0",
    ]
    with pytest.raises(SchemaInvalid, match="form a cycle"):
        events(relations=[{"kind": "after", "column": "clicked_at", "of": "sent_at"},
                          {"kind": "after", "column": "sent_at", "of": "clicked_at"}])
