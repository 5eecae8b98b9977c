"""/api/experiments/{name}/generate and /runs: start, list, show and cancel runs."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from dwsim.api import context
from dwsim.api.experiments import Name, json_response
from dwsim.api.models import GenerateRequest, RunList
from dwsim.metadata.records import RunRecord
from dwsim.runs.lifecycle import cancel_generation, start_generation

router = Router()
RunId = Annotated[str, Path(description="run id", min_length=1, max_length=64)]


@router.post("/api/experiments/<name>/generate", summary="Start a run (one active run at a time)")
def generate(name: Name, request: Annotated[GenerateRequest, Body()] = None) -> Response[RunRecord]:
    request = request or GenerateRequest()
    ctx = context.current()
    run = start_generation(ctx.services, ctx.executor, name, request.rows, request.seed,
                           request.batch_rows, request.compression)
    return json_response(run, 202)


@router.get("/api/experiments/<name>/runs", summary="An experiment's runs, newest first")
def list_runs(name: Name) -> RunList:
    return RunList(runs=context.current().services.store.list_runs(name))


@router.get("/api/experiments/<name>/runs/<run_id>", summary="One run's record")
def show_run(name: Name, run_id: RunId) -> RunRecord:
    return context.current().services.store.get_run(name, run_id)


@router.post("/api/experiments/<name>/runs/<run_id>/cancel", summary="Cancel a running run")
def cancel(name: Name, run_id: RunId) -> RunRecord:
    ctx = context.current()
    return cancel_generation(ctx.services, ctx.executor, name, run_id)
