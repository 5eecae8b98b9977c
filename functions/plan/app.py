"""Lambda entry point of the workflow's plan step (logic: dwsim.lambdas.steps.plan)."""

from dwsim.lambdas.steps import entry, plan

lambda_handler = entry(plan)
