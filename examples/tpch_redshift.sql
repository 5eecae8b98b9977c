-- TPC-H schema for Amazon Redshift, as a warehouse team would deploy it:
-- distribution and sort keys, column encodings, declared (informational) keys.
CREATE SCHEMA IF NOT EXISTS tpch;
SET search_path TO tpch;

CREATE TABLE IF NOT EXISTS tpch.region (
    r_regionkey  INTEGER      NOT NULL ENCODE raw,
    r_name       CHAR(25)     NOT NULL ENCODE lzo,
    r_comment    VARCHAR(152)          ENCODE lzo,
    PRIMARY KEY (r_regionkey)
) DISTSTYLE ALL SORTKEY (r_regionkey);

CREATE TABLE IF NOT EXISTS tpch.nation (
    n_nationkey  INTEGER      NOT NULL ENCODE raw SORTKEY,
    n_name       CHAR(25)     NOT NULL ENCODE lzo,
    n_regionkey  INTEGER      NOT NULL ENCODE az64 REFERENCES tpch.region (r_regionkey),
    n_comment    VARCHAR(152)          ENCODE lzo,
    PRIMARY KEY (n_nationkey)
) DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS tpch.supplier (
    s_suppkey    INTEGER        NOT NULL ENCODE raw DISTKEY SORTKEY,
    s_name       CHAR(25)       NOT NULL ENCODE lzo,
    s_address    VARCHAR(40)    NOT NULL ENCODE lzo,
    s_nationkey  INTEGER        NOT NULL ENCODE az64,
    s_phone      CHAR(15)       NOT NULL ENCODE lzo,
    s_acctbal    DECIMAL(15,2)  NOT NULL ENCODE az64,
    s_comment    VARCHAR(101)   NOT NULL ENCODE lzo,
    PRIMARY KEY (s_suppkey),
    FOREIGN KEY (s_nationkey) REFERENCES tpch.nation (n_nationkey)
) DISTSTYLE KEY;

CREATE TABLE IF NOT EXISTS tpch.customer (
    c_custkey    INTEGER        NOT NULL ENCODE raw DISTKEY,
    c_name       VARCHAR(25)    NOT NULL ENCODE lzo,
    c_address    VARCHAR(40)    NOT NULL ENCODE lzo,
    c_nationkey  INTEGER        NOT NULL ENCODE az64,
    c_phone      CHAR(15)       NOT NULL ENCODE lzo,
    c_acctbal    DECIMAL(15,2)  NOT NULL ENCODE az64,
    c_mktsegment CHAR(10)       NOT NULL ENCODE lzo,
    c_comment    VARCHAR(117)   NOT NULL ENCODE lzo,
    PRIMARY KEY (c_custkey),
    FOREIGN KEY (c_nationkey) REFERENCES tpch.nation (n_nationkey)
) DISTSTYLE KEY COMPOUND SORTKEY (c_custkey);

CREATE TABLE IF NOT EXISTS tpch.part (
    p_partkey     INTEGER        NOT NULL ENCODE raw DISTKEY,
    p_name        VARCHAR(55)    NOT NULL ENCODE lzo,
    p_mfgr        CHAR(25)       NOT NULL ENCODE lzo,
    p_brand       CHAR(10)       NOT NULL ENCODE lzo,
    p_type        VARCHAR(25)    NOT NULL ENCODE lzo,
    p_size        INTEGER        NOT NULL ENCODE az64,
    p_container   CHAR(10)       NOT NULL ENCODE lzo,
    p_retailprice DECIMAL(15,2)  NOT NULL ENCODE az64,
    p_comment     VARCHAR(23)    NOT NULL ENCODE lzo,
    PRIMARY KEY (p_partkey)
) DISTSTYLE KEY SORTKEY (p_partkey);

CREATE TABLE IF NOT EXISTS tpch.partsupp (
    ps_partkey    INTEGER        NOT NULL ENCODE raw DISTKEY,
    ps_suppkey    INTEGER        NOT NULL ENCODE az64,
    ps_availqty   INTEGER        NOT NULL ENCODE az64,
    ps_supplycost DECIMAL(15,2)  NOT NULL ENCODE az64,
    ps_comment    VARCHAR(199)   NOT NULL ENCODE lzo,
    CONSTRAINT partsupp_pk PRIMARY KEY (ps_partkey, ps_suppkey),
    CONSTRAINT partsupp_part_fk FOREIGN KEY (ps_partkey) REFERENCES tpch.part (p_partkey),
    CONSTRAINT partsupp_supplier_fk FOREIGN KEY (ps_suppkey) REFERENCES tpch.supplier (s_suppkey)
) DISTSTYLE KEY INTERLEAVED SORTKEY (ps_partkey, ps_suppkey);

CREATE TABLE IF NOT EXISTS tpch.orders (
    o_orderkey      BIGINT         NOT NULL ENCODE raw DISTKEY,
    o_custkey       INTEGER        NOT NULL ENCODE az64 REFERENCES tpch.customer,
    o_orderstatus   CHAR(1)        NOT NULL ENCODE lzo,
    o_totalprice    DECIMAL(15,2)  NOT NULL ENCODE az64,
    o_orderdate     DATE           NOT NULL ENCODE raw,
    o_orderpriority CHAR(15)       NOT NULL ENCODE lzo,
    o_clerk         CHAR(15)       NOT NULL ENCODE lzo,
    o_shippriority  INTEGER        NOT NULL ENCODE az64,
    o_comment       VARCHAR(79)    NOT NULL ENCODE lzo,
    PRIMARY KEY (o_orderkey)
) DISTSTYLE KEY COMPOUND SORTKEY (o_orderdate, o_orderkey);

CREATE TABLE IF NOT EXISTS tpch.lineitem (
    l_orderkey      BIGINT         NOT NULL ENCODE raw DISTKEY,
    l_partkey       INTEGER        NOT NULL ENCODE az64,
    l_suppkey       INTEGER        NOT NULL ENCODE az64,
    l_linenumber    INTEGER        NOT NULL ENCODE az64,
    l_quantity      DECIMAL(15,2)  NOT NULL ENCODE az64,
    l_extendedprice DECIMAL(15,2)  NOT NULL ENCODE az64,
    l_discount      DECIMAL(15,2)  NOT NULL ENCODE az64,
    l_tax           DECIMAL(15,2)  NOT NULL ENCODE az64,
    l_returnflag    CHAR(1)        NOT NULL ENCODE lzo,
    l_linestatus    CHAR(1)        NOT NULL ENCODE lzo,
    l_shipdate      DATE           NOT NULL ENCODE raw SORTKEY,
    l_commitdate    DATE           NOT NULL ENCODE az64,
    l_receiptdate   DATE           NOT NULL ENCODE az64,
    l_shipinstruct  CHAR(25)       NOT NULL ENCODE lzo,
    l_shipmode      CHAR(10)       NOT NULL ENCODE lzo,
    l_comment       VARCHAR(44)    NOT NULL ENCODE lzo,
    PRIMARY KEY (l_orderkey, l_linenumber),
    FOREIGN KEY (l_orderkey) REFERENCES tpch.orders (o_orderkey),
    FOREIGN KEY (l_partkey) REFERENCES tpch.part (p_partkey),
    FOREIGN KEY (l_suppkey) REFERENCES tpch.supplier (s_suppkey),
    FOREIGN KEY (l_partkey, l_suppkey) REFERENCES tpch.partsupp (ps_partkey, ps_suppkey)
) DISTSTYLE KEY;

GRANT SELECT ON ALL TABLES IN SCHEMA tpch TO GROUP analysts;
