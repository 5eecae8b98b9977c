"""The metadata store interface. Both adapters pass the same contract tests."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from dwsim.metadata.records import ExperimentSummary, RunRecord, StoredExperiment
from dwsim.schema.model import Experiment


class MetadataStore(ABC):
    """Experiments (and, from the engine on, their runs and the one-active-run claim)."""

    @abstractmethod
    def create_experiment(self, experiment: Experiment) -> StoredExperiment:
        """Store a new experiment; AlreadyExists if the name is taken (nothing overwritten)."""

    @abstractmethod
    def get_experiment(self, name: str) -> StoredExperiment:
        """NotFound if there is no such experiment."""

    @abstractmethod
    def list_experiments(self) -> list[ExperimentSummary]:
        """All experiments, by name."""

    @abstractmethod
    def delete_experiment(self, name: str) -> None:
        """Remove the experiment, its runs and its claim; NotFound if absent, Conflict while a
        run is active."""

    # -- runs and the one-active-run guard ---------------------------------------------------
    @abstractmethod
    def start_run(self, run: RunRecord) -> None:
        """In one atomic write, create the run and claim its experiment. RunActive (with the
        active run's id) if another run holds the claim; NotFound if there is no experiment."""

    @abstractmethod
    def get_run(self, experiment: str, run_id: str) -> RunRecord:
        """NotFound if there is no such run."""

    @abstractmethod
    def list_runs(self, experiment: str, limit: int | None = None,
                  before: str | None = None) -> list[RunRecord]:
        """The experiment's runs, newest first, at most `limit`, only those older than the
        run id `before` (a page's last id); NotFound if there is no experiment."""

    @abstractmethod
    def last_run(self, experiment: str) -> RunRecord | None:
        """The newest run, read alone (one query with a limit of one), or None."""

    @abstractmethod
    def active_run_id(self, experiment: str) -> str | None:
        """The run holding the experiment's claim, if any."""

    @abstractmethod
    def active_runs(self) -> list[tuple[str, str]]:
        """Every claim held, as (experiment, run id), by experiment: the reconciler's list,
        read from the claims alone (no scan of experiments or runs)."""

    @abstractmethod
    def set_executor(self, experiment: str, run_id: str, executor: dict[str, Any]) -> None:
        """Record who executes a RUNNING run; this field alone, so concurrent writers (the
        API after StartExecution, the plan step) never overwrite each other."""

    @abstractmethod
    def set_totals(self, experiment: str, run_id: str, batches_total: int, rows_total: int) -> None:
        """Record a RUNNING run's planned batches and rows; these fields alone."""

    @abstractmethod
    def record_batch(self, experiment: str, run_id: str, batch: int, rows: int) -> bool:
        """Count a finished batch once, however often it is retried; False if counted before."""

    @abstractmethod
    def finish_run(self, run: RunRecord) -> bool:
        """Move a RUNNING run to run.status with its final fields and release the claim held
        by this run id. False (and nothing changed) if the run was no longer RUNNING."""
