"""SQLite metadata store: the embedded default. Each call opens its own connection, so the
store is safe across threads and processes; writes run in IMMEDIATE transactions."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dwsim.errors import AlreadyExists, Conflict, NotFound, RunActive
from dwsim.metadata.base import MetadataStore
from dwsim.metadata.records import (
    ExperimentSummary,
    RunRecord,
    RunStatus,
    StoredExperiment,
    timestamp_text,
    utc_now,
)
from dwsim.schema.model import Experiment

SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    name        TEXT PRIMARY KEY,
    description TEXT,
    dialect     TEXT,
    tables      INTEGER NOT NULL,
    total_rows  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    experiment   TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    status       TEXT NOT NULL,
    body         TEXT NOT NULL,
    batches_done INTEGER NOT NULL DEFAULT 0,
    rows_done    INTEGER NOT NULL DEFAULT 0,
    executor     TEXT,
    batches_total INTEGER,
    rows_total   INTEGER,
    PRIMARY KEY (experiment, run_id)
);
CREATE TABLE IF NOT EXISTS run_batches (
    experiment TEXT NOT NULL,
    run_id     TEXT NOT NULL,
    batch      INTEGER NOT NULL,
    PRIMARY KEY (experiment, run_id, batch)
);
CREATE TABLE IF NOT EXISTS claims (
    experiment TEXT PRIMARY KEY,
    run_id     TEXT NOT NULL
);
"""


