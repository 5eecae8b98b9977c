"""Parquet parts: one Arrow table in, one self-contained Parquet file out."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSIONS = ("snappy", "zstd", "gzip", "none")


def to_parquet(table: pa.Table, compression: str = "snappy") -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=None if compression == "none" else compression,
                   use_dictionary=True, write_statistics=True)
    return sink.getvalue().to_pybytes()


def row_count(source) -> int:
    """Rows recorded in a Parquet footer (reads only the footer of a ranged file)."""
    return pq.read_metadata(source).num_rows
