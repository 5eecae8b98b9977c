"""Whole-schema rules. `prepare` turns raw JSON (or an imported schema) into a normalised,
validated Experiment, or raises SchemaInvalid listing every problem with its location."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import ValidationError

from dwsim.errors import Problem, SchemaInvalid
from dwsim.schema import domains
from dwsim.schema.keys import declared_keys, implied_by, plan_key
from dwsim.schema.model import Column, Experiment, Table
from dwsim.schema.names import experiment_name_problem, fold, identifier_problem
from dwsim.schema.rules import infer_rule, rule_problem
from dwsim.schema.types import (
    INTEGER_BOUNDS,
    INTEGER_TYPES,
    LENGTH_TYPES,
    MAX_DECIMAL_PRECISION,
    MAX_VARCHAR_LENGTH,
    TEMPORAL_TYPES,
    DataType,
    family,
)

MAX_TABLES = 5000
MAX_COLUMNS = 1600  # Redshift's per-table limit


def where(table: str | None = None, column: str | None = None) -> str:
    parts = []
    if table is not None:
        parts.append(f"table '{table}'")
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


def parse_experiment(raw: Any) -> Experiment:
    """Build the model from JSON-like data; structural errors become located Problems."""
    if not isinstance(raw, dict):
        raise SchemaInvalid([Problem("", "type", "an experiment schema must be a JSON object")])
    try:
        return Experiment.model_validate(raw)
    except ValidationError as exc:
        raise SchemaInvalid([_problem_from_pydantic(err, raw) for err in exc.errors()]) from None


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


def normalise(experiment: Experiment) -> None:
    """Fill what follows from what is declared: inferred rules, key columns NOT NULL and
    unique, foreign keys without columns pointing at the parent's primary key."""
    tables = {t.name: t for t in experiment.tables}
    for table in experiment.tables:
        for column in table.columns:
            if column.faker_rule is None and not column.values:
                rule = infer_rule(column.name, column.data_type, table.name)
                if rule:
                    column.faker_rule, column.rule_inferred = rule, True
            if column.identity:
                column.required = True
        by_name = table.column_map()
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


def validate(experiment: Experiment) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append
    name_problem = experiment_name_problem(experiment.name)
    if name_problem:
        add(Problem("experiment name", "identifier", name_problem))
    if len(experiment.tables) > MAX_TABLES:
        add(Problem("", "limit", f"{len(experiment.tables)} tables; at most {MAX_TABLES}"))
    for name, count in Counter(fold(t.name, t.quoted) for t in experiment.tables).items():
        if count > 1:
            add(Problem(where(name), "duplicate_table", f"table '{name}' is defined {count} times"))
    for table in experiment.tables:
        problems.extend(_table_problems(experiment, table))
    return problems


def _table_problems(experiment: Experiment, table: Table) -> list[Problem]:
    problems: list[Problem] = []
    at = where(table.name)
    ident = identifier_problem(table.name, table.quoted, experiment.dialect)
    if ident:
        problems.append(Problem(at, ident[0], ident[1]))
    if len(table.columns) > MAX_COLUMNS:
        problems.append(Problem(at, "limit", f"{len(table.columns)} columns; at most {MAX_COLUMNS}"))
    counts = Counter(fold(c.name, c.quoted) for c in table.columns)
    for name, count in counts.items():
        if count > 1:
            problems.append(Problem(where(table.name, name), "duplicate_column",
                                    f"column '{name}' is defined {count} times"))
    for column in table.columns:
        problems.extend(_column_problems(experiment, table, column))
    problems.extend(_key_problems(experiment, table))
    problems.extend(_foreign_key_problems(experiment, table))
    return problems


