"""Same-row relations: inferred from column names when the schema has none, and checked.
Shipping comes after ordering, receipt after shipping, an end after its start, an update
after its creation, a send date is the date of its send timestamp, and a line total is its
quantity times its unit price."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from dwsim.errors import Problem
from dwsim.schema.model import Relation, Table
from dwsim.schema.problems import where
from dwsim.schema.types import NUMERIC_TYPES, TEMPORAL_TYPES, DataType

# (earlier stem, later stem, min lag, max lag in days), tried in order.
TEMPORAL_ORDER: list[tuple[str, str, float, float]] = [
    ("order", "ship", 1, 7),
    ("ship", "receipt|deliver|arriv", 1, 30),
    ("creat", "updat|modif", 0, 90),
    ("start|begin", "end|finish|stop|complet", 0, 365),
    ("valid_from|effective_from", "valid_to|effective_to|expir", 1, 730),
    ("sen[dt]", "open|click|read|deliver|bounc", 0, 3),
    ("birth|born|dob", "hire|join|sign", 6570, 21900),
    ("check_?in", "check_?out", 1, 14),
    ("pick_?up", "drop_?off", 0, 1),
]
_TIME_WORDS = r"(_?(date|time|timestamp|ts|at|on|dt))+$"


# Memoised (as _base and _stem): every table's columns are matched against every pattern,
# and warehouses repeat their column names.
@lru_cache(maxsize=65536)
def _has(pattern: str, stem: str) -> bool:
    """The stem has a word starting with the pattern ("send" has no "end")."""
    return re.search(rf"(^|_)({pattern})", stem) is not None


@lru_cache(maxsize=65536)
def _base(stem: str) -> str:
    """send / sent, order / ordered: the same event."""
    return re.sub(r"(e?d|t)$", "", stem)


@lru_cache(maxsize=65536)
def _stem(name: str) -> str:
    low = name.lower()
    if re.fullmatch(r"[a-z]_.+", low):
        low = low[2:]  # TPC-H style one-letter table prefix
    return re.sub(_TIME_WORDS, "", low)


def infer_relations(table: Table, excluded: set[str]) -> list[Relation]:
    """Relations the names imply, among columns no key or foreign key produces."""
    free = [c for c in table.columns if c.name not in excluded]
    temporal = [c for c in free if c.data_type in TEMPORAL_TYPES]
    # A column with a range of its own keeps it: only unbounded columns follow another.
    followers = [c for c in temporal if c.date_start is None and c.date_end is None]
    found: list[Relation] = []
    targets: set[str] = set()
    for early, late, lo, hi in TEMPORAL_ORDER:
        for target in followers:
            if target.name in targets or not _has(late, _stem(target.name)):
                continue
            source = next((c for c in temporal if c is not target and c.name not in targets
                           and _has(early, _stem(c.name))), None)
            if source is not None and not _depends_on(found, source.name, target.name):
                found.append(Relation(kind="after", column=target.name, of=[source.name],
                                      min_lag=lo, max_lag=hi, inferred=True))
                targets.add(target.name)
    for date in (c for c in followers if c.data_type is DataType.DATE and c.name not in targets):
        stamp = next((c for c in temporal if c.data_type is not DataType.DATE
                      and _base(_stem(c.name)) == _base(_stem(date.name))), None)
        if stamp is not None and stamp.name not in targets:
            found.append(Relation(kind="date_of", column=date.name, of=[stamp.name], inferred=True))
            targets.add(date.name)
    found.extend(_products(free, targets))
    return found


def _products(free: list, targets: set[str]) -> Iterator[Relation]:
    numbers = {_stem(c.name): c for c in free if c.data_type in NUMERIC_TYPES}
    quantity = next((c for s, c in numbers.items() if re.fullmatch(r"(quantity|qty|units)", s)), None)
    price = next((c for s, c in numbers.items() if re.fullmatch(r"(unit_?)?price", s)), None)
    total = next((c for s, c in numbers.items()
                  if re.fullmatch(r"(line_?)?(total|amount)(_price)?|extended_?(price|amount)", s)), None)
    if quantity and price and total and total.name not in targets:
        yield Relation(kind="product", column=total.name, of=[quantity.name, price.name],
                       inferred=True)


def _depends_on(relations: list[Relation], column: str, on: str) -> bool:
    """Whether `column` already follows `on`, directly or through others (no cycles)."""
    by_target = {r.column: r for r in relations}
    seen: set[str] = set()
    stack = [column]
    while stack:
        name = stack.pop()
        if name == on:
            return True
        if name in seen or name not in by_target:
            continue
        seen.add(name)
        stack.extend(by_target[name].of)
    return False


def relation_problems(table: Table, excluded: set[str]) -> list[Problem]:
    out: list[Problem] = []
    names = table.column_map()
    targets: set[str] = set()
    for relation in table.relations:
        at = where(table.name, relation.column)
        label = f"relation {relation.kind} of column {relation.column}"
        missing = [c for c in [relation.column, *relation.of] if c not in names]
        if missing:
            out.append(Problem(at, "relation", f"{label} names unknown column(s): {', '.join(missing)}"))
            continue
        message = _shape_problem(relation, names, excluded, targets)
        if message:
            out.append(Problem(at, "relation", f"{label}: {message}"))
        targets.add(relation.column)
    for relation in table.relations:
        rest = [r for r in table.relations if r is not relation]
        if any(_depends_on(rest, source, relation.column) for source in relation.of):
            out.append(Problem(where(table.name, relation.column), "relation",
                               f"relations around column {relation.column} form a cycle"))
    return out


def _shape_problem(relation: Relation, names: dict, excluded: set[str], targets: set[str]) -> str | None:
    target, sources = names[relation.column], [names[c] for c in relation.of]
    if relation.column in excluded:
        return "the column is produced by a key or foreign key"
    if relation.column in targets:
        return "the column is the target of another relation"
    if relation.column in relation.of:
        return "a column cannot follow itself"
    if relation.kind == "after":
        if len(sources) != 1 or target.data_type not in TEMPORAL_TYPES or \
                sources[0].data_type not in TEMPORAL_TYPES:
            return "'after' relates two date or timestamp columns"
        if relation.min_lag > relation.max_lag:
            return f"min_lag {relation.min_lag} is greater than max_lag {relation.max_lag}"
    elif relation.kind == "date_of":
        if len(sources) != 1 or target.data_type is not DataType.DATE or \
                sources[0].data_type not in (DataType.TIMESTAMP, DataType.TIMESTAMPTZ):
            return "'date_of' makes a DATE column from one timestamp column"
    elif target.data_type not in NUMERIC_TYPES or any(s.data_type not in NUMERIC_TYPES for s in sources):
        return "'product' multiplies numeric columns into a numeric column"
    return None
