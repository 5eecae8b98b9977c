"""No name escapes: hostile table and column names stay identifiers and literals in load.sql,
and names that cannot be one object-key segment are refused at validation."""

from __future__ import annotations

import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from dwsim.ddl.importer import import_ddl
from dwsim.errors import SchemaInvalid
from dwsim.runs.loadsql import identifier, literal, load_sql
from dwsim.schema.validate import prepare

TABLE = "x'; DROP TABLE users; --"
COLUMN = "c`; DROP TABLE users; --\"'"
RUN = "s3://bucket/experiments/e/runs/r1"


def hostile_schema(**table) -> dict:
    return {"name": "e", "tables": [
        {"name": TABLE, "quoted": True, "target_rows": 10, **table,
         "columns": [{"name": "id", "data_type": "INT", "is_unique": True},
                     {"name": COLUMN, "quoted": True, "data_type": "VARCHAR",
                      "varchar_length": 20}]},
        {"name": "plain", "target_rows": 10, "columns": [{"name": "id", "data_type": "INT"}]}]}


def sections(sql: str) -> dict[str, str]:
    """Each dialect's statements, without the comment lines."""
    body = "\n".join(line for line in sql.splitlines() if not line.startswith("-- "))
    blocks = [b for b in body.split("\n\n") if b.strip()]
    assert len(blocks) == 3, sql
    return dict(zip(["redshift", "snowflake", "athena"], blocks, strict=True))


def generated(experiment) -> str:
    names = [t.name for t in experiment.tables]
    return load_sql(experiment, {n: f"{RUN}/{n}/" for n in names},
                    {n: f"{RUN}/_manifests/{n}.manifest" for n in names}, "r1")


def parsed(sql: str, dialect: str) -> list[exp.Expr]:
    return [e for e in sqlglot.parse(sql, read=dialect) if e is not None]


def test_hostile_names_stay_identifiers_and_literals_in_every_statement():
    sql = generated(prepare(hostile_schema()))
    parts = sections(sql)

    copies = parsed(parts["redshift"], "redshift")
    assert len(copies) == 2 and all(isinstance(c, exp.Copy) for c in copies)
    assert copies[0].this.this == exp.to_identifier(TABLE, quoted=True)
    assert [f.name for f in copies[0].args["files"]] == [f"{RUN}/_manifests/{TABLE}.manifest"]
    assert copies[1].this.this == exp.to_identifier("plain")

    copies = parsed(parts["snowflake"], "snowflake")
    assert len(copies) == 2 and all(isinstance(c, exp.Copy) for c in copies)
    assert copies[0].this.this == exp.to_identifier(TABLE, quoted=True)
    stage = copies[0].args["files"][0].this
    assert isinstance(stage, exp.Literal) and stage.is_string
    assert stage.name == f"@<stage>/{TABLE}/"

    creates = parsed(parts["athena"], "athena")
    assert len(creates) == 2 and all(isinstance(c, exp.Create) for c in creates)
    table = creates[0].this.this
    assert table.this == exp.to_identifier(TABLE, quoted=True)
    assert table.args["db"] == exp.to_identifier("<database>", quoted=True)
    assert [c.this for c in creates[0].this.expressions] == [
        exp.to_identifier("id", quoted=True), exp.to_identifier(COLUMN, quoted=True)]
    location = creates[0].find(exp.LocationProperty).this
    assert location.is_string and location.name == f"{RUN}/{TABLE}/"
    # And nothing else anywhere: a DROP would be a statement of its own.
    assert not any(isinstance(e, exp.Drop) for d, text in parts.items() for e in parsed(text, d))


def test_hostile_ddl_names_with_a_schema_keep_the_schema_and_stay_quoted():
    ddl = f'CREATE TABLE sales."{TABLE}" (id INT, "{COLUMN.replace(chr(34), chr(34) * 2)}" INT)'
    experiment = import_ddl(ddl, "e", "redshift")
    assert [c.name for c in experiment.tables[0].columns] == ["id", COLUMN]
    copies = parsed(sections(generated(experiment))["redshift"], "redshift")
    assert len(copies) == 1
    assert copies[0].this.args["db"] == exp.to_identifier("sales")
    assert copies[0].this.this == exp.to_identifier(TABLE, quoted=True)


