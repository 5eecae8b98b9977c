"""One contract for both workflow starters: Step Functions (moto, real ASL and handlers) and
the local thread `dw-sim serve` uses. The same request gives the same rows in both."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest
from moto import mock_aws

from dwsim.config import Settings
from dwsim.runs.lifecycle import cancel_generation, start_generation
from dwsim.runs.local import services_for
from dwsim.runs.model import RunStatus
from dwsim.workflows.local import LocalWorkflowStarter
from dwsim.workflows.stepfunctions import StepFunctionsStarter
from tests.support.aws import Deployment
from tests.support.schemas import tpch_experiment

ROWS = {"region": 5, "nation": 25, "supplier": 30, "customer": 90, "part": 80, "partsupp": 300,
        "orders": 400, "lineitem": 1200}


class LocalSide:
    def __init__(self, tmp_path):
        self.services = services_for(Settings.from_env(tmp_path / "home"))
        self.starter = LocalWorkflowStarter(Settings.from_env(tmp_path / "home"))

    def wait(self, run):
        self.starter.join(run.run_id, 120)


class StepFunctionsSide:
    def __init__(self, monkeypatch):
        from dwsim.steps import handlers

        self.deployment = Deployment(monkeypatch)
        self.services = handlers.services()
        self.starter = StepFunctionsStarter(self.deployment.state_machine_arn)

    def wait(self, run):
        self.deployment.wait(run.executor["execution_arn"])


@pytest.fixture(params=["local", "stepfunctions"])
def side(request, tmp_path, monkeypatch):
    if request.param == "local":
        yield LocalSide(tmp_path)
        return
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True},
                          "lambda": {"use_docker": False}}):
        yield StepFunctionsSide(monkeypatch)


def lineitem(side, run) -> list[tuple]:
    final = side.services.store.get_run("tpch", run.run_id)
    table = next(t for t in final.tables if t.name == "lineitem")
    rows = []
    for key in sorted(f.split("/experiments/", 1)[1] for f in table.files):
        data = side.services.objects.get("experiments/" + key)
        rows += pq.read_table(io.BytesIO(data)).select(["l_orderkey", "l_linenumber", "l_partkey"]).to_pylist()
    return [tuple(r.values()) for r in rows]


@pytest.fixture
def reference_rows(tmp_path_factory):
    """lineitem as the embedded executor writes it for seed 77, to compare both sides with."""
    from dwsim.engine.generator import Generator
    from dwsim.experiments import with_table_rows

    experiment = with_table_rows(tpch_experiment(), ROWS)
    table = Generator(experiment, 77).table("lineitem").generate(0, ROWS["lineitem"])
    return [tuple(r.values()) for r in table.select(["l_orderkey", "l_linenumber", "l_partkey"]).to_pylist()]


def test_a_started_run_completes_with_the_rows_its_seed_defines(side, reference_rows):
    side.services.store.create_experiment(tpch_experiment())
    run = start_generation(side.services, side.starter, "tpch", ROWS, seed=77, batch_rows=500)
    assert run.status is RunStatus.RUNNING and run.executor.get("kind") in ("local", "stepfunctions")
    side.wait(run)
    final = side.services.store.get_run("tpch", run.run_id)
    assert final.status is RunStatus.COMPLETED, final.error
    assert lineitem(side, run) == reference_rows
    side.starter.stop(final)  # stopping a finished run is harmless
    assert side.services.store.active_run_id("tpch") is None


def test_cancelling_a_finished_run_is_refused(side):
    side.services.store.create_experiment(tpch_experiment())
    run = start_generation(side.services, side.starter, "tpch", ROWS, batch_rows=5000)
    side.wait(run)
    from dwsim.errors import Conflict

    with pytest.raises(Conflict, match="already COMPLETED"):
        cancel_generation(side.services, side.starter, "tpch", run.run_id)
