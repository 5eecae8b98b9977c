"""Every Lambda handler invoked with its events/ file (as `sam local invoke -e` would), under
moto with the table and bucket from template.yaml; plus the guard through the API."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from dwsim.api.context import MAX_BODY_BYTES
from dwsim.metadata.records import RunRecord, utc_now
from tests.support.aws import (
    Deployment,
    LambdaContext,
    moto_deployment,
    reload_settings,
    rest_event,
)

EVENTS = Path(__file__).resolve().parents[2] / "events"
RUN_ID = "01M8C6S2GRT36DRE"  # the run id the step and run events name


def event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


@pytest.fixture
def aws(monkeypatch):
    with moto_deployment(monkeypatch) as deployment:
        yield deployment


def invoke(aws: Deployment, function: str, payload: dict):
    return aws.handlers[function](payload, LambdaContext(function))


def api(aws: Deployment, name: str, mutate=None) -> tuple[int, dict]:
    payload = event(name)
    if mutate:
        mutate(payload)
    response = invoke(aws, "ApiFunction", payload)
    return response["statusCode"], json.loads(response["body"])


def imported(aws: Deployment) -> None:
    status, body = api(aws, "api-import-sql.json")
    assert status == 201, body


def claim_fixed_run(aws: Deployment) -> RunRecord:
    """A RUNNING run with the id the events name, claimed as the API would claim it."""
    from dwsim.lambdas import steps as handlers

    run = RunRecord(run_id=RUN_ID, experiment="tpch", started_at=utc_now(), seed=1,
                    requested_rows={}, batch_rows=250_000)
    handlers.services().store.start_run(run)
    return run


def test_api_route_events(aws):
    assert api(aws, "api-list-experiments.json") == (200, {"experiments": []})
    status, created = api(aws, "api-create-experiment.json")
    assert status == 201 and created["name"] == "ecommerce"
    status, again = api(aws, "api-create-experiment.json")
    assert status == 409 and again["error"]["code"] == "already_exists"
    status, preview = api(aws, "api-import-sql-dry-run.json")
    assert status == 200 and len(preview["tables"]) == 8 and len(preview["samples"]) == 8
    status, sampled = api(aws, "api-preview-experiment.json")
    assert status == 200 and sampled["sampling"]["tables_sampled"] == 4
    assert len(sampled["samples"]["orders"]["order_id"]) == 5
    imported(aws)
    status, shown = api(aws, "api-get-experiment.json")
    assert status == 200 and shown["tables"][-1]["primary_key"] == ["l_orderkey", "l_linenumber"]
    status, listed = api(aws, "api-list-experiments.json")
    assert [e["name"] for e in listed["experiments"]] == ["ecommerce", "tpch"]
    status, run = api(aws, "api-generate.json")
    assert status == 202 and run["requested_rows"]["orders"] == 5000
    assert aws.wait(run["executor"]["execution_arn"])["status"] == "SUCCEEDED"
    status, runs = api(aws, "api-list-runs.json")
    assert [r["status"] for r in runs["runs"]] == ["COMPLETED"]
    status, spec = api(aws, "api-openapi.json")
    assert status == 200 and "/api/experiments/{name}/generate" in spec["paths"]
    status, deleted = api(aws, "api-delete-experiment.json")
    assert status == 200 and deleted["deleted"] == "ecommerce"
    assert api(aws, "api-get-run.json")[0] == 404, "no run has the sample id yet"


def test_step_events_run_a_whole_workflow(aws):
    imported(aws)
    claim_fixed_run(aws)
    plan = invoke(aws, "PlanFunction", event("plan.json"))
    assert plan["batches_total"] == 8 and plan["bucket"] == "dwsim-data"
    batches = json.loads(aws.s3.get_object(Bucket="dwsim-data", Key=plan["batches_key"])["Body"].read())
    assert batches[7] == {**event("batch.json")}, "events/batch.json is a real plan entry"
    for item in batches:
        assert invoke(aws, "BatchFunction", item)["rows"] == item["count"]
    done = invoke(aws, "FinalizeFunction", event("finalize.json"))
    assert done == {"experiment": "tpch", "run_id": RUN_ID, "status": "COMPLETED", "rows": 6030}
    status, run = api(aws, "api-get-run.json")
    assert status == 200 and run["status"] == "COMPLETED"
    status, files = api(aws, "api-run-files.json")
    parts = [f for f in files["files"] if f["table"]]
    assert status == 200 and len(parts) == 8 and files["next_token"] is None
    assert all("X-Amz-Signature=" in f["url"] and f["path"] in f["url"] for f in files["files"])
    status, refused = api(aws, "api-cancel-run.json")
    assert status == 409 and "already COMPLETED" in refused["error"]["message"]


def test_mark_failed_event_records_the_task_error_and_releases_the_claim(aws):
    imported(aws)
    claim_fixed_run(aws)
    result = invoke(aws, "MarkFailedFunction", event("mark-failed.json"))
    assert result["status"] == "FAILED" and result["error"] == "CountMismatch: row counts do not match the plan"
    status, run = api(aws, "api-get-run.json")
    assert run["status"] == "FAILED" and "Traceback" in run["traceback"]
    assert api(aws, "api-list-runs.json")[0] == 200
    status, started = api(aws, "api-generate.json")
    assert status == 202, "the claim was released"
    aws.wait(started["executor"]["execution_arn"])


def test_a_timed_out_execution_fails_its_run_and_frees_the_claim(aws):
    imported(aws)
    claim_fixed_run(aws)
    change = event("status-change-aborted.json")
    change["detail"].update(status="TIMED_OUT", error="States.Timeout")
    result = invoke(aws, "StatusChangeFunction", change)
    assert result == {"changed": True, "status": "FAILED", "run_id": RUN_ID}
    status, run = api(aws, "api-get-run.json")
    assert status == 200 and run["error"].startswith("the execution timed out: States.Timeout")
    assert api(aws, "api-generate.json")[0] == 202, "the claim was released"


def test_status_change_event_aborts_a_running_run(aws):
    imported(aws)
    claim_fixed_run(aws)
    result = invoke(aws, "StatusChangeFunction", event("status-change-aborted.json"))
    assert result == {"changed": True, "status": "ABORTED", "run_id": RUN_ID}
    again = invoke(aws, "StatusChangeFunction", event("status-change-aborted.json"))
    assert again["changed"] is False, "a finished run is never changed twice"
    status, cancel = api(aws, "api-cancel-run.json")
    assert status == 409


def test_concurrent_generate_calls_get_one_202_and_409s_naming_it(aws):
    imported(aws)
    barrier = threading.Barrier(6)
    results: list[tuple[int, dict]] = []

    def call():
        barrier.wait()
        response = invoke(aws, "ApiFunction", rest_event("POST", "/api/experiments/tpch/generate", {}))
        results.append((response["statusCode"], json.loads(response["body"])))

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = [body for status, body in results if status == 202]
    refused = [body for status, body in results if status == 409]
    assert len(accepted) == 1 and len(refused) == 5
    assert {r["error"]["details"]["active_run_id"] for r in refused} == {accepted[0]["run_id"]}
    aws.wait(accepted[0]["executor"]["execution_arn"])


def test_api_errors_over_http(aws):
    too_big = rest_event("POST", "/api/experiments/import-sql", "x" * (MAX_BODY_BYTES + 1))
    assert invoke(aws, "ApiFunction", too_big)["statusCode"] == 413
    status, body = api(aws, "api-import-sql.json", lambda e: e.update(body="{not json"))
    assert status == 400 and body["error"]["code"] == "invalid_input"
    bad_sql = {"name": "bad", "sql": "CREATE TABLE t (\n a INT,\n b VARCHAR(10\n)", "dialect": "redshift"}
    status, body = api(aws, "api-import-sql.json", lambda e: e.update(body=json.dumps(bad_sql)))
    assert status == 400 and body["error"]["details"]["line"] == 4
    schema = {"name": "bad", "tables": [{"name": "t", "target_rows": 10, "columns": [
        {"name": "flag", "data_type": "BOOLEAN", "is_unique": True}]}]}
    status, body = api(aws, "api-create-experiment.json", lambda e: e.update(body=json.dumps(schema)))
    assert status == 422 and body["error"]["details"][0]["location"] == "table 't', column 'flag'"
    status, body = api(aws, "api-generate.json")
    assert status == 404 and "experiment 'tpch' not found" in body["error"]["message"]
    assert api(aws, "api-list-experiments.json") == (200, {"experiments": []}), "nothing stored"


def with_body(**changes):
    """Mutate an event's JSON body."""
    def mutate(e: dict) -> None:
        body = json.loads(e["body"])
        body.update(changes)
        e["body"] = json.dumps(body)
    return mutate


