"""A moto "deployment" of template.yaml: table and bucket from the template's own definitions,
the real state machine definition, and Lambda invocations dispatched in-process to the real
handlers in functions/ (moto runs the ASL; our code is not mocked)."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import json
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any

import boto3
from moto.awslambda_simple.models import LambdaSimpleBackend

from tests.support.template import ROOT, create_metadata_table

FUNCTIONS = {"PlanFunction": "plan", "BatchFunction": "batch", "FinalizeFunction": "finalize",
             "MarkFailedFunction": "mark_failed", "StatusChangeFunction": "status_change",
             "ReconcileFunction": "reconcile", "ApiFunction": "api"}
TABLE, BUCKET = "dwsim-metadata", "dwsim-data"


def load_handler(folder: str):
    path = ROOT / "functions" / folder / "app.py"
    spec = importlib.util.spec_from_file_location(f"functions_{folder}_app", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler


class LambdaContext:
    def __init__(self, name: str):
        self.function_name = name
        self.memory_limit_in_mb = 1024
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.aws_request_id = f"req-{time.monotonic_ns()}"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


class Deployment:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.handlers = {name: load_handler(folder) for name, folder in FUNCTIONS.items()}
        self.calls: list[tuple[str, dict]] = []
        self.before: dict[str, object] = {}  # function name → callable(event) run before it
        monkeypatch.setattr(LambdaSimpleBackend, "invoke", lambda backend, *args: self._invoke(*args))
        self.dynamodb = boto3.client("dynamodb")
        create_metadata_table(self.dynamodb, TABLE)
        self.s3 = boto3.client("s3")
        self.s3.create_bucket(Bucket=BUCKET)
        self.sfn = boto3.client("stepfunctions")
        role = boto3.client("iam").create_role(
            RoleName="dwsim-test", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
        self.role_arn = role["Role"]["Arn"]
        lam = boto3.client("lambda")
        self.function_arns = {}
        for name in FUNCTIONS:
            self.function_arns[name] = lam.create_function(
                FunctionName=name, Runtime="python3.12", Role=self.role_arn, Handler="app.lambda_handler",
                Code={"ZipFile": _zip()})["FunctionArn"]
        definition = (ROOT / "statemachine" / "generate.asl.json").read_text()
        for name, arn in self.function_arns.items():
            definition = definition.replace(f"${{{name}Arn}}", arn)
        definition = definition.replace("${BucketName}", BUCKET)
        definition = definition.replace("${RunTimeoutSeconds}", "3600")
        assert "${" not in definition, "every DefinitionSubstitution is provided"
        self.state_machine_arn = self.sfn.create_state_machine(
            name="dwsim-generate", definition=definition, roleArn=self.role_arn)["stateMachineArn"]
        for key, value in {"DWSIM_TABLE_NAME": TABLE, "DWSIM_BUCKET": BUCKET,
                           "DWSIM_STATE_MACHINE_ARN": self.state_machine_arn,
                           "POWERTOOLS_METRICS_NAMESPACE": "dwsim", "POWERTOOLS_TRACE_DISABLED": "true",
                           "DWSIM_MAX_CONCURRENCY": "4"}.items():
            monkeypatch.setenv(key, value)
        reload_settings()

    def _invoke(self, function_name, qualifier, body, headers, response_headers):
        name = function_name.rsplit(":", 1)[-1] if function_name.startswith("arn:") else function_name
        event = json.loads(body) if body else {}
        self.calls.append((name, event))
        if name in self.before:
            self.before[name](event)
        try:
            result = self.handlers[name](event, LambdaContext(name))
        except Exception as exc:  # what the Lambda runtime reports for an unhandled error
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__,
                               "stackTrace": traceback.format_tb(exc.__traceback__)}).encode()
        return json.dumps(result).encode()

    # -- helpers --------------------------------------------------------------------------
    def api(self, method: str, path: str, body: Any = None, event_file: str | None = None) -> tuple[int, Any]:
        event = json.loads((ROOT / "events" / event_file).read_text()) if event_file else rest_event(method, path, body)
        response = self.handlers["ApiFunction"](event, LambdaContext("ApiFunction"))
        payload = json.loads(response["body"]) if response.get("body") else None
        return response["statusCode"], payload

    def drain(self, timeout: float = 60) -> None:
        """Wait for every execution still running (moto runs each in its own thread)."""
        listed = self.sfn.list_executions(stateMachineArn=self.state_machine_arn, statusFilter="RUNNING")
        for execution in listed["executions"]:
            self.wait(execution["executionArn"], timeout)

    def wait(self, execution_arn: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            described = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                return described
            time.sleep(0.05)


@contextlib.contextmanager
def moto_deployment(monkeypatch):
    """A Deployment inside moto (Step Functions executing its definitions); on the way out it
    waits for the executions still running, so no thread of one test outlives its mock."""
    from moto import mock_aws

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True},
                          "lambda": {"use_docker": False}}):
        deployment = Deployment(monkeypatch)
        yield deployment
        deployment.drain()


def rest_event(method: str, path: str, body: Any = None) -> dict:
    """An API Gateway REST proxy event, as the deployed API sends it."""
    from urllib.parse import parse_qs

    path, _, query = path.partition("?")
    multi = parse_qs(query, keep_blank_values=True) or None
    return {
        "resource": "/{proxy+}", "path": path, "httpMethod": method,
        "headers": {"Content-Type": "application/json", "x-api-key": "test-key"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": {k: v[-1] for k, v in multi.items()} if multi else None,
        "multiValueQueryStringParameters": multi,
        "pathParameters": {"proxy": path.removeprefix("/")}, "stageVariables": None,
        "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": method, "path": f"/prod{path}",
                           "stage": "prod", "requestId": f"req-{time.monotonic_ns()}",
                           "identity": {"apiKey": "test-key", "sourceIp": "127.0.0.1"}},
        "body": None if body is None else (body if isinstance(body, str) else json.dumps(body)),
        "isBase64Encoded": False,
    }


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return event\n")
    return buffer.getvalue()


def reload_settings() -> None:
    """What a new Lambda container does: read the settings (environment) again and rebuild
    the services. Tests that change a function's environment call it."""
    from dwsim.api import context
    from dwsim.lambdas import steps as lambda_steps
    from dwsim.runs import steps
    from dwsim.settings import get_settings

    get_settings.cache_clear()  # the settings are read once per process: read them again
    context.configure(None)
    lambda_steps._services_for.cache_clear()
    lambda_steps._executor_for.cache_clear()
    steps._snapshot.cache_clear()


