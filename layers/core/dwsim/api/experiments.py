"""/api/experiments: list, create from JSON, import SQL, show, delete."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from dwsim.api import context
from dwsim.api.errors import documented, ok
from dwsim.api.models import (
    Deleted,
    ExperimentList,
    ExperimentListItem,
    ExperimentPreview,
    ImportSqlRequest,
    LastRun,
    StoredExperimentDocument,
)
from dwsim.experiments import (
    create_experiment,
    delete_experiment,
    interpret_sql,
    preview,
    preview_schema,
)
from dwsim.limits import MAX_EXPERIMENT_NAME

router = Router()
Name = Annotated[str, Path(description="experiment name", min_length=1,
                           max_length=MAX_EXPERIMENT_NAME)]
SchemaBody = Annotated[dict[str, Any], Body(description="the experiment schema")]
PREVIEW = {"description": "the dry run: the experiment as dw-sim understands it, with sample "
                          "values, nothing stored",
           "content": {"application/json": {"model": ExperimentPreview}}}
STORED = {"description": "the stored experiment",
          "content": {"application/json": {"model": StoredExperimentDocument}}}


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON body with a status; Powertools serialises it (and checks it is an object)."""
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _last_run(name: str) -> LastRun | None:
    run = context.current().services.store.last_run(name)
    if run is None:
        return None
    return LastRun(run_id=run.run_id, status=run.status, started_at=run.started_at)


@router.get("/api/experiments", summary="List experiments",
            responses=documented({200: ok(ExperimentList, "experiments")}))
def list_experiments() -> ExperimentList:
    summaries = context.current().services.store.list_experiments()
    return ExperimentList(experiments=[
        ExperimentListItem(**s.model_dump(), last_run=_last_run(s.name)) for s in summaries])


@router.post("/api/experiments", summary="Create an experiment from a JSON schema",
             responses=documented({201: STORED}, conflicts=True))
def create(schema: SchemaBody) -> Response[StoredExperimentDocument]:
    stored = create_experiment(context.current().services.store, schema)
    return json_response(stored.to_json(), 201)


@router.post("/api/experiments/preview", summary="Validate a JSON schema and show sample values",
             description="The same body as creating an experiment (a preview's JSON, edited, "
                         "is fine); validated the same way (422 lists every problem with its "
                         "location), and nothing is stored.",
             responses=documented({200: PREVIEW}))
def preview_json(schema: SchemaBody,
                 tables: Annotated[str | None, Query(
                     description="comma-separated tables to sample before the others (say, "
                                 "the one just edited)", max_length=10_000)] = None,
                 ) -> Response[ExperimentPreview]:
    first = [t.strip() for t in (tables or "").split(",") if t.strip()]
    return json_response(preview_schema(schema, first), 200)


@router.post("/api/experiments/import-sql", summary="Import CREATE TABLE DDL",
             description="With dry_run, the experiment as dw-sim understands it plus sample "
                         "values (200), nothing stored; without, the stored experiment (201).",
             responses=documented({200: PREVIEW, 201: STORED}, conflicts=True))
def import_sql(request: Annotated[ImportSqlRequest, Body()]
               ) -> Response[ExperimentPreview | StoredExperimentDocument]:
    experiment = interpret_sql(request.sql.encode("utf-8", "surrogatepass"), request.name,
                               request.dialect, request.target_rows, request.description)
    if request.dry_run:
        return json_response(preview(experiment), 200)
    stored = context.current().services.store.create_experiment(experiment)
    return json_response(stored.to_json(), 201)


@router.get("/api/experiments/<name>", summary="Show an experiment as dw-sim understands it",
            responses=documented({200: STORED}))
def show(name: Name) -> Response[StoredExperimentDocument]:
    return json_response(context.current().services.store.get_experiment(name).to_json())


@router.delete("/api/experiments/<name>", summary="Delete an experiment, its runs and data",
               responses=documented({200: ok(Deleted, "what was removed")}, conflicts=True))
def delete(name: Name) -> Deleted:
    services = context.current().services
    return Deleted(deleted=name, objects_removed=delete_experiment(services.store, services.objects, name))
