"""SQLite metadata store: the embedded default. Each call opens its own connection, so the
store is safe across threads and processes; writes run in IMMEDIATE transactions."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from dwsim.errors import AlreadyExists, NotFound
from dwsim.schema.model import Experiment
from dwsim.store.base import ExperimentSummary, MetadataStore, StoredExperiment, now_iso

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
"""


class SQLiteStore(MetadataStore):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

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
        created_at = now_iso()
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO experiments (name, description, dialect, tables, total_rows, "
                    "created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (experiment.name, experiment.description, experiment.dialect,
                     len(experiment.tables), experiment.total_rows, created_at,
                     experiment.model_dump_json()),
                )
        except sqlite3.IntegrityError:
            raise AlreadyExists(f"experiment '{experiment.name}' already exists") from None
        return StoredExperiment(experiment, created_at)

    def get_experiment(self, name: str) -> StoredExperiment:
        with self._connect() as db:
            row = db.execute("SELECT body, created_at FROM experiments WHERE name = ?",
                             (name,)).fetchone()
        if row is None:
            raise NotFound(f"experiment '{name}' not found")
        return StoredExperiment(Experiment.model_validate_json(row[0]), row[1])

    def list_experiments(self) -> list[ExperimentSummary]:
        with self._connect() as db:
            rows = db.execute("SELECT name, description, dialect, tables, total_rows, created_at "
                              "FROM experiments ORDER BY name").fetchall()
        return [ExperimentSummary(*row) for row in rows]

    def delete_experiment(self, name: str) -> None:
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM experiments WHERE name = ?", (name,)).rowcount
        if not deleted:
            raise NotFound(f"experiment '{name}' not found")
