"""/api/experiments/{name}/generate and /runs: start, list, show and cancel runs."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from dwsim.api import context
from dwsim.api.errors import documented, ok
from dwsim.api.experiments import Name, json_response
from dwsim.api.models import GenerateRequest, RunPage, RunSummary
from dwsim.limits import MAX_RUNS_PAGE
from dwsim.metadata.records import RunRecord
from dwsim.runs.files import with_files
from dwsim.runs.lifecycle import cancel_generation, start_generation

router = Router()
RunId = Annotated[str, Path(description="run id", min_length=1, max_length=64)]


@router.post("/api/experiments/<name>/generate", summary="Start a run (one active run at a time)",
             responses=documented({202: ok(RunRecord, "the run, started")}, conflicts=True))
def generate(name: Name, request: Annotated[GenerateRequest, Body()] = None) -> Response[RunRecord]:
    request = request or GenerateRequest()
    ctx = context.current()
    run = start_generation(ctx.services, ctx.executor, name, request.rows, request.seed,
                           request.batch_rows, request.compression)
    return json_response(run, 202)


@router.get("/api/experiments/<name>/runs", summary="An experiment's runs, newest first, a page at a time",
            responses=documented({200: ok(RunPage, "a page of runs")}))
def list_runs(name: Name,
              limit: Annotated[int, Query(ge=1, le=MAX_RUNS_PAGE, description="runs per page")] = 20,
              next_token: Annotated[str | None, Query(max_length=64,
                                                      description="the previous page's token")] = None,
              ) -> RunPage:
    runs = context.current().services.store.list_runs(name, limit + 1, next_token)
    more = len(runs) > limit
    page = runs[:limit]
    return RunPage(runs=[RunSummary.of(r) for r in page],
                   next_token=page[-1].run_id if more else None)


@router.get("/api/experiments/<name>/runs/<run_id>", summary="One run's record",
            responses=documented({200: ok(RunRecord, "the run")}))
def show_run(name: Name, run_id: RunId) -> RunRecord:
    services = context.current().services
    return with_files(services.objects, services.store.get_run(name, run_id))


@router.post("/api/experiments/<name>/runs/<run_id>/cancel", summary="Cancel a running run",
             responses=documented({200: ok(RunRecord, "the run, aborted")}, conflicts=True))
def cancel(name: Name, run_id: RunId) -> RunRecord:
    ctx = context.current()
    return cancel_generation(ctx.services, ctx.executor, name, run_id)
