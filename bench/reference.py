"""The reference table of the engine benchmark, as a dw-sim schema."""

from __future__ import annotations

from dwsim.schema.validate import prepare

ROWS = 1_000_000
CUSTOMERS = 100_000


def reference_experiment(rows: int = ROWS):
    return prepare({
        "name": "bench",
        "tables": [
            {"name": "customers", "target_rows": CUSTOMERS, "primary_key": ["id"],
             "columns": [{"name": "id", "data_type": "INT"}]},
            {"name": "orders", "target_rows": rows, "primary_key": ["id"],
             "foreign_keys": [{"columns": ["customer_id"], "ref_table": "customers"}],
             "columns": [
                 {"name": "id", "data_type": "BIGINT"},
                 {"name": "customer_id", "data_type": "INT", "required": True},
                 {"name": "first_name", "data_type": "VARCHAR", "varchar_length": 50, "faker_rule": "first_name"},
                 {"name": "last_name", "data_type": "VARCHAR", "varchar_length": 50, "faker_rule": "last_name"},
                 {"name": "email", "data_type": "VARCHAR", "varchar_length": 120, "faker_rule": "email",
                  "is_unique": True},
                 {"name": "city", "data_type": "VARCHAR", "varchar_length": 60, "faker_rule": "city"},
                 {"name": "amount", "data_type": "DECIMAL", "precision": 12, "scale": 2,
                  "min_value": 0, "max_value": 10000},
                 {"name": "created_at", "data_type": "TIMESTAMP", "date_start": "2020-01-01",
                  "date_end": "2025-12-31"},
                 {"name": "order_date", "data_type": "DATE"},
                 {"name": "is_active", "data_type": "BOOLEAN"},
                 {"name": "note", "data_type": "VARCHAR", "varchar_length": 200, "null_ratio": 0.2},
             ]},
        ],
    })
