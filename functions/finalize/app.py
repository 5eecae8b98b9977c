"""Lambda entry point of the workflow's finalize step (logic: dwsim.lambdas.steps.finalize)."""

from dwsim.lambdas.steps import entry, finalize

lambda_handler = entry(finalize)
