"""Identifier rules: what a table, column or experiment may be called."""

from __future__ import annotations

import re

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXPERIMENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Quoted identifiers keep any printable text except what would break an output path.
QUOTED_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029/\\]")

# Words the warehouse refuses as an unquoted table or column name in CREATE TABLE; a quoted
# identifier may be any of them. Sourced from each warehouse's documentation (re-checked
# against these pages for issue 11):
# - Amazon Redshift Database Developer Guide, "Reserved words" (all of them are reserved),
#   https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html — LANGUAGE is no
#   longer on it.
REDSHIFT_RESERVED = frozenset("""
AES128 AES256 ALL ALLOWOVERWRITE ANALYSE ANALYZE AND ANY ARRAY AS ASC AUTHORIZATION AZ64
BACKUP BETWEEN BINARY BLANKSASNULL BOTH BYTEDICT BZIP2 CASE CAST CHECK COLLATE COLUMN
CONSTRAINT CREATE CREDENTIALS CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER
CURRENT_USER_ID DEFAULT DEFERRABLE DEFLATE DEFRAG DELTA DELTA32K DESC DISABLE DISTINCT DO ELSE
EMPTYASNULL ENABLE ENCODE ENCRYPT ENCRYPTION END EXCEPT EXPLICIT FALSE FOR FOREIGN FREEZE FROM
FULL GLOBALDICT256 GLOBALDICT64K GRANT GROUP GZIP HAVING IDENTITY IGNORE ILIKE IN INITIALLY
INNER INTERSECT INTERVAL INTO IS ISNULL JOIN LEADING LEFT LIKE LIMIT LOCALTIME
LOCALTIMESTAMP LUN LUNS LZO LZOP MINUS MOSTLY16 MOSTLY32 MOSTLY8 NATURAL NEW NOT NOTNULL NULL
NULLS OFF OFFLINE OFFSET OID OLD ON ONLY OPEN OR ORDER OUTER OVERLAPS PARALLEL PARTITION PERCENT
PERMISSIONS PIVOT PLACING PRIMARY RAW READRATIO RECOVER REFERENCES REJECTLOG RESORT RESPECT
RESTORE RIGHT SELECT SESSION_USER SIMILAR SNAPSHOT SOME SYSDATE SYSTEM TABLE TAG TDES TEXT255
TEXT32K THEN TIMESTAMP TO TOP TRAILING TRUE TRUNCATECOLUMNS UNION UNIQUE UNNEST UNPIVOT USER
USING VERBOSE WALLET WHEN WHERE WITH WITHOUT
""".split())

# - Snowflake SQL reference, "Reserved & limited keywords",
#   https://docs.snowflake.com/en/sql-reference/reserved-keywords: the words reserved by ANSI or by
#   Snowflake are refused anywhere. Limited keywords are refused only where the page says:
#   "cannot be used as table name or alias in a FROM clause" (a table name), "cannot be used
#   as column name" / "as a column name in CREATE TABLE DDL" / "as column reference in a
#   scalar expression" (a column name). Those limited only in SHOW commands (ACCOUNT,
#   CONNECTION, DATABASE, GSCLUSTER, ISSUE, ORGANIZATION, SCHEMA, VIEW) are accepted by CREATE
#   TABLE and so are not listed: GET_DDL writes `create or replace TABLE ACCOUNT (...)`.
SNOWFLAKE_RESERVED = frozenset("""
ALL ALTER AND ANY AS BETWEEN BY CHECK COLUMN CONNECT CREATE CURRENT DELETE DISTINCT DROP ELSE
EXISTS FOLLOWING FOR FROM GRANT GROUP HAVING ILIKE IN INCREMENT INSERT INTERSECT INTO IS LIKE
MINUS NOT NULL OF ON OR ORDER QUALIFY REGEXP REVOKE RLIKE ROW ROWS SAMPLE SELECT SET SOME START
TABLE TABLESAMPLE THEN TO TRIGGER UNION UNIQUE UPDATE VALUES WHENEVER WHERE WINDOW WITH
""".split())
SNOWFLAKE_NOT_TABLE = frozenset("CROSS FULL INNER JOIN LATERAL LEFT NATURAL RIGHT USING".split())
SNOWFLAKE_NOT_COLUMN = frozenset("""
CONSTRAINT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER LOCALTIME LOCALTIMESTAMP
CASE CAST FALSE TRUE TRY_CAST WHEN
""".split())

