"""Operating the AWS deployment under moto: starting the real state machine as a user does
from the Step Functions console (no run id: the plan step creates the run under the guard),
the per-run row limit, and the scheduled reconciler that finishes runs left RUNNING."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from dwsim.errors import RunActive
from dwsim.metadata.records import RunRecord, new_run_id, utc_now
from tests.support.aws import Deployment, LambdaContext, moto_deployment, reload_settings

EVENTS = Path(__file__).resolve().parents[2] / "events"


def event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


@pytest.fixture
def aws(monkeypatch):
    with moto_deployment(monkeypatch) as deployment:
        status, body = deployment.api("POST", "/api/experiments/import-sql",
                                      event_file="api-import-sql.json")
        assert status == 201, body
        yield deployment


def store():
    from dwsim.lambdas import steps as handlers

    return handlers.services().store


def console_start(aws: Deployment, execution_input: dict, name: str | None = None) -> dict:
    """What the console's "Start execution" does: the input as typed, a generated name."""
    started = aws.sfn.start_execution(stateMachineArn=aws.state_machine_arn,
                                      name=name or f"console-{new_run_id()}",
                                      input=json.dumps(execution_input))
    return aws.wait(started["executionArn"])


def cause(described: dict) -> str:
    """The message of the Lambda error a failed execution reports."""
    return json.loads(described["cause"])["errorMessage"]


def claimed(experiment: str = "tpch", executor: dict | None = None, minutes_ago: float = 0) -> RunRecord:
    """A RUNNING run holding the claim, as the API leaves it between its two writes."""
    run = RunRecord(run_id=new_run_id(), experiment=experiment, seed=1, requested_rows={},
                    started_at=utc_now() - timedelta(minutes=minutes_ago), batch_rows=250_000,
                    executor=executor or {"kind": "pending"})
    store().start_run(run)
    return run


def reconcile(aws: Deployment) -> dict[str, dict]:
    result = aws.handlers["ReconcileFunction"](event("reconcile.json"), LambdaContext("ReconcileFunction"))
    return {r["run_id"]: r for r in result["reconciled"]}


# ---------------------------------------------------------------------------- console start
def test_a_console_start_without_a_run_id_creates_the_run_and_completes_it(aws):
    described = console_start(aws, event("console-start.json"))
    assert described["status"] == "SUCCEEDED", described
    [run] = store().list_runs("tpch")
    assert run.status.value == "COMPLETED" and run.seed == 42
    assert run.requested_rows["orders"] == 100_000
    assert {t.name: t.rows for t in run.tables}["orders"] == 100_000
    assert run.executor == {"kind": "stepfunctions", "execution_arn": described["executionArn"]}
    assert store().active_run_id("tpch") is None, "the claim was released"
    planned = [e for name, e in aws.calls if name == "PlanFunction"]
    assert planned[0]["input"] == event("console-start.json"), "the plan step got the console input"
    finalized = [e for name, e in aws.calls if name == "FinalizeFunction"]
    assert finalized == [{"experiment": "tpch", "run_id": run.run_id}], "later states use Plan's run id"


def test_a_console_start_while_a_run_is_active_fails_naming_it_and_creates_nothing(aws):
    active = claimed(executor={"kind": "stepfunctions", "execution_arn": "arn:aws:states:x"})
    described = console_start(aws, event("console-start.json"))
    assert described["status"] == "FAILED" and described["error"] == "RunActive"
    assert cause(described) == f"experiment 'tpch' already has an active run: {active.run_id}"
    assert [r.run_id for r in store().list_runs("tpch")] == [active.run_id], "no run was created"
    assert store().get_run("tpch", active.run_id).status.value == "RUNNING", "the active run is untouched"
    called = [name for name, _ in aws.calls]
    assert called.count("PlanFunction") == 1, "RunActive is not retried"
    assert "MarkFailedFunction" not in called
    change = event("status-change-aborted.json")  # its FAILED event must not touch the active run
    change["detail"].update(status="FAILED", executionArn=described["executionArn"],
                            name=described["name"], input=described["input"])
    result = aws.handlers["StatusChangeFunction"](change, LambdaContext("StatusChangeFunction"))
    assert result == {"changed": False}
    assert store().get_run("tpch", active.run_id).status.value == "RUNNING"


