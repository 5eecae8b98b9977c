"""The three workflow steps, run unchanged by the local executor and by the AWS Lambdas.

plan     validate, split tables into batches, write the experiment snapshot and batch list
batch    generate one batch and write its part at a fixed key; count it once
finalize list the parts (sizes), read every footer in parallel and check it against the
         plan, write manifests, load.sql, _SUCCESS, mark the run COMPLETED
fail     mark the run FAILED with the error and a bounded traceback (the whole one in the
         object store), releasing the claim
"""

from __future__ import annotations

import functools
import json
from concurrent.futures import ThreadPoolExecutor

from pydantic import TypeAdapter

from dwsim.errors import DwSimError
from dwsim.metadata.records import (
    ERROR_CHARS,
    TRACEBACK_CHARS,
    RunRecord,
    RunStatus,
    TableOutput,
    shorten,
)
from dwsim.objects.base import ObjectStore
from dwsim.runs import layout
from dwsim.runs.batches import split
from dwsim.runs.payloads import Batch, BatchItem, BatchResult, PlanResult
from dwsim.runs.services import Services
from dwsim.schema.keys import construction_proof
from dwsim.schema.model import Experiment
from dwsim.schema.validate import with_table_rows

BATCH_LIST = TypeAdapter(list[BatchItem])
FOOTER_READERS = 32  # footers read at once by finalize: each is one ranged GET, mostly waiting


class RunNotActive(DwSimError):
    """The run was cancelled or finished while a step ran; the step stops quietly."""

    code = "run_not_active"
    status = 409


class InjectedFault(DwSimError):
    """Raised by the batch named in settings.fault_batch (table:part), to exercise failure paths."""

    code = "injected_fault"
    status = 500


class CountMismatch(DwSimError):
    code = "count_mismatch"
    status = 500


class IntegrityUnproven(DwSimError):
    """A declared constraint is not produced by construction: no _SUCCESS for this run."""

    code = "integrity_unproven"
    status = 500


# -- plan ---------------------------------------------------------------------------------
def plan(services: Services, experiment_name: str, run_id: str) -> PlanResult:
    run = _active_run(services, experiment_name, run_id)
    stored = services.store.get_experiment(experiment_name).experiment
    experiment = with_table_rows(stored, run.requested_rows)
    batches = split(experiment, run.batch_rows)
    prefix = layout.run_prefix(experiment_name, run_id)
    services.objects.put(layout.snapshot_key(prefix), experiment.model_dump_json().encode(),
                         "application/json")
    items = [BatchItem(experiment=experiment_name, run_id=run_id, **b.model_dump()) for b in batches]
    batches_key = layout.batches_key(prefix)
    services.objects.put(batches_key, BATCH_LIST.dump_json(items), "application/json")
    services.store.set_totals(experiment_name, run_id, len(batches), experiment.total_rows)
    return PlanResult(experiment=experiment_name, run_id=run_id, batches_total=len(batches),
                      rows_total=experiment.total_rows, batches_key=batches_key)


def planned_batches(services: Services, plan_result: PlanResult) -> list[BatchItem]:
    return BATCH_LIST.validate_json(services.objects.get(plan_result.batches_key))


def run_snapshot(services: Services, experiment_name: str, run_id: str) -> Experiment:
    """The experiment exactly as the run generated it (row targets applied)."""
    return _snapshot(services.objects, layout.snapshot_key(layout.run_prefix(experiment_name, run_id)))


@functools.lru_cache(maxsize=8)
def _snapshot(objects: ObjectStore, key: str) -> Experiment:
    return Experiment.model_validate_json(objects.get(key))


def _active_run(services: Services, experiment_name: str, run_id: str) -> RunRecord:
    run = services.store.get_run(experiment_name, run_id)
    if not run.active:
        raise RunNotActive(f"run {run_id} is {run.status.value}")
    return run


# -- batch --------------------------------------------------------------------------------
def run_batch(services: Services, experiment_name: str, run_id: str, batch: Batch) -> BatchResult:
    # The engine (NumPy, pyarrow) is imported where it works, so that the API, which imports
    # this module for fail and abort, starts without it.
    from dwsim.engine.generator import Generator
    from dwsim.engine.parquet import to_parquet

    _check_fault(services, batch)
    run = _active_run(services, experiment_name, run_id)
    prefix = layout.run_prefix(experiment_name, run_id)
    experiment = _snapshot(services.objects, layout.snapshot_key(prefix))
    table = Generator(experiment, run.seed).table(batch.table).generate(batch.start, batch.count)
    key = layout.part_key(prefix, batch.table, batch.part)
    services.objects.put(key, to_parquet(table, run.compression))
    counted = services.store.record_batch(experiment_name, run_id, batch.batch, batch.count)
    return BatchResult(batch=batch.batch, table=batch.table, rows=batch.count, key=key,
                       counted=counted)


def _check_fault(services: Services, batch: Batch) -> None:
    if services.fault_batch and services.fault_batch == f"{batch.table}:{batch.part}":
        raise InjectedFault(f"injected failure in batch {batch.part} of table {batch.table} "
                            "(DWSIM_FAULT_BATCH)")


