"""API Lambda: every /api route, through one Powertools resolver (dwsim.api.app)."""

from dwsim.api.app import lambda_handler

__all__ = ["lambda_handler"]