def test_a_qualified_name_that_is_not_a_table_name_is_not_copied_into_the_sql():
    experiment = prepare(hostile_schema(qualified_name="t; DROP TABLE users"))
    copies = parsed(sections(generated(experiment))["redshift"], "redshift")
    assert len(copies) == 2 and copies[0].this.this == exp.to_identifier(TABLE, quoted=True)


@pytest.mark.parametrize("dialect", ["redshift", "snowflake", "athena"])
@pytest.mark.parametrize("text", [TABLE, COLUMN, "back\\slash'", "`\"'"])
def test_identifier_and_literal_round_trip(dialect, text):
    read = "hive" if dialect == "athena" else dialect
    select = sqlglot.parse_one(f"SELECT {literal(text, dialect)} AS {identifier(text, dialect)}",
                               read=read)
    assert select.expressions[0].this.name == text
    assert select.expressions[0].alias == text


# -- names that cannot be one object-key segment ----------------------------------------------
UNSAFE = [".", "..", "a/b", "a\\b", " lead", "trail ", "tab\there", "nul\x00", "del\x7f", " "]


@pytest.mark.parametrize("name", UNSAFE)
def test_unsafe_quoted_table_names_are_refused_in_json(name):
    raw = hostile_schema()
    raw["tables"][0]["name"] = name
    with pytest.raises(SchemaInvalid) as info:
        prepare(raw)
    problem = info.value.details[0]
    assert problem["location"] == f"table '{name}'" and problem["rule"] == "identifier"
    assert repr(name) in problem["message"]


@pytest.mark.parametrize("name", UNSAFE)
def test_unsafe_quoted_column_names_are_refused_in_json(name):
    raw = hostile_schema()
    raw["tables"][0]["columns"][1]["name"] = name
    with pytest.raises(SchemaInvalid) as info:
        prepare(raw)
    problem = info.value.details[0]
    assert problem["location"] == f"table '{TABLE}', column '{name}'"
    assert problem["rule"] == "identifier"


@pytest.mark.parametrize("name", [".", "..", "a/b", "a\\b", " lead", "trail "])
@pytest.mark.parametrize("dialect", ["redshift", "snowflake", "postgres"])
def test_unsafe_quoted_ddl_identifiers_are_refused(dialect, name):
    with pytest.raises(SchemaInvalid) as info:
        import_ddl(f'CREATE TABLE "{name}" (id INT, "{name}x" INT, "{name}" INT)', "e", dialect)
    located = {(p["location"], p["rule"]) for p in info.value.details}
    assert (f"table '{name}'", "identifier") in located
    assert (f"table '{name}', column '{name}'", "identifier") in located


def test_quoted_names_with_quotes_and_spaces_inside_are_kept():
    experiment = prepare(hostile_schema())
    assert experiment.tables[0].name == TABLE


# -- any name validation accepts round-trips ---------------------------------------------------
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=30) | \
    st.lists(st.sampled_from(["'", '"', "`", ";", "--", "/*", "*/", "\\", "$$", "@", "%", " ",
                              "DROP", "x", "é", "\u00a0"]), min_size=1, max_size=12).map("".join)


@settings(max_examples=200, deadline=None, database=None)
@given(table=NAMES, column=NAMES)
def test_every_name_validation_accepts_stays_one_identifier_in_every_dialect(table, column):
    raw = hostile_schema()
    raw["tables"][0]["name"], raw["tables"][0]["columns"][1]["name"] = table, column
    try:
        experiment = prepare(raw)
    except SchemaInvalid:
        return  # refused names are covered above
    parts = sections(generated(experiment))
    for dialect in ("redshift", "snowflake"):
        copies = parsed(parts[dialect], dialect)
        assert len(copies) == 2 and all(isinstance(c, exp.Copy) for c in copies)
        assert copies[0].this.this == exp.to_identifier(table, quoted=True)
    creates = parsed(parts["athena"], "athena")
    assert len(creates) == 2 and all(isinstance(c, exp.Create) for c in creates)
    assert creates[0].this.this.this == exp.to_identifier(table, quoted=True)
    assert [c.this.name for c in creates[0].this.expressions] == ["id", column]
    assert creates[0].find(exp.LocationProperty).this.name == f"{RUN}/{table}/"
