"""The CLI and `dw-sim serve` parse DDL with sqlglot's compiled build (sqlglotc); the Lambda
layer ships the pure-Python build. Both must read every DDL the same way: the pure build is
recreated here from the installed package's .py files and run in a child interpreter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot

from dwsim.ddl.importer import import_ddl
from dwsim.schema.canonical import canonical_json
from tests.support.template import ROOT

pytestmark = pytest.mark.integration

# Every example export, and the forms the importer reads around sqlglot's parser: Redshift
# storage attributes it drops, and type spellings kept as written.
CASES = [
    *[(path.name, path.read_text(), dialect) for path, dialect in [
        (ROOT / "examples" / "redshift_generated_ddl.sql", "redshift"),
        (ROOT / "examples" / "snowflake_get_ddl.sql", "snowflake"),
        (ROOT / "examples" / "postgres_pg_dump.sql", "postgres"),
        (ROOT / "examples" / "tpch_redshift.sql", "redshift"),
        (ROOT / "examples" / "tpch_snowflake.sql", "snowflake")]],
    ("redshift attributes", """
        CREATE TABLE a (id INT4 NOT NULL DISTKEY SORTKEY ENCODE az64, v CHARACTER VARYING(10));
        CREATE TABLE b (id INT, d DATE) DISTSTYLE EVEN INTERLEAVED SORTKEY (id, d);
        CREATE TABLE c (id INT, sortkey INT) DISTSTYLE AUTO SORTKEY AUTO ENCODE AUTO;
        ALTER TABLE c ADD COLUMN e TIMESTAMP WITHOUT TIME ZONE DEFAULT getdate() ENCODE az64;""",
     "redshift"),
    ("postgres types", """
        CREATE TYPE tier AS ENUM ('free', 'pro');
        CREATE TABLE t (a int8 PRIMARY KEY, b character varying(20)[], c tier NOT NULL,
          d timestamp(3) with time zone, e double precision CHECK (e >= 0), f numeric(12,2));""",
     "postgres"),
    ("snowflake types", """
        create or replace TABLE T (A NUMBER(38,0) NOT NULL autoincrement start 1 increment 1,
          B VARCHAR(16777216) COLLATE 'en-ci' COMMENT 'b', C TIMESTAMP_LTZ(9), D ARRAY,
          E OBJECT, primary key (A));""", "snowflake"),
]

_CHILD = """
import json, sys
from sqlglot.tokens import SQLGLOTC_INSTALLED
assert not SQLGLOTC_INSTALLED, "the child must run the pure-Python build"
from dwsim.ddl.importer import import_ddl
from dwsim.schema.canonical import canonical_json
print(json.dumps([canonical_json(import_ddl(sql, "build", dialect))
                  for _name, sql, dialect in json.loads(sys.stdin.read())]))
"""


def _installed_build_is_compiled() -> bool:
    from sqlglot.tokens import SQLGLOTC_INSTALLED
    return SQLGLOTC_INSTALLED


def test_the_cli_parses_with_sqlglots_compiled_build():
    assert _installed_build_is_compiled(), (
        "sqlglot's compiled build is missing: `make install` installs it (pyproject asks for "
        "sqlglot[c]); by hand, pip install 'sqlglot[c]'")


def test_the_pure_build_the_lambda_ships_reads_every_ddl_the_same(tmp_path: Path):
    package = Path(sqlglot.__file__).parent
    shutil.copytree(package, tmp_path / "sqlglot",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "layers" / "core")])}
    child = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(CASES), env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert child.returncode == 0, child.stderr[-3000:]
    pure = json.loads(child.stdout)
    here = [canonical_json(import_ddl(sql, "build", dialect)) for _name, sql, dialect in CASES]
    for (name, _sql, _dialect), compiled, interpreted in zip(CASES, here, pure, strict=True):
        assert interpreted == json.loads(json.dumps(compiled, default=str)), name
