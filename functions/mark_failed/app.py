"""Lambda entry point: the workflow's mark-failed step (dwsim.steps.handlers.mark_failed)."""

from aws_lambda_powertools import Tracer

from dwsim.steps import handlers

tracer = Tracer(service="dwsim-workflow")


@handlers.logger.inject_lambda_context
@tracer.capture_lambda_handler
@handlers.metrics.log_metrics
def lambda_handler(event: dict, context) -> dict:
    return handlers.mark_failed(event)
