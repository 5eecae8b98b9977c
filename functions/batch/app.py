"""Lambda entry point of the workflow's batch step (logic: dwsim.steps.handlers.batch)."""

from dwsim.steps.handlers import batch, entry

lambda_handler = entry(batch)
