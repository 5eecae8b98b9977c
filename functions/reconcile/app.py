"""Lambda entry point of the scheduled reconciler (logic: dwsim.lambdas.steps.reconcile)."""

from dwsim.lambdas.steps import entry, reconcile

lambda_handler = entry(reconcile)
