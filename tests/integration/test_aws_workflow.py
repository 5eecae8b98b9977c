"""The whole AWS workflow under moto: the API handler starts the real state machine, moto's
Step Functions interpreter runs the real ASL (ItemReader from S3, Distributed Map), and every
Lambda task runs the real handler in functions/."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

from tests.support.aws import BUCKET, moto_deployment, reload_settings

SQL = open(__file__.replace("tests/integration/test_aws_workflow.py", "examples/tpch_redshift.sql")).read()
ROWS = {"*": 200, "region": 5, "nation": 25, "supplier": 40, "partsupp": 1200, "orders": 1000,
        "lineitem": 3000}


@pytest.fixture
def deployed(monkeypatch):
    with moto_deployment(monkeypatch) as deployment:
        status, _ = deployment.api("POST", "/api/experiments/import-sql",
                                   {"name": "tpch", "sql": SQL, "dialect": "redshift", "target_rows": ROWS})
        assert status == 201
        yield deployment


def test_generate_runs_the_state_machine_to_completed(deployed):
    status, run = deployed.api("POST", "/api/experiments/tpch/generate", {"seed": 7, "batch_rows": 500})
    assert status == 202, run
    execution = deployed.wait(run["executor"]["execution_arn"])
    assert execution["status"] == "SUCCEEDED", execution
    status, final = deployed.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}")
    assert final["status"] == "COMPLETED", final
    rows = {t["name"]: t["rows"] for t in final["tables"]}
    assert rows["lineitem"] == 3000 and rows["region"] == 5
    assert final["progress"]["batches_done"] == final["progress"]["batches_total"] == 16
    lineitem = next(t for t in final["tables"] if t["name"] == "lineitem")
    assert lineitem["files"][0].startswith(f"s3://{BUCKET}/experiments/tpch/runs/{run['run_id']}/lineitem/")
    key = lineitem["files"][0].removeprefix(f"s3://{BUCKET}/")
    part = pq.read_table(io.BytesIO(deployed.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))
    assert part.num_rows == 500
    prefix = f"experiments/tpch/runs/{run['run_id']}"
    manifest = deployed.s3.get_object(Bucket=BUCKET, Key=f"{prefix}/_manifests/lineitem.manifest")
    assert b"s3://dwsim-data/" in manifest["Body"].read()
    deployed.s3.head_object(Bucket=BUCKET, Key=f"{prefix}/_SUCCESS")
    called = {name for name, _ in deployed.calls}
    assert {"PlanFunction", "BatchFunction", "FinalizeFunction"} <= called
    assert "MarkFailedFunction" not in called
    status, again = deployed.api("POST", "/api/experiments/tpch/generate", {})
    assert status == 202, "the claim was released"
    deployed.wait(again["executor"]["execution_arn"])


def test_a_failing_batch_marks_the_run_failed_with_traceback(deployed, monkeypatch):
    monkeypatch.setenv("DWSIM_FAULT_BATCH", "orders:1")
    reload_settings()
    status, run = deployed.api("POST", "/api/experiments/tpch/generate", {"batch_rows": 500})
    execution = deployed.wait(run["executor"]["execution_arn"])
    assert execution["status"] == "FAILED"
    status, final = deployed.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}")
    assert final["status"] == "FAILED"
    assert "injected failure in batch 1 of table orders" in final["error"]
    assert "Traceback" in final["traceback"] and "InjectedFault" in final["traceback"]
    assert "MarkFailedFunction" in {name for name, _ in deployed.calls}
    with pytest.raises(ClientError):
        deployed.s3.head_object(Bucket=BUCKET, Key=f"experiments/tpch/runs/{run['run_id']}/_SUCCESS")
    status, again = deployed.api("POST", "/api/experiments/tpch/generate", {})
    assert status == 202, "the claim was released"
    deployed.wait(again["executor"]["execution_arn"])


def test_a_runs_files_come_as_presigned_s3_urls(deployed):
    import requests  # moto intercepts requests' HTTP calls to S3

    status, run = deployed.api("POST", "/api/experiments/tpch/generate", {"seed": 3, "batch_rows": 1000})
    assert status == 202, run
    assert deployed.wait(run["executor"]["execution_arn"])["status"] == "SUCCEEDED"
    status, final = deployed.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}")
    status, page = deployed.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}/files?limit=5")
    assert status == 200 and len(page["files"]) == 5 and page["next_token"] == page["files"][-1]["path"]
    files = page["files"]
    while page["next_token"]:
        status, page = deployed.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}/files"
                                           f"?limit=5&next_token={page['next_token']}")
        files += page["files"]
    prefix = f"experiments/tpch/runs/{run['run_id']}/"
    listed = deployed.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]
    assert [(f["path"], f["size"]) for f in files] == \
        [(o["Key"].removeprefix(prefix), o["Size"]) for o in listed]
    rows: dict[str, int] = {}
    for file in files:
        assert file["url"].startswith(f"https://{BUCKET}.s3.") and "X-Amz-Signature=" in file["url"]
        data = requests.get(file["url"], timeout=10).content
        assert len(data) == file["size"], file["path"]
        if file["table"]:
            rows[file["table"]] = rows.get(file["table"], 0) + pq.read_table(io.BytesIO(data)).num_rows
    assert rows == {t["name"]: t["rows"] for t in final["tables"]}
    # The file route, for a store that presigns, sends the client to S3.
    status, _ = deployed.api("GET", f"/api/experiments/tpch/runs/{run['run_id']}/file?path=load.sql")
    assert status == 303
