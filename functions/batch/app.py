"""Lambda entry point of the workflow's batch step (logic: dwsim.lambdas.steps.batch)."""

from dwsim.lambdas.steps import batch, entry

lambda_handler = entry(batch)
