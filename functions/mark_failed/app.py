"""Lambda entry point of the workflow's mark-failed step (logic: dwsim.lambdas.steps.mark_failed)."""

from dwsim.lambdas.steps import entry, mark_failed

lambda_handler = entry(mark_failed)
