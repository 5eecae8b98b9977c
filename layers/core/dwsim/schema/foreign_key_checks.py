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


class Lookups:
    """What the foreign key checks of one validation ask about the same parents again and
    again (thousands of tables reference a few), each found once: a table's columns by name,
    the chain a column's values are copied from, a table's keyed columns. Valid while the
    experiment does not change."""

    def __init__(self, experiment: Experiment):
        self.experiment = experiment
        self._columns: dict[int, dict[str, Column]] = {}
        self._sources: dict[tuple[int, str], list[tuple[Table, str]]] = {}
        self._keyed: dict[int, set[str]] = {}

    def columns(self, table: Table) -> dict[str, Column]:
        found = self._columns.get(id(table))
        if found is None:
            found = self._columns[id(table)] = table.column_map()
        return found

    def sources(self, table: Table, column: str) -> list[tuple[Table, str]]:
        found = self._sources.get((id(table), column))
        if found is None:
            found = self._sources[(id(table), column)] = value_sources(self.experiment, table,
                                                                        column)
        return found

    def keyed(self, table: Table) -> set[str]:
        found = self._keyed.get(id(table))
        if found is None:
            found = self._keyed[id(table)] = keyed_columns(self.experiment, table)
        return found


def foreign_key_problems(experiment: Experiment, table: Table,
                         lookups: Lookups | None = None) -> list[Problem]:
    """`lookups`: shared by the tables of one validation (see Lookups)."""
    out: list[Problem] = []
    look = lookups if lookups is not None and lookups.experiment is experiment \
        else Lookups(experiment)
    names = table.column_map()
    for fk in table.foreign_keys:
        out.extend(_one_foreign_key(experiment, table, names, fk, look))
    if not out:  # how each key is produced is only known once every reference resolves
        out.extend(_infeasible(experiment, table))
    return out


def _infeasible(experiment: Experiment, table: Table) -> list[Problem]:
    """Overlapping foreign keys that nothing guarantees: refused, never silently broken."""
    return [Problem(where(table.name, plan.fk.columns[0] if len(plan.fk.columns) == 1 else None),
                    "foreign_key_overlap", plan.reason or "")
            for plan in foreign_key_plans(experiment, table) if plan.how == "infeasible"]


def _one_foreign_key(experiment: Experiment, table: Table, names: dict[str, Column],
                     fk: ForeignKey, look: Lookups) -> list[Problem]:
    label = f"foreign key ({', '.join(fk.columns)}) → {fk.ref_table}"
    at = where(table.name, fk.columns[0] if len(fk.columns) == 1 else None)
    missing = [c for c in fk.columns if c not in names]
    if missing:
        return [Problem(at, "foreign_key", f"{label} names unknown column(s): {', '.join(missing)}")]
    parent = experiment.table(fk.ref_table)
    if parent is None:
        return [Problem(at, "foreign_key", f"{label}: unknown table '{fk.ref_table}'")]
    unresolved = _reference_problem(fk, parent, label, look)
    if unresolved is not None:
        return [Problem(at, "foreign_key", unresolved)]
    out = _type_problems(table, names, fk, parent, look)
    out.extend(_nullable_parent_problems(table, names, fk, parent, look))
    if _needs_parent_rows(table, names, fk, parent):
        out.append(Problem(at, "foreign_key", f"{label}: the parent has 0 rows, so no "
                           "NOT NULL value can reference it"))
    return out


def _reference_problem(fk: ForeignKey, parent: Table, label: str, look: Lookups) -> str | None:
    """Why the referenced columns are not a key of the parent, or None."""
    if not fk.ref_columns:
        return f"{label}: no columns given and '{parent.name}' has no primary key"
    parent_columns = look.columns(parent)
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


def _type_problems(table: Table, names: dict[str, Column], fk: ForeignKey, parent: Table,
                   look: Lookups) -> list[Problem]:
    out: list[Problem] = []
    parent_columns = look.columns(parent)
    for child_name, parent_name in zip(fk.columns, fk.ref_columns, strict=True):
        child, ref = names[child_name], parent_columns[parent_name]
        message = _type_mismatch(child, ref, parent, parent_name)
        if message is None:
            message = _source_mismatch(child, parent, parent_name, look)
        if message is not None:
            out.append(Problem(where(table.name, child_name), "foreign_key_type", message))
    return out


def _type_mismatch(child: Column, ref: Column, parent: Table, parent_name: str) -> str | None:
    if family(child.data_type) != family(ref.data_type):
        return (f"{child.data_type.value} cannot hold values of "
                f"{parent.name}.{parent_name} ({ref.data_type.value})")
    return None


def _source_mismatch(child: Column, parent: Table, parent_name: str,
                     look: Lookups) -> str | None:
    """The child receives the values of the column that finally produces them (through any
    chain of foreign keys): they must fit the child's type and length."""
    chain = look.sources(parent, parent_name)
    table, name = chain[-1] if chain else (parent, parent_name)
    source = look.columns(table).get(name)
    via = f"{parent.name}.{parent_name}" + (f" (values of {table.name}.{name})" if chain else "")
    if child.data_type in INTEGER_TYPES and source.data_type in INTEGER_TYPES:
        lo, hi = _generated_integer_range(table, source, look)
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


def _generated_integer_range(table: Table, source: Column, look: Lookups) -> tuple[int, int]:
    """The integers the engine can write for `source`: a key's sequence or permutation
    range, or a plain column's range."""
    if source.name not in look.keyed(table):
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


def _nullable_parent_problems(table: Table, names: dict[str, Column], fk: ForeignKey,
                              parent: Table, look: Lookups) -> list[Problem]:
    """A NOT NULL reference copies the parent's key (and whatever that key copies), so none
    of them may ever be NULL."""
    out = []
    for child, parent_column in zip(fk.columns, fk.ref_columns, strict=False):
        if not names[child].required:
            continue
        chain = [(parent, parent_column), *look.sources(parent, parent_column)]
        nullable = next(((t, c) for t, c in chain if look.columns(t).get(c).null_ratio), None)
        if nullable is not None:
            t, c = nullable
            out.append(Problem(where(table.name, child), "foreign_key",
                               f"{child} is NOT NULL but takes its values from {t.name}.{c}, "
                               f"which has null_ratio {look.columns(t).get(c).null_ratio}; drop "
                               "one of the two"))
    return out
