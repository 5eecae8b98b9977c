"""How much work one request may ask for: every size that drives work, in one place, checked
before anything is built (counted in the raw JSON or the DDL's tokens, or computed). A refusal
names the size and the limit. README.md ("Limits") and the OpenAPI description list them.

Input sizes: the request body (`api/context.py` MAX_BODY_BYTES), the DDL text
(DDL_SIZE_LIMIT, here so that the API can state it without importing the DDL parser) and a
JSON schema file (`experiments.py` SCHEMA_SIZE_LIMIT)."""

from __future__ import annotations

DDL_SIZE_LIMIT = 10 * 1024 * 1024  # bytes of DDL text: thousands of tables
MAX_TABLES = 20_000  # tables in an experiment (a 10 MiB export holds about 8,000)
MAX_COLUMNS = 1_600  # columns in a table (Redshift's limit)
MAX_TABLE_ROWS = 10_000_000_000  # a table's row target
MAX_FOREIGN_KEYS = 100  # foreign keys of one table
MAX_UNIQUE_KEYS = 100  # unique constraints of one table (besides its primary key)
MAX_RELATIONS = MAX_COLUMNS  # same-row relations of one table (one per column at most)
MAX_VALUES = 100_000  # a column's listed values (and weights)
MAX_BATCH_ROWS = 5_000_000  # rows of one Parquet part
MAX_BATCHES = 100_000  # Parquet parts of one run, counted arithmetically
MAX_EXPERIMENT_NAME = 64  # characters
MAX_NAME = 127  # characters of a table or column name (Redshift's limit)
MAX_RUNS_PAGE = 100  # runs per page of GET .../runs


def over(count: int, limit: int, what: str) -> str | None:
    """The refusal for `count` things against `limit`, or None when within it."""
    return f"{count:,} {what}; the limit is {limit:,}" if count > limit else None
