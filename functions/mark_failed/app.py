"""Lambda entry point of the workflow's mark-failed step (logic: dwsim.steps.handlers.mark_failed)."""

from dwsim.steps.handlers import entry, mark_failed

lambda_handler = entry(mark_failed)
