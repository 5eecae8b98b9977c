"""Each Lambda function logs, traces and counts under its own service name, the one its
POWERTOOLS_SERVICE_NAME in template.yaml gives: no module names a service in code."""

from __future__ import annotations

import ast
from pathlib import Path

import dwsim

PACKAGE = Path(dwsim.__file__).parent


def test_no_powertools_logger_tracer_or_metrics_hard_codes_a_service():
    found, hard_coded = [], []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Logger", "Tracer", "Metrics"):
                found.append(f"{path.name}:{node.func.id}")
                if any(k.arg == "service" for k in node.keywords):
                    hard_coded.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert {"steps.py:Logger", "app.py:Logger", "steps.py:Metrics", "app.py:Tracer"} <= set(found)
    assert hard_coded == []


def test_the_service_name_comes_from_the_environment(monkeypatch):
    from aws_lambda_powertools import Logger

    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "dwsim-reconcile")
    assert Logger().service == "dwsim-reconcile"
