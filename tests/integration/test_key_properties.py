"""Property-based proof of the generator's promise: for any schema `prepare` accepts, the
Parquet it writes has exactly target_rows rows per table, no duplicate primary or unique key,
no NULL in a NOT NULL column and no orphan foreign key — and the same rows whatever the batch
size. A schema `prepare` refuses must say where and which rule.

Hypothesis draws whole raw JSON schemas (`schemas()`): 1–6 tables in dependency order, single,
composite and FK-inside-key primary keys, unique keys and unique columns, foreign keys to a
parent's primary or unique key (single and composite, in any column order, nullable, uniform or
Zipf), self-references, small domains that make some keys infeasible, and overlapping foreign
keys (TPC-H lineitem's (l_partkey, l_suppkey) → partsupp beside l_partkey → part, and one column
referencing two tables). The data is checked by `violations`, an oracle written here from the
raw schema alone, independent of dwsim.runs.verify.

Profiles: `dwsim-ci` (the default: derandomized, so `make test` is reproducible) and
`dwsim-explore` (random, more examples, examples saved in .hypothesis/), chosen with
`DWSIM_HYPOTHESIS_PROFILE=dwsim-explore`. Add `--hypothesis-show-statistics` to see how
often schemas are refused and which shapes were drawn.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st

from dwsim.engine.generator import Generator
from dwsim.engine.parquet import to_parquet
from dwsim.errors import SchemaInvalid
from dwsim.schema.model import Experiment
from dwsim.schema.validate import prepare

# Overlapping foreign keys (one column in two foreign keys) are drawn when this is on (the
# TPC-H lineitem shape that once left 99.6% orphans); switch off only to look behind them.
OVERLAPS = True

# Whole schemas are large draws and an example takes up to a few hundred milliseconds.
SLOW_AND_LARGE = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dwsim-ci", max_examples=300, deadline=None, derandomize=True,
                          database=None, print_blob=True, suppress_health_check=SLOW_AND_LARGE)
settings.register_profile("dwsim-explore", max_examples=1000, deadline=None, print_blob=True,
                          suppress_health_check=SLOW_AND_LARGE)
PROFILE = settings.get_profile(os.environ.get("DWSIM_HYPOTHESIS_PROFILE", "dwsim-ci"))

WHOLE = 0  # batch size meaning "the whole table in one batch"
BATCH_PAIRS = st.lists(st.sampled_from([1, 7, 64, WHOLE]), min_size=2, max_size=2, unique=True)
# A few seeds: Faker's pools are built once per (seed, table, column) and cached, and building
# them is most of an example's time; the schemas vary enough.
SEEDS = st.integers(0, 3)
DAY = dt.date(2024, 2, 26)  # date ranges cross a leap day
SECOND = dt.datetime(2024, 3, 10, 1, 59, 30)
TYPE_FIELDS = ("data_type", "varchar_length", "precision", "scale")


# -- the strategy ------------------------------------------------------------------------------

@st.composite
def row_targets(draw) -> int:
    """0 and 1 now and then, else 2–200."""
    edge = draw(st.sampled_from([None] * 14 + [0, 1]))
    return edge if edge is not None else draw(st.integers(2, 200))


@dataclass
class _Table:
    """A table being drawn, and what later tables need to reference it."""

    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def columns(self) -> dict[str, dict]:
        return {c["name"]: c for c in self.spec["columns"]}

    def keys(self) -> list[list[str]]:
        """Declared keys a foreign key may reference: primary, unique, unique columns."""
        keys = [self.spec["primary_key"]] if self.spec.get("primary_key") else []
        keys += self.spec.get("unique", [])
        keys += [[c["name"]] for c in self.spec["columns"] if c.get("is_unique")]
        return keys

    def single_keys(self) -> list[str]:
        return [k[0] for k in self.keys() if len(k) == 1]

    def add(self, column: dict) -> dict:
        self.spec["columns"].append(column)
        return column

    def fresh(self, prefix: str) -> str:
        """A new column name: k0, k1, ...; a composite foreign key's are f0_0, f0_1, ..."""
        taken = {c.split("_")[0] for c in self.columns}
        n = 0
        while f"{prefix}{n}" in taken:
            n += 1
        return f"{prefix}{n}"


