"""Lambda entry point of the workflow's status-change step (logic: dwsim.lambdas.steps.status_change)."""

from dwsim.lambdas.steps import entry, status_change

lambda_handler = entry(status_change)
