-- TPC-H schema for Snowflake.
USE DATABASE analytics;
CREATE SCHEMA IF NOT EXISTS tpch;

CREATE OR REPLACE TABLE analytics.tpch.region (
    r_regionkey NUMBER(38,0) NOT NULL,
    r_name      VARCHAR(25)  NOT NULL,
    r_comment   VARCHAR(152),
    CONSTRAINT pk_region PRIMARY KEY (r_regionkey)
) COMMENT = 'TPC-H regions';

CREATE OR REPLACE TABLE analytics.tpch.nation (
    n_nationkey NUMBER(38,0) NOT NULL,
    n_name      VARCHAR(25)  NOT NULL,
    n_regionkey NUMBER(38,0) NOT NULL,
    n_comment   VARCHAR(152),
    CONSTRAINT pk_nation PRIMARY KEY (n_nationkey),
    CONSTRAINT fk_nation_region FOREIGN KEY (n_regionkey) REFERENCES analytics.tpch.region (r_regionkey)
);

CREATE OR REPLACE TABLE analytics.tpch.supplier (
    s_suppkey   NUMBER(38,0)  NOT NULL,
    s_name      VARCHAR(25)   NOT NULL,
    s_address   VARCHAR(40)   NOT NULL,
    s_nationkey NUMBER(38,0)  NOT NULL REFERENCES analytics.tpch.nation (n_nationkey),
    s_phone     VARCHAR(15)   NOT NULL,
    s_acctbal   NUMBER(12,2)  NOT NULL,
    s_comment   VARCHAR(101)  NOT NULL COLLATE 'en-ci',
    CONSTRAINT pk_supplier PRIMARY KEY (s_suppkey)
);

CREATE OR REPLACE TABLE analytics.tpch.customer (
    c_custkey    NUMBER(38,0)  NOT NULL,
    c_name       VARCHAR(25)   NOT NULL,
    c_address    VARCHAR(40)   NOT NULL,
    c_nationkey  NUMBER(38,0)  NOT NULL,
    c_phone      VARCHAR(15)   NOT NULL,
    c_acctbal    NUMBER(12,2)  NOT NULL,
    c_mktsegment VARCHAR(10)   NOT NULL,
    c_comment    VARCHAR(117)  NOT NULL COMMENT 'free text',
    CONSTRAINT pk_customer PRIMARY KEY (c_custkey),
    CONSTRAINT fk_customer_nation FOREIGN KEY (c_nationkey) REFERENCES analytics.tpch.nation (n_nationkey)
) CLUSTER BY (c_custkey);

CREATE OR REPLACE TABLE analytics.tpch.part (
    p_partkey     NUMBER(38,0)  NOT NULL,
    p_name        VARCHAR(55)   NOT NULL,
    p_mfgr        VARCHAR(25)   NOT NULL,
    p_brand       VARCHAR(10)   NOT NULL,
    p_type        VARCHAR(25)   NOT NULL,
    p_size        NUMBER(38,0)  NOT NULL,
    p_container   VARCHAR(10)   NOT NULL,
    p_retailprice NUMBER(12,2)  NOT NULL,
    p_comment     VARCHAR(23)   NOT NULL,
    CONSTRAINT pk_part PRIMARY KEY (p_partkey)
);

CREATE OR REPLACE TABLE analytics.tpch.partsupp (
    ps_partkey    NUMBER(38,0)  NOT NULL,
    ps_suppkey    NUMBER(38,0)  NOT NULL,
    ps_availqty   NUMBER(38,0)  NOT NULL,
    ps_supplycost NUMBER(12,2)  NOT NULL,
    ps_comment    VARCHAR(199)  NOT NULL,
    CONSTRAINT pk_partsupp PRIMARY KEY (ps_partkey, ps_suppkey),
    CONSTRAINT fk_partsupp_part FOREIGN KEY (ps_partkey) REFERENCES analytics.tpch.part (p_partkey),
    CONSTRAINT fk_partsupp_supplier FOREIGN KEY (ps_suppkey) REFERENCES analytics.tpch.supplier (s_suppkey)
) DATA_RETENTION_TIME_IN_DAYS = 1;

CREATE OR REPLACE TABLE analytics.tpch.orders (
    o_orderkey      NUMBER(38,0)  NOT NULL,
    o_custkey       NUMBER(38,0)  NOT NULL,
    o_orderstatus   VARCHAR(1)    NOT NULL,
    o_totalprice    NUMBER(12,2)  NOT NULL,
    o_orderdate     DATE          NOT NULL,
    o_orderpriority VARCHAR(15)   NOT NULL,
    o_clerk         VARCHAR(15)   NOT NULL,
    o_shippriority  NUMBER(38,0)  NOT NULL,
    o_comment       VARCHAR(79)   NOT NULL,
    CONSTRAINT pk_orders PRIMARY KEY (o_orderkey),
    CONSTRAINT fk_orders_customer FOREIGN KEY (o_custkey) REFERENCES analytics.tpch.customer (c_custkey)
) CLUSTER BY (o_orderdate);

CREATE OR REPLACE TABLE analytics.tpch.lineitem (
    l_orderkey      NUMBER(38,0)  NOT NULL,
    l_partkey       NUMBER(38,0)  NOT NULL,
    l_suppkey       NUMBER(38,0)  NOT NULL,
    l_linenumber    NUMBER(38,0)  NOT NULL,
    l_quantity      NUMBER(12,2)  NOT NULL,
    l_extendedprice NUMBER(12,2)  NOT NULL,
    l_discount      NUMBER(12,2)  NOT NULL,
    l_tax           NUMBER(12,2)  NOT NULL,
    l_returnflag    VARCHAR(1)    NOT NULL,
    l_linestatus    VARCHAR(1)    NOT NULL,
    l_shipdate      DATE          NOT NULL,
    l_commitdate    DATE          NOT NULL,
    l_receiptdate   DATE          NOT NULL,
    l_shipinstruct  VARCHAR(25)   NOT NULL,
    l_shipmode      VARCHAR(10)   NOT NULL,
    l_comment       VARCHAR(44)   NOT NULL,
    CONSTRAINT pk_lineitem PRIMARY KEY (l_orderkey, l_linenumber),
    CONSTRAINT fk_lineitem_orders FOREIGN KEY (l_orderkey) REFERENCES analytics.tpch.orders (o_orderkey),
    CONSTRAINT fk_lineitem_partsupp FOREIGN KEY (l_partkey, l_suppkey) REFERENCES analytics.tpch.partsupp (ps_partkey, ps_suppkey),
    CONSTRAINT fk_lineitem_part FOREIGN KEY (l_partkey) REFERENCES analytics.tpch.part (p_partkey),
    CONSTRAINT fk_lineitem_supplier FOREIGN KEY (l_suppkey) REFERENCES analytics.tpch.supplier (s_suppkey)
) CLUSTER BY (l_shipdate);
