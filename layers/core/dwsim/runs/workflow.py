"""The three workflow steps, run unchanged by the local executor and by the AWS Lambdas.

plan     validate, split tables into batches, write the experiment snapshot and batch list
batch    generate one batch and write its part at a fixed key; count it once
finalize verify every part's footer against the plan, write manifests, load.sql, _SUCCESS,
         mark the run COMPLETED
fail     mark the run FAILED with the error and traceback, releasing the claim
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from dataclasses import dataclass
from typing import Any

from dwsim.engine.generator import Generator
from dwsim.engine.parquet import row_count, to_parquet
from dwsim.errors import DwSimError
from dwsim.objects.base import ObjectStore
from dwsim.runs.loadsql import load_sql
from dwsim.runs.model import RunRecord, RunStatus, TableOutput
from dwsim.runs.plan import Batch, part_key, split
from dwsim.schema.model import Experiment
from dwsim.store.base import MetadataStore, now_iso


class RunNotActive(DwSimError):
    """The run was cancelled or finished while a step ran; the step stops quietly."""

    code = "run_not_active"
    status = 409


class InjectedFault(DwSimError):
    """Raised by a batch named in DWSIM_FAULT_BATCH (table:part), to exercise failure paths."""

    code = "injected_fault"
    status = 500


class CountMismatch(DwSimError):
    code = "count_mismatch"
    status = 500


@dataclass(frozen=True)
class Services:
    store: MetadataStore
    objects: ObjectStore


def experiment_prefix(experiment: str) -> str:
    return f"experiments/{experiment}/"


def run_prefix(experiment: str, run_id: str) -> str:
    return f"experiments/{experiment}/runs/{run_id}"


def _plan_keys(prefix: str) -> tuple[str, str]:
    return f"{prefix}/_plan/experiment.json", f"{prefix}/_plan/batches.json"


# -- plan ---------------------------------------------------------------------------------
def plan(services: Services, experiment_name: str, run_id: str) -> dict[str, Any]:
    from dwsim.experiments import with_table_rows

    run = services.store.get_run(experiment_name, run_id)
    if not run.active:
        raise RunNotActive(f"run {run_id} is {run.status.value}")
    stored = services.store.get_experiment(experiment_name).experiment
    experiment = with_table_rows(stored, run.requested_rows)
    batches = split(experiment, run.batch_rows)
    prefix = run_prefix(experiment_name, run_id)
    snapshot_key, batches_key = _plan_keys(prefix)
    services.objects.put(snapshot_key, experiment.model_dump_json().encode(), "application/json")
    services.objects.put(batches_key, json.dumps([
        {"experiment": experiment_name, "run_id": run_id, **b.to_dict()} for b in batches
    ]).encode(), "application/json")
    run.progress.batches_total = len(batches)
    run.progress.rows_total = experiment.total_rows
    services.store.update_run(run)
    return {"experiment": experiment_name, "run_id": run_id, "batches_total": len(batches),
            "rows_total": experiment.total_rows, "batches_key": batches_key}


def run_snapshot(services: Services, experiment_name: str, run_id: str) -> Experiment:
    """The experiment exactly as the run generated it (row targets applied)."""
    return _snapshot(services.objects, _plan_keys(run_prefix(experiment_name, run_id))[0])


@functools.lru_cache(maxsize=8)
def _snapshot(objects: ObjectStore, key: str) -> Experiment:
    return Experiment.model_validate_json(objects.get(key))


# -- batch --------------------------------------------------------------------------------
def run_batch(services: Services, experiment_name: str, run_id: str, batch: Batch | dict) -> dict:
    if isinstance(batch, dict):
        batch = Batch(**{k: batch[k] for k in ("batch", "table", "part", "start", "count")})
    _check_fault(batch)
    run = services.store.get_run(experiment_name, run_id)
    if not run.active:
        raise RunNotActive(f"run {run_id} is {run.status.value}")
    prefix = run_prefix(experiment_name, run_id)
    experiment = _snapshot(services.objects, _plan_keys(prefix)[0])
    table = Generator(experiment, run.seed).table(batch.table).generate(batch.start, batch.count)
    key = part_key(prefix, batch.table, batch.part)
    services.objects.put(key, to_parquet(table, run.compression))
    counted = services.store.record_batch(experiment_name, run_id, batch.batch, batch.count)
    return {"batch": batch.batch, "table": batch.table, "rows": batch.count, "key": key,
            "counted": counted}


def _check_fault(batch: Batch) -> None:
    fault = os.environ.get("DWSIM_FAULT_BATCH")
    if fault and fault == f"{batch.table}:{batch.part}":
        raise InjectedFault(f"injected failure in batch {batch.part} of table {batch.table} "
                            "(DWSIM_FAULT_BATCH)")


# -- finalize -----------------------------------------------------------------------------
def finalize(services: Services, experiment_name: str, run_id: str) -> RunRecord:
    run = services.store.get_run(experiment_name, run_id)
    if not run.active:
        raise RunNotActive(f"run {run_id} is {run.status.value}")
    objects = services.objects
    prefix = run_prefix(experiment_name, run_id)
    snapshot_key, batches_key = _plan_keys(prefix)
    experiment = _snapshot(objects, snapshot_key)
    batches = [Batch(**{k: b[k] for k in ("batch", "table", "part", "start", "count")})
               for b in json.loads(objects.get(batches_key))]
    expected = {(b.table, b.part): b.count for b in batches}
    problems: list[str] = []
    outputs: list[TableOutput] = []
    locations, manifests = {}, {}
    for table in experiment.tables:
        folder = f"{prefix}/{table.name}/"
        keys = [k for k in objects.list(folder) if k.endswith(".parquet")]
        wanted = {part_key(prefix, table.name, p): n for (t, p), n in expected.items() if t == table.name}
        missing = sorted(set(wanted) - set(keys))
        extra = sorted(set(keys) - set(wanted))
        if missing:
            problems.append(f"table {table.name}: {len(missing)} part(s) missing, e.g. {missing[0]}")
        if extra:
            problems.append(f"table {table.name}: unexpected part(s), e.g. {extra[0]}")
        rows = 0
        entries = []
        size_total = 0
        for key in sorted(set(keys) & set(wanted)):
            size = objects.size(key)
            with objects.open(key) as file:
                count = row_count(file)
            if count != wanted[key]:
                problems.append(f"{key}: {count} rows in the footer, {wanted[key]} planned")
            rows += count
            size_total += size
            entries.append({"url": objects.uri(key), "mandatory": True,
                            "meta": {"content_length": size}})
        if rows != table.target_rows:
            problems.append(f"table {table.name}: {rows:,} rows written, {table.target_rows:,} requested")
        manifest_key = f"{prefix}/_manifests/{table.name}.manifest"
        objects.put(manifest_key, json.dumps({"entries": entries}, indent=1).encode(), "application/json")
        locations[table.name] = objects.uri(folder)
        manifests[table.name] = objects.uri(manifest_key)
        outputs.append(TableOutput(name=table.name, rows=rows, bytes=size_total,
                                   files=[e["url"] for e in entries], manifest=manifests[table.name]))
    if problems:
        raise CountMismatch("row counts do not match the plan: " + "; ".join(problems[:5]),
                            {"problems": problems})
    sql = load_sql(experiment, locations, manifests, run_id)
    objects.put(f"{prefix}/load.sql", sql.encode(), "text/plain")
    run = services.store.get_run(experiment_name, run_id)
    run.tables, run.load_sql = outputs, sql
    _close(run, RunStatus.COMPLETED)
    success_key = f"{prefix}/_SUCCESS"
    objects.put(success_key, b"")
    if not services.store.finish_run(run):
        objects.delete_prefix(success_key)  # cancelled meanwhile: no success marker
        raise RunNotActive(f"run {run_id} was cancelled before it could complete")
    return run


# -- fail and cancel ----------------------------------------------------------------------
def _close(run: RunRecord, status: RunStatus) -> None:
    run.status = status
    run.finished_at = now_iso()
    started = dt.datetime.fromisoformat(run.started_at.replace("Z", "+00:00"))
    finished = dt.datetime.fromisoformat(run.finished_at.replace("Z", "+00:00"))
    run.duration_seconds = round((finished - started).total_seconds(), 3)


def fail(services: Services, experiment_name: str, run_id: str, error: str,
         traceback: str | None = None) -> RunRecord:
    run = services.store.get_run(experiment_name, run_id)
    run.error, run.traceback = error, traceback
    _close(run, RunStatus.FAILED)
    services.store.finish_run(run)
    return services.store.get_run(experiment_name, run_id)


def abort(services: Services, experiment_name: str, run_id: str, reason: str) -> bool:
    run = services.store.get_run(experiment_name, run_id)
    run.error = reason
    _close(run, RunStatus.ABORTED)
    return services.store.finish_run(run)
