"""Foreign key rules: the reference resolves to a primary or unique key of an existing
table, each child column can hold the parent's values, and a NOT NULL reference has rows
to point at. A reference that doesn't resolve is reported once and its other rules skipped."""

from __future__ import annotations

from dwsim.errors import Problem
from dwsim.schema import domains
from dwsim.schema.keys import declared_keys, foreign_key_plans, keyed_columns, value_sources
from dwsim.schema.model import Column, Experiment, ForeignKey, Table
from dwsim.schema.problems import where
from dwsim.schema.types import INTEGER_BOUNDS, INTEGER_TYPES, LENGTH_TYPES, family


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
    out = _type_problems(experiment, table, names, fk, parent)
    out.extend(_nullable_parent_problems(experiment, table, names, fk, parent))
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


def _type_problems(experiment: Experiment, table: Table, names: dict[str, Column],
                   fk: ForeignKey, parent: Table) -> list[Problem]:
    out: list[Problem] = []
    parent_columns = parent.column_map()
    for child_name, parent_name in zip(fk.columns, fk.ref_columns, strict=True):
        child, ref = names[child_name], parent_columns[parent_name]
        message = _type_mismatch(child, ref, parent, parent_name)
        if message is None:
            message = _source_mismatch(experiment, child, parent, parent_name)
        if message is not None:
            out.append(Problem(where(table.name, child_name), "foreign_key_type", message))
    return out


def _type_mismatch(child: Column, ref: Column, parent: Table, parent_name: str) -> str | None:
    if family(child.data_type) != family(ref.data_type):
        return (f"{child.data_type.value} cannot hold values of "
                f"{parent.name}.{parent_name} ({ref.data_type.value})")
    return None


def _source_mismatch(experiment: Experiment, child: Column, parent: Table,
                     parent_name: str) -> str | None:
    """The child receives the values of the column that finally produces them (through any
    chain of foreign keys): they must fit the child's type and length."""
    chain = value_sources(experiment, parent, parent_name)
    table, name = chain[-1] if chain else (parent, parent_name)
    source = table.column(name)
    via = f"{parent.name}.{parent_name}" + (f" (values of {table.name}.{name})" if chain else "")
    if child.data_type in INTEGER_TYPES and source.data_type in INTEGER_TYPES:
        lo, hi = _generated_integer_range(experiment, table, source)
        low, high = INTEGER_BOUNDS[child.data_type]
        if lo < low or hi > high:
            return (f"{child.data_type.value} is too small for the keys of {via}, "
                    f"which range over {lo:,}..{hi:,}")
    if child.data_type in LENGTH_TYPES and source.data_type in LENGTH_TYPES:
        longest = (max(len(str(v)) for v in source.values) if source.values
                   else domains.string_length(source))
        if domains.string_length(child) < longest:
            return (f"{child.data_type.value}({domains.string_length(child)}) is shorter than "
                    f"the values of {via}, up to {longest} characters")
    return None


def _generated_integer_range(experiment: Experiment, table: Table,
                             source: Column) -> tuple[int, int]:
    """The integers the engine can write for `source`: a key's sequence or permutation
    range, or a plain column's range."""
    if source.name not in keyed_columns(experiment, table):
        rng = domains.integer_range(source, unique=False)
        return rng.lo, rng.hi
    rng = domains.integer_range(source, unique=True)
    if source.max_value is not None or source.values:
        return rng.lo, rng.hi
    step = source.identity_step  # a sequence: lo, lo + step, ...
    last = rng.lo + max(table.target_rows - 1, 0) * step
    return min(rng.lo, last), max(rng.lo, last)


def _needs_parent_rows(table: Table, names: dict[str, Column], fk: ForeignKey,
                       parent: Table) -> bool:
    """A NOT NULL reference from a table with rows to a parent with none."""
    return (parent.target_rows == 0 and table.target_rows > 0
            and any(names[c].required for c in fk.columns))


def _nullable_parent_problems(experiment: Experiment, table: Table, names: dict[str, Column],
                              fk: ForeignKey, parent: Table) -> list[Problem]:
    """A NOT NULL reference copies the parent's key (and whatever that key copies), so none
    of them may ever be NULL."""
    out = []
    for child, parent_column in zip(fk.columns, fk.ref_columns, strict=False):
        if not names[child].required:
            continue
        chain = [(parent, parent_column), *value_sources(experiment, parent, parent_column)]
        nullable = next(((t, c) for t, c in chain if t.column(c).null_ratio), None)
        if nullable is not None:
            t, c = nullable
            out.append(Problem(where(table.name, child), "foreign_key",
                               f"{child} is NOT NULL but takes its values from {t.name}.{c}, "
                               f"which has null_ratio {t.column(c).null_ratio}; drop one of "
                               "the two"))
    return out
