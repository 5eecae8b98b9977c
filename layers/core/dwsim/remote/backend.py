"""The CLI's operations through the HTTP API (a deployed stack or `dw-sim serve`), answering
exactly what the local backend answers: the API's extra fields (created_at on a stored
experiment, an experiment's last_run) are dropped, and run lists are full records."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from dwsim.backend import Backend, Json, OnProgress
from dwsim.download import RunFile
from dwsim.errors import InvalidInput
from dwsim.remote.client import ApiClient

POLL_SECONDS = 1.0
PAGE = 100


def _q(value: str) -> str:
    return quote(value, safe="")


def _experiment(body: Json) -> Json:
    """A stored experiment as the API sends it, less its creation time."""
    return {k: v for k, v in body.items() if k != "created_at"}


class RemoteBackend(Backend):
    def __init__(self, client: ApiClient):
        self.client = client

    def list_experiments(self) -> list[Json]:
        body = self.client.call("GET", "/api/experiments")
        return [{k: v for k, v in e.items() if k != "last_run"} for e in body["experiments"]]

    def create_experiment(self, raw: Any) -> Json:
        return _experiment(self.client.call("POST", "/api/experiments", raw))

    def preview_schema(self, raw: Any) -> Json:
        return self.client.call("POST", "/api/experiments/preview", raw)

    def import_sql(self, sql: bytes, name: str, dialect: str,
                   rows: int | dict[str, int] | None, description: str | None,
                   dry_run: bool) -> Json:
        from dwsim.ddl.scan import check_text

        # Empty, binary and non-UTF-8 input is refused here as locally (JSON carries text
        # only); the size limit is the API's.
        body: Json = {"name": name, "sql": check_text(sql, sys.maxsize), "dialect": dialect,
                      "dry_run": dry_run}
        if rows is not None:
            body["target_rows"] = rows
        if description is not None:
            body["description"] = description
        answer = self.client.call("POST", "/api/experiments/import-sql", body)
        return answer if dry_run else _experiment(answer)

    def show_experiment(self, name: str) -> Json:
        return _experiment(self.client.call("GET", f"/api/experiments/{_q(name)}"))

    def delete_experiment(self, name: str) -> Json:
        return self.client.call("DELETE", f"/api/experiments/{_q(name)}")

    def generate(self, name: str, rows: dict[str, int] | None, seed: int | None,
                 batch_rows: int | None, compression: str, *, wait: bool, workers: int | None,
                 on_progress: OnProgress | None = None) -> Json:
        if workers is not None:
            raise InvalidInput("--workers sets the processes of a run on this machine; through "
                               "--api the stack runs the batches (its MaxConcurrency, or "
                               "`dw-sim serve --workers`)")
        body: Json = {"compression": compression}
        for key, value in (("rows", rows), ("seed", seed), ("batch_rows", batch_rows)):
            if value is not None:
                body[key] = value
        run = self.client.call("POST", f"/api/experiments/{_q(name)}/generate", body)
        while wait and run["status"] == "RUNNING":
            if on_progress:
                on_progress(run)
            time.sleep(POLL_SECONDS)
            run = self.show_run(name, run["run_id"])
        if wait and on_progress:
            on_progress(run)
        return run

    def list_runs(self, name: str) -> list[Json]:
        """The API lists summaries a page at a time; each run is then read in full."""
        summaries: list[Json] = []
        token = None
        while True:
            page = self.client.call("GET", f"/api/experiments/{_q(name)}/runs",
                                    query={"limit": PAGE, "next_token": token})
            summaries += page["runs"]
            token = page.get("next_token")
            if not token:
                break
        return [self.show_run(name, s["run_id"]) for s in summaries]

    def show_run(self, name: str, run_id: str) -> Json:
        return self.client.call("GET", f"/api/experiments/{_q(name)}/runs/{_q(run_id)}")

    def cancel_run(self, name: str, run_id: str) -> Json:
        return self.client.call("POST", f"/api/experiments/{_q(name)}/runs/{_q(run_id)}/cancel")

    def run_files(self, name: str, run_id: str) -> Iterator[tuple[RunFile, Callable[[], Iterator[bytes]]]]:
        token = None
        while True:
            page = self.client.call("GET", f"/api/experiments/{_q(name)}/runs/{_q(run_id)}/files",
                                    query={"next_token": token})
            for entry in page["files"]:
                file = RunFile(entry["path"], entry.get("table"), int(entry["size"]))
                yield file, (lambda url=entry["url"], size=file.size: self.client.stream(url, size))
            token = page.get("next_token")
            if not token:
                return