# -- finalize -----------------------------------------------------------------------------
def finalize(services: Services, experiment_name: str, run_id: str) -> RunRecord:
    from dwsim.runs.loadsql import load_sql

    _active_run(services, experiment_name, run_id)
    objects = services.objects
    prefix = layout.run_prefix(experiment_name, run_id)
    experiment = _snapshot(objects, layout.snapshot_key(prefix))
    planned: dict[str, dict[str, int]] = {t.name: {} for t in experiment.tables}
    for b in BATCH_LIST.validate_json(objects.get(layout.batches_key(prefix))):
        planned.setdefault(b.table, {})[layout.part_key(prefix, b.table, b.part)] = b.count
    problems: list[str] = []
    sizes: dict[str, int] = {}  # every planned part that exists, with its size from the listing
    for table in experiment.tables:
        listed = {k: n for k, n in objects.sizes(f"{prefix}/{table.name}/").items()
                  if k.endswith(".parquet")}
        wanted = planned[table.name]
        missing = sorted(wanted.keys() - listed.keys())
        extra = sorted(listed.keys() - wanted.keys())
        if missing:
            problems.append(f"table {table.name}: {len(missing)} part(s) missing, e.g. {missing[0]}")
        if extra:
            problems.append(f"table {table.name}: unexpected part(s), e.g. {extra[0]}")
        sizes.update((k, listed[k]) for k in sorted(listed.keys() & wanted.keys()))
    footer_rows = _footer_rows(objects, sizes)
    outputs: list[TableOutput] = []
    locations, manifests = {}, {}
    for table in experiment.tables:
        folder = f"{prefix}/{table.name}/"
        keys = [k for k in sorted(planned[table.name]) if k in sizes]
        for key in keys:
            if footer_rows[key] != planned[table.name][key]:
                problems.append(f"{key}: {footer_rows[key]} rows in the footer, "
                                f"{planned[table.name][key]} planned")
        rows = sum(footer_rows[k] for k in keys)
        if rows != table.target_rows:
            problems.append(f"table {table.name}: {rows:,} rows written, {table.target_rows:,} requested")
        entries = [{"url": objects.uri(k), "mandatory": True, "meta": {"content_length": sizes[k]}}
                   for k in keys]
        manifest_key = layout.manifest_key(prefix, table.name)
        objects.put(manifest_key, json.dumps({"entries": entries}, indent=1).encode(), "application/json")
        locations[table.name] = objects.uri(folder)
        manifests[table.name] = objects.uri(manifest_key)
        outputs.append(TableOutput(name=table.name, rows=rows, bytes=sum(sizes[k] for k in keys),
                                   files=[e["url"] for e in entries], file_count=len(entries),
                                   manifest=manifests[table.name]))
    if problems:
        raise CountMismatch("row counts do not match the plan: " + "; ".join(problems[:5]),
                            {"problems": problems[:100]})
    held, unproven = construction_proof(experiment)
    if unproven:  # validation refuses such schemas; a snapshot that slipped through fails here
        raise IntegrityUnproven("not every declared constraint holds by construction: "
                                + "; ".join(unproven[:5]), {"unproven": unproven})
    sql = load_sql(experiment, locations, manifests, run_id)
    objects.put(f"{prefix}/load.sql", sql.encode(), "text/plain")
    run = services.store.get_run(experiment_name, run_id)
    run.tables, run.load_sql = outputs, sql
    run.integrity = (f"exact row counts in every part's footer; {len(held)} keys and foreign "
                     "keys hold by construction")
    run.close(RunStatus.COMPLETED)
    success_key = f"{prefix}/_SUCCESS"
    objects.put(success_key, b"")
    if not services.store.finish_run(run):
        objects.delete_prefix(success_key)  # cancelled meanwhile: no success marker
        raise RunNotActive(f"run {run_id} was cancelled before it could complete")
    return run


def _footer_rows(objects: ObjectStore, sizes: dict[str, int]) -> dict[str, int]:
    """Each part's row count from its Parquet footer, read in parallel: with the size known
    from the listing, a footer is one ranged GET (no HEAD), and 10,000 of them overlap."""
    from dwsim.engine.parquet import row_count  # pyarrow: loaded only by the steps that need it

    def rows(item: tuple[str, int]) -> tuple[str, int]:
        key, size = item
        with objects.open(key, size) as file:
            return key, row_count(file)

    with ThreadPoolExecutor(max_workers=FOOTER_READERS) as pool:
        return dict(pool.map(rows, sizes.items()))


# -- fail and cancel ----------------------------------------------------------------------
def fail(services: Services, experiment_name: str, run_id: str, error: str,
         traceback: str | None = None) -> RunRecord:
    run = services.store.get_run(experiment_name, run_id)
    run.error = shorten(error, ERROR_CHARS)
    run.traceback = traceback
    if traceback is not None and len(traceback) > TRACEBACK_CHARS:
        # The record keeps head and tail (a DynamoDB item stops at 400 KB), S3 the whole text.
        if run.active:
            key = layout.traceback_key(layout.run_prefix(experiment_name, run_id))
            services.objects.put(key, traceback.encode(), "text/plain")
            run.traceback_uri = services.objects.uri(key)
        run.traceback = shorten(traceback, TRACEBACK_CHARS)
    run.close(RunStatus.FAILED)
    services.store.finish_run(run)
    return services.store.get_run(experiment_name, run_id)


def abort(services: Services, experiment_name: str, run_id: str, reason: str) -> bool:
    run = services.store.get_run(experiment_name, run_id)
    run.error = reason
    run.close(RunStatus.ABORTED)
    return services.store.finish_run(run)
