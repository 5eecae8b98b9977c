"""Lambda entry point: the workflow's plan step (dwsim.steps.handlers.plan)."""

from aws_lambda_powertools import Tracer

from dwsim.steps import handlers

tracer = Tracer(service="dwsim-workflow")


@handlers.logger.inject_lambda_context
@tracer.capture_lambda_handler
@handlers.metrics.log_metrics
def lambda_handler(event: dict, context) -> dict:
    return handlers.plan(event)
