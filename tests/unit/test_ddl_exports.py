"""Whole warehouse exports import as they are: Snowflake GET_DDL('DATABASE', ...), Redshift's
v_generate_tbl_ddl output and pg_dump --schema-only. Every table comes with its keys, every
other statement is skipped with a warning naming its kind, sequences number their columns and
comments are kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dwsim.cli import describe_experiment
from dwsim.ddl.importer import import_ddl
from dwsim.engine.generator import Generator
from dwsim.errors import SqlSyntaxError
from dwsim.schema.canonical import canonical_json

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = [("snowflake_get_ddl.sql", "snowflake"), ("redshift_generated_ddl.sql", "redshift"),
           ("postgres_pg_dump.sql", "postgres")]


def load(file: str, dialect: str, **kw):
    return import_ddl((ROOT / "examples" / file).read_bytes(), "export", dialect, **kw)


def keys(experiment) -> dict[str, tuple]:
    return {t.name: (t.primary_key, sorted((tuple(fk.columns), fk.ref_table, tuple(fk.ref_columns))
                                           for fk in t.foreign_keys))
            for t in experiment.tables}


def skipped_kinds(experiment) -> set[str]:
    kinds = set()
    for w in experiment.warnings:
        if w.code == "statement_skipped":
            found = re.match(r"line \d+: (.+) statement skipped", w.message)
            assert found, w.message
            kinds.add(found.group(1))
    return kinds


def test_snowflake_get_ddl_imports_every_table_and_key():
    experiment = load("snowflake_get_ddl.sql", "snowflake")
    assert [t.name for t in experiment.tables] == [
        "CUSTOMERS", "PRODUCTS", "ORDERS", "ORDER_LINES", "PAYMENTS", "STG_WEB_EVENTS"]
    assert keys(experiment) == {
        "CUSTOMERS": (["CUSTOMER_ID"], []),
        "PRODUCTS": (["PRODUCT_ID"], []),
        "ORDERS": (["ORDER_ID"], [(("CUSTOMER_ID",), "CUSTOMERS", ("CUSTOMER_ID",))]),
        "ORDER_LINES": (["ORDER_ID", "LINE_NUMBER"], [
            (("ORDER_ID",), "ORDERS", ("ORDER_ID",)),
            (("PRODUCT_ID",), "PRODUCTS", ("PRODUCT_ID",))]),
        "PAYMENTS": (["PAYMENT_ID"], [(("ORDER_ID",), "ORDERS", ("ORDER_ID",))]),
        "STG_WEB_EVENTS": (["EVENT_ID"], [(("CUSTOMER_ID",), "CUSTOMERS", ("CUSTOMER_ID",))]),
    }
    assert experiment.table("CUSTOMERS").column("EMAIL").is_unique
    assert experiment.table("PRODUCTS").column("SKU").is_unique
    # The sequence is used by ORDERS.ORDER_ID's DEFAULT ...NEXTVAL, so it is not "skipped";
    # the procedures' bodies ($$ ... ; ... $$ and '...;...') stay inside their statements.
    assert skipped_kinds(experiment) == {
        "CREATE DATABASE", "CREATE SCHEMA", "CREATE VIEW", "CREATE FILE FORMAT", "CREATE STAGE",
        "CREATE STREAM", "CREATE TASK", "CREATE TAG", "CREATE PROCEDURE"}
    procedures = [w for w in experiment.warnings if "CREATE PROCEDURE" in w.message]
    assert [int(w.message.split(":")[0][5:]) for w in procedures] == [93, 103, 113]
    assert {w.code for w in experiment.warnings} == {"statement_skipped", "semi_structured"}


def test_redshift_generated_ddl_imports_every_table_and_key():
    experiment = load("redshift_generated_ddl.sql", "redshift")
    assert [t.name for t in experiment.tables] == [
        "warehouses", "suppliers", "items", "stock_levels", "shipments", "shipment_lines"]
    assert experiment.table("items").qualified_name == "ops.items"
    assert keys(experiment) == {
        "warehouses": (["warehouse_id"], []),
        "suppliers": (["supplier_id"], []),
        "items": (["item_id"], [(("supplier_id",), "suppliers", ("supplier_id",))]),
        "stock_levels": (["warehouse_id", "item_id"], [
            (("item_id",), "items", ("item_id",)),
            (("warehouse_id",), "warehouses", ("warehouse_id",))]),
        "shipments": (["shipment_id"], [(("warehouse_id",), "warehouses", ("warehouse_id",))]),
        "shipment_lines": (["shipment_id", "line_no"], [
            (("item_id",), "items", ("item_id",)),
            (("shipment_id",), "shipments", ("shipment_id",))]),
    }
    assert experiment.table("warehouses").column("warehouse_code").is_unique
    assert skipped_kinds(experiment) == {"ALTER TABLE ... OWNER TO"}
    assert {w.code for w in experiment.warnings} == {"statement_skipped"}


def test_pg_dump_schema_only_imports_every_table_and_key():
    experiment = load("postgres_pg_dump.sql", "postgres")
    # ticket_events' two partitions are not tables of their own: their rows are its rows.
    assert [t.name for t in experiment.tables] == [
        "agents", "customers", "tickets", "ticket_messages", "ticket_tags", "ticket_events"]
    assert keys(experiment) == {
        "agents": (["id"], []),
        "customers": (["id"], []),
        "ticket_events": (["ticket_id", "event_no", "created_at"],
                          [(("ticket_id",), "tickets", ("id",))]),
        "tickets": (["id"], [(("agent_id",), "agents", ("id",)),
                             (("customer_id",), "customers", ("id",))]),
        "ticket_messages": (["ticket_id", "message_no"], [
            (("author_agent_id",), "agents", ("id",)),
            (("ticket_id",), "tickets", ("id",))]),
        "ticket_tags": (["ticket_id", "tag"], [(("ticket_id",), "tickets", ("id",))]),
    }
    assert experiment.table("agents").column("email").is_unique
    assert experiment.table("customers").column("email").is_unique  # UNIQUE INDEX on lower(email)
    assert experiment.table("agents").column("team").values == ["billing", "technical", "sales"]
    assert experiment.table("tickets").column("priority").values == ["low", "normal", "high", "urgent"]
    assert experiment.table("ticket_messages").column("message_no").min_value == 1
    assert skipped_kinds(experiment) == {
        "SET", "SELECT", "ALTER TYPE ... OWNER TO", "CREATE FUNCTION", "ALTER FUNCTION ... OWNER TO",
        "ALTER TABLE ... OWNER TO", "ALTER SEQUENCE ... OWNER TO", "CREATE INDEX", "CREATE TRIGGER",
        "ALTER INDEX"}
    assert [(w.code, w.table) for w in experiment.warnings if w.code != "statement_skipped"] == [
        ("check_not_enforced", "tickets"),  # length(subject) > 0
        ("partition_skipped", "ticket_events_2025"), ("partition_skipped", "ticket_events_default")]


# -- 2. sequences make identities ------------------------------------------------------------
def test_sequences_in_the_exports_make_identity_columns():
    pg = load("postgres_pg_dump.sql", "postgres")
    # ALTER SEQUENCE ... OWNED BY, CREATE SEQUENCE ... OWNED BY, ALTER COLUMN SET DEFAULT nextval
    for table in ("agents", "customers", "tickets"):
        column = pg.table(table).column("id")
        assert column.identity and column.default is None, table
    assert not pg.table("ticket_messages").column("message_no").identity
    sf = load("snowflake_get_ddl.sql", "snowflake")
    order_id = sf.table("ORDERS").column("ORDER_ID")  # DEFAULT ...ORDER_ID_SEQ.NEXTVAL
    assert (order_id.identity, order_id.min_value, order_id.identity_step) == (True, 1000, 1)
    rs = load("redshift_generated_ddl.sql", "redshift")
    item_id = rs.table("items").column("item_id")  # DEFAULT "identity"(oid, 0, '1,1'::text)
    assert (item_id.identity, item_id.min_value, item_id.identity_step) == (True, 1, 1)


@pytest.mark.parametrize("sql", [
    "CREATE TABLE t (id integer DEFAULT nextval('t_id_seq'::regclass) NOT NULL, v text)",
    "CREATE SEQUENCE s START WITH 1 OWNED BY t.id; CREATE TABLE t (id integer NOT NULL, v text)",
    "CREATE TABLE t (id integer NOT NULL, v text); ALTER SEQUENCE public.s OWNED BY public.t.id",
    "CREATE TABLE t (id integer NOT NULL, v text);\n"
    "ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('s'::regclass)",
])
def test_postgres_sequence_forms(sql):
    experiment = import_ddl(sql, "t", "postgres")
    assert experiment.table("t").column("id").identity
    assert not experiment.table("t").column("v").identity
    assert not [w for w in experiment.warnings if "SEQUENCE" in w.message]


def test_sequence_steps_and_what_cannot_be_numbered():
    experiment = import_ddl(
        "CREATE SEQUENCE s START WITH 100 INCREMENT BY 10;\n"
        "CREATE SEQUENCE unused;\n"
        "CREATE TABLE t (id bigint DEFAULT nextval('s'::regclass), code text, n int);\n"
        "ALTER SEQUENCE s2 OWNED BY t.code;\n"
        "ALTER SEQUENCE s3 OWNED BY missing.id;\n"
        "ALTER SEQUENCE s4 OWNED BY NONE;", "t", "postgres")
    column = experiment.table("t").column("id")
    assert (column.identity, column.min_value, column.identity_step) == (True, 100, 10)
    assert not experiment.table("t").column("code").identity
    warnings = [(w.code, w.message.split(" statement")[0]) for w in experiment.warnings]
    assert ("statement_skipped", "line 2: CREATE SEQUENCE") in warnings
    assert ("statement_skipped", "line 6: ALTER SEQUENCE") in warnings
    assert [(w.table, w.column) for w in experiment.warnings if w.code == "sequence_ignored"] == [
        ("t", "code"), ("missing", "id")]


# -- 3. comments ----------------------------------------------------------------------------
def test_comments_are_kept_on_tables_and_columns():
    sf = load("snowflake_get_ddl.sql", "snowflake")
    assert sf.table("CUSTOMERS").description == "One row per registered customer"
    assert sf.table("CUSTOMERS").column("EMAIL").comment == "Login e-mail, unique"
    assert sf.table("STG_WEB_EVENTS").column("EVENT_TYPE").comment == \
        "page_view, add_to_cart or checkout"  # COMMENT ON COLUMN
    rs = load("redshift_generated_ddl.sql", "redshift")
    assert rs.table("warehouses").description == "Physical warehouses"
    assert rs.table("items").column("sku").comment == "Stock keeping unit, as printed on the label"
    pg = load("postgres_pg_dump.sql", "postgres")
    assert pg.table("agents").description == "Support staff who answer tickets"
    assert pg.table("customers").column("email").comment == "Where replies are sent"
    assert pg.table("ticket_messages").column("body").comment == "Message text; markdown allowed"
    body = canonical_json(pg)
    assert body["tables"][0]["description"] == "Support staff who answer tickets"
    text = describe_experiment(body)
    assert "Support staff who answer tickets" in text
    assert "-- Where replies are sent" in text


def test_comment_on_something_unknown_is_a_warning():
    experiment = import_ddl("CREATE TABLE t (a int);\nCOMMENT ON COLUMN t.zz IS 'x';\n"
                            "COMMENT ON TABLE nope IS 'y'", "t", "postgres")
    assert [(w.code, w.message[:7]) for w in experiment.warnings] == [
        ("comment_ignored", "line 2:"), ("comment_ignored", "line 3:")]


# -- generation -----------------------------------------------------------------------------
@pytest.mark.parametrize(("file", "dialect"), EXPORTS)
def test_exports_generate_rows_whose_keys_join(file, dialect):
    experiment = load(file, dialect, target_rows=300)
    generator = Generator(experiment, 11)
    batches = {t.name: generator.table(t.name).generate(0, 300) for t in experiment.tables}
    for table in experiment.tables:
        batch = batches[table.name]
        assert batch.num_rows == 300
        key = list(zip(*(batch.column(c).to_pylist() for c in table.primary_key), strict=True))
        assert len(set(key)) == 300, table.name
        for fk in table.foreign_keys:
            parent = experiment.table(fk.ref_table)
            ref = fk.ref_columns or parent.primary_key
            parents = set(zip(*(batches[parent.name].column(c).to_pylist() for c in ref), strict=True))
            children = {v for v in zip(*(batch.column(c).to_pylist() for c in fk.columns), strict=True)
                        if None not in v}
            assert children <= parents, (table.name, fk.columns)


def test_raw_statements_are_named_by_their_kind():
    experiment = import_ddl(
        "create stream s on table t;\ncreate table t (a int);\n"
        "create or replace secure view v as select 1;\nalter table t owner to x;\n"
        "create or replace procedure p() returns int language sql as 'begin return 1; end;';",
        "t", "snowflake")
    assert [t.name for t in experiment.tables] == ["t"]
    assert skipped_kinds(experiment) == {"CREATE STREAM", "CREATE VIEW", "ALTER TABLE ... OWNER TO",
                                         "CREATE PROCEDURE"}
    with pytest.raises(Exception, match="this CREATE TABLE uses syntax"):
        import_ddl("create or replace table t (a int) with tag (x = 1) weird stuff", "t", "snowflake")


# -- PostgreSQL unique indexes and partitions -----------------------------------------------
def test_unique_indexes_on_columns_become_unique_keys():
    experiment = import_ddl("""
        CREATE TABLE public.users (id bigint NOT NULL, org_id bigint, email text, slug text,
                                   deleted_at timestamp);
        CREATE UNIQUE INDEX users_email ON public.users USING btree (lower((email)::text));
        CREATE UNIQUE INDEX users_org_slug ON ONLY public.users USING btree (org_id, slug)
            WHERE (deleted_at IS NULL);
        CREATE UNIQUE INDEX users_org_slug_len ON public.users USING btree (org_id, length(slug));
        CREATE INDEX users_org ON ONLY public.users USING btree (org_id);""", "u", "postgres")
    users = experiment.table("users")
    assert users.column("email").is_unique  # lower(email): our unique text stays unique folded
    assert users.unique == [["org_id", "slug"]]  # a partial index is kept on every row
    ignored = [w for w in experiment.warnings if w.code == "unique_index_ignored"]
    assert [(w.table, w.message) for w in ignored] == [
        ("users", "line 7: unique index users_org_slug_len on (org_id, LENGTH(slug)) is not "
                  "enforced: dw-sim keeps unique keys on columns, not on expressions")]
    assert skipped_kinds(experiment) == {"CREATE INDEX"}


def test_a_unique_index_on_an_unknown_column_is_an_error_that_says_where():
    with pytest.raises(SqlSyntaxError, match="UNIQUE INDEX of table 'users' names unknown column 'mail'"):
        import_ddl("CREATE TABLE users (id int, email text);\n"
                   "CREATE UNIQUE INDEX u ON users (mail);", "u", "postgres")


def test_partitions_are_rows_of_their_parent():
    experiment = import_ddl("""
        CREATE TABLE public.events (id bigint NOT NULL, at timestamp NOT NULL)
            PARTITION BY RANGE (at);
        CREATE TABLE public.events_2025 (id bigint NOT NULL, at timestamp NOT NULL);
        CREATE TABLE public.audits (id bigint PRIMARY KEY, event_id bigint, event_at timestamp);
        ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2025
            FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE public.events_old PARTITION OF public.events
            FOR VALUES FROM ('2000-01-01') TO ('2025-01-01');
        ALTER TABLE ONLY public.events ADD CONSTRAINT events_pkey PRIMARY KEY (id, at);
        ALTER TABLE ONLY public.events_2025 ADD CONSTRAINT events_2025_pkey PRIMARY KEY (id, at);
        ALTER TABLE ONLY public.audits ADD CONSTRAINT audits_event FOREIGN KEY (event_id, event_at)
            REFERENCES public.events_2025(id, at);""", "p", "postgres")
    assert [t.name for t in experiment.tables] == ["events", "audits"]
    assert experiment.table("events").primary_key == ["id", "at"]
    # A key that pointed at a partition points at the partitioned table.
    assert [(fk.ref_table, fk.ref_columns) for fk in experiment.table("audits").foreign_keys] == [
        ("events", ["id", "at"])]
    assert sorted((w.table, w.message) for w in experiment.warnings
                  if w.code == "partition_skipped") == [
        ("events_2025", "line 6: table 'events_2025' is a partition of 'events' (ATTACH "
                        "PARTITION): its rows are generated as rows of 'events', so load 'events' only"),
        ("events_old", "line 8: table 'events_old' is a partition of 'events' (PARTITION OF): "
                       "its rows are generated as rows of 'events', so load 'events' only")]


# -- statements dw-sim does not read never stop an import --------------------------------------
def test_statements_sqlglot_cannot_parse_are_skipped_when_they_define_no_table():
    experiment = import_ddl("""create or replace TABLE A (ID INT);
        create or replace row access policy RAP as (region varchar) returns boolean -> region = 'EU';
        CREATE OR REPLACE SEMANTIC VIEW SV TABLES (O AS DB.S.ORDERS PRIMARY KEY (K)) DIMENSIONS (O.K AS O.K);
        COMMENT ON CONSTRAINT a_pkey ON A IS 'x';""", "s", "snowflake")
    assert [t.name for t in experiment.tables] == ["A"]
    assert skipped_kinds(experiment) == {"CREATE ROW ACCESS POLICY", "CREATE SEMANTIC VIEW",
                                         "COMMENT ON CONSTRAINT"}
    assert all("cannot read it at line" in w.message and "defines no table" in w.message
               for w in experiment.warnings)


@pytest.mark.parametrize(("sql", "where"), [
    ("CREATE TABLE A (ID INT DEFAULT);", "line 1, column 31"),
    ("CREATE TABLE A (ID INT);\nCOMMENT ON TABLE A IS;", "line 2, column 21"),
])
def test_what_the_importer_reads_must_parse(sql, where):
    with pytest.raises(SqlSyntaxError, match=where):
        import_ddl(sql, "s", "redshift")


@pytest.mark.parametrize(("sql", "kind"), [
    ("create or replace masking policy M as (v string) returns string -> v", "CREATE MASKING POLICY"),
    ("create or replace materialized view MV as select * from A", "CREATE MATERIALIZED VIEW"),
    ("create or replace external access integration E allowed_network_rules = (R) enabled = true",
     "CREATE EXTERNAL ACCESS INTEGRATION"),
    ("create or replace data metric function F(ARG_T TABLE(C INT)) returns number as "
     "'select count(*) from ARG_T'", "CREATE DATA METRIC FUNCTION"),
])
def test_skipped_statements_are_named_in_full(sql, kind):
    experiment = import_ddl(f"create or replace TABLE A (ID INT);\n{sql};", "s", "snowflake")
    assert skipped_kinds(experiment) == {kind}


def test_external_and_dynamic_tables_are_skipped_saying_why():
    redshift = import_ddl("""create table base (id int);
        create external table spectrum.sales(salesid integer, pricepaid decimal(8,2))
          row format delimited fields terminated by '\\t' stored as textfile location 's3://b/s/';
        create external table spectrum.p(a int) partitioned by (d date) stored as parquet
          location 's3://b/p/';""", "r", "redshift")
    snowflake = import_ddl("""create or replace TABLE A (ID INT);
        create or replace dynamic table DT(ID, TOTAL) target_lag='1 minute' warehouse=WH
          as select ID, 1 from A;""", "s", "snowflake")
    assert [t.name for t in redshift.tables] == ["base"]
    assert skipped_kinds(redshift) == {"CREATE EXTERNAL TABLE"}
    assert "reads files where they lie" in redshift.warnings[0].message
    assert [t.name for t in snowflake.tables] == ["A"]
    assert skipped_kinds(snowflake) == {"CREATE DYNAMIC TABLE"}
    assert not [w for w in snowflake.warnings if w.code == "create_table_as_skipped"]


def test_like_and_clone_without_a_column_list_copy_an_earlier_table():
    experiment = import_ddl("""create or replace TABLE A (ID INT, N VARCHAR(5));
        create or replace TABLE B LIKE A;
        create or replace TABLE C CLONE A;
        create or replace TABLE D CLONE OTHER_DB.S.X;""", "s", "snowflake")
    assert {t.name: [c.name for c in t.columns] for t in experiment.tables} == {
        "A": ["ID", "N"], "B": ["ID", "N"], "C": ["ID", "N"]}
    assert skipped_kinds(experiment) == {"CREATE TABLE ... CLONE"}


def test_alter_table_add_column_adds_it():
    experiment = import_ddl("""create or replace TABLE A (ID NUMBER(38,0));
        alter table A add column B VARCHAR(10) NOT NULL;""", "s", "snowflake")
    b = experiment.table("A").column("B")
    assert (b.data_type.value, b.varchar_length, b.required, b.source_type) == (
        "VARCHAR", 10, True, "VARCHAR(10)")
    assert not experiment.warnings


def test_snowflake_hybrid_tables_import_with_their_keys():
    experiment = import_ddl("""create or replace TABLE C (ID NUMBER(38,0) NOT NULL, primary key (ID));
        create or replace HYBRID TABLE H (ID NUMBER(38,0) NOT NULL, E VARCHAR(50), C_ID NUMBER(38,0),
          R VARCHAR(10), primary key (ID) enforced, constraint U unique (E),
          foreign key (C_ID) references C(ID), index IDX_E (E), INDEX IDX_R (R) INCLUDE (E));""",
                            "h", "snowflake")
    hybrid = experiment.table("H")
    assert [c.name for c in hybrid.columns] == ["ID", "E", "C_ID", "R"]
    assert hybrid.primary_key == ["ID"] and hybrid.column("E").is_unique
    assert [(fk.columns, fk.ref_table) for fk in hybrid.foreign_keys] == [(["C_ID"], "C")]
    assert not experiment.warnings


def test_one_table_name_in_two_schemas_says_so():
    with pytest.raises(SqlSyntaxError, match=r"line 2, column 37: table 'CUSTOMERS' is defined "
                       r"in two schemas \(RETAIL.STG.CUSTOMERS at line 1, RETAIL.CORE.CUSTOMERS "
                       r"here\); an experiment names each table once"):
        import_ddl("create or replace TABLE RETAIL.STG.CUSTOMERS (ID NUMBER(38,0) NOT NULL);\n"
                   "create or replace TABLE RETAIL.CORE.CUSTOMERS (ID NUMBER(38,0) NOT NULL);",
                   "s", "snowflake")
