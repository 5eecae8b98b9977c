"""Parquet parts: one Arrow table in, one self-contained Parquet file out."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSIONS = ("snappy", "zstd", "gzip", "none")


def to_parquet(table: pa.Table, compression: str = "snappy") -> bytes:
    sink = pa.BufferOutputStream()
    # Pool-sampled text arrives dictionary-encoded; without the stored Arrow schema every
    # reader (and the warehouse) sees plain strings, as the table's schema says.
    pq.write_table(table, sink, compression=None if compression == "none" else compression,
                   use_dictionary=True, write_statistics=True, store_schema=False)
    return sink.getvalue().to_pybytes()


def row_count(source) -> int:
    """Rows recorded in a Parquet footer (reads only the footer of a ranged file)."""
    return pq.read_metadata(source).num_rows
