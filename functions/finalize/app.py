"""Lambda entry point of the workflow's finalize step (logic: dwsim.steps.handlers.finalize)."""

from dwsim.steps.handlers import entry, finalize

lambda_handler = entry(finalize)
