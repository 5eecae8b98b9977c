"""Workflow starters: how a started run gets executed (Step Functions, or in this process)."""

from __future__ import annotations

from dwsim.workflows.base import WorkflowStarter

__all__ = ["WorkflowStarter"]