@st.composite
def column_types(draw, key: bool = False) -> dict[str, Any]:
    """A column's type with its length, precision or range. A key column's domain is roomy
    five times in six; otherwise small (BOOLEAN, CHAR(1), SMALLINT 32760.., a few days, a
    list of values), which makes some keys infeasible."""
    small = not key or draw(st.integers(0, 5)) == 5
    kinds = ["INT", "SMALLINT", "BIGINT", "DECIMAL", "VARCHAR", "CHAR", "DATE", "TIMESTAMP"]
    kind = draw(st.sampled_from(kinds + ["BOOLEAN"] if small else kinds))
    spec: dict[str, Any] = {"data_type": kind}
    if kind in ("INT", "SMALLINT", "BIGINT"):
        bounds = draw(st.sampled_from(["none", "none", "small", "wide", "min_only", "values"]
                                      if small else ["none", "wide", "min_only"]))
        if bounds == "small":
            lo = draw(st.integers(-3, 5))
            spec.update(min_value=lo, max_value=lo + draw(st.integers(0, 12)))
        elif bounds == "wide":
            spec.update(min_value=-1000, max_value=1000)
        elif bounds == "min_only":  # near SMALLINT's top the domain is small
            spec["min_value"] = draw(st.sampled_from([-50, 0, 100, 32_700, 32_760] if small
                                                     else [-50, 0, 100]))
        elif bounds == "values":
            spec["values"] = draw(st.lists(st.integers(-5, 50), min_size=1, max_size=5, unique=True))
    elif kind == "DECIMAL":
        if draw(st.booleans()):
            precision = draw(st.integers(1 if small else 5, 12))
            spec.update(precision=precision, scale=draw(st.integers(0, min(precision, 3))))
            if small and draw(st.booleans()):
                top = 10 ** (precision - spec["scale"]) - 1
                spec.update(min_value=0, max_value=draw(st.integers(0, min(top, 20))))
    elif kind in ("VARCHAR", "CHAR"):
        lengths = [None, 1, 2, 3, 6, 12, 40] if kind == "VARCHAR" else [None, 1, 2, 3, 10]
        if not small:  # CHAR without a length is CHAR(1)
            lengths = [n for n in lengths if n != 1 and (n or kind == "VARCHAR")]
        length = draw(st.sampled_from(lengths))
        if length is not None:
            spec["varchar_length"] = length
        extra = draw(st.sampled_from(["none", "none", "none", "rule"] + (["values"] if small else [])))
        if extra == "rule":
            spec["faker_rule"] = draw(st.sampled_from(["email", "city", "uuid4"]))
            if spec["faker_rule"] == "uuid4" and draw(st.integers(0, 5)) != 5:
                spec["varchar_length"] = 36  # else refused: a UUID needs 36 characters
        elif extra == "values":
            letters = st.sampled_from("abcdefgh")
            spec["values"] = draw(st.lists(letters, min_size=1, max_size=4, unique=True))
    elif kind == "DATE" and small and draw(st.booleans()):
        start = DAY + dt.timedelta(days=draw(st.integers(0, 3)))
        spec.update(date_start=start.isoformat(),
                    date_end=(start + dt.timedelta(days=draw(st.integers(0, 30)))).isoformat())
    elif kind == "TIMESTAMP" and small and draw(st.booleans()):
        end = SECOND + dt.timedelta(seconds=draw(st.integers(0, 90)))
        spec.update(date_start=SECOND.isoformat(), date_end=end.isoformat())
    return spec


@st.composite
def nullability(draw, allow_required: bool = True) -> dict[str, Any]:
    """required, or nullable with an optional null_ratio."""
    if allow_required and draw(st.booleans()):
        return {"required": True}
    ratio = draw(st.sampled_from([None, None, 0.1, 0.5, 1.0]))
    return {} if ratio is None else {"null_ratio": ratio}


def _nullable(table: _Table, key: list[str]) -> bool:
    """Whether the key's values may be NULL: a NOT NULL reference to it is refused."""
    return any(table.columns[name].get("null_ratio") for name in key)


def _ref_columns(fk: dict, parent: _Table) -> list[str]:
    return fk.get("ref_columns") or parent.spec["primary_key"]


def _same_reference(fk: dict, inner: dict, target: _Table, z: str) -> bool:
    return (fk["columns"] == inner["columns"] and fk["ref_table"] == target.name
            and _ref_columns(fk, target) == [z])


def _type_of(column: dict) -> dict[str, Any]:
    return {k: column[k] for k in TYPE_FIELDS if k in column}


@st.composite
def child_types(draw, parent_column: dict) -> dict[str, Any]:
    """The parent column's type, as DDL would copy it; now and then a narrower one."""
    spec = _type_of(parent_column)
    if draw(st.integers(0, 11)) == 11:
        if spec["data_type"] in ("INT", "BIGINT"):
            spec["data_type"] = "SMALLINT"
        elif spec["data_type"] in ("VARCHAR", "CHAR"):
            spec["varchar_length"] = 1
    return spec