def _column_problems(experiment: Experiment, table: Table, column: Column) -> list[Problem]:
    out: list[Problem] = []
    at = where(table.name, column.name)

    def bad(rule: str, message: str) -> None:
        out.append(Problem(at, rule, message))

    ident = identifier_problem(column.name, column.quoted, experiment.dialect)
    if ident:
        bad(*ident)
    t = column.data_type
    if column.varchar_length is not None and t in LENGTH_TYPES:
        if column.varchar_length < 1:
            bad("varchar_length", f"varchar_length is {column.varchar_length}; it must be at least 1")
        elif column.varchar_length > MAX_VARCHAR_LENGTH:
            bad("varchar_length", f"varchar_length {column.varchar_length} exceeds {MAX_VARCHAR_LENGTH}")
    if t is DataType.DECIMAL:
        precision, scale = domains.decimal_spec(column)
        if not 1 <= precision <= MAX_DECIMAL_PRECISION:
            bad("precision", f"precision {precision} must be between 1 and {MAX_DECIMAL_PRECISION}")
        elif not 0 <= scale <= precision:
            bad("scale", f"scale {scale} must be between 0 and the precision {precision}")
    if column.min_value is not None and column.max_value is not None and column.min_value > column.max_value:
        bad("range", f"min_value {column.min_value} is greater than max_value {column.max_value}")
    if column.date_start is not None and column.date_end is not None:
        if domains._as_datetime(column.date_start, end=False) > domains._as_datetime(column.date_end, end=True):
            bad("date_range", f"date_start {column.date_start} is after date_end {column.date_end}")
    if t in INTEGER_TYPES:
        lo, hi = INTEGER_BOUNDS[t]
        for key in ("min_value", "max_value"):
            value = getattr(column, key)
            if value is not None and not lo <= value <= hi:
                bad("range", f"{key} {value} is outside the range of {t.value} ({lo}..{hi})")
    if t is DataType.DECIMAL and (column.min_value is not None or column.max_value is not None):
        precision, scale = domains.decimal_spec(column)
        limit = 10 ** (precision - scale)
        for key in ("min_value", "max_value"):
            value = getattr(column, key)
            if value is not None and abs(value) >= limit:
                bad("range", f"{key} {value} does not fit DECIMAL({precision},{scale})")
    if (column.min_value is not None or column.max_value is not None) and t not in (
        INTEGER_TYPES | {DataType.DECIMAL, DataType.FLOAT, DataType.REAL, DataType.DOUBLE}
    ):
        bad("range", f"min_value/max_value apply to numeric columns, not {t.value}")
    if (column.date_start is not None or column.date_end is not None) and t not in TEMPORAL_TYPES:
        bad("date_range", f"date_start/date_end apply to DATE and TIMESTAMP columns, not {t.value}")
    if column.null_ratio and column.required:
        bad("null_ratio", f"null_ratio {column.null_ratio} on a NOT NULL (required) column")
    if column.weights is not None:
        if not column.values:
            bad("weights", "weights are given without values")
        elif len(column.weights) != len(column.values):
            bad("weights", f"{len(column.weights)} weights for {len(column.values)} values")
        elif any(w < 0 for w in column.weights) or sum(column.weights) <= 0:
            bad("weights", "weights must be non-negative and not all zero")
    if column.values is not None and not column.values:
        bad("values", "values is an empty list")
    if column.faker_rule and not column.values:
        problem = rule_problem(column.faker_rule, t)
        if problem:
            bad("faker_rule", problem)
    if column.identity and t not in INTEGER_TYPES | {DataType.DECIMAL}:
        bad("identity", f"IDENTITY/AUTOINCREMENT needs an integer column, not {t.value}")
    if column.identity_step == 0:
        bad("identity", "identity step must not be 0")
    return out


