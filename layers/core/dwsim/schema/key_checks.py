"""Primary and unique key rules: key columns exist, the key can hold target_rows distinct
values, keys and foreign keys don't partly overlap, and primary key columns have no nulls."""

from __future__ import annotations

from dwsim.errors import Problem
from dwsim.schema.keys import declared_keys, implied_by, plan_key
from dwsim.schema.model import Column, Experiment, Table
from dwsim.schema.problems import where

Key = tuple[str, ...]


def key_problems(experiment: Experiment, table: Table) -> list[Problem]:
    out: list[Problem] = []
    names = table.column_map()
    keyed: dict[str, Key] = {}  # column → the composite key that claimed it
    for kind, columns in declared_keys(table):
        label = f"{'primary' if kind == 'primary' else 'unique'} key ({', '.join(columns)})"
        shape = _shape_problem(table, names, columns, label)
        if shape is not None:
            out.append(shape)
            continue
        out.extend(_domain_problems(experiment, table, kind, columns, label))
        out.extend(_foreign_key_overlaps(table, columns, label))
        out.extend(_composite_overlaps(table, columns, keyed))
    out.extend(_primary_key_nulls(table, names))
    return out


def _shape_problem(table: Table, names: dict[str, Column], columns: Key,
                   label: str) -> Problem | None:
    """Unknown or repeated key columns; the key's other rules are skipped after one."""
    missing = [c for c in columns if c not in names]
    if missing:
        return Problem(where(table.name), "key_column",
                       f"{label} names unknown column(s): {', '.join(missing)}")
    if len(set(columns)) != len(columns):
        return Problem(where(table.name), "key_column", f"{label} repeats a column")
    return None


def _domain_problems(experiment: Experiment, table: Table, kind: str, columns: Key,
                     label: str) -> list[Problem]:
    key = plan_key(experiment, table, kind, columns)
    if key.domain >= table.target_rows:
        return []
    column = columns[0] if len(columns) == 1 else None
    detail = " × ".join(f"{', '.join(g.columns)}: {g.domain:,}" for g in key.groups)
    return [Problem(
        where(table.name, column), "key_domain",
        f"{label} can take only {key.domain:,} distinct values ({detail}) but "
        f"target_rows is {table.target_rows:,}; widen the range or length, or lower "
        "target_rows")]


def _foreign_key_overlaps(table: Table, columns: Key, label: str) -> list[Problem]:
    out: list[Problem] = []
    for fk in table.foreign_keys:
        overlap = set(fk.columns) & set(columns)
        if overlap and not set(fk.columns) <= set(columns):
            out.append(Problem(where(table.name), "key_overlap",
                               f"{label} contains part of foreign key ({', '.join(fk.columns)}); "
                               "a key must contain all of a foreign key's columns or none"))
    return out


def _composite_overlaps(table: Table, columns: Key, keyed: dict[str, Key]) -> list[Problem]:
    """A column in two composite keys (neither implied by a unique column); records the
    columns of this key in `keyed`."""
    if len(columns) <= 1 or implied_by(table, columns):
        return []
    out: list[Problem] = []
    for name in columns:
        if name in keyed and keyed[name] != columns and len(keyed[name]) > 1:
            out.append(Problem(where(table.name, name), "key_overlap",
                               f"column is in two composite keys ({', '.join(keyed[name])}) "
                               f"and ({', '.join(columns)}); dw-sim can enforce only one"))
        keyed[name] = columns
    return out


def _primary_key_nulls(table: Table, names: dict[str, Column]) -> list[Problem]:
    out: list[Problem] = []
    for name in table.primary_key:
        column = names.get(name)
        if column is not None and column.null_ratio:
            out.append(Problem(where(table.name, name), "null_ratio",
                               "a primary key column cannot have a null_ratio"))
    return out