@st.composite
def references(draw, child: _Table, parent: _Table, prefix: str, key: list[str] | None = None,
               required: bool | None = None) -> dict[str, Any]:
    """A foreign key from fresh columns of `child` to a key of `parent` (itself when self-
    referencing); adds the columns and returns the foreign key."""
    if key is None:
        keys = parent.keys()
        if required and draw(st.integers(0, 7)) != 7:  # else refused: NOT NULL → a nullable key
            keys = [k for k in keys if not _nullable(parent, k)] or keys
        key = draw(st.sampled_from(keys))
    ref = list(draw(st.permutations(key))) if len(key) > 1 and draw(st.booleans()) else list(key)
    if required:
        nulls = {"required": True}
    else:
        may_require = required is None and (not _nullable(parent, key) or draw(st.integers(0, 7)) == 7)
        nulls = draw(nullability(allow_required=may_require))
    base = child.fresh(prefix)
    columns = []
    for position, ref_name in enumerate(ref):
        name = f"{base}_{position}" if len(ref) > 1 else base
        column = {"name": name, **draw(child_types(parent.columns[ref_name]))}
        if not nulls.get("required") and "null_ratio" in nulls and draw(st.booleans()):
            column["null_ratio"] = nulls["null_ratio"]  # composite: each column its own nulls
        elif nulls.get("required"):
            column["required"] = True
        columns.append(child.add(column)["name"])
    fk: dict[str, Any] = {"columns": columns, "ref_table": parent.name}
    if ref != parent.spec.get("primary_key") or draw(st.booleans()):
        fk["ref_columns"] = ref  # else the parent's primary key by default
    if draw(st.booleans()):
        fk["distribution"] = "zipf"
    child.spec["foreign_keys"].append(fk)
    return fk


def _own_column(draw, table: _Table, prefix: str, key: bool = True, **extra) -> str:
    column = {"name": table.fresh(prefix), **draw(column_types(key=key)), **extra}
    return table.add(column)["name"]


@st.composite
def primary_keys(draw, table: _Table, earlier: list[_Table]) -> None:
    """None, 1–3 own columns, or foreign keys inside the key plus 0–1 own columns
    (partsupp's (partkey, suppkey), lineitem's (orderkey, linenumber))."""
    parents = [t for t in earlier if t.keys()]
    shape = draw(st.sampled_from(["none", "own", "own", "fk_inside"] if parents else ["none", "own"]))
    if shape == "none":
        return
    pk: list[str] = []
    if shape == "fk_inside":
        event("shape: foreign key inside the primary key")
        inside = draw(st.lists(st.sampled_from(parents), min_size=1, max_size=2))
        for parent in inside:
            pk += draw(references(table, parent, "f", required=True))["columns"]
        # lineitem's (orderkey, linenumber); partsupp's (partkey, suppkey); now and then a
        # one-to-one key (then the table can't have more rows than its parent).
        own = draw(st.sampled_from([1, 0] if len(inside) > 1 else [1, 1, 1, 0]))
    else:
        own = draw(st.integers(1, 3))
    pk += [_own_column(draw, table, "k") for _ in range(own)]
    table.spec["primary_key"] = list(draw(st.permutations(pk))) if draw(st.booleans()) else pk


