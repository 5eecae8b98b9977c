"""Identifier rules: what a table, column or experiment may be called."""

from __future__ import annotations

import re

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXPERIMENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Quoted identifiers keep any printable text except what would break an output path.
QUOTED_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f/\\]")

# Words reserved by the warehouse; an unquoted identifier spelled like one fails to load.
REDSHIFT_RESERVED = frozenset("""
AES128 AES256 ALL ALLOWOVERWRITE ANALYSE ANALYZE AND ANY ARRAY AS ASC AUTHORIZATION AZ64
BACKUP BETWEEN BINARY BLANKSASNULL BOTH BYTEDICT BZIP2 CASE CAST CHECK COLLATE COLUMN
CONSTRAINT CREATE CREDENTIALS CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER
CURRENT_USER_ID DEFAULT DEFERRABLE DEFLATE DEFRAG DELTA DELTA32K DESC DISABLE DISTINCT DO ELSE
EMPTYASNULL ENABLE ENCODE ENCRYPT ENCRYPTION END EXCEPT EXPLICIT FALSE FOR FOREIGN FREEZE FROM
FULL GLOBALDICT256 GLOBALDICT64K GRANT GROUP GZIP HAVING IDENTITY IGNORE ILIKE IN INITIALLY
INNER INTERSECT INTERVAL INTO IS ISNULL JOIN LANGUAGE LEADING LEFT LIKE LIMIT LOCALTIME
LOCALTIMESTAMP LUN LUNS LZO LZOP MINUS MOSTLY16 MOSTLY32 MOSTLY8 NATURAL NEW NOT NOTNULL NULL
NULLS OFF OFFLINE OFFSET OID OLD ON ONLY OPEN OR ORDER OUTER OVERLAPS PARALLEL PARTITION PERCENT
PERMISSIONS PIVOT PLACING PRIMARY RAW READRATIO RECOVER REFERENCES REJECTLOG RESORT RESPECT
RESTORE RIGHT SELECT SESSION_USER SIMILAR SNAPSHOT SOME SYSDATE SYSTEM TABLE TAG TDES TEXT255
TEXT32K THEN TIMESTAMP TO TOP TRAILING TRUE TRUNCATECOLUMNS UNION UNIQUE UNNEST UNPIVOT USER
USING VERBOSE WALLET WHEN WHERE WITH WITHOUT
""".split())

SNOWFLAKE_RESERVED = frozenset("""
ACCOUNT ALL ALTER AND ANY AS BETWEEN BY CASE CAST CHECK COLUMN CONNECT CONNECTION CONSTRAINT
CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATABASE DELETE
DISTINCT DROP ELSE EXISTS FALSE FOLLOWING FOR FROM FULL GRANT GROUP GSCLUSTER HAVING ILIKE IN
INCREMENT INNER INSERT INTERSECT INTO IS ISSUE JOIN LATERAL LEFT LIKE LOCALTIME LOCALTIMESTAMP
MINUS NATURAL NOT NULL OF ON OR ORDER ORGANIZATION QUALIFY REGEXP REVOKE RIGHT RLIKE ROW ROWS
SAMPLE SCHEMA SELECT SET SOME START TABLE TABLESAMPLE THEN TO TRIGGER TRUE TRY_CAST UNION UNIQUE
UPDATE USING VALUES VIEW WHEN WHENEVER WHERE WITH
""".split())

POSTGRES_RESERVED = frozenset("""
ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC BOTH CASE CAST CHECK COLLATE COLUMN
CONSTRAINT CREATE CURRENT_CATALOG CURRENT_DATE CURRENT_ROLE CURRENT_TIME CURRENT_TIMESTAMP
CURRENT_USER DEFAULT DEFERRABLE DESC DISTINCT DO ELSE END EXCEPT FALSE FETCH FOR FOREIGN FROM
GRANT GROUP HAVING IN INITIALLY INTERSECT INTO LATERAL LEADING LIMIT LOCALTIME LOCALTIMESTAMP
NOT NULL OFFSET ON ONLY OR ORDER PLACING PRIMARY REFERENCES RETURNING SELECT SESSION_USER SOME
SYMMETRIC TABLE THEN TO TRAILING TRUE UNION UNIQUE USER USING VARIADIC WHEN WHERE WINDOW WITH
""".split())

RESERVED_BY_DIALECT = {
    "redshift": ("Redshift", REDSHIFT_RESERVED),
    "snowflake": ("Snowflake", SNOWFLAKE_RESERVED),
    "postgres": ("PostgreSQL", POSTGRES_RESERVED),
}


def reserved_in(word: str, dialect: str | None) -> list[str]:
    """The warehouses in which `word` is reserved (all of them when no dialect is set)."""
    upper = word.upper()
    dialects = [dialect] if dialect in RESERVED_BY_DIALECT else ["redshift", "snowflake"]
    return [RESERVED_BY_DIALECT[d][0] for d in dialects if upper in RESERVED_BY_DIALECT[d][1]]


def identifier_problem(name: str, quoted: bool, dialect: str | None) -> tuple[str, str] | None:
    """(rule, message) when `name` is not a usable identifier, else None."""
    if quoted:
        if not name.strip() or QUOTED_FORBIDDEN.search(name):
            return ("identifier", f"quoted identifier {name!r} is empty or contains a control "
                    "character, '/' or '\\'")
        return None
    if not IDENTIFIER.match(name):
        return ("identifier", f"{name!r} is not a valid identifier: use letters, digits and "
                "underscores, starting with a letter or underscore (or quote it in DDL)")
    warehouses = reserved_in(name, dialect)
    if warehouses:
        return ("reserved_word", f"{name!r} is a reserved word in {' and '.join(warehouses)}; "
                "rename it, or set \"quoted\": true to keep it as a quoted identifier")
    return None


def experiment_name_problem(name: str) -> str | None:
    if EXPERIMENT_NAME.match(name):
        return None
    return (f"experiment name {name!r} must start with a letter and contain only letters, "
            "digits, '_' and '-' (at most 64 characters)")


def fold(name: str, quoted: bool) -> str:
    """The key two identifiers collide on: unquoted names are case-insensitive."""
    return name if quoted else name.lower()
