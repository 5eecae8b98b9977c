"""Lambda entry point of the workflow's status-change step (logic: dwsim.steps.handlers.status_change)."""

from dwsim.steps.handlers import entry, status_change

lambda_handler = entry(status_change)
