"""Where a run's objects live in the object store (a local folder or the S3 bucket):

experiments/<experiment>/runs/<run_id>/
    _plan/experiment.json      the experiment exactly as the run generates it
    _plan/batches.json         the batch list (the Distributed Map's ItemReader reads it)
    <table>/part-NNNNN.parquet one part per batch, at a fixed key (retries overwrite it)
    _errors/batch-N.json       a failed batch's error and traceback
    _manifests/<table>.manifest, load.sql, _SUCCESS   written by finalize
    traceback.txt              a failed run's whole traceback, when the record keeps only its
                               head and tail
"""

from __future__ import annotations


def experiment_prefix(experiment: str) -> str:
    return f"experiments/{experiment}/"


def run_prefix(experiment: str, run_id: str) -> str:
    return f"experiments/{experiment}/runs/{run_id}"


def snapshot_key(prefix: str) -> str:
    return f"{prefix}/_plan/experiment.json"


def batches_key(prefix: str) -> str:
    return f"{prefix}/_plan/batches.json"


def part_key(prefix: str, table: str, part: int) -> str:
    return f"{prefix}/{table}/part-{part:05d}.parquet"


def error_key(prefix: str, batch: int | str) -> str:
    return f"{prefix}/_errors/batch-{batch}.json"


def errors_prefix(prefix: str) -> str:
    return f"{prefix}/_errors/"


def manifest_key(prefix: str, table: str) -> str:
    return f"{prefix}/_manifests/{table}.manifest"


def traceback_key(prefix: str) -> str:
    return f"{prefix}/traceback.txt"