# - PostgreSQL documentation, Appendix C "SQL Key Words",
#   https://www.postgresql.org/docs/current/sql-keywords-appendix.html: the words marked "reserved" and
#   "reserved (can be function or type)" — neither can be a table or column name; the
#   non-reserved ones can.
POSTGRES_RESERVED = frozenset("""
ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC BOTH CASE CAST CHECK COLLATE COLUMN
CONSTRAINT CREATE CURRENT_CATALOG CURRENT_DATE CURRENT_ROLE CURRENT_TIME CURRENT_TIMESTAMP
CURRENT_USER DEFAULT DEFERRABLE DESC DISTINCT DO ELSE END EXCEPT FALSE FETCH FOR FOREIGN FROM
GRANT GROUP HAVING IN INITIALLY INTERSECT INTO LATERAL LEADING LIMIT LOCALTIME LOCALTIMESTAMP
NOT NULL OFFSET ON ONLY OR ORDER PLACING PRIMARY REFERENCES RETURNING SELECT SESSION_USER SOME
SYMMETRIC SYSTEM_USER TABLE THEN TO TRAILING TRUE UNION UNIQUE USER USING VARIADIC WHEN WHERE
WINDOW WITH
AUTHORIZATION BINARY COLLATION CONCURRENTLY CROSS CURRENT_SCHEMA FREEZE FULL ILIKE INNER IS
ISNULL JOIN LEFT LIKE NATURAL NOTNULL OUTER OVERLAPS RIGHT SIMILAR TABLESAMPLE VERBOSE
""".split())

_NONE: frozenset[str] = frozenset()
# dialect: (warehouse, reserved everywhere, refused as a table name, refused as a column name)
RESERVED_BY_DIALECT = {
    "redshift": ("Redshift", REDSHIFT_RESERVED, _NONE, _NONE),
    "snowflake": ("Snowflake", SNOWFLAKE_RESERVED, SNOWFLAKE_NOT_TABLE, SNOWFLAKE_NOT_COLUMN),
    "postgres": ("PostgreSQL", POSTGRES_RESERVED, _NONE, _NONE),
}


def reserved_in(word: str, dialect: str | None, kind: str = "column") -> list[str]:
    """The warehouses that refuse `word` as an unquoted `kind` ("table" or "column") name in
    CREATE TABLE (Redshift and Snowflake when no dialect is set)."""
    upper = word.upper()
    dialects = [dialect] if dialect in RESERVED_BY_DIALECT else ["redshift", "snowflake"]
    found = []
    for d in dialects:
        warehouse, reserved, not_table, not_column = RESERVED_BY_DIALECT[d]
        if upper in reserved or upper in (not_table if kind == "table" else not_column):
            found.append(warehouse)
    return found


def quoted_name_problem(name: str) -> str | None:
    """Why a quoted name cannot be used, or None. Table names become folder names in object
    keys (`.../<run_id>/<table>/part-00000.parquet`), so a name must be one safe key segment:
    not empty, not '.' or '..', no '/', '\\' or control character, no leading or trailing
    whitespace. Column names follow the same rule."""
    if not name.strip():
        return f"quoted identifier {name!r} is empty or only whitespace"
    if name in (".", ".."):
        return (f"quoted identifier {name!r} is refused: '.' and '..' are not usable as "
                "folder names in the run's output")
    if QUOTED_FORBIDDEN.search(name):
        return (f"quoted identifier {name!r} contains a control character, '/' or '\\', "
                "which cannot be part of a folder name in the run's output")
    if name != name.strip():
        return f"quoted identifier {name!r} starts or ends with whitespace"
    return None


def identifier_problem(name: str, quoted: bool, dialect: str | None,
                       kind: str = "column") -> tuple[str, str] | None:
    """(rule, message) when `name` is not a usable `kind` ("table" or "column") name."""
    if quoted:
        problem = quoted_name_problem(name)
        return ("identifier", problem) if problem else None
    if not IDENTIFIER.match(name):
        return ("identifier", f"{name!r} is not a valid identifier: use letters, digits and "
                "underscores, starting with a letter or underscore (or quote it in DDL)")
    warehouses = reserved_in(name, dialect, kind)
    if warehouses:
        return ("reserved_word", f"{name!r} is a reserved word in {' and '.join(warehouses)}, "
                f"refused as an unquoted {kind} name; rename it, quote it in the DDL, or set "
                "\"quoted\": true to keep it as a quoted identifier")
    return None


def experiment_name_problem(name: str) -> str | None:
    if EXPERIMENT_NAME.match(name):
        return None
    return (f"experiment name {name!r} must start with a letter and contain only letters, "
            "digits, '_' and '-' (at most 64 characters)")


def fold(name: str, quoted: bool) -> str:
    """The key two identifiers collide on: unquoted names are case-insensitive."""
    return name if quoted else name.lower()