def test_no_request_takes_the_api_down(aws, monkeypatch):
    """Row targets out of range, coercible strings and booleans, deep nesting and an
    unexpected error: each a JSON error with a 4xx, or a 500 naming the request id."""
    for target_rows in (10**12, "10", True, {"lineitem": "5"}):
        status, body = api(aws, "api-import-sql.json", with_body(target_rows=target_rows))
        assert status == 422 and body["error"]["code"] == "invalid_request", (target_rows, body)
        assert body["error"]["details"][0]["location"].startswith("target_rows")
    status, body = api(aws, "api-create-experiment.json",
                       lambda e: e.update(body="[" * 50_000 + "]" * 50_000))
    assert status == 400 and "nested too deeply" in body["error"]["message"]
    imported(aws)
    for rows in ({"orders": True}, {"orders": "5"}):
        status, body = api(aws, "api-generate.json", with_body(rows=rows))
        assert status == 422 and body["error"]["details"][0]["location"] == "rows.orders"
    from dwsim.api import experiments as routes

    monkeypatch.setattr(routes, "delete_experiment", lambda *a: {}["boom"])
    status, body = api(aws, "api-delete-experiment.json")
    assert status == 500 and body["error"] == {
        "code": "internal_error", "request_id": event("api-delete-experiment.json")[
            "requestContext"]["requestId"], "message": body["error"]["message"]}
    assert api(aws, "api-list-experiments.json")[0] == 200, "the API still answers"


