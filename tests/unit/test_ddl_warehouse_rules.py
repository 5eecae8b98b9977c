"""DDL import accepts whatever its warehouse accepts: per-dialect length and precision limits,
per-dialect reserved words, CREATE TABLE AS named, identity columns loaded as generated, and
enums and CHECK constraints turned into value rules."""

from __future__ import annotations

import copy

import pyarrow.compute as pc
import pytest

from dwsim.ddl.importer import import_ddl
from dwsim.engine.generator import Generator
from dwsim.errors import SchemaInvalid, SqlSyntaxError
from dwsim.runs.loadsql import load_sql
from dwsim.schema.names import reserved_in
from dwsim.schema.types import DataType
from dwsim.schema.validate import prepare


def load(sql: str, dialect: str, **kw):
    return import_ddl(sql, "t", dialect, **kw)


def problems(raw: dict) -> list[dict]:
    with pytest.raises(SchemaInvalid) as info:
        prepare(raw)
    return info.value.details


# -- 1. limits per dialect ------------------------------------------------------------------
SNOWFLAKE_GET_DDL = """create or replace TABLE NOTES (
	ID NUMBER(38,0) NOT NULL autoincrement start 1 increment 1 noorder,
	CODE VARCHAR(16777216) NOT NULL,
	BODY VARCHAR(16777216),
	TAG CHAR(16777216),
	BLOB BINARY(8388608),
	primary key (ID),
	unique (CODE)
);"""


def test_snowflake_get_ddl_lengths_import_and_generate_short_values():
    experiment = load(SNOWFLAKE_GET_DDL, "snowflake", target_rows=500)
    cols = experiment.tables[0].column_map()
    assert cols["CODE"].varchar_length == 16_777_216 and cols["BLOB"].varchar_length == 8_388_608
    batch = Generator(experiment, 7).table("NOTES").generate(0, 500)
    for name in ("CODE", "BODY", "TAG"):
        lengths = pc.utf8_length(batch.column(name).cast("string"))
        assert pc.max(lengths).as_py() <= 100, name  # a limit, not a target
    assert len(set(batch.column("CODE").to_pylist())) == 500
    assert batch.nbytes < 1_000_000


@pytest.mark.parametrize(("dialect", "ok", "too_long"), [
    ("redshift", "VARCHAR(65535)", "VARCHAR(65536)"),
    ("redshift", "CHAR(4096)", "CHAR(4097)"),
    ("snowflake", "VARCHAR(134217728)", "VARCHAR(134217729)"),
    ("snowflake", "BINARY(67108864)", "BINARY(67108865)"),
    ("postgres", "VARCHAR(10485760)", "VARCHAR(10485761)"),
])
def test_length_limits_are_the_dialects(dialect, ok, too_long):
    load(f"CREATE TABLE t (a {ok})", dialect)
    with pytest.raises(SchemaInvalid, match=r"exceeds \d+, the longest \w+ \w+ accepts"):
        load(f"CREATE TABLE t (a {too_long})", dialect)


def test_redshift_max_lengths():
    cols = load("CREATE TABLE t (a VARCHAR(MAX), b CHAR(MAX))", "redshift").tables[0].column_map()
    assert (cols["a"].varchar_length, cols["b"].varchar_length) == (65535, 4096)


def test_postgres_wide_numeric_is_generated_as_decimal_38_with_a_warning():
    experiment = load("CREATE TABLE t (a NUMERIC(50, 10), b NUMERIC(1000))", "postgres")
    cols = experiment.tables[0].column_map()
    assert (cols["a"].precision, cols["a"].scale, cols["a"].source_type) == (38, 10, "NUMERIC(50, 10)")
    assert (cols["b"].precision, cols["b"].scale) == (38, 0)
    assert {(w.column, w.code) for w in experiment.warnings} >= {("a", "precision_narrowed"),
                                                                  ("b", "precision_narrowed")}
    with pytest.raises(SchemaInvalid, match="between 1 and 1000"):
        load("CREATE TABLE t (a NUMERIC(1001))", "postgres")
    with pytest.raises(SchemaInvalid, match="between 1 and 38"):
        load("CREATE TABLE t (a NUMBER(39))", "snowflake")


JSON = {"name": "j", "tables": [{"name": "t", "target_rows": 10, "columns": [
    {"name": "a", "data_type": "VARCHAR", "varchar_length": 70000}]}]}


