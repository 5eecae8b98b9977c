"""Data that looks like production data: distinct counts that grow with the rows, values
composed from parts that agree within a row, and values that fit their column uncut."""

from __future__ import annotations

import re

import pytest
from faker.providers.address.en_US import Provider as AddressProvider

from dwsim.engine.generator import Generator
from dwsim.schema.validate import prepare

ROWS = 50_000


@pytest.fixture(scope="module")
def users():
    experiment = prepare({"name": "people", "tables": [{"name": "users", "target_rows": ROWS,
                                                        "primary_key": ["id"], "columns": [
        {"name": "id", "data_type": "INT"},
        {"name": "first_name", "data_type": "VARCHAR", "varchar_length": 30},
        {"name": "last_name", "data_type": "VARCHAR", "varchar_length": 30},
        {"name": "full_name", "data_type": "VARCHAR", "varchar_length": 40},
        {"name": "email", "data_type": "VARCHAR", "varchar_length": 60},
        {"name": "address", "data_type": "VARCHAR", "varchar_length": 40},
        {"name": "phone", "data_type": "CHAR", "varchar_length": 15},
        {"name": "fax", "data_type": "VARCHAR", "varchar_length": 12},
        {"name": "state", "data_type": "CHAR", "varchar_length": 2},
        {"name": "country", "data_type": "VARCHAR", "varchar_length": 12},
        {"name": "company", "data_type": "VARCHAR", "varchar_length": 10},
    ]}]})
    table = Generator(experiment, 11).table("users").generate(0, ROWS)
    return {name: [v for v in table[name].to_pylist()] for name in table.column_names}


def distinct_share(values: list) -> float:
    present = [v for v in values if v is not None]
    return len(set(present)) / len(present)


def test_distinct_counts_grow_with_the_rows(users):
    for name in ("address", "phone", "fax", "email"):
        assert distinct_share(users[name]) >= 0.9, name
    assert distinct_share(users["full_name"]) >= 0.5
    assert len(set(users["first_name"])) >= 200 and len(set(users["last_name"])) >= 200


def test_full_names_and_emails_follow_the_rows_first_and_last_names(users):
    rows = list(zip(users["first_name"], users["last_name"], users["full_name"], users["email"],
                    strict=True))
    for first, last, full, email in rows[:2000]:
        if first is None or last is None:
            continue
        if full is not None:
            assert full == f"{first} {last}"
        if email is not None:
            local = re.sub(r"[^a-z]", "", email.split("@")[0])
            assert local.startswith(re.sub(r"[^a-z]", "", first.lower())), (first, email)


def test_values_fit_their_column_without_being_cut(users):
    assert all(re.fullmatch(r"\+1-[2-9]\d\d-\d{3}-\d{4}", p) for p in users["phone"] if p)
    assert all(re.fullmatch(r"[2-9]\d\d-\d{3}-\d{4}", p) for p in users["fax"] if p)
    assert all(re.fullmatch(r"[A-Z]{2}", s) for s in users["state"] if s), "CHAR(2) holds codes"
    countries = {c for c in users["country"] if c}
    assert countries <= set(AddressProvider.countries), "whole country names that fit"
    assert max(map(len, countries)) <= 12 and len(countries) > 20
    assert all(len(c) <= 10 for c in users["company"] if c)
    emails = [e for e in users["email"] if e]
    assert all(len(e) <= 60 and re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+", e) for e in emails)


def test_composed_values_are_pure_functions_of_the_row():
    experiment = prepare({"name": "p", "tables": [{"name": "users", "target_rows": 1000,
                                                   "columns": [
        {"name": "first_name", "data_type": "VARCHAR", "varchar_length": 30},
        {"name": "last_name", "data_type": "VARCHAR", "varchar_length": 30},
        {"name": "email", "data_type": "VARCHAR", "varchar_length": 60},
        {"name": "address", "data_type": "VARCHAR", "varchar_length": 60}]}]})
    table = Generator(experiment, 5).table("users")
    whole = table.generate(0, 1000)
    for name in ("email", "address"):
        pieces = [v for start in range(0, 1000, 100)
                  for v in table.generate(start, 100)[name].to_pylist()]
        assert pieces == whole[name].to_pylist(), name


def test_semi_structured_columns_hold_arrays_and_objects_with_fitting_keys():
    import json

    from dwsim.experiments import interpret_sql

    experiment = interpret_sql(b"CREATE TABLE t (id INT PRIMARY KEY, tags ARRAY, "
                               b"attributes OBJECT, home_address OBJECT, payload VARIANT)",
                               "semi", "snowflake", 50)
    rows = Generator(experiment, 3).table("t").generate(0, 50).to_pylist()
    present = [r for r in rows if None not in (r["tags"], r["attributes"], r["home_address"])]
    assert present
    for row in present:
        assert isinstance(json.loads(row["tags"]), list)
        assert set(json.loads(row["attributes"])) == {"color", "size", "material", "weight_kg"}
        assert set(json.loads(row["home_address"])) == {"street", "city", "postcode", "country"}
    warning = next(w for w in experiment.warnings if w.column == "tags")
    assert "JSON arrays" in warning.message


def test_a_column_too_short_for_its_rule_is_said_once():
    raw = {"name": "short", "tables": [{"name": "t", "target_rows": 20, "columns": [
        {"name": "email", "data_type": "VARCHAR", "varchar_length": 8},
        {"name": "city", "data_type": "VARCHAR", "varchar_length": 30}]}]}
    experiment = prepare(raw)
    again = prepare(experiment.model_dump())
    assert [(w.column, w.code) for w in again.warnings] == [("email", "value_cut")]
    assert "email values need about 14 characters; this column holds 8" in again.warnings[0].message
    rows = Generator(again, 1).table("t").generate(0, 20)
    assert all(len(v) <= 8 for v in rows["email"].to_pylist() if v)
