"""Keys of a table and how each is enforced.

A key (primary, unique, single or composite) is split into groups: a foreign key whose columns
all lie in the key is one group whose domain is the parent's row count; every other key column
is a group of its own whose domain is its value domain. The engine decomposes the row index in
mixed radix over the groups' domains, so the key is unique whenever the product of the domains
reaches the row target. Validation and `show` use the same plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from math import prod

from dwsim.schema.domains import UNBOUNDED, domain_size, integer_range, is_integral
from dwsim.schema.model import Experiment, ForeignKey, Table
from dwsim.schema.types import STRING_TYPES, DataType


@dataclass(frozen=True)
class KeyGroup:
    columns: tuple[str, ...]
    domain: int
    foreign_key: ForeignKey | None = None


@dataclass(frozen=True)
class Key:
    kind: str  # "primary" | "unique"
    columns: tuple[str, ...]
    groups: tuple[KeyGroup, ...]

    @property
    def domain(self) -> int:
        return min(prod(g.domain for g in self.groups), UNBOUNDED)

    @property
    def numbered(self) -> bool:
        """(parent reference, line number): each parent gets k rows numbered 1..k, with k
        drawn per parent (order lines), instead of a mixed-radix walk over both domains."""
        head, *rest = self.groups
        return (len(rest) == 1 and head.foreign_key is not None and rest[0].foreign_key is None
                and len(rest[0].columns) == 1 and head.domain > 0)


def declared_keys(table: Table) -> list[tuple[str, tuple[str, ...]]]:
    """Primary key, table-level unique keys and unique columns, without repeats."""
    keys: list[tuple[str, tuple[str, ...]]] = []
    seen: set[frozenset[str]] = set()

    def add(kind: str, columns: list[str] | tuple[str, ...]) -> None:
        if columns and frozenset(columns) not in seen:
            seen.add(frozenset(columns))
            keys.append((kind, tuple(columns)))

    add("primary", table.primary_key)
    for columns in table.unique:
        add("unique", columns)
    for column in table.columns:
        if column.is_unique or column.identity:
            add("unique", (column.name,))
    return keys


def widest_first(foreign_keys: list[ForeignKey]) -> list[ForeignKey]:
    """Foreign keys in the order they claim columns: the widest first (a composite key drives
    its columns; a narrower key on some of them must then follow from it), then as declared."""
    return sorted(foreign_keys, key=lambda fk: -len(fk.columns))


def plan_key(experiment: Experiment, table: Table, kind: str, columns: tuple[str, ...]) -> Key:
    groups: list[KeyGroup] = []
    remaining = list(columns)
    for fk in widest_first(table.foreign_keys):
        if fk.columns and set(fk.columns) <= set(remaining):
            parent = experiment.table(fk.ref_table)
            domain = parent.target_rows if parent else 0
            groups.append(KeyGroup(tuple(fk.columns), domain, fk))
            remaining = [c for c in remaining if c not in fk.columns]
    by_name = table.column_map()
    for name in remaining:
        column = by_name.get(name)
        groups.append(KeyGroup((name,), domain_size(column) if column else 0))
    return Key(kind, columns, tuple(groups))


def implied_by(table: Table, columns: tuple[str, ...]) -> str | None:
    """A composite key holding a column that is unique on its own is unique already."""
    if len(columns) < 2:
        return None
    singles = {cols[0] for _, cols in declared_keys(table) if len(cols) == 1}
    return next((c for c in columns if c in singles), None)


def table_keys(experiment: Experiment, table: Table) -> list[Key]:
    return [plan_key(experiment, table, kind, cols) for kind, cols in declared_keys(table)]


@dataclass(frozen=True)
class ForeignKeyPlan:
    """How one foreign key is produced:
    - "key":        a group of an enforced key: each row takes a distinct parent row;
    - "drives":     its columns take the key of a drawn parent row;
    - "implied":    its columns are produced by a wider foreign key (`via`) whose parent
                    declares the same reference, so every value exists here too;
    - "infeasible": its columns are produced by something else and nothing guarantees the
                    reference; validation refuses the schema with `reason`."""

    fk: ForeignKey
    how: str
    via: ForeignKey | None = None
    reason: str | None = None


def foreign_key_plans(experiment: Experiment, table: Table) -> list[ForeignKeyPlan]:
    """One plan per foreign key of `table`, in declaration order."""
    owners: dict[str, ForeignKey | str] = {}  # column → the FK producing it, or "key"
    plans: dict[int, ForeignKeyPlan] = {}
    for key in table_keys(experiment, table):
        if implied_by(table, key.columns):
            continue
        for group in key.groups:
            for name in group.columns:
                owners.setdefault(name, group.foreign_key or "key")
            if group.foreign_key is not None:
                plans.setdefault(id(group.foreign_key), ForeignKeyPlan(group.foreign_key, "key"))
    for fk in widest_first(table.foreign_keys):
        if id(fk) in plans:
            continue
        claimed = [c for c in fk.columns if c in owners]
        if not claimed:
            owners.update(dict.fromkeys(fk.columns, fk))
            plans[id(fk)] = ForeignKeyPlan(fk, "drives")
        else:
            plans[id(fk)] = _implied_or_infeasible(experiment, fk, owners)
    return [plans[id(fk)] for fk in table.foreign_keys]


def _implied_or_infeasible(experiment: Experiment, fk: ForeignKey,
                           owners: dict[str, ForeignKey | str]) -> ForeignKeyPlan:
    label = f"foreign key ({', '.join(fk.columns)}) → {fk.ref_table}"
    producers = {id(owners.get(c)): owners.get(c) for c in fk.columns}
    via = next(iter(producers.values()))
    if len(producers) != 1 or not isinstance(via, ForeignKey) or not set(fk.columns) <= set(via.columns):
        what = ", ".join(sorted({_producer_text(owners.get(c)) for c in fk.columns}))
        return ForeignKeyPlan(fk, "infeasible", reason=(
            f"{label} overlaps columns produced by {what}; its values cannot be guaranteed to "
            "exist in its parent (declare it on columns of their own, or make the wider "
            "foreign key's parent declare it)"))
    through = dict(zip(via.columns, via.ref_columns, strict=False))
    mapped = [through[c] for c in fk.columns]
    wanted = dict(zip(mapped, fk.ref_columns, strict=False))
    parent = experiment.table(via.ref_table)
    same_target = via.ref_table == fk.ref_table and mapped == list(fk.ref_columns)
    declared = parent is not None and any(
        other.ref_table == fk.ref_table and dict(zip(other.columns, other.ref_columns,
                                                     strict=False)) == wanted
        for other in parent.foreign_keys)
    if same_target or declared:
        return ForeignKeyPlan(fk, "implied", via=via)
    return ForeignKeyPlan(fk, "infeasible", via=via, reason=(
        f"{label} is inside foreign key ({', '.join(via.columns)}) → {via.ref_table}, which "
        f"produces these columns; it holds only if {via.ref_table} declares "
        f"({', '.join(mapped)}) → {fk.ref_table}({', '.join(fk.ref_columns)}), and it does not"))


def keyed_columns(experiment: Experiment, table: Table) -> set[str]:
    """Columns the engine produces as part of an enforced key (full key domains)."""
    return {name for key in table_keys(experiment, table) if not implied_by(table, key.columns)
            for group in key.groups for name in group.columns}


def value_sources(experiment: Experiment, table: Table, column: str,
                  limit: int = 32) -> list[tuple[Table, str]]:
    """The chain of parent columns whose values foreign keys copy into `column`, nearest
    first; the last one produces its own values. Empty when `column` produces its own."""
    chain: list[tuple[Table, str]] = []
    seen = {(table.name, column)}
    while len(chain) < limit:
        source = _copied_from(experiment, table, column)
        if source is None or (source[0].name, source[1]) in seen:
            return chain
        chain.append(source)
        seen.add((source[0].name, source[1]))
        table, column = source
    return chain


def _copied_from(experiment: Experiment, table: Table, column: str) -> tuple[Table, str] | None:
    names: dict[str, set[str]] = {}  # each parent's columns, built once per call
    for fk in table.foreign_keys:  # references must resolve before plans mean anything
        parent = experiment.table(fk.ref_table)
        if parent is not None and parent.name not in names:
            names[parent.name] = {c.name for c in parent.columns}
        if parent is None or len(fk.ref_columns) != len(fk.columns) or \
                not names[parent.name].issuperset(fk.ref_columns):
            return None
    for plan in foreign_key_plans(experiment, table):
        if plan.how in ("key", "drives") and column in plan.fk.columns:
            parent = experiment.table(plan.fk.ref_table)
            return parent, plan.fk.ref_columns[plan.fk.columns.index(column)]
    return None


def _producer_text(owner: ForeignKey | str | None) -> str:
    if isinstance(owner, ForeignKey):
        return f"foreign key ({', '.join(owner.columns)}) → {owner.ref_table}"
    return "a primary or unique key" if owner == "key" else "its own values"


def _group_method(table: Table, group: KeyGroup) -> str:
    if group.foreign_key is not None:
        return f"a distinct row of {group.foreign_key.ref_table} ({group.domain:,} rows)"
    column = table.column(group.columns[0])
    if column is None:
        return "unknown column"
    if column.identity or (is_integral(column) and column.max_value is None and not column.values):
        start = integer_range(column, unique=True).lo
        step = column.identity_step
        return f"sequence {start}, {start + step}, {start + 2 * step}, ..."
    if column.values:
        return f"one of its {group.domain:,} listed values"
    if column.data_type in STRING_TYPES:
        return f"a unique base-36 part derived from the row index (domain {_size(group.domain)})"
    if column.data_type is DataType.BOOLEAN:
        return "true or false"
    return f"a keyed permutation of its range (domain {_size(group.domain)})"


def _size(n: int) -> str:
    return "unbounded" if n >= UNBOUNDED else f"{n:,}"


def child_bounds(fk: ForeignKey, parents: int, children: int, cap: int) -> tuple[str, int, int]:
    """The distribution and min..max of children per parent (capped by the line domain)."""
    spec = fk.children
    mean = children / parents if parents else 0.0
    lo = spec.min if spec and spec.min is not None else (1 if mean >= 1 else 0)
    hi = spec.max if spec and spec.max is not None else max(lo, round(2 * mean - lo),
                                                             math.ceil(mean))
    return (spec.distribution if spec else "uniform"), lo, max(lo, min(hi, cap))


def _numbered_method(table: Table, key: Key) -> str:
    head, line = key.groups
    fk = head.foreign_key
    distribution, lo, hi = child_bounds(fk, head.domain, table.target_rows, line.domain)
    mean = table.target_rows / head.domain if head.domain else 0
    return (f"numbered within each {fk.ref_table} row: ({', '.join(head.columns)}) → the parent, "
            f"{line.columns[0]} → 1..k, with k {distribution} in {lo}..{hi} per parent "
            f"({mean:.1f} on average); exact total")


def describe_keys(experiment: Experiment, table: Table) -> list[dict]:
    """How each key of `table` will be enforced, for people reading `show`."""
    out: list[dict] = []
    for key in table_keys(experiment, table):
        implied = implied_by(table, key.columns)
        if implied:
            how = f"implied: column {implied} is unique on its own"
        elif key.numbered:
            how = _numbered_method(table, key)
        elif len(key.groups) == 1:
            how = _group_method(table, key.groups[0])
        else:
            parts = " × ".join(
                f"{'(' + ', '.join(g.columns) + ')' if len(g.columns) > 1 else g.columns[0]}: "
                f"{_size(g.domain)}" for g in key.groups
            )
            how = (f"composite: the row index is decomposed in mixed radix over ({parts}); "
                   f"each part maps to " +
                   "; ".join(f"{', '.join(g.columns)} → {_group_method(table, g)}"
                             for g in key.groups))
        out.append({"kind": key.kind, "columns": list(key.columns), "domain": _size(key.domain),
                    "enforcement": how})
    for plan in foreign_key_plans(experiment, table):
        fk = plan.fk
        out.append({"kind": "foreign", "columns": list(fk.columns), "ref_table": fk.ref_table,
                    "ref_columns": list(fk.ref_columns), "enforcement": _fk_method(experiment, plan)})
    return out


def _fk_method(experiment: Experiment, plan: ForeignKeyPlan) -> str:
    fk = plan.fk
    parent = experiment.table(fk.ref_table)
    rows = f"{parent.target_rows:,}" if parent else "?"
    if plan.how == "infeasible":
        return f"cannot be guaranteed: {plan.reason}"
    if plan.how == "implied":
        via = plan.via
        return (f"implied: these columns come from {via.ref_table} through foreign key "
                f"({', '.join(via.columns)}), and {via.ref_table} references {fk.ref_table} "
                "with them; every value exists in the parent")
    if plan.how == "key":
        pick = f"the row of {fk.ref_table} ({rows} rows) that its key's decomposition selects"
    else:
        how = "a Zipf-skewed" if fk.distribution == "zipf" else "a uniformly drawn"
        pick = f"{how} row of {fk.ref_table} ({rows} rows)"
    return (f"each row takes the key of {pick}, computed from the parent's key function; "
            "every value exists in the parent")


def construction_proof(experiment: Experiment) -> tuple[list[str], list[str]]:
    """What holds by construction, and what does not: every primary and unique key must have
    a domain as large as its table (or be implied by a unique column), and every foreign key
    must be produced by a key, drive its columns, or be implied by a wider one."""
    held: list[str] = []
    unproven: list[str] = []
    for table in experiment.tables:
        for key in table_keys(experiment, table):
            label = f"{table.name} {key.kind} key ({', '.join(key.columns)})"
            if implied_by(table, key.columns) or key.domain >= table.target_rows:
                held.append(label)
            else:
                unproven.append(f"{label}: {key.domain:,} values for {table.target_rows:,} rows")
        for plan in foreign_key_plans(experiment, table):
            label = f"{table.name} foreign key ({', '.join(plan.fk.columns)}) → {plan.fk.ref_table}"
            (unproven if plan.how == "infeasible" else held).append(
                f"{label}: {plan.reason}" if plan.how == "infeasible" else label)
    return held, unproven