def test_json_limits_follow_the_dialect_and_default_to_todays():
    assert problems(copy.deepcopy(JSON))[0]["message"] == "varchar_length 70000 exceeds 65535"
    prepare({**copy.deepcopy(JSON), "dialect": "snowflake"})
    raw = copy.deepcopy(JSON)
    raw["dialect"] = "postgres"
    raw["tables"][0]["columns"][0] = {"name": "a", "data_type": "DECIMAL", "precision": 50}
    message = problems(raw)[0]["message"]
    assert "more than the 38 digits dw-sim generates" in message


def test_unsized_types_stay_unsized():
    cols = load("CREATE TABLE t (a STRING, b TEXT, c VARCHAR)", "snowflake").tables[0].column_map()
    assert {c.varchar_length for c in cols.values()} == {None}
    assert cols["a"].data_type is DataType.VARCHAR


# -- 2. reserved words per dialect ----------------------------------------------------------
def syntax_error(sql: str, dialect: str) -> SqlSyntaxError:
    with pytest.raises(SqlSyntaxError) as info:
        load(sql, dialect)
    return info.value


def test_snowflake_limited_keywords_import():
    experiment = load("create or replace TABLE ACCOUNT (ORGANIZATION VARCHAR(16777216), "
                      "DATABASE NUMBER(38,0), SCHEMA VARCHAR(10), VIEW INT);\n"
                      "create or replace TABLE ORGANIZATION (ACCOUNT INT)", "snowflake")
    assert [(t.name, t.quoted) for t in experiment.tables] == [("ACCOUNT", False),
                                                                ("ORGANIZATION", False)]
    assert [c.name for c in experiment.tables[0].columns] == ["ORGANIZATION", "DATABASE",
                                                               "SCHEMA", "VIEW"]


@pytest.mark.parametrize("dialect", ["redshift", "snowflake", "postgres"])
def test_reserved_words_are_refused_unquoted_and_kept_quoted(dialect):
    assert "reserved word" in syntax_error("CREATE TABLE t (a INT, select INT)", dialect).message
    err = syntax_error("CREATE TABLE t (select INT)", dialect)
    assert "rule reserved_word" in err.message and '("select")' in err.message and err.line == 1
    with pytest.raises(SchemaInvalid, match="reserved word .* refused as an unquoted table name"):
        load("CREATE TABLE table (a INT)", dialect)
    table = load('CREATE TABLE "TABLE" ("select" INT, "Order" INT)', dialect).tables[0]
    assert (table.name, table.quoted) == ("TABLE", True)
    assert [(c.name, c.quoted) for c in table.columns] == [("select", True), ("Order", True)]


@pytest.mark.parametrize(("dialect", "word"), [("redshift", "account"), ("postgres", "account"),
                                               ("postgres", "organization")])
def test_other_dialects_accept_names_they_do_not_reserve(dialect, word):
    assert load(f"CREATE TABLE {word} ({word} INT)", dialect).tables[0].name == word


def test_snowflake_limited_keywords_apply_where_the_documentation_says():
    assert load("CREATE TABLE t (left INT)", "snowflake").tables[0].columns[0].name == "left"
    with pytest.raises(SchemaInvalid, match="refused as an unquoted table name"):
        load("CREATE TABLE left (a INT)", "snowflake")


def test_keyword_lists_match_the_documentation_pages():
    # Snowflake: WINDOW is reserved; WHEN is limited to column references, so a table may
    # take it. Redshift's reserved words no longer list LANGUAGE.
    assert reserved_in("window", "snowflake", "table") == ["Snowflake"]
    assert reserved_in("when", "snowflake", "table") == []
    assert reserved_in("when", "snowflake", "column") == ["Snowflake"]
    assert reserved_in("language", "redshift") == []
    assert load("CREATE TABLE t (language VARCHAR(10))", "redshift").tables[0].columns[0].name \
        == "language"


def test_json_reserved_words_follow_the_dialect():
    raw = {"name": "j", "tables": [{"name": "account", "target_rows": 1, "columns": [
        {"name": "organization", "data_type": "INT"}]}]}
    prepare({**copy.deepcopy(raw), "dialect": "snowflake"})
    raw["tables"][0]["columns"][0]["name"] = "select"
    found = problems({**copy.deepcopy(raw), "dialect": "postgres"})
    assert found[0]["rule"] == "reserved_word" and "PostgreSQL" in found[0]["message"]


# -- 3. CREATE TABLE AS SELECT --------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["redshift", "snowflake", "postgres"])
def test_create_table_as_is_named_as_defined_by_a_query(dialect):
    err = syntax_error("CREATE TABLE top_customers AS\nSELECT customer_id, SUM(amount) AS total\n"
                       "FROM orders GROUP BY customer_id", dialect)
    assert "top_customers is defined by a query" in err.message
    experiment = load("CREATE TABLE orders (id INT);\nCREATE TABLE top_customers AS SELECT id "
                      "FROM orders", dialect)
    warning = next(w for w in experiment.warnings if w.code == "create_table_as_skipped")
    assert warning.table == "top_customers"
    assert warning.message.startswith("line 2: table top_customers is defined by a query")


