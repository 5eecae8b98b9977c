"""Parquet parts: one Arrow table in, one self-contained Parquet file out."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from dwsim.engine.codecs import COMPRESSIONS  # noqa: F401 - where callers find it


def to_parquet(table: pa.Table, compression: str = "snappy") -> bytes:
    sink = pa.BufferOutputStream()
    # Pool-sampled text arrives dictionary-encoded and is written with its dictionary; other
    # columns are mostly distinct, where trying a dictionary only costs time. Min/max
    # statistics are kept for numbers and dates (pruning), not for text, where they cost a
    # third of the write and warehouses' COPY does not read them. Without the stored Arrow
    # schema every reader (and the warehouse) sees plain strings, as the table's schema says.
    fields = table.schema
    dictionary = [f.name for f in fields if pa.types.is_dictionary(f.type)]
    statistics = [f.name for f in fields if not (pa.types.is_dictionary(f.type)
                                                 or pa.types.is_string(f.type)
                                                 or pa.types.is_binary(f.type))]
    pq.write_table(table, sink, compression=None if compression == "none" else compression,
                   use_dictionary=dictionary, write_statistics=statistics or False,
                   store_schema=False)
    return sink.getvalue().to_pybytes()


def row_count(source) -> int:
    """Rows recorded in a Parquet footer (reads only the footer of a ranged file)."""
    return pq.read_metadata(source).num_rows
