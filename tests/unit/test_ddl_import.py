"""DDL import: every CREATE TABLE form, types with their source text, keys, warehouse
attributes, skipped statements, and a clear located error for each kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwsim.ddl.importer import DDL_SIZE_LIMIT, import_ddl
from dwsim.errors import InputTooLarge, InvalidInput, SchemaInvalid, SqlSyntaxError
from dwsim.schema.canonical import canonical_json
from dwsim.schema.types import DataType

ROOT = Path(__file__).resolve().parents[2]


def load(sql: str | bytes, dialect: str = "redshift", **kw):
    return import_ddl(sql, "t", dialect, **kw)


def error(sql: str | bytes, dialect: str = "redshift") -> SqlSyntaxError:
    with pytest.raises(SqlSyntaxError) as info:
        load(sql, dialect)
    return info.value


# -- the TPC-H examples (the "done when") ---------------------------------------------------
@pytest.mark.parametrize(("file", "dialect"), [("tpch_redshift.sql", "redshift"),
                                               ("tpch_snowflake.sql", "snowflake")])
def test_tpch_examples_import_with_composite_keys_and_every_foreign_key(file, dialect):
    experiment = load((ROOT / "examples" / file).read_bytes(), dialect)
    assert [t.name for t in experiment.tables] == [
        "region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
    lineitem, partsupp = experiment.table("lineitem"), experiment.table("partsupp")
    assert lineitem.primary_key == ["l_orderkey", "l_linenumber"]
    assert partsupp.primary_key == ["ps_partkey", "ps_suppkey"]
    fks = {(tuple(fk.columns), fk.ref_table, tuple(fk.ref_columns))
           for t in experiment.tables for fk in t.foreign_keys}
    assert fks == {
        (("n_regionkey",), "region", ("r_regionkey",)),
        (("s_nationkey",), "nation", ("n_nationkey",)),
        (("c_nationkey",), "nation", ("n_nationkey",)),
        (("ps_partkey",), "part", ("p_partkey",)),
        (("ps_suppkey",), "supplier", ("s_suppkey",)),
        (("o_custkey",), "customer", ("c_custkey",)),
        (("l_orderkey",), "orders", ("o_orderkey",)),
        (("l_partkey", "l_suppkey"), "partsupp", ("ps_partkey", "ps_suppkey")),
        (("l_partkey",), "part", ("p_partkey",)),
        (("l_suppkey",), "supplier", ("s_suppkey",)),
    }
    keys = canonical_json(experiment)["tables"][-1]["keys"]
    assert keys[0]["kind"] == "primary" and keys[0]["enforcement"].startswith(
        "numbered within each orders row")
    partsupp_keys = canonical_json(experiment)["tables"][5]["keys"]
    assert "mixed radix" in partsupp_keys[0]["enforcement"]
    # The composite reference drives l_partkey and l_suppkey; the single ones follow from it.
    by_columns = {tuple(k["columns"]): k["enforcement"] for k in keys if k["kind"] == "foreign"}
    assert by_columns[("l_partkey", "l_suppkey")].startswith("each row takes the key of")
    assert by_columns[("l_partkey",)].startswith("implied: these columns come from partsupp")
    assert by_columns[("l_suppkey",)].startswith("implied: these columns come from partsupp")


def test_overlapping_foreign_keys_that_nothing_guarantees_are_refused():
    base = """
      CREATE TABLE part (p_partkey INT PRIMARY KEY);
      CREATE TABLE supplier (s_suppkey INT PRIMARY KEY);
      CREATE TABLE partsupp (ps_partkey INT, ps_suppkey INT, PRIMARY KEY (ps_partkey, ps_suppkey){extra});
      CREATE TABLE lineitem (l_id INT PRIMARY KEY, l_partkey INT, l_suppkey INT,
        FOREIGN KEY (l_partkey) REFERENCES part,
        FOREIGN KEY (l_partkey, l_suppkey) REFERENCES partsupp);"""
    implied = load(base.format(extra=", FOREIGN KEY (ps_partkey) REFERENCES part"))
    assert implied.table("lineitem").foreign_keys[0].ref_table == "part"
    with pytest.raises(SchemaInvalid) as refused:
        load(base.format(extra=""))
    problem = refused.value.problems[0]
    assert (problem.rule, problem.location) == ("foreign_key_overlap", "table 'lineitem', column 'l_partkey'")
    assert "it holds only if partsupp declares (ps_partkey) → part(p_partkey)" in problem.message
    with pytest.raises(SchemaInvalid, match=r"\(y, z\) → d overlaps columns produced by "
                                            r"foreign key \(x, y\) → b"):
        load("""CREATE TABLE b (k1 INT, k2 INT, PRIMARY KEY (k1, k2));
                CREATE TABLE d (k1 INT, k2 INT, PRIMARY KEY (k1, k2));
                CREATE TABLE c (id INT PRIMARY KEY, x INT, y INT, z INT,
                  FOREIGN KEY (x, y) REFERENCES b, FOREIGN KEY (y, z) REFERENCES d);""")


# -- CREATE TABLE forms ---------------------------------------------------------------------
@pytest.mark.parametrize(("sql", "dialect", "name", "qualified"), [
    ("CREATE TABLE IF NOT EXISTS s.t1 (a INT)", "redshift", "t1", "s.t1"),
    ("CREATE TEMP TABLE t1 (a INT)", "redshift", "t1", None),
    ("CREATE TEMPORARY TABLE t1 (a INT)", "postgres", "t1", None),
    ("CREATE OR REPLACE TRANSIENT TABLE db.s.t1 (a INT)", "snowflake", "t1", "db.s.t1"),
    ("create table T1 (a int)", "snowflake", "T1", None),
])
def test_create_table_forms(sql, dialect, name, qualified):
    table = load(sql, dialect).tables[0]
    assert (table.name, table.qualified_name, table.quoted) == (name, qualified, False)


def test_quoted_identifiers_keep_their_case():
    table = load('CREATE TABLE "Sales"."OrderLines" ("Line Id" INT PRIMARY KEY, "select" INT)').tables[0]
    assert table.name == "OrderLines" and table.quoted
    assert [(c.name, c.quoted) for c in table.columns] == [("Line Id", True), ("select", True)]
    assert table.primary_key == ["Line Id"]


# -- types ----------------------------------------------------------------------------------
REDSHIFT_TYPES = """CREATE TABLE t (
  a SMALLINT, b INT2, c INTEGER, d INT4, e BIGINT, f INT8, g DECIMAL(12,2), h NUMERIC(5),
  i REAL, j FLOAT, k DOUBLE PRECISION, l FLOAT8, m CHAR(3), n BPCHAR, o NCHAR(4),
  p VARCHAR(20), q NVARCHAR(30), r CHARACTER VARYING(40), s VARCHAR(MAX), t TEXT,
  u BOOLEAN, v BOOL, w DATE, x TIME, y TIMETZ, z TIMESTAMP, aa TIMESTAMPTZ,
  ab TIMESTAMP WITHOUT TIME ZONE, ac VARBYTE(16), ad SUPER, ae GEOMETRY, af DECIMAL
)"""


def test_redshift_types_keep_length_precision_and_source_text():
    experiment = load(REDSHIFT_TYPES)
    cols = {c.name: c for c in experiment.tables[0].columns}
    expect = {
        "a": ("SMALLINT", DataType.SMALLINT), "b": ("INT2", DataType.SMALLINT),
        "c": ("INTEGER", DataType.INT), "d": ("INT4", DataType.INT),
        "e": ("BIGINT", DataType.BIGINT), "f": ("INT8", DataType.BIGINT),
        "g": ("DECIMAL(12,2)", DataType.DECIMAL), "h": ("NUMERIC(5)", DataType.DECIMAL),
        "i": ("REAL", DataType.REAL), "j": ("FLOAT", DataType.DOUBLE),
        "k": ("DOUBLE PRECISION", DataType.DOUBLE), "l": ("FLOAT8", DataType.DOUBLE),
        "m": ("CHAR(3)", DataType.CHAR), "n": ("BPCHAR", DataType.CHAR), "o": ("NCHAR(4)", DataType.CHAR),
        "p": ("VARCHAR(20)", DataType.VARCHAR), "q": ("NVARCHAR(30)", DataType.VARCHAR),
        "r": ("CHARACTER VARYING(40)", DataType.VARCHAR), "s": ("VARCHAR(MAX)", DataType.VARCHAR),
        "t": ("TEXT", DataType.VARCHAR), "u": ("BOOLEAN", DataType.BOOLEAN), "v": ("BOOL", DataType.BOOLEAN),
        "w": ("DATE", DataType.DATE), "x": ("TIME", DataType.TIME), "y": ("TIMETZ", DataType.TIME),
        "z": ("TIMESTAMP", DataType.TIMESTAMP), "aa": ("TIMESTAMPTZ", DataType.TIMESTAMPTZ),
        "ab": ("TIMESTAMP WITHOUT TIME ZONE", DataType.TIMESTAMP),
        "ac": ("VARBYTE(16)", DataType.BINARY), "ad": ("SUPER", DataType.JSON),
        "ae": ("GEOMETRY", DataType.VARCHAR), "af": ("DECIMAL", DataType.DECIMAL),
    }
    assert {k: (c.source_type, c.data_type) for k, c in cols.items()} == expect
    assert (cols["g"].precision, cols["g"].scale) == (12, 2)
    assert (cols["h"].precision, cols["h"].scale) == (5, 0)
    assert cols["m"].varchar_length == 3 and cols["s"].varchar_length == 65535
    assert cols["t"].varchar_length == 256 and cols["ac"].varchar_length == 16
    codes = {(w.column, w.code) for w in experiment.warnings}
    assert {("y", "time_zone_dropped"), ("ad", "semi_structured"), ("ae", "spatial_as_text")} <= codes


def test_snowflake_types():
    experiment = load("""CREATE TABLE t (a NUMBER, b NUMBER(10,2), c STRING, d TEXT, e VARCHAR,
        f TIMESTAMP_NTZ, g TIMESTAMP_LTZ, h TIMESTAMP_TZ(9), i BINARY(8), j VARIANT, k OBJECT,
        l ARRAY, m FLOAT, n DATETIME, o BOOLEAN)""", "snowflake")
    cols = {c.name: c for c in experiment.tables[0].columns}
    assert (cols["a"].data_type, cols["a"].precision, cols["a"].scale) == (DataType.DECIMAL, 38, 0)
    assert cols["f"].data_type is DataType.TIMESTAMP and cols["g"].data_type is DataType.TIMESTAMPTZ
    assert cols["h"].data_type is DataType.TIMESTAMPTZ and cols["h"].source_type == "TIMESTAMP_TZ(9)"
    assert {cols[x].data_type for x in "jkl"} == {DataType.JSON}
    assert cols["m"].data_type is DataType.DOUBLE and cols["c"].varchar_length is None
    assert sum(w.code == "semi_structured" for w in experiment.warnings) == 3


# -- constraints ----------------------------------------------------------------------------
def test_column_constraints():
    table = load("""CREATE TABLE t (
        id INT IDENTITY(100, 5),
        code VARCHAR(10) NOT NULL UNIQUE,
        status VARCHAR(8) DEFAULT 'new' NOT NULL,
        parent_id INT REFERENCES p (pid),
        other_id INT REFERENCES p
    );
    CREATE TABLE p (pid INT PRIMARY KEY)""").tables[0]
    cols = table.column_map()
    assert cols["id"].identity and cols["id"].min_value == 100 and cols["id"].identity_step == 5
    assert cols["id"].required
    assert cols["code"].is_unique and cols["code"].required
    assert cols["status"].default == "'new'" and cols["status"].required
    assert [(fk.columns, fk.ref_table, fk.ref_columns) for fk in table.foreign_keys] == [
        (["parent_id"], "p", ["pid"]), (["other_id"], "p", ["pid"])]


def test_identity_forms_across_dialects():
    rs = load("CREATE TABLE t (a BIGINT GENERATED BY DEFAULT AS IDENTITY(1,1), b INT)").tables[0]
    sf = load("CREATE TABLE t (a INT AUTOINCREMENT START 10 INCREMENT 2, b INT IDENTITY)", "snowflake").tables[0]
    pg = load("CREATE TABLE t (a SERIAL PRIMARY KEY, b BIGSERIAL)", "postgres").tables[0]
    assert rs.column("a").identity and not rs.column("b").identity
    assert (sf.column("a").min_value, sf.column("a").identity_step) == (10, 2) and sf.column("b").identity
    assert pg.column("a").identity and pg.column("b").identity and pg.column("b").data_type is DataType.BIGINT


def test_table_constraints_named_and_unnamed_and_alter_table():
    experiment = load("""
      CREATE TABLE parent (a INT NOT NULL, b INT NOT NULL, c VARCHAR(5),
        CONSTRAINT parent_pk PRIMARY KEY (a, b), UNIQUE (c), CONSTRAINT u2 UNIQUE (b, c));
      CREATE TABLE child (x INT, y INT, z INT, v INT, w INT,
        FOREIGN KEY (x, y) REFERENCES parent (a, b));
      ALTER TABLE child ADD CONSTRAINT child_pk PRIMARY KEY (z);
      ALTER TABLE child ADD FOREIGN KEY (w, v) REFERENCES parent;""")
    parent, child = experiment.table("parent"), experiment.table("child")
    assert parent.primary_key == ["a", "b"] and parent.unique == [["b", "c"]]
    assert parent.column("c").is_unique
    assert child.primary_key == ["z"]
    assert [(fk.columns, fk.ref_columns) for fk in child.foreign_keys] == [
        (["x", "y"], ["a", "b"]), (["w", "v"], ["a", "b"])]


def test_unquoted_references_are_case_insensitive():
    experiment = load("CREATE TABLE Orders (O_ID INT PRIMARY KEY); "
                      "CREATE TABLE lines (order_id INT REFERENCES orders (o_id))")
    fk = experiment.table("lines").foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns) == ("Orders", ["O_ID"])


# -- warehouse attributes -------------------------------------------------------------------
def test_redshift_attributes_in_every_form_are_accepted():
    experiment = load("""
      CREATE TABLE a (id INT NOT NULL DISTKEY SORTKEY ENCODE az64, v VARCHAR(10) ENCODE lzo)
        DISTSTYLE KEY BACKUP NO;
      CREATE TABLE b (id INT) DISTSTYLE ALL COMPOUND SORTKEY (id);
      CREATE TABLE c (id INT, d DATE) DISTSTYLE EVEN INTERLEAVED SORTKEY (id, d);
      CREATE TABLE d (id INT) DISTSTYLE AUTO SORTKEY AUTO ENCODE AUTO;
      CREATE TABLE e (id INT) DISTKEY (id) SORTKEY (id) BACKUP YES;""")
    assert [t.name for t in experiment.tables] == ["a", "b", "c", "d", "e"]
    assert not [w for w in experiment.warnings if w.code != "statement_skipped"]


def test_snowflake_attributes_are_accepted():
    experiment = load("""CREATE OR REPLACE TABLE t (
        id NUMBER(38,0) NOT NULL COMMENT 'the key',
        name VARCHAR(50) COLLATE 'en-ci'
      ) CLUSTER BY (id) DATA_RETENTION_TIME_IN_DAYS = 7 COMMENT = 'customers'""", "snowflake")
    table = experiment.tables[0]
    assert table.description == "customers" and table.column("id").comment == "the key"
    assert not experiment.warnings


# -- what is skipped or cannot be honoured ---------------------------------------------------
def test_non_table_statements_are_skipped_and_listed():
    experiment = load("""
      -- a comment
      USE analytics;
      CREATE SCHEMA s;
      CREATE DATABASE d;
      CREATE VIEW v AS SELECT 1;
      GRANT SELECT ON t TO u;
      INSERT INTO t VALUES (1);
      /* block */ CREATE TABLE t (a INT);
      COMMENT ON TABLE t IS 'x';""", "snowflake")
    skipped = [w.message for w in experiment.warnings if w.code == "statement_skipped"]
    assert len(skipped) == 6
    assert skipped[0].startswith("line 3: USE")
    assert any("CREATE VIEW" in m for m in skipped)
    assert experiment.tables[0].description == "x"  # COMMENT ON TABLE is imported


def test_create_table_as_select_and_like():
    experiment = load("CREATE TABLE a (x INT, y DATE); CREATE TABLE b AS SELECT * FROM a; "
                      "CREATE TABLE c (LIKE a)")
    assert [t.name for t in experiment.tables] == ["a", "c"]
    assert [c.name for c in experiment.table("c").columns] == ["x", "y"]
    codes = {(w.table, w.code) for w in experiment.warnings}
    assert ("b", "create_table_as_skipped") in codes and ("c", "like_copied") in codes
    err = error("CREATE TABLE c (LIKE missing)")
    assert "LIKE 'missing'" in err.message and err.line == 1


def test_check_constraints_become_rules_or_warn():
    experiment = load("CREATE TABLE t (a INT CHECK (a > 0), b INT CHECK (b <> a))")
    assert experiment.tables[0].column("a").min_value == 1 and not experiment.warnings[1:]
    assert experiment.warnings[0].code == "check_not_enforced" and experiment.warnings[0].column == "b"


# -- errors ---------------------------------------------------------------------------------
def test_syntax_error_has_line_and_column():
    err = error("CREATE TABLE ok (a INT);\n\nCREATE TABLE bad (\n  a INT,\n  b VARCHAR(10\n);")
    assert err.line == 6 and err.column is not None
    assert err.message.startswith("line 6, column")


@pytest.mark.parametrize(("sql", "fragment"), [
    ("", "the input is empty"),
    ("   \n\t ", "the input is empty"),
    ("-- just a comment\n/* and another */", "no SQL statements"),
    ("CREATE VIEW v AS SELECT 1; GRANT SELECT ON x TO y", "no CREATE TABLE statement found (2 other"),
    (b"CREATE TABLE t (a INT)\x00\x01", "binary data"),
    (b"CREATE TABLE t (a VARCHAR(5) DEFAULT '\xff\xfe')", "not UTF-8 text: byte 0xff at offset 38"),
])
def test_bad_inputs_get_specific_errors(sql, fragment):
    assert fragment in error(sql).message


def test_unterminated_string_and_identifier_are_located():
    err = error("CREATE TABLE t (\n  a VARCHAR(5) DEFAULT 'abc,\n  b INT\n)")
    assert (err.line, err.column) == (2, 24) and "unterminated string" in err.message
    err = error('CREATE TABLE t (\n  "a INT\n)')
    assert (err.line, err.column) == (2, 3) and "unterminated quoted identifier" in err.message


def test_duplicate_tables_and_columns_are_errors():
    err = error("CREATE TABLE t (a INT);\nCREATE TABLE T (b INT)")
    assert err.line == 2 and "defined twice (first at line 1)" in err.message
    err = error("CREATE TABLE t (\n  a INT,\n  A INT\n)")
    assert err.line == 3 and "column 'A' is defined twice" in err.message


def test_unsupported_type_and_unknown_key_column():
    err = error("CREATE TABLE t (\n a INT,\n b INTERVAL\n)", "postgres")
    assert err.line == 3 and "INTERVAL is not supported" in err.message
    err = error("CREATE TABLE t (a INT, PRIMARY KEY (b))")
    assert "names unknown column 'b'" in err.message


def test_impossible_schema_is_refused_with_the_column():
    with pytest.raises(SchemaInvalid) as info:
        load("CREATE TABLE t (flag CHAR(1) PRIMARY KEY)", target_rows=1000)
    assert info.value.details[0]["location"] == "table 't', column 'flag'"
    load("CREATE TABLE t (flag CHAR(1) PRIMARY KEY)", table_rows={"t": 36})


def test_rows_and_dialect_arguments():
    experiment = load("CREATE TABLE a (x INT); CREATE TABLE b (y INT)", target_rows=7, table_rows={"b": 3})
    assert [t.target_rows for t in experiment.tables] == [7, 3]
    with pytest.raises(InvalidInput, match="unknown table"):
        load("CREATE TABLE a (x INT)", table_rows={"zzz": 3})
    with pytest.raises(InvalidInput, match="unknown dialect"):
        import_ddl("CREATE TABLE a (x INT)", "t", "oracle")


def test_size_limit_and_hundreds_of_tables():
    with pytest.raises(InputTooLarge, match="limit is 10,485,760 bytes"):
        load("-- " + "x" * DDL_SIZE_LIMIT)
    # Speed is measured by bench/import_bench.py; here, that many tables import completely.
    table = ",\n".join(f"  col_{i} VARCHAR(40) NOT NULL ENCODE lzo" for i in range(40))
    ddl = "".join(f"CREATE TABLE t{i} (\n  id BIGINT NOT NULL DISTKEY,\n{table},\n"
                  f"  PRIMARY KEY (id)\n) DISTSTYLE KEY;\nALTER TABLE t{i} OWNER TO etl;\n"
                  f"COMMENT ON TABLE t{i} IS 'table {i}';\n" for i in range(400))
    experiment = load(ddl)
    assert [t.name for t in experiment.tables] == [f"t{i}" for i in range(400)]
    assert experiment.tables[399].description == "table 399"
    assert all(len(t.columns) == 41 and t.primary_key == ["id"] for t in experiment.tables)
    assert sum(w.code == "statement_skipped" for w in experiment.warnings) == 400


def test_inferred_rules_are_visible():
    experiment = load("CREATE TABLE c (email VARCHAR(100), first_name VARCHAR(30), city VARCHAR(40),"
                      " phone CHAR(15), zip_code CHAR(5), created_at TIMESTAMP, amount DECIMAL(10,2))")
    body = canonical_json(experiment)["tables"][0]["columns"]
    assert [(c["name"], c.get("faker_rule"), c.get("rule_inferred")) for c in body] == [
        ("email", "email", True), ("first_name", "first_name", True), ("city", "city", True),
        ("phone", "phone_number", True), ("zip_code", "postcode", True),
        ("created_at", "event_time", True), ("amount", "amount", True)]