class SQLiteStore(MetadataStore):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            _add_missing_columns(db)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=30000")
        try:
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def create_experiment(self, experiment: Experiment) -> StoredExperiment:
        created_at = utc_now()
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO experiments (name, description, dialect, tables, total_rows, "
                    "created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (experiment.name, experiment.description, experiment.dialect,
                     len(experiment.tables), experiment.total_rows, timestamp_text(created_at),
                     experiment.model_dump_json()),
                )
        except sqlite3.IntegrityError:
            raise AlreadyExists(f"experiment '{experiment.name}' already exists") from None
        return StoredExperiment(experiment=experiment, created_at=created_at)

    def get_experiment(self, name: str) -> StoredExperiment:
        with self._connect() as db:
            row = db.execute("SELECT body, created_at FROM experiments WHERE name = ?",
                             (name,)).fetchone()
        if row is None:
            raise NotFound(f"experiment '{name}' not found")
        return StoredExperiment(experiment=Experiment.model_validate_json(row[0]), created_at=row[1])

    def list_experiments(self) -> list[ExperimentSummary]:
        with self._connect() as db:
            rows = db.execute("SELECT name, description, dialect, tables, total_rows, created_at "
                              "FROM experiments ORDER BY name").fetchall()
        fields = ("name", "description", "dialect", "tables", "total_rows", "created_at")
        return [ExperimentSummary(**dict(zip(fields, row, strict=True))) for row in rows]

    def delete_experiment(self, name: str) -> None:
        with self._transaction() as db:
            claim = db.execute("SELECT run_id FROM claims WHERE experiment = ?", (name,)).fetchone()
            if claim is not None:
                raise Conflict(f"experiment '{name}' has an active run {claim[0]}; cancel it first",
                               {"active_run_id": claim[0]})
            deleted = db.execute("DELETE FROM experiments WHERE name = ?", (name,)).rowcount
            if not deleted:
                raise NotFound(f"experiment '{name}' not found")
            for table in ("runs", "run_batches"):
                db.execute(f"DELETE FROM {table} WHERE experiment = ?", (name,))

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, run: RunRecord) -> None:
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM experiments WHERE name = ?", (run.experiment,)).fetchone():
                raise NotFound(f"experiment '{run.experiment}' not found")
            claim = db.execute("SELECT run_id FROM claims WHERE experiment = ?",
                               (run.experiment,)).fetchone()
            if claim is not None:
                raise RunActive.for_run(run.experiment, claim[0])
            db.execute("INSERT INTO claims (experiment, run_id) VALUES (?, ?)",
                       (run.experiment, run.run_id))
            db.execute("INSERT INTO runs (experiment, run_id, status, body) VALUES (?, ?, ?, ?)",
                       (run.experiment, run.run_id, run.status.value, _body(run)))

    def _run_from(self, row) -> RunRecord:
        run = RunRecord.model_validate_json(row[0])
        run.progress.batches_done, run.progress.rows_done = row[1], row[2]
        if row[3] is not None:
            run.executor = json.loads(row[3])
        if row[4] is not None:
            run.progress.batches_total, run.progress.rows_total = row[4], row[5]
        return run

    def get_run(self, experiment: str, run_id: str) -> RunRecord:
        with self._connect() as db:
            row = db.execute("SELECT body, batches_done, rows_done, executor, batches_total, rows_total FROM runs WHERE experiment = ? "
                             "AND run_id = ?", (experiment, run_id)).fetchone()
        if row is None:
            raise NotFound(f"run '{run_id}' of experiment '{experiment}' not found")
        return self._run_from(row)

    def list_runs(self, experiment: str, limit: int | None = None,
                  before: str | None = None) -> list[RunRecord]:
        with self._connect() as db:
            if not db.execute("SELECT 1 FROM experiments WHERE name = ?", (experiment,)).fetchone():
                raise NotFound(f"experiment '{experiment}' not found")
            older = " AND run_id < ?" if before else ""
            rows = db.execute("SELECT body, batches_done, rows_done, executor, batches_total, "
                              f"rows_total FROM runs WHERE experiment = ?{older} "
                              "ORDER BY run_id DESC LIMIT ?",
                              (experiment, *([before] if before else []),
                               -1 if limit is None else limit)).fetchall()
        return [self._run_from(row) for row in rows]

    def last_run(self, experiment: str) -> RunRecord | None:
        with self._connect() as db:
            row = db.execute("SELECT body, batches_done, rows_done, executor, batches_total, "
                             "rows_total FROM runs WHERE experiment = ? ORDER BY run_id DESC "
                             "LIMIT 1", (experiment,)).fetchone()
        return self._run_from(row) if row else None

    def active_run_id(self, experiment: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT run_id FROM claims WHERE experiment = ?", (experiment,)).fetchone()
        return row[0] if row else None

    def active_runs(self) -> list[tuple[str, str]]:
        with self._connect() as db:
            rows = db.execute("SELECT experiment, run_id FROM claims ORDER BY experiment").fetchall()
        return [(row[0], row[1]) for row in rows]

    def set_executor(self, experiment: str, run_id: str, executor: dict[str, Any]) -> None:
        self._set(experiment, run_id, "executor = ?", (json.dumps(executor),))

    def set_totals(self, experiment: str, run_id: str, batches_total: int, rows_total: int) -> None:
        self._set(experiment, run_id, "batches_total = ?, rows_total = ?", (batches_total, rows_total))

    def _set(self, experiment: str, run_id: str, assignments: str, values: tuple) -> None:
        with self._transaction() as db:
            db.execute(f"UPDATE runs SET {assignments} WHERE experiment = ? AND run_id = ? "
                       "AND status = ?", (*values, experiment, run_id, RunStatus.RUNNING.value))

    def record_batch(self, experiment: str, run_id: str, batch: int, rows: int) -> bool:
        with self._transaction() as db:
            added = db.execute("INSERT OR IGNORE INTO run_batches (experiment, run_id, batch) "
                               "VALUES (?, ?, ?)", (experiment, run_id, batch)).rowcount
            if added:
                db.execute("UPDATE runs SET batches_done = batches_done + 1, rows_done = rows_done + ? "
                           "WHERE experiment = ? AND run_id = ?", (rows, experiment, run_id))
        return bool(added)

    def finish_run(self, run: RunRecord) -> bool:
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE runs SET status = ?, body = ? WHERE experiment = ? AND run_id = ? AND status = ?",
                (run.status.value, _body(run), run.experiment, run.run_id, RunStatus.RUNNING.value),
            ).rowcount
            db.execute("DELETE FROM claims WHERE experiment = ? AND run_id = ?",
                       (run.experiment, run.run_id))
        return bool(changed)


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Stores made before the field-level run columns existed get them."""
    present = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for column, kind in (("executor", "TEXT"), ("batches_total", "INTEGER"),
                         ("rows_total", "INTEGER")):
        if column not in present:
            db.execute(f"ALTER TABLE runs ADD COLUMN {column} {kind}")


def _body(run: RunRecord) -> str:
    return run.stored_json()
