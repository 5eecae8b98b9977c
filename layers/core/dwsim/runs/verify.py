"""Read a finished run's Parquet back and prove its integrity: exact counts, no duplicate
keys, no orphan foreign keys. Used by `make demo` and `dw-sim runs verify`."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq

from dwsim.objects.base import ObjectStore
from dwsim.runs.model import RunRecord
from dwsim.runs.workflow import run_prefix
from dwsim.schema.keys import declared_keys
from dwsim.schema.model import Experiment


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


def _read(objects: ObjectStore, prefix: str, table: str, columns: list[str]) -> pa.Table:
    keys = [k for k in objects.list(f"{prefix}/{table}/") if k.endswith(".parquet")]
    parts = [pq.read_table(io.BytesIO(objects.get(k)), columns=columns) for k in keys]
    return pa.concat_tables(parts) if parts else pa.table({c: [] for c in columns})


def verify_run(objects: ObjectStore, experiment: Experiment, run: RunRecord) -> Report:
    prefix = run_prefix(run.experiment, run.run_id)
    report = Report()
    for table in experiment.tables:
        expected = run.requested_rows.get(table.name, table.target_rows)
        first = [table.columns[0].name]
        rows = _read(objects, prefix, table.name, first).num_rows
        report.checks.append(Check(table.name, "rows", [], abs(rows - expected),
                                   f"{rows:,} rows read, {expected:,} requested"))
        for kind, columns in declared_keys(table):
            data = _read(objects, prefix, table.name, list(columns))
            # NULLs never collide in SQL keys; count distinct over complete tuples only.
            for name in columns:
                data = data.filter(data[name].is_valid())
            distinct = data.group_by(list(columns)).aggregate([]).num_rows
            report.checks.append(Check(table.name, "key", list(columns), data.num_rows - distinct,
                                       f"{kind} key: {data.num_rows - distinct:,} duplicate(s)"))
        for fk in table.foreign_keys:
            child = _read(objects, prefix, table.name, list(fk.columns))
            for name in fk.columns:
                child = child.filter(child[name].is_valid())
            parent = _read(objects, prefix, fk.ref_table, list(fk.ref_columns))
            parent = parent.rename_columns(list(fk.columns))
            parent = parent.cast(child.schema) if parent.schema != child.schema else parent
            orphans = child.join(parent, keys=list(fk.columns), join_type="left anti").num_rows
            report.checks.append(Check(table.name, "foreign_key", list(fk.columns), orphans,
                                       f"→ {fk.ref_table}: {orphans:,} orphan(s) of "
                                       f"{child.num_rows:,} values"))
    return report
