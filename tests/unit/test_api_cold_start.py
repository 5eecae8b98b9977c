"""The API function starts without the engine: importing its handler, and the routes that
only read or write records, leave NumPy, pyarrow, Faker and sqlglot unimported (a preview
imports the engine when it makes its samples). Each check runs in a fresh interpreter, as a
Lambda cold start does; `bench/api_cold_start.py` measures the time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["numpy", "pyarrow", "faker", "sqlglot"]
PROBE = """
import json, os, sys
import app  # functions/api/app.py, as the Lambda runtime imports it
heavy = {heavy!r}
seen = {{"import": [m for m in heavy if m in sys.modules]}}

# The deployed configuration under moto: DynamoDB, S3 and a Step Functions state machine
# that moto records without executing, so nothing but the API's own code runs here.
import boto3
from moto import mock_aws
from tests.support.aws import LambdaContext, reload_settings, rest_event
from tests.support.template import create_metadata_table

def call(method, path, body=None):
    response = app.lambda_handler(rest_event(method, path, body), LambdaContext("api"))
    assert response["statusCode"] < 300, response
    return json.loads(response["body"])

with mock_aws():
    create_metadata_table(boto3.client("dynamodb"), "dwsim-metadata")
    boto3.client("s3").create_bucket(Bucket="dwsim-data")
    machine = boto3.client("stepfunctions").create_state_machine(
        name="generate", roleArn="arn:aws:iam::123456789012:role/sfn",
        definition=json.dumps({{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "End": True}}}}}}))
    os.environ.update(DWSIM_TABLE_NAME="dwsim-metadata", DWSIM_BUCKET="dwsim-data",
                      DWSIM_STATE_MACHINE_ARN=machine["stateMachineArn"])
    reload_settings()  # read after `import app` (which reads them): as a container would see them
    schema = json.loads(open({schema!r}).read())
    name = schema["name"]
    call("GET", "/api/experiments")
    call("POST", "/api/experiments", schema)
    call("GET", "/api/experiments/" + name)
    run = call("POST", "/api/experiments/" + name + "/generate", {{"seed": 1}})
    call("GET", "/api/experiments/" + name + "/runs")
    call("GET", "/api/experiments/" + name + "/runs/" + run["run_id"])
    call("POST", "/api/experiments/" + name + "/runs/" + run["run_id"] + "/cancel")
    call("GET", "/api/experiments/" + name + "/runs/" + run["run_id"] + "/files")
    seen["records"] = [m for m in heavy if m in sys.modules]
    call("POST", "/api/experiments/preview", schema)
    seen["preview"] = [m for m in heavy if m in sys.modules]
print(json.dumps(seen))
"""


def test_the_api_handler_imports_no_engine_until_a_preview(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "core"), str(ROOT)]),
           "DWSIM_HOME": str(tmp_path / "home"), "POWERTOOLS_TRACE_DISABLED": "true",
           "POWERTOOLS_METRICS_NAMESPACE": "dwsim-test", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    probe = PROBE.format(heavy=HEAVY, schema=str(ROOT / "examples" / "ecommerce.json"))
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT / "functions" / "api", env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["import"] == [], "importing the API handler imported " + ", ".join(seen["import"])
    assert seen["records"] == [], "list, create, show, generate, runs, cancel and files imported " + \
        ", ".join(seen["records"])
    assert {"numpy", "pyarrow"} <= set(seen["preview"]), "a preview samples with the engine"
