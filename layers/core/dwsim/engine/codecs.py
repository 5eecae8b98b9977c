"""The Parquet compression codecs a run may ask for, without importing pyarrow: the API
validates them on every generate request, and its cold start stays free of the engine."""

from __future__ import annotations

COMPRESSIONS = ("snappy", "zstd", "gzip", "none")
