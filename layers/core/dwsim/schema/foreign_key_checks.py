"""Foreign key rules: the reference resolves to a primary or unique key of an existing
table, each child column can hold the parent's values, and a NOT NULL reference has rows
to point at. A reference that doesn't resolve is reported once and its other rules skipped."""

from __future__ import annotations

from dwsim.errors import Problem
from dwsim.schema import domains
from dwsim.schema.keys import declared_keys, foreign_key_plans
from dwsim.schema.model import Column, Experiment, ForeignKey, Table
from dwsim.schema.problems import where
from dwsim.schema.types import INTEGER_BOUNDS, INTEGER_TYPES, family


def foreign_key_problems(experiment: Experiment, table: Table) -> list[Problem]:
    out: list[Problem] = []
    names = table.column_map()
    for fk in table.foreign_keys:
        out.extend(_one_foreign_key(experiment, table, names, fk))
    if not out:  # how each key is produced is only known once every reference resolves
        out.extend(_infeasible(experiment, table))
    return out


def _infeasible(experiment: Experiment, table: Table) -> list[Problem]:
    """Overlapping foreign keys that nothing guarantees: refused, never silently broken."""
    return [Problem(where(table.name, plan.fk.columns[0] if len(plan.fk.columns) == 1 else None),
                    "foreign_key_overlap", plan.reason or "")
            for plan in foreign_key_plans(experiment, table) if plan.how == "infeasible"]


def _one_foreign_key(experiment: Experiment, table: Table, names: dict[str, Column],
                     fk: ForeignKey) -> list[Problem]:
    label = f"foreign key ({', '.join(fk.columns)}) → {fk.ref_table}"
    at = where(table.name, fk.columns[0] if len(fk.columns) == 1 else None)
    missing = [c for c in fk.columns if c not in names]
    if missing:
        return [Problem(at, "foreign_key", f"{label} names unknown column(s): {', '.join(missing)}")]
    parent = experiment.table(fk.ref_table)
    if parent is None:
        return [Problem(at, "foreign_key", f"{label}: unknown table '{fk.ref_table}'")]
    unresolved = _reference_problem(fk, parent, label)
    if unresolved is not None:
        return [Problem(at, "foreign_key", unresolved)]
    out = _type_problems(table, names, fk, parent)
    out.extend(_nullable_parent_problems(table, names, fk, parent))
    if _needs_parent_rows(table, names, fk, parent):
        out.append(Problem(at, "foreign_key", f"{label}: the parent has 0 rows, so no "
                           "NOT NULL value can reference it"))
    return out


def _reference_problem(fk: ForeignKey, parent: Table, label: str) -> str | None:
    """Why the referenced columns are not a key of the parent, or None."""
    if not fk.ref_columns:
        return f"{label}: no columns given and '{parent.name}' has no primary key"
    parent_columns = parent.column_map()
    unknown = [c for c in fk.ref_columns if c not in parent_columns]
    if unknown:
        return f"{label}: '{parent.name}' has no column(s) {', '.join(unknown)}"
    if len(fk.ref_columns) != len(fk.columns):
        return f"{label}: {len(fk.columns)} column(s) reference {len(fk.ref_columns)}"
    parent_keys = {frozenset(cols) for _, cols in declared_keys(parent)}
    if frozenset(fk.ref_columns) not in parent_keys:
        return (f"{label}: ({', '.join(fk.ref_columns)}) is not a primary or unique key of "
                f"'{parent.name}'")
    return None


def _type_problems(table: Table, names: dict[str, Column], fk: ForeignKey,
                   parent: Table) -> list[Problem]:
    out: list[Problem] = []
    parent_columns = parent.column_map()
    for child_name, parent_name in zip(fk.columns, fk.ref_columns, strict=True):
        child, ref = names[child_name], parent_columns[parent_name]
        message = _type_mismatch(child, ref, parent, parent_name)
        if message is not None:
            out.append(Problem(where(table.name, child_name), "foreign_key_type", message))
    return out


def _type_mismatch(child: Column, ref: Column, parent: Table, parent_name: str) -> str | None:
    if family(child.data_type) != family(ref.data_type):
        return (f"{child.data_type.value} cannot hold values of "
                f"{parent.name}.{parent_name} ({ref.data_type.value})")
    if child.data_type in INTEGER_TYPES and ref.data_type in INTEGER_TYPES:
        if not _integer_keys_fit(child, ref, parent):
            return (f"{child.data_type.value} is too small for the keys of "
                    f"{parent.name}.{parent_name}")
    return None


def _integer_keys_fit(child: Column, ref: Column, parent: Table) -> bool:
    """Whether every key the parent generates fits the child's integer type."""
    lo, hi = INTEGER_BOUNDS[child.data_type]
    rng = domains.integer_range(ref, unique=True)
    top = rng.lo + max(parent.target_rows - 1, 0) * abs(ref.identity_step)
    return not (rng.lo < lo or (ref.max_value is not None and rng.hi > hi) or top > hi)


def _needs_parent_rows(table: Table, names: dict[str, Column], fk: ForeignKey,
                       parent: Table) -> bool:
    """A NOT NULL reference from a table with rows to a parent with none."""
    return (parent.target_rows == 0 and table.target_rows > 0
            and any(names[c].required for c in fk.columns))


def _nullable_parent_problems(table: Table, names: dict[str, Column], fk: ForeignKey,
                              parent: Table) -> list[Problem]:
    """A NOT NULL reference copies the parent's key, so that key must never be NULL."""
    ref = parent.column_map()
    return [Problem(where(table.name, child), "foreign_key",
                    f"{child} is NOT NULL but references {parent.name}.{parent_column}, which has "
                    f"null_ratio {ref[parent_column].null_ratio}; drop one of the two")
            for child, parent_column in zip(fk.columns, fk.ref_columns, strict=False)
            if names[child].required and ref[parent_column].null_ratio]
