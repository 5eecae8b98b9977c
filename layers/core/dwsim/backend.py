"""What the CLI does, behind one interface with two implementations: on the embedded store
(`LocalBackend`, here) or through the HTTP API of a deployed stack or `dw-sim serve`
(`dwsim.remote.RemoteBackend`). Every method returns what the CLI prints under --json, so
the output is the same whichever one runs, and domain errors are raised as the same classes."""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dwsim.download import CHUNK_BYTES, RunFile, summary, table_of, write_file
from dwsim.errors import InvalidInput
from dwsim.objects.base import ObjectStore
from dwsim.objects.local import LocalObjectStore
from dwsim.runs.files import with_files
from dwsim.runs.layout import run_prefix, snapshot_key
from dwsim.runs.services import Services
from dwsim.settings import Settings

Json = dict[str, Any]
OnProgress = Callable[[Json], None]


class Backend(ABC):
    @abstractmethod
    def list_experiments(self) -> list[Json]: ...

    @abstractmethod
    def create_experiment(self, raw: Any) -> Json:
        """Validate and store a JSON schema (already parsed); the canonical experiment."""

    @abstractmethod
    def preview_schema(self, raw: Any) -> Json:
        """Validate a JSON schema as create does: canonical JSON plus samples, nothing stored."""

    @abstractmethod
    def import_sql(self, sql: bytes, name: str, dialect: str,
                   rows: int | dict[str, int] | None, description: str | None,
                   dry_run: bool) -> Json: ...

    @abstractmethod
    def show_experiment(self, name: str) -> Json:
        """The canonical experiment JSON."""

    @abstractmethod
    def delete_experiment(self, name: str) -> Json: ...

    @abstractmethod
    def generate(self, name: str, rows: dict[str, int] | None, seed: int | None,
                 batch_rows: int | None, compression: str, *, wait: bool, workers: int | None,
                 on_progress: OnProgress | None = None) -> Json:
        """Start a run; with wait, follow it to its end and return the final record."""

    @abstractmethod
    def list_runs(self, name: str) -> list[Json]:
        """Every run's full record, newest first."""

    @abstractmethod
    def show_run(self, name: str, run_id: str) -> Json: ...

    @abstractmethod
    def cancel_run(self, name: str, run_id: str) -> Json: ...

    @abstractmethod
    def run_files(self, name: str, run_id: str) -> Iterator[tuple[RunFile, Callable[[], Iterator[bytes]]]]:
        """Each of the run's files, with a way to read its bytes."""

    def recover(self, name: str, force: bool) -> Json:
        raise InvalidInput("`runs recover` works on the embedded store only: it checks whether "
                           "the run's process is alive on this machine; in AWS a run whose "
                           "execution ended is finished by the stack itself")

    def download_run(self, name: str, run_id: str, folder: Path) -> Json:
        run = self.show_run(name, run_id)
        if run["status"] == "RUNNING":
            raise InvalidInput(f"run {run_id} is RUNNING; download it once it has finished")
        files = []
        for file, read in self.run_files(name, run_id):
            write_file(folder, file, read())
            files.append(file)
        return summary(name, run_id, folder, files)

    def verify_run(self, name: str, run_id: str) -> Json:
        """Read the run's Parquet back (counts, duplicate keys, orphans): here, from a
        temporary copy of its files."""
        run = self.show_run(name, run_id)
        _must_be_completed(run)
        with tempfile.TemporaryDirectory(prefix="dwsim-verify-") as scratch:
            self.download_run(name, run_id, Path(scratch) / run_prefix(name, run_id))
            return _verify(LocalObjectStore(Path(scratch)), run)


def _must_be_completed(run: Json) -> None:
    if run["status"] != "COMPLETED":
        raise InvalidInput(f"run {run['run_id']} is {run['status']}; only a COMPLETED run can "
                           "be verified")


