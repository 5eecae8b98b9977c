"""The canonical JSON form of an experiment: what `show --json` prints, the API returns and
`create` accepts back (the derived `keys` of each table are ignored on the way in)."""

from __future__ import annotations

from typing import Any

from dwsim.schema.keys import describe_keys
from dwsim.schema.model import Experiment

# Extension fields left out when they hold their default, for readability; the original
# format's fields (is_unique, required, ...) are always shown.
_QUIET_DEFAULTS = {"quoted": False, "rule_inferred": False, "identity": False, "identity_step": 1}


def canonical_json(experiment: Experiment) -> dict[str, Any]:
    body = experiment.model_dump(mode="json", exclude_none=True)
    for table, out in zip(experiment.tables, body["tables"], strict=True):
        _drop_defaults(out)
        for column in out["columns"]:
            _drop_defaults(column)
        out["keys"] = describe_keys(experiment, table)
    return body


def _drop_defaults(body: dict[str, Any]) -> None:
    for key, default in _QUIET_DEFAULTS.items():
        if body.get(key, default) == default:
            body.pop(key, None)
