"""Schemathesis against a running `dw-sim serve`: every operation of the OpenAPI document the
server publishes, with generated valid and invalid requests. No response may be a 5xx, every
status must be one the document declares for the operation, every body must match the schema
declared for that status, and no connection may drop."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

ROOT = Path(__file__).resolve().parents[2]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}  # per operation
MAX_URL = 8_192  # longer request lines are the HTTP server's to refuse (as API Gateway's are)


def _post(url: str, body: dict) -> int:
    return requests.post(url, json=body, timeout=30).status_code


def test_every_operation_survives_generated_requests(served):
    # Something for the path parameters to find: an experiment and one of its runs.
    schema_json = json.loads((ROOT / "examples" / "ecommerce.json").read_text())
    schema_json["name"] = "fuzzed"
    for table in schema_json["tables"]:
        table["target_rows"] = min(table["target_rows"], 50)
    assert _post(served.url + "/api/experiments", schema_json) == 201
    run = requests.post(served.url + "/api/experiments/fuzzed/generate", json={"seed": 1},
                        timeout=30).json()

    schema = schemathesis.openapi.from_url(served.url + "/api/openapi.json", timeout=30)
    session = requests.Session()
    statuses: Counter[int] = Counter()
    sent = dropped = long_urls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deleting the seeded experiment last keeps it there for every other operation.
    operations.sort(key=lambda op: op.method.upper() == "DELETE")
    assert len(operations) == 12  # every route but the UI's files and the document itself

    for operation in operations:
        known = {"name": "fuzzed", "run_id": run["run_id"]}
        fixed = {k: v for k, v in known.items() if "{" + k + "}" in operation.path}
        for mode, count in EXAMPLES.items():
            for path_parameters in ([None, fixed] if fixed else [None]):
                strategy = operation.as_strategy(generation_mode=mode,
                                                 path_parameters=path_parameters)

                @settings(max_examples=count, deadline=None, database=None, derandomize=True,
                          phases=[Phase.explicit, Phase.generate, Phase.shrink],
                          suppress_health_check=list(HealthCheck))
                @given(case=strategy)
                def attack(case):
                    nonlocal sent, dropped
                    sent += 1
                    try:
                        response = case.call(base_url=served.url, session=session, timeout=30)
                    except requests.ConnectionError:
                        dropped += 1
                        raise
                    statuses[response.status_code] += 1
                    if len(response.request.url) > MAX_URL:
                        # The HTTP server refuses such a request line itself (414) before
                        # dw-sim sees it, in its own format: only "no 5xx" applies.
                        nonlocal long_urls
                        long_urls += 1
                        assert 400 <= response.status_code < 500
                        return
                    case.validate_response(response, checks=CHECKS)

                try:
                    attack()
                except Unsatisfiable:
                    # Nothing to make invalid: no parameters or body, or only fixed ones.
                    assert mode is GenerationMode.NEGATIVE

    print(f"\nschemathesis: {sent} requests over {len(operations)} operations; "
          f"statuses {dict(sorted(statuses.items()))}; {long_urls} URLs over {MAX_URL:,} "
          f"bytes; {dropped} dropped connections")
    assert dropped == 0 and sent >= 300
    assert not any(status >= 500 for status in statuses)
    # Both sides of the API were reached: successes and refusals.
    assert {200, 404, 422} <= set(statuses)
