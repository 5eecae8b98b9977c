"""Executes runs as executions of the generation state machine in AWS Step Functions."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError

from dwsim.metadata.records import RunRecord
from dwsim.runs.executor import ExecutionState, RunExecutor
from dwsim.runs.payloads import RunRef


class StepFunctionsExecutor(RunExecutor):
    def __init__(self, state_machine_arn: str, client: Any = None):
        self.state_machine_arn = state_machine_arn
        self.client = client or boto3.client("stepfunctions")

    def start(self, run: RunRecord) -> dict[str, Any]:
        response = self.client.start_execution(
            stateMachineArn=self.state_machine_arn,
            name=run.run_id,  # one execution per run: a retried start cannot run twice
            input=RunRef(experiment=run.experiment, run_id=run.run_id).model_dump_json(),
        )
        return {"kind": "stepfunctions", "execution_arn": response["executionArn"]}

    def stop(self, run: RunRecord) -> None:
        arn = (run.executor or {}).get("execution_arn")
        if not arn:
            return
        try:
            self.client.stop_execution(executionArn=arn, error="Cancelled",
                                       cause="cancelled by the user")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ExecutionDoesNotExist":
                raise

    def state(self, run: RunRecord) -> ExecutionState | None:
        arn = (run.executor or {}).get("execution_arn")
        if not arn:
            return None
        try:
            status = self.client.describe_execution(executionArn=arn)["status"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
                return ExecutionState.MISSING
            raise
        # PENDING_REDRIVE (and any newer status) may still run: never finish its run.
        return ExecutionState(status) if status in ExecutionState.__members__ else ExecutionState.RUNNING