def test_a_console_run_whose_batch_fails_is_marked_failed_by_the_workflow(aws, monkeypatch):
    monkeypatch.setenv("DWSIM_FAULT_BATCH", "orders:0")
    reload_settings()
    described = console_start(aws, {"experiment": "tpch", "rows": {"orders": 2000}})
    assert described["status"] == "FAILED" and described["error"] == "GenerationFailed"
    [run] = store().list_runs("tpch")
    assert run.status.value == "FAILED" and "injected failure in batch 0 of table orders" in run.error
    [marked] = [e for name, e in aws.calls if name == "MarkFailedFunction"]
    assert marked["run_id"] == run.run_id, "MarkFailed gets the run id Plan returned"
    assert store().active_run_id("tpch") is None


def test_a_console_start_is_validated_like_the_apis_generate(aws):
    for bad, where in (({"experiment": "tpch", "rows": {"orders": "5"}}, "rows.orders"),
                       ({"experiment": "tpch", "row": {"orders": 5}}, "row"),
                       ({"experiment": "tpch", "rows": {"nope": 5}}, "nope"),
                       ({"experiment": "missing"}, "'missing' not found")):
        described = console_start(aws, bad)
        assert described["status"] == "FAILED", bad
        assert where in cause(described), (bad, cause(described))
    assert store().list_runs("tpch") == [] and store().active_run_id("tpch") is None


def test_the_row_limit_refuses_api_and_console_starts_naming_it(aws, monkeypatch):
    monkeypatch.setenv("DWSIM_MAX_ROWS_PER_RUN", "50000")
    reload_settings()
    status, body = aws.api("POST", "/api/experiments/tpch/generate", {"rows": {"orders": 100_000}})
    assert status == 400 and body["error"]["code"] == "invalid_input"
    assert "at most 50,000 rows per run (MaxRowsPerRun)" in body["error"]["message"]
    assert body["error"]["details"]["max_rows_per_run"] == 50_000
    described = console_start(aws, event("console-start.json"))
    assert described["status"] == "FAILED" and described["error"] == "InvalidInput"
    assert "at most 50,000 rows per run (MaxRowsPerRun)" in cause(described)
    assert store().list_runs("tpch") == [], "nothing was stored"
    status, run = aws.api("POST", "/api/experiments/tpch/generate", {"rows": {"orders": 2000}})
    assert status == 202, "a run within the limit starts"
    assert aws.wait(run["executor"]["execution_arn"])["status"] == "SUCCEEDED"


def test_a_stopped_console_execution_aborts_the_run_it_created(aws):
    stopped = {}

    def stop_while_batches_run(event):
        if not stopped:
            [execution] = aws.sfn.list_executions(stateMachineArn=aws.state_machine_arn,
                                                  statusFilter="RUNNING")["executions"]
            aws.sfn.stop_execution(executionArn=execution["executionArn"], error="Operator")
            stopped.update(execution)

    aws.before["BatchFunction"] = stop_while_batches_run
    described = console_start(aws, {"experiment": "tpch", "seed": 3})
    assert described["status"] == "ABORTED"
    [run] = store().list_runs("tpch")
    change = event("status-change-aborted.json")  # the execution's input names no run
    change["detail"].update(executionArn=described["executionArn"], name=described["name"],
                            input=described["input"])
    result = aws.handlers["StatusChangeFunction"](change, LambdaContext("StatusChangeFunction"))
    assert result == {"changed": True, "status": "ABORTED", "run_id": run.run_id}
    assert store().active_run_id("tpch") is None