@st.composite
def overlapping_foreign_keys(draw, table: _Table, earlier: list[_Table]) -> None:
    """One child column in two foreign keys.

    - narrow_implied: (a, b) → P(x, y) and a → Q(z), where P itself declares x → Q(z) (TPC-H
      lineitem → partsupp, lineitem → part): every value the wide key takes satisfies both.
    - narrow_free: the same without P declaring x → Q: both hold only where P.x meets Q.z.
    - same_column: a → Q1(z1) and a → Q2(z2).
    """
    implied = [(p, key, fk) for p in earlier for key in p.keys() if len(key) > 1
               for fk in p.spec.get("foreign_keys", [])
               if set(fk["columns"]) < set(key) and fk["ref_table"] != p.name]
    composite = [(p, key) for p in earlier for key in p.keys() if len(key) > 1]
    singles = [(q, name) for q in earlier for name in q.single_keys()]
    # The two that cannot hold in general are refused (foreign_key_overlap): drawn less often.
    kinds = (["narrow_implied"] * 4 if implied else []) + (["narrow_free"] if composite else [])
    kinds += ["same_column"] if len(singles) > 1 else []
    kind = draw(st.sampled_from(kinds + ["none", "none"]))
    if kind == "none":
        return
    if kind == "narrow_implied":
        parent, key, inner = draw(st.sampled_from(implied))
        wide = draw(references(table, parent, "w", key=key))
        by_ref = dict(zip(_ref_columns(wide, parent), wide["columns"], strict=True))
        narrow = {"columns": [by_ref[c] for c in inner["columns"]], "ref_table": inner["ref_table"]}
        if "ref_columns" in inner:
            narrow["ref_columns"] = inner["ref_columns"]
    elif kind == "narrow_free":
        parent, key = draw(st.sampled_from(composite))
        wide = draw(references(table, parent, "w", key=key))
        position = draw(st.integers(0, len(wide["columns"]) - 1))
        column = wide["columns"][position]
        targets = [(q, z) for q, z in singles
                   if q.columns[z]["data_type"] == table.columns[column]["data_type"]]
        if not targets:
            event("overlap: none possible")
            return
        target, z = draw(st.sampled_from(targets))
        narrow = {"columns": [column], "ref_table": target.name, "ref_columns": [z]}
        inner = {"columns": [_ref_columns(wide, parent)[position]], "ref_table": target.name}
        if any(_same_reference(fk, inner, target, z) for fk in parent.spec.get("foreign_keys", [])):
            kind = "narrow_implied"  # drawn freely, implied all the same
    else:
        first, z1 = draw(st.sampled_from(singles))
        others = [(q, z) for q, z in singles if (q.name, z) != (first.name, z1)
                  and q.columns[z]["data_type"] == first.columns[z1]["data_type"]]
        if not others:
            event("overlap: none possible")
            return
        second, z2 = draw(st.sampled_from(others))
        wide = draw(references(table, first, "o", key=[z1]))
        narrow = {"columns": wide["columns"], "ref_table": second.name, "ref_columns": [z2]}
    event(f"overlap: {kind}")
    table.spec["foreign_keys"].append(narrow)


@st.composite
def tables(draw, index: int, earlier: list[_Table]) -> _Table:
    table = _Table({"name": f"t{index}", "target_rows": draw(row_targets()), "columns": [],
                    "primary_key": [], "unique": [], "foreign_keys": []})
    draw(primary_keys(table, earlier))
    parents = [t for t in earlier if t.keys()]
    for _ in range(draw(st.integers(0, 2)) if parents else 0):  # plain foreign keys
        fk = draw(references(table, draw(st.sampled_from(parents)), "f"))
        if len(fk["columns"]) == 1 and draw(st.integers(0, 9)) == 9:
            table.columns[fk["columns"][0]]["is_unique"] = True  # one-to-one
            event("shape: unique foreign key")
    for _ in range(draw(st.integers(0, 2))):  # table-level unique keys
        shape = draw(st.sampled_from(["own"] * 12 + ["with_fk", "with_pk"]))
        key = [_own_column(draw, table, "u", **draw(nullability()))
               for _ in range(draw(st.integers(1, 2)))]
        if shape == "with_fk" and table.spec["foreign_keys"]:
            key = draw(st.sampled_from(table.spec["foreign_keys"]))["columns"] + key[:1]
        elif shape == "with_pk" and table.spec["primary_key"]:
            key = [draw(st.sampled_from(table.spec["primary_key"]))] + key[:1]
        table.spec["unique"].append(key)
    for _ in range(draw(st.integers(0, 2))):  # unique columns
        _own_column(draw, table, "u", is_unique=True, **draw(nullability()))
    for _ in range(draw(st.integers(0 if table.columns else 1, 2))):  # plain columns
        _own_column(draw, table, "c", key=False, **draw(nullability()))
    if OVERLAPS and earlier and draw(st.integers(0, 2)) == 0:
        draw(overlapping_foreign_keys(table, earlier))
    if table.keys() and draw(st.integers(0, 4)) == 4:
        event("shape: self-reference")
        draw(references(table, table, "s"))
    fks = table.spec["foreign_keys"]
    if len(fks) > 1 and draw(st.booleans()):
        table.spec["foreign_keys"] = list(draw(st.permutations(fks)))
    for name in ("primary_key", "unique", "foreign_keys"):
        if not table.spec[name] and draw(st.booleans()):
            del table.spec[name]  # absent and empty mean the same
    return table


