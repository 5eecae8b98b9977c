"""Runs: the record of one generation, its lifecycle and the workflow steps."""