def _verify(objects: ObjectStore, run: Json) -> Json:
    from dwsim.metadata.records import RunRecord
    from dwsim.runs.verify import verify_run
    from dwsim.schema.model import Experiment

    prefix = run_prefix(run["experiment"], run["run_id"])
    experiment = Experiment.model_validate_json(objects.get(snapshot_key(prefix)))
    return verify_run(objects, experiment, RunRecord.model_validate(run)).to_dict()


class LocalBackend(Backend):
    """The embedded store under --home: SQLite and a local folder; runs on this machine."""

    def __init__(self, settings: Settings):
        from dwsim.composition import build_services

        self.settings = settings
        self.services: Services = build_services(settings)

    def list_experiments(self) -> list[Json]:
        return [s.model_dump(mode="json") for s in self.services.store.list_experiments()]

    def create_experiment(self, raw: Any) -> Json:
        from dwsim import experiments
        from dwsim.schema.canonical import canonical_json

        return canonical_json(experiments.create_experiment(self.services.store, raw).experiment)

    def preview_schema(self, raw: Any) -> Json:
        from dwsim import experiments

        return experiments.preview_schema(raw)

    def import_sql(self, sql: bytes, name: str, dialect: str,
                   rows: int | dict[str, int] | None, description: str | None,
                   dry_run: bool) -> Json:
        from dwsim import experiments
        from dwsim.schema.canonical import canonical_json

        experiment = experiments.interpret_sql(sql, name, dialect, rows, description)
        if dry_run:
            return experiments.preview(experiment)
        body = canonical_json(experiment)
        self.services.store.create_experiment(experiment)
        return body

    def show_experiment(self, name: str) -> Json:
        from dwsim.schema.canonical import canonical_json

        return canonical_json(self.services.store.get_experiment(name).experiment)

    def delete_experiment(self, name: str) -> Json:
        from dwsim import experiments

        removed = experiments.delete_experiment(self.services.store, self.services.objects, name)
        return {"deleted": name, "objects_removed": removed}

    def generate(self, name: str, rows: dict[str, int] | None, seed: int | None,
                 batch_rows: int | None, compression: str, *, wait: bool, workers: int | None,
                 on_progress: OnProgress | None = None) -> Json:
        from dwsim.background import spawn
        from dwsim.composition import services_factory
        from dwsim.executors.local import execute
        from dwsim.runs.lifecycle import start_run

        workers = 1 if workers is None else workers
        if workers < 1:
            raise InvalidInput(f"--workers must be at least 1, not {workers}")
        run = start_run(self.services, name, rows, seed, batch_rows, compression)
        if not wait:
            spawn(self.settings, name, run.run_id, workers)
            return run.to_json()
        final = execute(services_factory(self.settings), name, run.run_id, workers,
                        on_progress=(lambda r: on_progress(r.to_json())) if on_progress else None)
        return with_files(self.services.objects, final).to_json()

    def list_runs(self, name: str) -> list[Json]:
        return [with_files(self.services.objects, r).to_json()
                for r in self.services.store.list_runs(name)]

    def show_run(self, name: str, run_id: str) -> Json:
        return with_files(self.services.objects, self.services.store.get_run(name, run_id)).to_json()

    def cancel_run(self, name: str, run_id: str) -> Json:
        from dwsim.runs.lifecycle import cancel_run

        return cancel_run(self.services, name, run_id).to_json()

    def recover(self, name: str, force: bool) -> Json:
        from dwsim.runs.lifecycle import recover

        return recover(self.services, name, force=force)

    def run_files(self, name: str, run_id: str) -> Iterator[tuple[RunFile, Callable[[], Iterator[bytes]]]]:
        objects = self.services.objects
        prefix = run_prefix(name, run_id) + "/"
        for key, size in objects.sizes(prefix).items():
            path = key[len(prefix):]

            def read(key: str = key) -> Iterator[bytes]:
                with objects.open(key) as source:
                    while chunk := source.read(CHUNK_BYTES):
                        yield chunk

            yield RunFile(path, table_of(path), size), read

    def verify_run(self, name: str, run_id: str) -> Json:
        """In place, from the store itself."""
        run = self.show_run(name, run_id)
        _must_be_completed(run)
        return _verify(self.services.objects, run)
