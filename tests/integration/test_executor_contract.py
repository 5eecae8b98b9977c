"""One contract for both run executors: Step Functions (moto, real ASL and handlers) and
the local thread `dw-sim serve` uses. The same request gives the same rows in both."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest
from moto import mock_aws

from dwsim.composition import build_services, services_factory
from dwsim.executors.local import ThreadExecutor
from dwsim.executors.stepfunctions import StepFunctionsExecutor
from dwsim.metadata.records import RunStatus
from dwsim.runs.files import with_files
from dwsim.runs.lifecycle import cancel_generation, start_generation
from dwsim.settings import Settings
from tests.support.aws import Deployment
from tests.support.schemas import tpch_experiment

ROWS = {"region": 5, "nation": 25, "supplier": 30, "customer": 90, "part": 80, "partsupp": 300,
        "orders": 400, "lineitem": 1200}


class LocalSide:
    def __init__(self, tmp_path):
        settings = Settings(home=tmp_path / "home")
        self.services = build_services(settings)
        self.executor = ThreadExecutor(services_factory(settings))

    def wait(self, run):
        self.executor.join(run.run_id, 120)


class StepFunctionsSide:
    def __init__(self, monkeypatch):
        from dwsim.lambdas import steps

        self.deployment = Deployment(monkeypatch)
        self.services = steps.services()
        self.executor = StepFunctionsExecutor(self.deployment.state_machine_arn)

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
    final = with_files(side.services.objects, side.services.store.get_run("tpch", run.run_id))
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
    from dwsim.schema.validate import with_table_rows

    experiment = with_table_rows(tpch_experiment(), ROWS)
    table = Generator(experiment, 77).table("lineitem").generate(0, ROWS["lineitem"])
    return [tuple(r.values()) for r in table.select(["l_orderkey", "l_linenumber", "l_partkey"]).to_pylist()]


def test_a_started_run_completes_with_the_rows_its_seed_defines(side, reference_rows):
    side.services.store.create_experiment(tpch_experiment())
    run = start_generation(side.services, side.executor, "tpch", ROWS, seed=77, batch_rows=500)
    assert run.status is RunStatus.RUNNING and run.executor.get("kind") in ("local", "stepfunctions")
    side.wait(run)
    final = side.services.store.get_run("tpch", run.run_id)
    assert final.status is RunStatus.COMPLETED, final.error
    assert lineitem(side, run) == reference_rows
    side.executor.stop(final)  # stopping a finished run is harmless
    assert side.services.store.active_run_id("tpch") is None


def test_cancelling_a_finished_run_is_refused(side):
    side.services.store.create_experiment(tpch_experiment())
    run = start_generation(side.services, side.executor, "tpch", ROWS, batch_rows=5000)
    side.wait(run)
    from dwsim.errors import Conflict

    with pytest.raises(Conflict, match="already COMPLETED"):
        cancel_generation(side.services, side.executor, "tpch", run.run_id)