__all__ = ["BUCKET", "Deployment", "Path", "TABLE", "moto_deployment", "reload_settings",
           "rest_event"]


def make_moto_dynamodb_atomic() -> None:
    """DynamoDB applies each write (a conditional put, update or delete, or a whole
    TransactWriteItems) atomically; moto checks the conditions and then writes without a lock,
    so two threads can both pass `attribute_not_exists` and both write (seen: two runs started
    by eight concurrent starts, about once in dozens of runs). One lock around moto's write
    calls gives its mock the service's documented atomicity; our code is not touched."""
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("transact_write_items", "put_item", "update_item", "delete_item"):
        method = getattr(DynamoDBBackend, name)
        if getattr(method, "_dwsim_atomic", False):
            continue

        def atomic(self, *args, _method=method, **kwargs):
            with lock:
                return _method(self, *args, **kwargs)

        functools.update_wrapper(atomic, method)
        atomic._dwsim_atomic = True
        setattr(DynamoDBBackend, name, atomic)


@contextlib.contextmanager
def moto_transactions_item_scoped():
    """moto backs up every table a TransactWriteItems touches with a deep copy before applying
    it (to roll back a cancelled one), so each transaction costs as much as the table is big
    and 100,000 counted batches would take hours. This keeps moto's own checks and writes and
    its all-or-nothing outcome, but backs up only the items the transaction names (what a
    rollback has to restore); our code is not touched. Single-threaded use only (the backup is
    taken outside make_moto_dynamodb_atomic's lock), and only inside the `with`."""
    import copy

    import moto.dynamodb.models as models
    from moto.dynamodb.models.table import Table

    backend = models.DynamoDBBackend
    transact = backend.transact_write_items

    class TablesNotCopied:  # moto's `copy` module, minus the whole-table backup
        def __getattr__(self, name):
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value, memo=None):
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def item_scoped(self, transact_items):
        saved = []
        for entry in transact_items:
            (_, op), = entry.items()
            table = self.get_table(op["TableName"])
            key = op.get("Key") or {name: op["Item"][name] for name in
                                    (table.hash_key_attr, table.range_key_attr) if name}
            current = self.get_item(op["TableName"], key)
            saved.append((op["TableName"], key,
                          None if current is None else copy.deepcopy(current.to_json()["Attributes"])))
        models.copy = TablesNotCopied()
        try:
            return transact(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed(saved):  # the items as they were
                if attributes is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise
        finally:
            models.copy = copy

    functools.update_wrapper(item_scoped, transact)
    backend.transact_write_items = item_scoped
    try:
        yield
    finally:
        backend.transact_write_items = transact