@st.composite
def schemas(draw) -> dict[str, Any]:
    drawn: list[_Table] = []
    for index in range(draw(st.integers(1, 6))):
        drawn.append(draw(tables(index, drawn)))
    event(f"tables: {len(drawn)}")
    return {"name": "prop", "tables": [t.spec for t in drawn]}


# -- the oracle --------------------------------------------------------------------------------

@dataclass
class Violations:
    """What the data breaks, by kind; each kind is asserted on its own line so Hypothesis
    shrinks and reports each kind of failure separately."""

    found: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, message: str) -> None:
        self.found.setdefault(kind, []).append(message)

    def __getitem__(self, kind: str) -> list[str]:
        return self.found.get(kind, [])


ARROW_TYPES = {"SMALLINT": pa.int16(), "INT": pa.int32(), "BIGINT": pa.int64(),
               "VARCHAR": pa.string(), "CHAR": pa.string(), "DATE": pa.date32(),
               "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_()}


def _rows(data: pa.Table, columns: list[str]) -> list[tuple]:
    return list(zip(*(data.column(c).to_pylist() for c in columns), strict=True))


def _complete(tuples: list[tuple]) -> list[tuple]:
    """SQL semantics: a tuple with a NULL neither collides with another nor needs a parent."""
    return [t for t in tuples if None not in t]


def _keys(spec: dict) -> list[list[str]]:
    keys = [spec["primary_key"]] if spec.get("primary_key") else []
    keys += spec.get("unique", [])
    keys += [[c["name"]] for c in spec["columns"] if c.get("is_unique")]
    return keys


def _overlapping(spec: dict) -> list[bool]:
    """For each foreign key, whether one of its columns is in another foreign key too."""
    fks = spec.get("foreign_keys", [])
    return [any(set(fk["columns"]) & set(other["columns"]) for other in fks if other is not fk)
            for fk in fks]


def _value_problem(column: dict, value: Any) -> str | None:
    """Why a non-NULL value breaks the column's declared type, length, range or values."""
    kind = column["data_type"]
    if column.get("values") is not None and value not in column["values"]:
        return "not one of its values"
    if kind in ("VARCHAR", "CHAR"):
        length = column.get("varchar_length") or (1 if kind == "CHAR" else 256)
        return f"longer than {length}" if len(value) > length else None
    low, high = column.get("min_value"), column.get("max_value")
    if kind == "DATE":
        low, high = column.get("date_start"), column.get("date_end")
        value = value.isoformat()
    if kind == "TIMESTAMP":
        low, high = column.get("date_start"), column.get("date_end")
        value = value.isoformat()
    if (low is not None and value < low) or (high is not None and value > high):
        return f"outside [{low}, {high}]"
    return None


def violations(schema: dict, data: dict[str, pa.Table]) -> Violations:
    """Every declared constraint the data breaks, read from the raw schema alone."""
    found = Violations()
    specs = {t["name"]: t for t in schema["tables"]}
    for name, spec in specs.items():
        table = data[name]
        if table.num_rows != spec["target_rows"]:
            found.add("rows", f"{name}: {table.num_rows} rows, target {spec['target_rows']}")
        pk = spec.get("primary_key", [])
        for column in spec["columns"]:
            values = table.column(column["name"]).to_pylist()
            required = column.get("required") or column["name"] in pk
            if required and None in values:
                found.add("nulls", f"{name}.{column['name']}: {values.count(None)} NULL(s) "
                                   "in a NOT NULL column")
            expected = ARROW_TYPES.get(column["data_type"])
            if column["data_type"] == "DECIMAL":
                expected = pa.decimal128(column.get("precision", 18), column.get("scale", 0))
            if expected is not None and table.schema.field(column["name"]).type != expected:
                found.add("values", f"{name}.{column['name']}: Parquet type "
                                    f"{table.schema.field(column['name']).type}, not {expected}")
            bad = Counter(p for v in values if v is not None
                          for p in [_value_problem(column, v)] if p)
            for problem, count in bad.items():
                example_value = next(v for v in values
                                     if v is not None and _value_problem(column, v) == problem)
                found.add("values", f"{name}.{column['name']}: {count} value(s) {problem}, "
                                    f"e.g. {example_value!r}")
        for key in _keys(spec):
            tuples = _complete(_rows(table, key))
            duplicates = len(tuples) - len(set(tuples))
            if duplicates:
                repeated = Counter(tuples).most_common(1)[0]
                found.add("duplicates", f"{name} key ({', '.join(key)}): {duplicates} duplicate(s), "
                                        f"e.g. {repeated[0]} × {repeated[1]}")
        for fk, overlapping in zip(spec.get("foreign_keys", []), _overlapping(spec), strict=True):
            parent = specs[fk["ref_table"]]
            ref = fk.get("ref_columns") or parent["primary_key"]
            existing = set(_rows(data[parent["name"]], ref))
            tuples = _complete(_rows(table, fk["columns"]))
            orphans = [t for t in tuples if t not in existing]
            if orphans:
                kind = "overlap_orphans" if overlapping else "orphans"
                found.add(kind, f"{name} ({', '.join(fk['columns'])}) → {parent['name']} "
                                f"({', '.join(ref)}): {len(orphans)} orphan(s) of {len(tuples)}, "
                                f"e.g. {orphans[0]}")
    return found


# -- generation --------------------------------------------------------------------------------

def generate(experiment: Experiment, seed: int, batch: int) -> dict[str, pa.Table]:
    """Every table through the real engine, batch by batch, read back from Parquet: each batch
    is a Parquet part as in a run, except with one-row batches, whose table is written once
    (hundreds of one-row files would take most of the test's time)."""
    generator = Generator(experiment, seed)
    out = {}
    for table in experiment.tables:
        rows = table.target_rows
        size = batch or max(rows, 1)
        spans = [(start, min(size, rows - start)) for start in range(0, rows, size)] or [(0, 0)]
        batches = [generator.table(table.name).generate(*span) for span in spans]
        parts = [pa.concat_tables(batches).unify_dictionaries().combine_chunks()] \
            if size == 1 and rows > 1 else batches
        out[table.name] = pa.concat_tables([pq.read_table(io.BytesIO(to_parquet(part)))
                                            for part in parts])
    return out


def prepared(schema: dict) -> Experiment | SchemaInvalid:
    """The experiment `prepare` makes of the schema, or its refusal, after checking that the
    refusal lists its problems, each with a location and a rule."""
    try:
        return prepare(copy.deepcopy(schema))
    except SchemaInvalid as refusal:
        assert refusal.problems, "a refusal lists its problems"
        for problem in refusal.problems:
            assert problem.location and problem.rule and problem.message, problem
        return refusal


# -- the properties ----------------------------------------------------------------------------

def _event(text: str) -> None:
    if currently_in_test_context():  # the regression tests run the same check outside one
        event(text)


def _note(text: str) -> None:
    if currently_in_test_context():
        note(text)
    else:
        print(text)  # pytest shows it when the test fails


def check_generated_data(schema: dict, seed: int, batches: list[int]) -> None:
    """The contract: refused with located problems, or data that keeps every declared
    constraint, the same for both batch sizes. Each kind of violation has its own assert."""
    experiment = prepared(schema)
    if isinstance(experiment, SchemaInvalid):
        _event("schema: refused")
        for rule in sorted({p.rule for p in experiment.problems}):
            _event(f"refused by rule: {rule}")
        _note(f"refused: {experiment.one_line()}")
        return
    _event("schema: accepted")
    data = generate(experiment, seed, batches[0])
    found = violations(schema, data)
    _note(f"batch size {batches[0] or 'whole table'}; violations: {found.found}")
    assert not found["rows"], found["rows"]
    assert not found["nulls"], found["nulls"]
    assert not found["duplicates"], found["duplicates"]
    assert not found["orphans"], found["orphans"]
    assert not found["overlap_orphans"], found["overlap_orphans"]
    assert not found["values"], found["values"]
    again = generate(experiment, seed, batches[1])
    changed = [name for name in data if not data[name].equals(again[name])]
    assert not changed, f"batch size {batches[1] or 'whole table'} gives other rows in {changed}"


@settings(PROFILE)
@given(schema=schemas(), seed=SEEDS, batches=BATCH_PAIRS)
def test_accepted_schemas_generate_data_that_keeps_every_declared_constraint(schema, seed, batches):
    check_generated_data(schema, seed, batches)


# -- regression cases: fixed schemas, checked by the same contract -------------------------------
# Kept out of @example on purpose: Hypothesis runs explicit examples first and stops at the first
# that fails, so a failing one would hide everything the random search could find.

def _int(name: str, **extra) -> dict:
    return {"name": name, "data_type": "INT", **extra}


# TPC-H's shape in miniature: lineitem's (partkey, suppkey) → partsupp beside partkey → part
# and suppkey → supplier, where partsupp declares both narrow keys itself (so the wide key
# implies them). The narrow keys come first, as column-level REFERENCES do in DDL.
TPCH_OVERLAP = {"name": "prop", "tables": [
    {"name": "part", "target_rows": 20, "primary_key": ["p_partkey"],
     "columns": [_int("p_partkey")]},
    {"name": "supplier", "target_rows": 5, "primary_key": ["s_suppkey"],
     "columns": [_int("s_suppkey")]},
    {"name": "partsupp", "target_rows": 80, "primary_key": ["ps_partkey", "ps_suppkey"],
     "foreign_keys": [{"columns": ["ps_partkey"], "ref_table": "part"},
                      {"columns": ["ps_suppkey"], "ref_table": "supplier"}],
     "columns": [_int("ps_partkey"), _int("ps_suppkey")]},
    {"name": "orders", "target_rows": 40, "primary_key": ["o_orderkey"],
     "columns": [{"name": "o_orderkey", "data_type": "BIGINT"}]},
    {"name": "lineitem", "target_rows": 150, "primary_key": ["l_orderkey", "l_linenumber"],
     "foreign_keys": [{"columns": ["l_partkey"], "ref_table": "part"},
                      {"columns": ["l_suppkey"], "ref_table": "supplier"},
                      {"columns": ["l_orderkey"], "ref_table": "orders"},
                      {"columns": ["l_partkey", "l_suppkey"], "ref_table": "partsupp",
                       "ref_columns": ["ps_partkey", "ps_suppkey"]}],
     "columns": [{"name": "l_orderkey", "data_type": "BIGINT"},
                 _int("l_linenumber", min_value=1, max_value=7),
                 _int("l_partkey", required=True), _int("l_suppkey", required=True)]},
]}

# Without partsupp → part, both keys hold only where partsupp's partkeys meet part's, and here
# they never do (part's keys start at 1000): the engine must refuse this or keep both keys.
FREE_OVERLAP = {"name": "prop", "tables": [
    {"name": "part", "target_rows": 20, "primary_key": ["p_partkey"],
     "columns": [_int("p_partkey", min_value=1000)]},
    {"name": "partsupp", "target_rows": 40, "primary_key": ["ps_partkey", "ps_suppkey"],
     "columns": [_int("ps_partkey"), _int("ps_suppkey")]},
    {"name": "lineitem", "target_rows": 50,
     "foreign_keys": [{"columns": ["l_partkey", "l_suppkey"], "ref_table": "partsupp",
                       "ref_columns": ["ps_partkey", "ps_suppkey"]},
                      {"columns": ["l_partkey"], "ref_table": "part"}],
     "columns": [_int("l_partkey", required=True), _int("l_suppkey", required=True)]},
]}


def _schema(*tables: dict) -> dict:
    return {"name": "prop", "tables": list(tables)}


def _table(name: str, rows: int, columns: list[dict], **keys) -> dict:
    return {"name": name, "target_rows": rows, "columns": columns, **keys}


# Found by the property (shrunk, then trimmed by hand). Each must be refused, or keep its keys.

# A SMALLINT child of an INT key is accepted because the key's own declared range fits, but
# p.pid takes its values from g.id (100000, 100001, ...), which wrap in SMALLINT: all orphans.
NARROW_CHILD_THROUGH_CHAIN = _schema(
    _table("g", 3, [_int("id", min_value=100_000)], primary_key=["id"]),
    _table("p", 3, [_int("pid")], primary_key=["pid"],
           foreign_keys=[{"columns": ["pid"], "ref_table": "g"}]),
    _table("c", 5, [{"name": "x", "data_type": "SMALLINT"}],
           foreign_keys=[{"columns": ["x"], "ref_table": "p"}]))

# (id, code) is implied by id alone, so code is a plain column (1..1,000,000), which wraps in
# the SMALLINT child column: all orphans.
NARROW_CHILD_OF_IMPLIED_KEY = _schema(
    _table("p", 3, [_int("id"), _int("code")], primary_key=["id"], unique=[["id", "code"]]),
    _table("c", 5, [{"name": "a", "data_type": "SMALLINT"}, {"name": "b", "data_type": "SMALLINT"}],
           foreign_keys=[{"columns": ["a", "b"], "ref_table": "p", "ref_columns": ["id", "code"]}]))

# c.x is NOT NULL and p.pc has no null_ratio, but p.pc copies g.u, which has one: the batch
# fails writing Parquet ("declared non-nullable but contains nulls").
NOT_NULL_THROUGH_CHAIN = _schema(
    _table("g", 20, [_int("u", is_unique=True, null_ratio=0.5)]),
    _table("p", 20, [_int("pc", is_unique=True)],
           foreign_keys=[{"columns": ["pc"], "ref_table": "g", "ref_columns": ["u"]}]),
    _table("c", 20, [_int("x", required=True)],
           foreign_keys=[{"columns": ["x"], "ref_table": "p", "ref_columns": ["pc"]}]))

# The child VARCHAR(1) holds copies of the parent's 6-character keys: they don't fit.
SHORT_CHILD_STRING = _schema(
    _table("p", 3, [{"name": "code", "data_type": "VARCHAR", "varchar_length": 20}],
           primary_key=["code"]),
    _table("c", 3, [{"name": "x", "data_type": "VARCHAR", "varchar_length": 1}],
           foreign_keys=[{"columns": ["x"], "ref_table": "p"}]))

REGRESSIONS = {"tpch_overlap": TPCH_OVERLAP, "free_overlap": FREE_OVERLAP,
               "narrow_child_through_chain": NARROW_CHILD_THROUGH_CHAIN,
               "narrow_child_of_implied_key": NARROW_CHILD_OF_IMPLIED_KEY,
               "not_null_through_chain": NOT_NULL_THROUGH_CHAIN,
               "short_child_string": SHORT_CHILD_STRING}
LOCAL_RUNS = ["tpch_overlap", "free_overlap"]


@pytest.mark.parametrize("batches", [[64, WHOLE], [1, 7]], ids=["64+whole", "1+7"])
@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_regression_schemas_keep_every_declared_constraint(name, batches):
    check_generated_data(REGRESSIONS[name], seed=7, batches=batches)


# -- the same oracle on whole local runs (plan → batches → finalize → Parquet on disk) -----------

@pytest.mark.parametrize("name", LOCAL_RUNS)
def test_local_runs_keep_every_declared_constraint(tmp_path, name):
    from dwsim.composition import build_services, services_factory
    from dwsim.executors.local import execute
    from dwsim.metadata.records import RunStatus
    from dwsim.runs import lifecycle
    from dwsim.settings import Settings

    home = Settings(home=tmp_path / "home")
    services = build_services(home)
    schema = REGRESSIONS[name]
    experiment = prepared(schema)
    if isinstance(experiment, SchemaInvalid):
        return  # refused: the property checks what a refusal says
    services.store.create_experiment(experiment)
    run = lifecycle.start_run(services, "prop", seed=3, batch_rows=16)
    final = execute(services_factory(home), "prop", run.run_id, workers=1)
    assert final.status is RunStatus.COMPLETED, final.traceback
    data = {}
    for table in experiment.tables:
        prefix = f"experiments/prop/runs/{run.run_id}/{table.name}/"
        parts = [pq.read_table(io.BytesIO(services.objects.get(key)))
                 for key in services.objects.list(prefix)]
        data[table.name] = (pa.concat_tables(parts) if parts
                            else generate(experiment, 0, WHOLE)[table.name].slice(0, 0))
    found = violations(schema, data)
    assert not found.found, found.found


def test_the_oracle_catches_what_it_checks():
    """The oracle itself: a broken table is reported under each kind it breaks."""
    schema = {"name": "prop", "tables": [
        {"name": "p", "target_rows": 2, "primary_key": ["id"], "columns": [_int("id")]},
        {"name": "c", "target_rows": 3, "unique": [["a", "b"]],
         "foreign_keys": [{"columns": ["ref"], "ref_table": "p"}],
         "columns": [_int("ref", required=True), _int("a"), _int("b"),
                     {"name": "s", "data_type": "CHAR"}]},
    ]}
    p = pa.table({"id": pa.array([1, 2], pa.int32())})
    c = pa.table({"ref": pa.array([1, 3, None], pa.int32()), "a": pa.array([1, 1, 1], pa.int32()),
                  "b": pa.array([5, 5, None], pa.int32()), "s": pa.array(["x", "yy", None])})
    found = violations(schema, {"p": p, "c": c.slice(0, 3)})
    assert not found["rows"]
    assert found["nulls"] == ["c.ref: 1 NULL(s) in a NOT NULL column"]
    assert found["duplicates"] == ["c key (a, b): 1 duplicate(s), e.g. (1, 5) × 2"]
    assert found["orphans"] == ["c (ref) → p (id): 1 orphan(s) of 2, e.g. (3,)"]
    assert found["values"] == ["c.s: 1 value(s) longer than 1, e.g. 'yy'"]
    assert violations(schema, {"p": p.slice(0, 1), "c": c})["rows"] == ["p: 1 rows, target 2"]
