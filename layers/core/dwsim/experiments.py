"""Experiment use cases, shared by the CLI, the API handlers and `dw-sim serve`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dwsim.errors import InputTooLarge, InvalidInput, SqlSyntaxError
from dwsim.metadata.base import MetadataStore
from dwsim.metadata.records import StoredExperiment
from dwsim.objects.base import ObjectStore
from dwsim.runs.layout import experiment_prefix
from dwsim.schema.canonical import canonical_json
from dwsim.schema.model import Experiment
from dwsim.schema.validate import prepare

SCHEMA_SIZE_LIMIT = 5 * 1024 * 1024  # bytes of JSON schema


def parse_schema_json(text: str | bytes, source: str = "the schema") -> Any:
    """JSON text to data, with the line and column of a syntax error."""
    if len(text) > SCHEMA_SIZE_LIMIT:
        raise InputTooLarge(f"{source} is {len(text):,} bytes; the limit is {SCHEMA_SIZE_LIMIT:,}")
    try:
        return json.loads(text)
    except UnicodeDecodeError:
        raise InvalidInput(f"{source} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                           f"column {exc.colno}", {"line": exc.lineno, "column": exc.colno}) from None
    except RecursionError:
        raise InvalidInput(f"{source} is nested too deeply to process; an experiment schema "
                           "needs only a few levels") from None


def create_experiment(store: MetadataStore, raw: Any) -> StoredExperiment:
    """Validate a JSON schema (already parsed) and store it."""
    return store.create_experiment(prepare(raw))


def preview(experiment: Experiment, first: Sequence[str] = ()) -> dict[str, Any]:
    """What a dry run shows: the canonical JSON plus, per table and column, the values of the
    first rows (`samples`) and how they were made (`sampling`). Nothing is stored; `create`
    accepts the whole body back and ignores both fields. `first` names tables to sample
    before the others (the sampling is bounded, see engine/samples.py)."""
    from dwsim.engine.samples import sample_experiment  # the engine: only previews pay for it

    samples = sample_experiment(experiment, first=first)
    return {**canonical_json(experiment), "samples": samples.values, "sampling": samples.describe()}


def preview_schema(raw: Any, first: Sequence[str] = ()) -> dict[str, Any]:
    """Validate a JSON schema (already parsed) as `create` does, and preview it unstored."""
    return preview(prepare(raw), first)


def interpret_sql(sql: str | bytes, name: str, dialect: str,
                  target_rows: int | dict[str, int] | None = None,
                  description: str | None = None) -> Experiment:
    """DDL to a validated experiment, without storing it (the dry run). `target_rows` is one
    count for every table, or a mapping whose "*" entry (if any) is the default."""
    from dwsim.ddl.importer import import_ddl  # sqlglot: only imports pay for it

    try:
        if isinstance(target_rows, dict):
            rows = dict(target_rows)
            default = rows.pop("*", None)
            return import_ddl(sql, name, dialect, default, description, table_rows=rows)
        return import_ddl(sql, name, dialect, target_rows, description)
    except RecursionError:
        raise SqlSyntaxError("the SQL nests expressions too deeply to parse (thousands of "
                             "parentheses or chained operators); simplify the CHECK or "
                             "DEFAULT expressions") from None


def delete_experiment(store: MetadataStore, objects: ObjectStore, name: str) -> int:
    """Remove the schema and runs (refused while a run is active), then every generated file;
    returns how many objects were removed."""
    store.delete_experiment(name)
    return objects.delete_prefix(experiment_prefix(name))
