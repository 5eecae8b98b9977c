"""Whole-schema rules. `prepare` turns raw JSON (or an imported schema) into a normalised,
validated Experiment, or raises SchemaInvalid listing every problem with its location.
Experiment- and table-level rules are here; column, key and foreign key rules live in
column_checks, key_checks and foreign_key_checks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import ValidationError

from dwsim.errors import InvalidInput, Problem, SchemaInvalid
from dwsim.limits import (
    MAX_COLUMNS,
    MAX_FOREIGN_KEYS,
    MAX_RELATIONS,
    MAX_TABLE_ROWS,
    MAX_TABLES,
    MAX_UNIQUE_KEYS,
    MAX_VALUES,
    over,
)
from dwsim.schema.column_checks import column_problems
from dwsim.schema.foreign_key_checks import Lookups, foreign_key_problems
from dwsim.schema.inference import cut_warning, infer_column
from dwsim.schema.key_checks import key_problems
from dwsim.schema.model import Experiment, ImportWarning, Table
from dwsim.schema.names import experiment_name_problem, fold, identifier_problem
from dwsim.schema.problems import where
from dwsim.schema.relations import infer_relations, relation_problems

__all__ = ["MAX_COLUMNS", "MAX_TABLES", "normalise", "parse_experiment", "prepare", "validate",
           "where", "with_table_rows"]


def parse_experiment(raw: Any) -> Experiment:
    """Build the model from JSON-like data; structural errors become located Problems."""
    if not isinstance(raw, dict):
        raise SchemaInvalid([Problem("", "type", "an experiment schema must be a JSON object")])
    too_many = _count_problems(raw)
    if too_many:
        raise SchemaInvalid(too_many)
    try:
        return Experiment.model_validate(raw)
    except ValidationError as exc:
        raise SchemaInvalid([_problem_from_pydantic(err, raw) for err in exc.errors()]) from None


def _count_problems(raw: dict) -> list[Problem]:
    """The sizes that drive work, counted in the raw JSON before any model is built."""
    tables = raw.get("tables")
    if not isinstance(tables, list):
        return []
    problem = over(len(tables), MAX_TABLES, "tables")
    if problem:
        return [Problem("", "limit", problem)]
    problems = []
    for i, table in enumerate(tables):
        if isinstance(table, dict):
            name = table.get("name") if isinstance(table.get("name"), str) else f"#{i + 1}"
            problems.extend(_sizes(name, table))
    return problems


def _sizes(table: str, fields: dict) -> list[Problem]:
    """A table's lists against their limits; `fields` is raw JSON or a model's fields."""
    problems = []
    for field, limit, what in (("columns", MAX_COLUMNS, "columns"),
                               ("foreign_keys", MAX_FOREIGN_KEYS, "foreign keys"),
                               ("unique", MAX_UNIQUE_KEYS, "unique keys"),
                               ("relations", MAX_RELATIONS, "relations")):
        items = fields.get(field)
        problem = over(len(items), limit, what) if isinstance(items, list) else None
        if problem:
            problems.append(Problem(where(table), "limit", f"table '{table}' has {problem}"))
    for column in fields.get("columns") if isinstance(fields.get("columns"), list) else []:
        column = column if isinstance(column, dict) else getattr(column, "__dict__", {})
        for field in ("values", "weights"):
            items = column.get(field)
            problem = over(len(items), MAX_VALUES, field) if isinstance(items, list) else None
            if problem:
                problems.append(Problem(where(table, str(column.get("name"))), "limit",
                                        f"column '{column.get('name')}' has {problem}"))
    return problems


def _problem_from_pydantic(err: dict, raw: dict) -> Problem:
    loc = list(err["loc"])
    table = column = None
    field_path: list[str] = []
    node: Any = raw
    i = 0
    while i < len(loc):
        key = loc[i]
        if key in ("tables", "columns") and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            try:
                item = node[key][loc[i + 1]]
            except (KeyError, IndexError, TypeError):
                item = None
            label = item.get("name") if isinstance(item, dict) and item.get("name") else f"#{loc[i + 1] + 1}"
            if key == "tables":
                table = label
            else:
                column = label
            node = item if isinstance(item, dict) else {}
            i += 2
            continue
        field_path.append(str(key))
        i += 1
    field = ".".join(field_path)
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = f"unknown field '{field}'"
    elif err["type"] == "missing":
        message = f"field '{field}' is required"
    elif field:
        message = f"{field}: {message}"
    return Problem(where(table, column), err["type"], message)


def prepare(raw: Any) -> Experiment:
    """Parse, normalise and validate: the one way into a usable Experiment."""
    experiment = raw if isinstance(raw, Experiment) else parse_experiment(raw)
    normalise(experiment)
    problems = validate(experiment)
    if problems:
        raise SchemaInvalid(problems)
    return experiment


def with_table_rows(experiment: Experiment, rows: dict[str, int]) -> Experiment:
    """A copy with per-table row targets, validated again (domains depend on row counts)."""
    unknown = sorted(set(rows) - {t.name for t in experiment.tables})
    if unknown:
        raise InvalidInput(f"unknown table(s) in rows: {', '.join(unknown)}; the experiment has "
                           f"{', '.join(t.name for t in experiment.tables)}")
    for table, count in rows.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InvalidInput(f"rows for table '{table}' must be a whole number ≥ 0, not {count!r}")
        if count > MAX_TABLE_ROWS:
            raise InvalidInput(f"rows for table '{table}': {over(count, MAX_TABLE_ROWS, 'rows')}")
    data = experiment.model_dump()
    for table in data["tables"]:
        table["target_rows"] = rows.get(table["name"], table["target_rows"])
    return prepare(data)


def normalise(experiment: Experiment) -> None:
    """Fill what follows from what is declared: key columns NOT NULL and unique, foreign keys
    without columns pointing at the parent's primary key, then what each column's name and
    type imply (rules, code sets, ranges, NULL shares; see inference.py)."""
    tables = {t.name: t for t in experiment.tables}
    known = {(w.table, w.column, w.code) for w in experiment.warnings}
    for table in experiment.tables:
        by_name = table.column_map()
        for column in table.columns:
            if column.identity:
                column.required = True
        for name in table.primary_key:
            if name in by_name:
                by_name[name].required = True
        for key in [table.primary_key, *table.unique]:
            if len(key) == 1 and key[0] in by_name:
                by_name[key[0]].is_unique = True
        for fk in table.foreign_keys:
            parent = tables.get(fk.ref_table)
            if not fk.ref_columns and parent is not None:
                fk.ref_columns = list(parent.primary_key)
        keyed = {c for key in [table.primary_key, *table.unique] for c in key}
        referencing = {c for fk in table.foreign_keys for c in fk.columns}
        for column in table.columns:
            infer_column(column, table.name, keyed=column.name in keyed or column.is_unique
                         or column.identity, referencing=column.name in referencing)
        if table.relations is None:
            excluded = keyed | referencing | {c.name for c in table.columns if c.is_unique}
            table.relations = infer_relations(table, excluded)
        _warn_about_cuts(experiment, table, known)


def _warn_about_cuts(experiment: Experiment, table: Table, known: set[tuple]) -> None:
    """Say so when nothing fits a column and its values will be cut (once, however often
    the experiment is prepared again). `known`: the warnings' (table, column, code)."""
    for column in table.columns:
        message = cut_warning(column)
        if message and (table.name, column.name, "value_cut") not in known:
            known.add((table.name, column.name, "value_cut"))
            experiment.warnings.append(ImportWarning(table=table.name, column=column.name,
                                                     code="value_cut", message=message))