# -- 4. load SQL matches the DDL ------------------------------------------------------------
def _load_sql(sql: str, dialect: str) -> str:
    experiment = load(sql, dialect)
    names = [t.name for t in experiment.tables]
    return load_sql(experiment, {n: f"s3://b/runs/r1/{n}/" for n in names},
                    {n: f"s3://b/runs/r1/_manifests/{n}.manifest" for n in names}, "r1")


def test_redshift_identity_tables_load_with_explicit_ids():
    sql = _load_sql("CREATE TABLE a (id BIGINT IDENTITY(1,1) PRIMARY KEY, v INT);\n"
                    "CREATE TABLE b (id INT PRIMARY KEY, a_id BIGINT REFERENCES a)", "redshift")
    assert "COPY a FROM 's3://b/runs/r1/_manifests/a.manifest'\n  IAM_ROLE '<iam-role-arn>' " \
           "FORMAT AS PARQUET MANIFEST EXPLICIT_IDS;" in sql
    assert "COPY b FROM 's3://b/runs/r1/_manifests/b.manifest'\n  IAM_ROLE '<iam-role-arn>' " \
           "FORMAT AS PARQUET MANIFEST;" in sql


def test_snowflake_autoincrement_columns_are_loaded_by_name():
    sql = _load_sql("CREATE TABLE a (id NUMBER AUTOINCREMENT START 1 INCREMENT 1, v INT)",
                    "snowflake")
    assert "COPY INTO a FROM '@<stage>/a/'\n  FILE_FORMAT = (TYPE = PARQUET) " \
           "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE;" in sql


# -- 5. CHECK constraints become rules ------------------------------------------------------
PG_DUMP = """
CREATE TABLE public.members (
    id integer NOT NULL,
    role character varying(20) NOT NULL,
    seats integer,
    score numeric(5,2),
    qty integer CHECK (qty > 0 AND qty < 100),
    kind text CHECK (kind IN ('a', 'b')),
    note text CHECK (length(note) > 3),
    CONSTRAINT members_role_check CHECK (((role)::text = ANY ((ARRAY['owner'::character varying, 'admin'::character varying])::text[]))),
    CONSTRAINT members_seats_check CHECK ((seats BETWEEN 1 AND 500))
);
ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_score_check CHECK ((score >= (0)::numeric));
"""


def test_pg_dump_checks_become_values_and_ranges():
    experiment = load(PG_DUMP, "postgres", target_rows=200)
    cols = experiment.tables[0].column_map()
    assert cols["role"].values == ["owner", "admin"] and cols["kind"].values == ["a", "b"]
    assert (cols["seats"].min_value, cols["seats"].max_value) == (1, 500)
    assert (cols["qty"].min_value, cols["qty"].max_value) == (1, 99)  # strict: +1 / -1
    assert cols["score"].min_value == 0
    unenforced = [w for w in experiment.warnings if w.code == "check_not_enforced"]
    assert [(w.column, w.message[:24]) for w in unenforced] == [("note", "CHECK (LENGTH(note) > 3)")]
    batch = Generator(experiment, 3).table("members").generate(0, 200)
    assert set(batch.column("role").to_pylist()) <= {"owner", "admin"}
    assert all(1 <= v <= 99 for v in batch.column("qty").to_pylist() if v is not None)


def test_postgres_enum_types_become_the_columns_values():
    from dwsim.engine.generator import Generator
    from dwsim.experiments import interpret_sql

    experiment = interpret_sql(b"""
        CREATE TYPE public.plan_tier AS ENUM ('free', 'pro', 'enterprise');
        CREATE TABLE public.accounts (
            id integer NOT NULL,
            tier public.plan_tier NOT NULL,
            previous_tier plan_tier,
            CONSTRAINT accounts_pkey PRIMARY KEY (id));""", "saas", "postgres", 200)
    columns = experiment.tables[0].column_map()
    assert columns["tier"].values == ["free", "pro", "enterprise"]
    assert columns["tier"].source_type == "public.plan_tier"
    assert columns["previous_tier"].values == ["free", "pro", "enterprise"]
    assert not experiment.warnings, "the enum type is used, not skipped"
    rows = Generator(experiment, 1).table("accounts").generate(0, 200)
    assert set(rows["tier"].to_pylist()) == {"free", "pro", "enterprise"}