# ---------------------------------------------------------------------------- reconciler
def test_the_reconciler_fails_a_run_whose_workflow_never_started_after_the_grace_period(aws):
    status, _ = aws.api("POST", "/api/experiments", event_file="api-create-experiment.json")
    assert status == 201
    stale = claimed("tpch", minutes_ago=20)  # the API died between the claim and StartExecution
    fresh = claimed("ecommerce", minutes_ago=1)  # its StartExecution may still be on its way
    assert sorted(store().active_runs()) == [("ecommerce", fresh.run_id), ("tpch", stale.run_id)]
    done = reconcile(aws)
    assert set(done) == {stale.run_id}
    assert done[stale.run_id]["status"] == "FAILED"
    failed = store().get_run("tpch", stale.run_id)
    assert failed.status.value == "FAILED" and "the workflow never started" in failed.error
    assert store().active_runs() == [("ecommerce", fresh.run_id)], "only the stale claim was released"
    assert reconcile(aws) == {}, "a second pass changes nothing"


def test_the_reconciler_finishes_runs_whose_execution_ended_and_leaves_running_ones(aws):
    status, first = aws.api("POST", "/api/experiments/tpch/generate", {"rows": {"orders": 2000}})
    succeeded = aws.wait(first["executor"]["execution_arn"])
    assert succeeded["status"] == "SUCCEEDED"
    # A run whose execution succeeded without completing it (here: another run's execution).
    orphan = claimed(executor={"kind": "stepfunctions", "execution_arn": succeeded["executionArn"]})
    done = reconcile(aws)
    assert done[orphan.run_id]["status"] == "FAILED"
    assert store().get_run("tpch", orphan.run_id).error == \
        "reconciled: the execution succeeded without completing its run"
    assert store().get_run("tpch", first["run_id"]).status.value == "COMPLETED", "untouched"

    # A recorded execution that does not exist, past the grace period.
    ghost_arn = succeeded["executionArn"].rsplit(":", 1)[0] + ":never-started"
    ghost = claimed(executor={"kind": "stepfunctions", "execution_arn": ghost_arn}, minutes_ago=30)
    assert reconcile(aws)[ghost.run_id]["status"] == "FAILED"

    # While an execution runs, the reconciler leaves its run alone; once stopped (and its
    # status-change event lost), it aborts the run and releases the claim.
    seen: dict = {}

    def reconcile_then_stop(event):
        if not seen:
            seen.update(reconcile(aws))
            aws.sfn.stop_execution(executionArn=event["execution_arn"], error="Operator")
            seen["arn"] = event["execution_arn"]

    aws.before["PlanFunction"] = reconcile_then_stop
    status, running = aws.api("POST", "/api/experiments/tpch/generate", {})
    assert status == 202
    assert aws.wait(running["executor"]["execution_arn"])["status"] == "ABORTED"
    assert seen.keys() == {"arn"}, "nothing was reconciled while the execution ran"
    assert store().get_run("tpch", running["run_id"]).status.value == "RUNNING"
    done = reconcile(aws)
    assert done[running["run_id"]] == {"experiment": "tpch", "run_id": running["run_id"],
                                       "action": "marked ABORTED: the execution was stopped",
                                       "status": "ABORTED"}
    assert store().active_runs() == []


def test_a_retried_plan_step_finds_the_run_its_execution_created(aws):
    task = {"input": event("console-start.json"),
            "execution_arn": f"{aws.state_machine_arn.replace(':stateMachine:', ':execution:')}:retried"}
    plan = aws.handlers["PlanFunction"]
    first = plan(task, LambdaContext("PlanFunction"))
    again = plan(task, LambdaContext("PlanFunction"))  # e.g. after Lambda.ServiceException
    assert again["run_id"] == first["run_id"] and again["batches_total"] == first["batches_total"]
    assert [r.run_id for r in store().list_runs("tpch")] == [first["run_id"]]
    other = {**task, "execution_arn": task["execution_arn"] + "-other"}
    with pytest.raises(RunActive, match=f"already has an active run: {first['run_id']}"):
        plan(other, LambdaContext("PlanFunction"))
