"""Every size that drives work is refused before the work, with a message naming the size
and the limit (dwsim/limits.py)."""

from __future__ import annotations

import pytest

from dwsim import limits
from dwsim.errors import InvalidInput, SchemaInvalid
from dwsim.experiments import interpret_sql
from dwsim.schema.validate import prepare, with_table_rows


def schema(tables: int = 1, columns: int = 1, **table) -> dict:
    return {"name": "e", "tables": [
        {"name": f"t{i}", "target_rows": 10,
         "columns": [{"name": f"c{j}", "data_type": "INT"} for j in range(columns)], **table}
        for i in range(tables)]}


def refusal(raw) -> list[dict]:
    with pytest.raises(SchemaInvalid) as caught:
        prepare(raw)
    return caught.value.details


def test_tables_and_columns_are_counted_in_the_raw_json():
    assert refusal(schema(tables=limits.MAX_TABLES + 1)) == [
        {"location": "", "rule": "limit", "message": f"{limits.MAX_TABLES + 1:,} tables; the limit is {limits.MAX_TABLES:,}"}]
    assert refusal(schema(columns=limits.MAX_COLUMNS + 1)) == [
        {"location": "table 't0'", "rule": "limit",
         "message": "table 't0' has 1,601 columns; the limit is 1,600"}]
    assert prepare(schema(columns=limits.MAX_COLUMNS)).tables[0].columns[-1].name == "c1599"


def test_keys_relations_and_values_have_limits():
    fks = [{"columns": ["c1"], "ref_table": "t0", "ref_columns": ["c0"]}] * 101
    assert refusal(schema(columns=2, primary_key=["c0"], foreign_keys=fks))[0]["message"] == \
        "table 't0' has 101 foreign keys; the limit is 100"
    assert refusal(schema(columns=2, unique=[["c1"]] * 101))[0]["message"] == \
        "table 't0' has 101 unique keys; the limit is 100"
    relations = [{"kind": "after", "column": "c1", "of": ["c0"]}] * 1601
    assert refusal(schema(columns=2, relations=relations))[0]["message"] == \
        "table 't0' has 1,601 relations; the limit is 1,600"
    raw = schema()
    raw["tables"][0]["columns"][0] |= {"data_type": "VARCHAR", "values": list(range(100_001))}
    assert refusal(raw) == [{"location": "table 't0', column 'c0'", "rule": "limit",
                             "message": "column 'c0' has 100,001 values; the limit is 100,000"}]


def test_ddl_tables_and_columns_are_counted_in_the_tokens_before_parsing():
    many = "".join(f"CREATE TABLE t{i} (c INT);\n" for i in range(limits.MAX_TABLES + 1))
    with pytest.raises(SchemaInvalid, match=f"the DDL has {limits.MAX_TABLES + 1:,} CREATE TABLE "
                                            f"statements; the limit is {limits.MAX_TABLES:,}"):
        interpret_sql(many, "e", "postgres")
    columns = ", ".join(f"c{i} INT" for i in range(limits.MAX_COLUMNS + 1))
    with pytest.raises(SchemaInvalid, match=r"table 'wide' \(line 2\) has 1,601 columns; "
                                            "the limit is 1,600"):
        interpret_sql(f"CREATE TABLE a (x INT);\nCREATE TABLE s.wide ({columns});", "e", "redshift")
    # Constraints in the column list are not columns.
    columns = ", ".join(f"c{i} INT" for i in range(limits.MAX_COLUMNS))
    ddl = (f'CREATE TABLE t ({columns}, "PRIMARY KEY" INT, PRIMARY KEY (c0), UNIQUE (c1), '
           "CONSTRAINT k CHECK (c2 > 0), FOREIGN KEY (c3) REFERENCES t (c0));")
    with pytest.raises(SchemaInvalid, match="1,601 columns"):
        interpret_sql(ddl, "e", "postgres")
    experiment = interpret_sql(ddl.replace('"PRIMARY KEY" INT, ', ""), "e", "postgres")
    assert len(experiment.tables[0].columns) == limits.MAX_COLUMNS


def test_row_targets_over_the_limit_are_invalid_input_not_a_crash():
    ddl = "CREATE TABLE t (id INT);"
    for rows in (10**12, {"t": 10**12}, {"*": 10**12}):
        with pytest.raises(InvalidInput, match="1,000,000,000,000 rows; the limit is "
                                               "10,000,000,000"):
            interpret_sql(ddl, "e", "redshift", rows)
    with pytest.raises(InvalidInput, match="the limit is 10,000,000,000"):
        with_table_rows(prepare(schema()), {"t0": 10**10 + 1})


def test_the_readme_and_the_openapi_document_list_every_limit():
    from pathlib import Path

    from dwsim.api.app import limits_description

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Limits", 1)[1].split("\n## ", 1)[0]
    openapi = limits_description()
    for name in dir(limits):
        if name.startswith("MAX_"):
            value = getattr(limits, name)
            assert f"| {value:,}" in section or f"| {value} characters" in section, name
            assert f"| {value:,}" in openapi or f"| {value} characters" in openapi, name


def test_an_absurd_decimal_precision_with_a_range_is_refused_without_computing_with_it():
    """Found by the schema fuzz: the range-fit check raised 10 to the precision before the
    precision was checked, so precision 10**9 with a min_value never finished."""
    from dwsim.experiments import preview_schema

    schema = {"name": "x", "tables": [{"name": "t", "target_rows": 3, "columns": [
        {"name": "a", "data_type": "DECIMAL", "precision": 10**9, "scale": 2,
         "min_value": 1, "max_value": 5}]}]}
    with pytest.raises(SchemaInvalid, match="precision 1000000000 must be between 1 and 38"):
        preview_schema(schema)