def validate(experiment: Experiment) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append
    name_problem = experiment_name_problem(experiment.name)
    if name_problem:
        add(Problem("experiment name", "identifier", name_problem))
    too_many = over(len(experiment.tables), MAX_TABLES, "tables")
    if too_many:
        add(Problem("", "limit", too_many))
    for name, count in Counter(fold(t.name, t.quoted) for t in experiment.tables).items():
        if count > 1:
            add(Problem(where(name), "duplicate_table", f"table '{name}' is defined {count} times"))
    known: dict = {}  # column findings, shared by alike columns (see column_problems)
    lookups = Lookups(experiment)
    for table in experiment.tables:
        problems.extend(_table_problems(experiment, table, known, lookups))
    return problems


def _table_problems(experiment: Experiment, table: Table, known: dict,
                    lookups: Lookups) -> list[Problem]:
    problems: list[Problem] = []
    at = where(table.name)
    ident = identifier_problem(table.name, table.quoted, experiment.dialect, "table")
    if ident:
        problems.append(Problem(at, ident[0], ident[1]))
    sizes = _sizes(table.name, vars(table))
    if sizes:  # the checks below grow with these sizes
        return problems + sizes
    counts = Counter(fold(c.name, c.quoted) for c in table.columns)
    for name, count in counts.items():
        if count > 1:
            problems.append(Problem(where(table.name, name), "duplicate_column",
                                    f"column '{name}' is defined {count} times"))
    for column in table.columns:
        problems.extend(column_problems(experiment, table, column, known))
    problems.extend(key_problems(experiment, table))
    problems.extend(foreign_key_problems(experiment, table, lookups))
    produced = {c for key in [table.primary_key, *table.unique] for c in key} | \
        {c for fk in table.foreign_keys for c in fk.columns} | \
        {c.name for c in table.columns if c.is_unique or c.identity}
    problems.extend(relation_problems(table, produced))
    return problems
