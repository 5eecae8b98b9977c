"""Lambda entry point of the workflow's plan step (logic: dwsim.steps.handlers.plan)."""

from dwsim.steps.handlers import entry, plan

lambda_handler = entry(plan)