def _key_problems(experiment: Experiment, table: Table) -> list[Problem]:
    out: list[Problem] = []
    names = table.column_map()
    keyed: dict[str, tuple[str, ...]] = {}
    for kind, columns in declared_keys(table):
        label = f"{'primary' if kind == 'primary' else 'unique'} key ({', '.join(columns)})"
        missing = [c for c in columns if c not in names]
        if missing:
            out.append(Problem(where(table.name), "key_column",
                               f"{label} names unknown column(s): {', '.join(missing)}"))
            continue
        if len(set(columns)) != len(columns):
            out.append(Problem(where(table.name), "key_column", f"{label} repeats a column"))
            continue
        key = plan_key(experiment, table, kind, columns)
        if key.domain < table.target_rows:
            column = columns[0] if len(columns) == 1 else None
            detail = " × ".join(f"{', '.join(g.columns)}: {g.domain:,}" for g in key.groups)
            out.append(Problem(
                where(table.name, column), "key_domain",
                f"{label} can take only {key.domain:,} distinct values ({detail}) but "
                f"target_rows is {table.target_rows:,}; widen the range or length, or lower "
                "target_rows"))
        for fk in table.foreign_keys:
            overlap = set(fk.columns) & set(columns)
            if overlap and not set(fk.columns) <= set(columns):
                out.append(Problem(where(table.name), "key_overlap",
                                   f"{label} contains part of foreign key ({', '.join(fk.columns)}); "
                                   "a key must contain all of a foreign key's columns or none"))
        if len(columns) > 1 and not implied_by(table, columns):
            for name in columns:
                if name in keyed and keyed[name] != columns and len(keyed[name]) > 1:
                    out.append(Problem(where(table.name, name), "key_overlap",
                                       f"column is in two composite keys ({', '.join(keyed[name])}) "
                                       f"and ({', '.join(columns)}); dw-sim can enforce only one"))
                keyed[name] = columns
    for name in table.primary_key:
        column = names.get(name)
        if column is not None and column.null_ratio:
            out.append(Problem(where(table.name, name), "null_ratio",
                               "a primary key column cannot have a null_ratio"))
    return out


def _foreign_key_problems(experiment: Experiment, table: Table) -> list[Problem]:
    out: list[Problem] = []
    names = table.column_map()
    for fk in table.foreign_keys:
        label = f"foreign key ({', '.join(fk.columns)}) → {fk.ref_table}"
        at = where(table.name, fk.columns[0] if len(fk.columns) == 1 else None)
        missing = [c for c in fk.columns if c not in names]
        if missing:
            out.append(Problem(at, "foreign_key", f"{label} names unknown column(s): {', '.join(missing)}"))
            continue
        parent = experiment.table(fk.ref_table)
        if parent is None:
            out.append(Problem(at, "foreign_key", f"{label}: unknown table '{fk.ref_table}'"))
            continue
        if not fk.ref_columns:
            out.append(Problem(at, "foreign_key", f"{label}: no columns given and "
                               f"'{parent.name}' has no primary key"))
            continue
        parent_columns = parent.column_map()
        unknown = [c for c in fk.ref_columns if c not in parent_columns]
        if unknown:
            out.append(Problem(at, "foreign_key", f"{label}: '{parent.name}' has no column(s) "
                               f"{', '.join(unknown)}"))
            continue
        if len(fk.ref_columns) != len(fk.columns):
            out.append(Problem(at, "foreign_key", f"{label}: {len(fk.columns)} column(s) reference "
                               f"{len(fk.ref_columns)}"))
            continue
        parent_keys = {frozenset(cols) for _, cols in declared_keys(parent)}
        if frozenset(fk.ref_columns) not in parent_keys:
            out.append(Problem(at, "foreign_key", f"{label}: ({', '.join(fk.ref_columns)}) is "
                               f"not a primary or unique key of '{parent.name}'"))
            continue
        for child_name, parent_name in zip(fk.columns, fk.ref_columns, strict=True):
            child, ref = names[child_name], parent_columns[parent_name]
            if family(child.data_type) != family(ref.data_type):
                out.append(Problem(where(table.name, child_name), "foreign_key_type",
                                   f"{child.data_type.value} cannot hold values of "
                                   f"{parent.name}.{parent_name} ({ref.data_type.value})"))
            elif child.data_type in INTEGER_TYPES and ref.data_type in INTEGER_TYPES:
                lo, hi = INTEGER_BOUNDS[child.data_type]
                rng = domains.integer_range(ref, unique=True)
                top = rng.lo + max(parent.target_rows - 1, 0) * abs(ref.identity_step)
                if rng.lo < lo or (ref.max_value is not None and rng.hi > hi) or top > hi:
                    out.append(Problem(where(table.name, child_name), "foreign_key_type",
                                       f"{child.data_type.value} is too small for the keys of "
                                       f"{parent.name}.{parent_name}"))
        if parent.target_rows == 0 and table.target_rows > 0 and any(names[c].required for c in fk.columns):
            out.append(Problem(at, "foreign_key", f"{label}: the parent has 0 rows, so no "
                               "NOT NULL value can reference it"))
    return out
