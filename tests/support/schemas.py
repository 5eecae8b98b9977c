"""Schemas the engine tests share: every type, every key shape, and the TPC-H DDL."""

from __future__ import annotations

from pathlib import Path

from dwsim.experiments import interpret_sql
from dwsim.schema.validate import prepare

ROOT = Path(__file__).resolve().parents[2]


def kitchen_sink(rows: int = 5000) -> dict:
    return {
        "name": "sink",
        "tables": [
            {"name": "parents", "target_rows": 300, "primary_key": ["region", "code"],
             "columns": [
                 {"name": "region", "data_type": "SMALLINT", "min_value": 1, "max_value": 20},
                 {"name": "code", "data_type": "CHAR", "varchar_length": 2},
                 {"name": "label", "data_type": "VARCHAR", "varchar_length": 30, "faker_rule": "company"},
             ]},
            {"name": "items", "target_rows": rows, "primary_key": ["id"],
             "unique": [["ticket", "seat"]],
             "foreign_keys": [
                 {"columns": ["parent_region", "parent_code"], "ref_table": "parents",
                  "ref_columns": ["region", "code"]},
                 {"columns": ["manager_id"], "ref_table": "items", "ref_columns": ["id"],
                  "distribution": "zipf"},
             ],
             "columns": [
                 {"name": "id", "data_type": "BIGINT"},
                 {"name": "email", "data_type": "VARCHAR", "varchar_length": 60, "faker_rule": "email",
                  "is_unique": True, "required": True},
                 {"name": "sku", "data_type": "VARCHAR", "varchar_length": 10, "is_unique": True},
                 {"name": "ticket", "data_type": "INT", "min_value": 1, "max_value": 100},
                 {"name": "seat", "data_type": "DATE", "date_start": "2024-01-01", "date_end": "2024-12-31"},
                 {"name": "parent_region", "data_type": "SMALLINT", "required": True},
                 {"name": "parent_code", "data_type": "CHAR", "varchar_length": 2, "required": True},
                 {"name": "manager_id", "data_type": "BIGINT", "null_ratio": 0.25},
                 {"name": "amount", "data_type": "DECIMAL", "precision": 12, "scale": 2,
                  "min_value": 0, "max_value": 10000, "required": True},
                 {"name": "ratio", "data_type": "REAL", "min_value": -1, "max_value": 1},
                 {"name": "score", "data_type": "DOUBLE", "min_value": 5, "max_value": 5},
                 {"name": "small", "data_type": "SMALLINT", "min_value": -3, "max_value": 3},
                 {"name": "created_at", "data_type": "TIMESTAMP", "date_start": "2023-01-01T00:00:00",
                  "date_end": "2023-01-31T23:59:59", "required": True},
                 {"name": "updated_at", "data_type": "TIMESTAMPTZ", "date_start": "2024-06-01",
                  "date_end": "2024-06-30"},
                 {"name": "wake_up", "data_type": "TIME"},
                 {"name": "born", "data_type": "DATE", "date_start": "1990-05-05", "date_end": "1990-05-05"},
                 {"name": "active", "data_type": "BOOLEAN", "required": True},
                 {"name": "status", "data_type": "VARCHAR", "varchar_length": 10,
                  "values": ["new", "paid", "shipped"], "weights": [1, 2, 7], "null_ratio": 0},
                 {"name": "note", "data_type": "VARCHAR", "varchar_length": 20, "null_ratio": 0.2},
                 {"name": "city", "data_type": "VARCHAR", "varchar_length": 8, "faker_rule": "city"},
                 {"name": "token", "data_type": "BINARY", "varchar_length": 12, "is_unique": True},
                 {"name": "payload", "data_type": "JSON"},
                 {"name": "guid", "data_type": "CHAR", "varchar_length": 36, "faker_rule": "uuid4",
                  "is_unique": True},
             ]},
            {"name": "singleton", "target_rows": 1,
             "columns": [{"name": "lone", "data_type": "INT", "min_value": 7, "max_value": 7,
                          "is_unique": True}]},
            {"name": "exact", "target_rows": 36,
             "columns": [{"name": "letter", "data_type": "CHAR", "varchar_length": 1, "is_unique": True,
                          "required": True}]},
        ],
    }


def sink_experiment(rows: int = 5000):
    return prepare(kitchen_sink(rows))


TPCH_ROWS = {"region": 5, "nation": 25, "supplier": 100, "customer": 1500, "part": 2000,
             "partsupp": 8000, "orders": 15000, "lineitem": 60000}


def tpch_experiment(rows: dict | None = None):
    sql = (ROOT / "examples" / "tpch_redshift.sql").read_bytes()
    return interpret_sql(sql, "tpch", "redshift", rows or TPCH_ROWS)
