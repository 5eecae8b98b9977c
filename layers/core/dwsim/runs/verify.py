"""Read a finished run's Parquet back and prove its integrity: exact counts, no duplicate
keys, no orphan foreign keys. Used by `make demo` and `dw-sim runs verify`."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq

from dwsim.engine.arrow_types import arrow_schema
from dwsim.metadata.records import RunRecord
from dwsim.objects.base import ObjectStore
from dwsim.runs.layout import run_prefix
from dwsim.schema.keys import declared_keys
from dwsim.schema.model import Experiment, Table


@dataclass
class Check:
    table: str
    kind: str  # rows | key | foreign_key
    columns: list[str]
    failures: int
    detail: str

    def to_dict(self) -> dict:
        return {"table": self.table, "kind": self.kind, "columns": self.columns,
                "failures": self.failures, "detail": self.detail}


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.failures == 0 for c in self.checks)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "checks": [c.to_dict() for c in self.checks]}


def _read(objects: ObjectStore, prefix: str, table: Table, columns: list[str]) -> pa.Table:
    keys = [k for k in objects.list(f"{prefix}/{table.name}/") if k.endswith(".parquet")]
    parts = [pq.read_table(io.BytesIO(objects.get(k)), columns=columns) for k in keys]
    if parts:
        return pa.concat_tables(parts)
    schema = arrow_schema(table)
    return schema.empty_table().select(columns)


def _needed_columns(experiment: Experiment) -> dict[str, list[str]]:
    """Per table, every column a check reads, so each table's parts are read once."""
    needed: dict[str, dict[str, None]] = {t.name: {t.columns[0].name: None} for t in experiment.tables}
    for table in experiment.tables:
        for _, columns in declared_keys(table):
            needed[table.name].update(dict.fromkeys(columns))
        for fk in table.foreign_keys:
            needed[table.name].update(dict.fromkeys(fk.columns))
            needed[fk.ref_table].update(dict.fromkeys(fk.ref_columns))
    return {name: list(columns) for name, columns in needed.items()}


def verify_run(objects: ObjectStore, experiment: Experiment, run: RunRecord) -> Report:
    prefix = run_prefix(run.experiment, run.run_id)
    data = {name: _read(objects, prefix, experiment.table(name), columns)
            for name, columns in _needed_columns(experiment).items()}
    report = Report()
    for table in experiment.tables:
        expected = run.requested_rows.get(table.name, table.target_rows)
        rows = data[table.name].num_rows
        report.checks.append(Check(table.name, "rows", [], abs(rows - expected),
                                   f"{rows:,} rows read, {expected:,} requested"))
        for kind, columns in declared_keys(table):
            keys = data[table.name].select(list(columns))
            # NULLs never collide in SQL keys; count distinct over complete tuples only.
            for name in columns:
                keys = keys.filter(keys[name].is_valid())
            duplicates = keys.num_rows - keys.group_by(list(columns)).aggregate([]).num_rows
            report.checks.append(Check(table.name, "key", list(columns), duplicates,
                                       f"{kind} key: {duplicates:,} duplicate(s)"))
        for fk in table.foreign_keys:
            child = data[table.name].select(list(fk.columns))
            for name in fk.columns:
                child = child.filter(child[name].is_valid())
            parent = data[fk.ref_table].select(list(fk.ref_columns))
            parent = parent.rename_columns(list(fk.columns))
            parent = parent.cast(child.schema) if parent.schema != child.schema else parent
            orphans = child.join(parent, keys=list(fk.columns), join_type="left anti").num_rows
            report.checks.append(Check(table.name, "foreign_key", list(fk.columns), orphans,
                                       f"→ {fk.ref_table}: {orphans:,} orphan(s) of "
                                       f"{child.num_rows:,} values"))
    return report