def test_when_the_execution_cannot_start_the_run_fails_and_the_claim_is_released(aws, monkeypatch):
    imported(aws)
    missing = aws.state_machine_arn.replace("dwsim-generate", "does-not-exist")
    monkeypatch.setenv("DWSIM_STATE_MACHINE_ARN", missing)
    reload_settings()
    status, body = api(aws, "api-generate.json")
    assert status == 503 and body["error"]["code"] == "workflow_start_failed"
    run_id = body["error"]["details"]["run_id"]
    status, run = aws.api("GET", f"/api/experiments/tpch/runs/{run_id}")
    assert run["status"] == "FAILED" and "could not start the workflow" in run["error"]
    monkeypatch.setenv("DWSIM_STATE_MACHINE_ARN", aws.state_machine_arn)
    reload_settings()
    status, started = api(aws, "api-generate.json")
    assert status == 202, "the claim was released"
    aws.wait(started["executor"]["execution_arn"])


def test_a_stopped_execution_and_its_status_event_leave_the_run_aborted(aws):
    imported(aws)
    stopped = {}

    def stop_from_the_console(event):  # the execution is stopped while Plan runs
        arn = event["execution_arn"]  # the plan task receives its execution's ARN
        assert arn == f"{aws.state_machine_arn.replace(':stateMachine:', ':execution:')}:{event['input']['run_id']}"
        aws.sfn.stop_execution(executionArn=arn, error="Operator", cause="stopped in the console")
        stopped["arn"] = arn

    aws.before["PlanFunction"] = stop_from_the_console
    status, run = api(aws, "api-generate.json")
    assert status == 202
    described = aws.wait(run["executor"]["execution_arn"])
    assert described["status"] == "ABORTED"
    status, still = aws.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}")
    assert still["status"] == "RUNNING", "until the status-change event arrives"
    change = event("status-change-aborted.json")
    change["detail"].update(executionArn=stopped["arn"], name=run["run_id"], input=described["input"])
    result = invoke(aws, "StatusChangeFunction", change)
    assert result == {"changed": True, "status": "ABORTED", "run_id": run["run_id"]}
    status, final = aws.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}")
    assert final["status"] == "ABORTED" and final["error"] == "the execution was stopped"
    aws.before.clear()
    status, again = api(aws, "api-generate.json")
    assert status == 202, "the claim was released"
    aws.wait(again["executor"]["execution_arn"])


def test_runs_are_listed_as_small_summaries_a_page_at_a_time(aws):
    imported(aws)
    started = []
    for _ in range(3):
        status, run = aws.api("POST", "/api/experiments/tpch/generate", {"batch_rows": 5000})
        assert status == 202
        aws.wait(run["executor"]["execution_arn"])
        started.append(run["run_id"])
    status, first = aws.api("GET", "/api/experiments/tpch/runs?limit=2")
    assert status == 200 and [r["run_id"] for r in first["runs"]] == started[::-1][:2]
    assert all("files" not in t and t["file_count"] >= 1 for r in first["runs"] for t in r["tables"])
    assert all("load_sql" not in r and "traceback" not in r for r in first["runs"])
    status, rest = aws.api("GET", f"/api/experiments/tpch/runs?limit=2&next_token={first['next_token']}")
    assert [r["run_id"] for r in rest["runs"]] == started[:1] and rest["next_token"] is None
    assert aws.api("GET", "/api/experiments/tpch/runs?limit=0")[0] == 422
