"""Infrastructure checks: the linters, SAM's validator, the ASL validator, least-privilege
and security properties of template.yaml, and `sam build` with a size report."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from tests.support.template import ROOT, asl_definition, template, translated
from tests.support.tools import asl_validator, python312_folder, venv_tool

LAMBDA_UNZIPPED_LIMIT = 262_144_000
ASL = ROOT / "statemachine" / "generate.asl.json"


def run(*command: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def resources(kind: str) -> dict[str, dict]:
    return {k: v for k, v in template()["Resources"].items() if v["Type"] == kind}


def test_cfn_lint_and_serverless_rules():
    cfn_lint = str(venv_tool("cfn-lint"))
    run(cfn_lint, "template.yaml")
    run(cfn_lint, "template.yaml", "-a", "cfn_lint_serverless.rules")


def test_sam_validate_lint():
    run(str(venv_tool("sam")), "validate", "--lint", "--region", "us-east-1")


def test_asl_validator(tmp_path):
    deployed = tmp_path / "generate.asl.json"  # as Step Functions receives it
    deployed.write_text(asl_definition())
    run(str(asl_validator()), "--json-path", str(deployed))


def test_state_machine_is_wired_to_the_template():
    definition = json.loads(asl_definition())
    placeholders = set(re.findall(r"\$\{(\w+)\}", ASL.read_text()))
    machine = resources("AWS::Serverless::StateMachine")["GenerateStateMachine"]["Properties"]
    assert set(machine["DefinitionSubstitutions"]) == placeholders
    states = {**definition["States"],
              **definition["States"]["GenerateBatches"]["ItemProcessor"]["States"]}
    for name, state in states.items():
        if state["Type"] == "Task":
            assert state.get("Retry"), f"{name} has no Retry"
        if name in ("GenerateBatches", "Finalize"):
            assert state["Catch"][0]["Next"] == "MarkFailed"
    # Plan's failures mark the run FAILED when the input names it (the API started it); a
    # console start without a run id fails the execution with the plan step's own error.
    plan = definition["States"]["Plan"]
    assert plan["Parameters"]["Payload"] == {"input.$": "$", "execution_arn.$": "$$.Execution.Id"}
    assert plan["ResultSelector"]["run_id.$"] == "$.Payload.run_id", "later states use Plan's run id"
    assert "ResultPath" not in plan, "Plan's output replaces the input: no state reads the input's run_id"
    after = definition["States"][plan["Catch"][0]["Next"]]
    assert after["Choices"] == [{"Variable": "$.run_id", "IsPresent": True, "Next": "MarkFailed"}]
    refused = definition["States"][after["Default"]]
    assert refused == {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}
    assert all(set(r["ErrorEquals"]) <= {"Lambda.ServiceException", "Lambda.AWSLambdaException",
                                         "Lambda.SdkClientException", "Lambda.TooManyRequestsException"}
               for r in plan["Retry"]), "RunActive and InvalidInput are not retried"
    batches = definition["States"]["GenerateBatches"]
    assert batches["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert batches["ResultPath"] is None and "ResultWriter" in batches, "results stay out of the payload"


def test_every_route_requires_auth_and_the_bucket_is_locked_down():
    api = resources("AWS::Serverless::Api")["Api"]["Properties"]
    assert api["Auth"]["ApiKeyRequired"] is True
    assert resources("AWS::Serverless::Api")["IamApi"]["Properties"]["Auth"]["DefaultAuthorizer"] == "AWS_IAM"
    assert api["Auth"]["UsagePlan"]["CreateUsagePlan"] == "PER_API"
    assert "AccessLogSetting" in api
    bucket = resources("AWS::S3::Bucket")["DataBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policy = resources("AWS::S3::BucketPolicy")["DataBucketPolicy"]["Properties"]["PolicyDocument"]
    assert policy["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"] == "false"
    table = resources("AWS::DynamoDB::Table")["MetadataTable"]["Properties"]
    assert table["SSESpecification"]["SSEEnabled"] and table["BillingMode"] == "PAY_PER_REQUEST"


def test_no_wildcard_resources_where_a_resource_can_be_named():
    wildcards = []
    for name, resource in template()["Resources"].items():
        for policy in resource.get("Properties", {}).get("Policies", []) or []:
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                if statement.get("Resource") == "*":
                    wildcards.append((name, tuple(statement["Action"])))
    # CloudWatch Logs delivery for the state machine's logging has no resource-level permissions.
    assert all(all(a.startswith("logs:") for a in actions) for _, actions in wildcards), wildcards


def test_every_function_has_a_log_group_with_retention():
    groups = {json.dumps(v["Properties"]["LogGroupName"]) for v in resources("AWS::Logs::LogGroup").values()
              if "LogGroupName" in v["Properties"]}
    for name in resources("AWS::Serverless::Function"):
        assert json.dumps({"Fn::Sub": f"/aws/lambda/${{{name}}}"}) in groups, name


def test_sam_build_fits_lambda_size_limits(tmp_path):
    sam = venv_tool("sam")
    env = {**os.environ, "PATH": f"{python312_folder()}:{sam.parent}:{os.environ['PATH']}",
           "SAM_CLI_TELEMETRY": "0"}
    build = tmp_path / "build"
    run(str(sam), "build", "--region", "us-east-1", "--build-dir", str(build),
        "--cache-dir", str(tmp_path / "cache"), env=env)

    def size(path: Path) -> int:
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())

    layers = {name: size(build / name) for name in ("DepsLayer", "CoreLayer")}
    report = [f"{name:<22}{value:>14,} bytes" for name, value in layers.items()]
    for function in resources("AWS::Serverless::Function"):
        total = size(build / function) + sum(layers.values())
        report.append(f"{function:<22}{total:>14,} bytes with layers")
        assert total < LAMBDA_UNZIPPED_LIMIT * 0.8, f"{function}: {total:,} bytes is too close to the limit"
    text = "sam build sizes (unzipped):\n" + "\n".join(report) + "\n"
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "sam-build-sizes.txt").write_text(text)
    print("\n" + text)


def test_only_the_ui_page_and_assets_skip_the_api_key():
    events = template()["Resources"]["ApiFunction"]["Properties"]["Events"]
    open_paths = {e["Properties"]["Path"] for e in events.values()
                  if e["Properties"].get("Auth", {}).get("ApiKeyRequired") is False}
    assert open_paths == {"/", "/app.js", "/styles.css"}
    assert events["Experiments"]["Properties"]["Path"] == "/api/{proxy+}"


def _translated() -> dict:
    """template.yaml through the SAM translator, as CloudFormation would receive it."""
    return translated()


def _unwrap(value):
    while isinstance(value, dict) and "Fn::If" in value:
        value = value["Fn::If"][1]
    return value


def _security(api: dict, path: str) -> list:
    methods = _unwrap(api["Properties"]["Body"]["paths"][path])
    method = _unwrap(methods.get("x-amazon-apigateway-any-method") or methods.get("get"))
    return method.get("security", [])


def test_auth_mode_api_key_or_iam_guards_every_api_route():
    resources = _translated()["Resources"]
    keyed, iam = resources["Api"], resources["IamApi"]
    assert (keyed["Condition"], iam["Condition"]) == ("UseApiKey", "UseIam")
    assert _security(keyed, "/api/{proxy+}") == [{"api_key": []}]
    assert all(_security(keyed, path) == [] for path in ("/", "/app.js", "/styles.css"))
    assert _security(iam, "/api/{proxy+}") == [{"AWS_IAM": []}]
    assert set(_unwrap(iam["Properties"]["Body"]["paths"])) == {"/api/{proxy+}"}
    for name, resource in resources.items():  # each mode's pieces exist only in that mode
        if name.startswith(("ApiFunction", "ApiUsagePlan", "ApiApiKey")):
            assert resource.get("Condition") == "UseApiKey", name
        if name.startswith("IamApi"):
            assert resource.get("Condition") == "UseIam", name


ALARMS = {  # alarm → (namespace, metric, dimension names)
    "ExecutionsFailedAlarm": ("AWS/States", "ExecutionsFailed", ["StateMachineArn"]),
    "ExecutionsTimedOutAlarm": ("AWS/States", "ExecutionsTimedOut", ["StateMachineArn"]),
    "ExecutionsAbortedAlarm": ("AWS/States", "ExecutionsAborted", ["StateMachineArn"]),
    "DeadLettersAlarm": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", ["QueueName"]),
    "Api5xxAlarm": ("AWS/ApiGateway", "5XXError", ["ApiName", "Stage"]),
    "BatchErrorsAlarm": ("AWS/Lambda", "Errors", ["FunctionName"]),
    "BatchThrottlesAlarm": ("AWS/Lambda", "Throttles", ["FunctionName"]),
    "ReconcileErrorsAlarm": ("AWS/Lambda", "Errors", ["FunctionName"]),
}


def test_alarms_watch_the_workflow_the_queue_the_api_and_the_batches():
    alarms = resources("AWS::CloudWatch::Alarm")
    assert set(alarms) == set(ALARMS)
    params = template()["Parameters"]
    assert params["AlarmTopicArn"]["Default"] == ""
    assert template()["Conditions"]["NotifyAlarms"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]}]}
    for name, (namespace, metric, dimensions) in ALARMS.items():
        props = alarms[name]["Properties"]
        assert (props["Namespace"], props["MetricName"]) == (namespace, metric), name
        assert [d["Name"] for d in props["Dimensions"]] == dimensions, name
        assert props["ComparisonOperator"] == "GreaterThanThreshold" and props["Threshold"] == 0
        assert props["TreatMissingData"] == "notBreaching", name
        assert props["AlarmActions"] == {"Fn::If": ["NotifyAlarms", [{"Ref": "AlarmTopicArn"}],
                                                    {"Ref": "AWS::NoValue"}]}, name
    watched = {json.dumps(alarms[n]["Properties"]["Dimensions"][0]["Value"]) for n in alarms}
    for target in ({"Ref": "GenerateStateMachine"}, {"Ref": "BatchFunction"},
                   {"Fn::GetAtt": ["StatusChangeDeadLetters", "QueueName"]},
                   {"Fn::Sub": "${AWS::StackName}-api"}):
        assert json.dumps(target) in watched, target
    for api in ("Api", "IamApi"):  # the 5XX alarm's ApiName is the API's own name
        assert resources("AWS::Serverless::Api")[api]["Properties"]["Name"] == {
            "Fn::Sub": "${AWS::StackName}-api"}


def test_the_dashboard_shows_every_alarm_and_the_watched_metrics():
    [dashboard] = resources("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]
    metrics = {m[1] for w in widgets if w["type"] == "metric" for m in w["properties"]["metrics"]}
    assert {"ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "Errors", "Throttles",
            "5XXError", "ApproximateNumberOfMessagesVisible", "RowsGenerated"} <= metrics
    [alarm_widget] = [w for w in widgets if w["type"] == "alarm"]
    assert len(alarm_widget["properties"]["alarms"]) == len(ALARMS)
    assert {f"${{{name}.Arn}}" for name in ALARMS} <= set(re.findall(r"\$\{\w+\.Arn\}", body))


def test_run_limits_and_batch_concurrency_are_parameters():
    params, functions = template()["Parameters"], resources("AWS::Serverless::Function")
    env = template()["Globals"]["Function"]["Environment"]["Variables"]
    assert env["DWSIM_MAX_ROWS_PER_RUN"] == {"Ref": "MaxRowsPerRun"}, "the API and the plan step enforce it"
    assert params["MaxRowsPerRun"]["MinValue"] == 0
    assert params["BatchReservedConcurrency"]["Default"] == 0
    assert template()["Conditions"]["ReserveBatchConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "BatchReservedConcurrency"}, 0]}]}
    assert functions["BatchFunction"]["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": ["ReserveBatchConcurrency", {"Ref": "BatchReservedConcurrency"}, {"Ref": "AWS::NoValue"}]}
    lambdas = _translated()["Resources"]
    assert lambdas["BatchFunction"]["Properties"]["ReservedConcurrentExecutions"]["Fn::If"][0] == \
        "ReserveBatchConcurrency"


def test_the_reconciler_runs_on_a_schedule_parameter():
    reconciler = resources("AWS::Serverless::Function")["ReconcileFunction"]["Properties"]
    [event] = reconciler["Events"].values()
    assert event["Type"] == "Schedule" and event["Properties"]["Schedule"] == {"Ref": "ReconcileSchedule"}
    assert template()["Parameters"]["ReconcileSchedule"]["Default"] == "rate(15 minutes)"
    env = reconciler["Environment"]["Variables"]
    assert env["DWSIM_STATE_MACHINE_ARN"] == {"Ref": "GenerateStateMachine"}
    assert env["DWSIM_RECONCILE_GRACE_MINUTES"] == {"Ref": "ReconcileGraceMinutes"}
    rules = [r for r in _translated()["Resources"].values() if r["Type"] == "AWS::Events::Rule"
             and r["Properties"].get("ScheduleExpression") == {"Ref": "ReconcileSchedule"}]
    assert len(rules) == 1 and rules[0]["Properties"]["Targets"][0]["Arn"] == {
        "Fn::GetAtt": ["ReconcileFunction", "Arn"]}


def test_each_function_names_its_own_powertools_service():
    names = {name: f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
             for name, f in resources("AWS::Serverless::Function").items()}
    assert names["ApiFunction"] == names["IamApiFunction"] == "dwsim-api"  # one API, two auth modes
    others = [v for k, v in names.items() if k not in ("ApiFunction", "IamApiFunction")]
    assert len(set(others)) == len(others) and "dwsim-api" not in others, names
    assert "POWERTOOLS_SERVICE_NAME" not in template()["Globals"]["Function"]["Environment"]["Variables"]


def test_env_json_overrides_only_variables_each_function_declares():
    """`sam local invoke --env-vars env.json` only replaces variables the template declares,
    per logical function id: a key or variable it does not know would be silently ignored."""
    env_json = json.loads((ROOT / "env.json").read_text())
    functions = resources("AWS::Serverless::Function")
    assert set(env_json) == set(functions)
    shared = set(template()["Globals"]["Function"]["Environment"]["Variables"])
    for name, variables in env_json.items():
        declared = shared | set(functions[name]["Properties"]["Environment"]["Variables"])
        assert set(variables) <= declared, (name, set(variables) - declared)
        assert variables.get("POWERTOOLS_SERVICE_NAME") == \
            functions[name]["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
