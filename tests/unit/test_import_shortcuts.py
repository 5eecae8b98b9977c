"""The shortcuts that keep a warehouse-sized DDL import fast give exactly what the direct way
gives: validation once per distinct column instead of a dump-and-validate round trip,
and inference and column checks memoised on what they read (the collector's pause is
tested in test_gcpause.py)."""

from __future__ import annotations

import copy
import importlib.util
from decimal import Decimal

import pytest
from pydantic import ValidationError

from dwsim.ddl.importer import _Reader, import_ddl
from dwsim.ddl.revalidate import revalidated
from dwsim.schema.column_checks import column_problems
from dwsim.schema.inference import _inferred, infer_column
from dwsim.schema.model import Column, Experiment, ForeignKey, ImportWarning, Table
from dwsim.schema.types import DataType
from dwsim.schema.validate import validate
from tests.support.template import ROOT


def _column(name: str, data_type: DataType = DataType.INT, **fields) -> Column:
    return Column.model_construct(name=name, data_type=data_type, **fields)


def _experiment(*tables: list[Column], warnings=(), foreign_keys=()) -> Experiment:
    built = [Table.model_construct(name=f"t{i}", target_rows=10, columns=columns, primary_key=[],
                                   unique=[], foreign_keys=list(foreign_keys) if i == 0 else [])
             for i, columns in enumerate(tables)]
    return Experiment.model_construct(name="x", description=None, dialect="postgres",
                                      tables=built, warnings=list(warnings))


def _round_trip(experiment: Experiment) -> Experiment | list:
    try:
        return Experiment.model_validate(copy.deepcopy(experiment).model_dump())
    except ValidationError as exc:
        return exc.errors(include_url=False)


def _revalidated(experiment: Experiment) -> Experiment | list:
    try:
        return revalidated(experiment)
    except ValidationError as exc:
        return exc.errors(include_url=False)


def _typed(result: Experiment | list) -> str:
    """repr shows what equality hides: 1 and 1.0 and True, Decimal 1.0 and 1.00."""
    return repr(result if isinstance(result, list) else result.model_dump())


CASES = {
    "valid and alike": _experiment(
        [_column("a", varchar_length=None), _column("b"), _column("c", DataType.VARCHAR,
                                                                  varchar_length=20)],
        [_column("a"), _column("d", DataType.DECIMAL, precision=12, scale=2,
                               min_value=Decimal("1.50"))],
        warnings=[ImportWarning(table="t0", code="x", message="y")]),
    # Validation converts these: the result must be the converted one, as before.
    "int weights": _experiment([_column("a", values=[1, 2], weights=[1, 3])]),
    "True beside 1": _experiment([_column("a", min_value=1), _column("b", min_value=True)]),
    "text bound": _experiment([_column("a", min_value=1), _column("b", min_value="2.50")]),
    "type as text": _experiment([_column("a"), _column("b", data_type="integer")]),
    # Validation refuses these: the same errors, at the same places.
    "long name in the second table": _experiment([_column("a")], [_column("b" * 200)]),
    "null ratio 2": _experiment([_column("a", null_ratio=0.5), _column("b", null_ratio=2.0)]),
    "long table name": Experiment.model_construct(
        name="x", description=None, dialect="postgres", warnings=[],
        tables=[Table.model_construct(name="t" * 200, target_rows=1, columns=[_column("a")],
                                      primary_key=[], unique=[], foreign_keys=[])]),
    "bad warning": _experiment([_column("a")], warnings=[ImportWarning.model_construct(
        table=None, column=None, code=None, message="m")]),
    "foreign key without columns": _experiment(
        [_column("a")], foreign_keys=[ForeignKey.model_construct(columns=[], ref_table="t0",
                                                                  ref_columns=[])]),
    "bad dialect": Experiment.model_construct(
        name="x", description=None, dialect="oracle", warnings=[],
        tables=[Table.model_construct(name="t", target_rows=1, columns=[_column("a")],
                                      primary_key=[], unique=[], foreign_keys=[])]),
}


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # text where numbers go
@pytest.mark.parametrize("case", CASES)
def test_revalidated_gives_what_the_round_trip_gives(case):
    experiment = CASES[case]
    expected = _round_trip(experiment)
    assert _typed(_revalidated(copy.deepcopy(experiment))) == _typed(expected)


def test_revalidated_keeps_an_unchanged_experiment_and_unshares_its_lists():
    labels = ["a", "b"]
    experiment = _experiment([_column("x", DataType.VARCHAR, values=labels),
                              _column("y", DataType.VARCHAR, values=labels)])
    result = revalidated(experiment)
    assert result is experiment  # nothing to convert: no copy made
    first, second = result.tables[0].columns
    assert first.values == second.values == labels
    assert first.values is not second.values and first.values is not labels


def test_an_imported_export_is_what_the_round_trip_makes_of_it():
    sql = "\n".join(
        f"CREATE TABLE t{i} (id INT PRIMARY KEY, status VARCHAR(16) NOT NULL, "
        f"amount NUMERIC(12,2) CHECK (amount >= 0), kind CHAR(1), "
        f"ref INT REFERENCES t{max(i - 1, 0)}(id));" for i in range(30))
    imported = import_ddl(sql, "x", "postgres")
    reference = Experiment.model_validate(imported.model_dump())
    assert _typed(imported) == _typed(reference)


def _inference_cases() -> list[tuple[Column, str, bool, bool]]:
    cases = []
    for name in ["status", "r_name", "name", "order_priority", "month", "tax_rate", "notes",
                 "is_active", "customer_email", "order_guid", "state", "kind"]:
        for data_type, length, scale in [(DataType.VARCHAR, 64, None), (DataType.CHAR, 2, None),
                                         (DataType.CHAR, 36, None), (DataType.INT, None, None),
                                         (DataType.DECIMAL, None, 2)]:
            for fields in [{}, {"values": []}, {"values": ["a"]}, {"faker_rule": "word"},
                           {"min_value": 1}, {"null_ratio": 0.5}, {"required": True}]:
                for table in ["region", "nation"]:
                    for keyed, referencing in [(False, False), (True, False), (False, True)]:
                        column = Column(name=name, data_type=data_type, varchar_length=length,
                                        scale=scale, **fields)
                        cases.append((column, table, keyed, referencing))
    return cases


def test_memoised_inference_is_the_direct_one_whatever_came_before():
    cases = _inference_cases()
    for column, table, keyed, referencing in reversed(cases):  # the memo filled the other way
        infer_column(copy.deepcopy(column), table, keyed=keyed, referencing=referencing)
    memoised, direct = [], []
    for column, table, keyed, referencing in cases:
        memoised.append(copy.deepcopy(column))
        infer_column(memoised[-1], table, keyed=keyed, referencing=referencing)
        direct.append(copy.deepcopy(column))
        for field, value in _inferred(direct[-1], table, keyed, referencing).items():
            setattr(direct[-1], field, value)
    assert [repr(c) for c in memoised] == [repr(c) for c in direct]
    weighted = [c for c in memoised if c.weights]
    assert len({id(c.weights) for c in weighted}) == len(weighted) > 1


def test_the_table_decides_what_a_name_column_holds():
    region, nation = (Column(name="r_name", data_type=DataType.VARCHAR, varchar_length=25)
                      for _ in range(2))
    infer_column(region, "region", keyed=False, referencing=False)
    infer_column(nation, "nation", keyed=False, referencing=False)
    assert "EUROPE" in region.values
    assert nation.values is None or "EUROPE" not in nation.values


def test_alike_columns_get_their_own_findings():
    # Equal but printed differently, or equal in value but not in type: each column's message
    # names its own value.
    columns = [_column("a", min_value=Decimal("5E+10")), _column("b", min_value=Decimal("50000000000")),
               _column("c", min_value=5 * 10**10), _column("d", min_value=5e10),
               _column("e", DataType.SMALLINT, min_value=True, max_value=-0.0),
               _column("f", DataType.SMALLINT, min_value=1, max_value=0.0),
               _column("g", DataType.SMALLINT, min_value=True, max_value=0),
               _column("h", DataType.SMALLINT, min_value=1, max_value=0),
               _column("select"), _column("select", quoted=True)]
    experiment = _experiment(columns)  # unvalidated: True stays True
    table = experiment.tables[0]
    table.relations = []
    expected = [p for c in table.columns for p in column_problems(experiment, table, c)]
    found = [p for p in validate(experiment) if p.rule != "duplicate_column"]
    assert found == expected
    messages = [p.message for p in expected]
    assert "min_value 5E+10 is outside the range of INT (-2147483648..2147483647)" in messages
    assert "min_value 50000000000 is outside the range of INT (-2147483648..2147483647)" in messages
    assert "min_value 50000000000.0 is outside the range of INT (-2147483648..2147483647)" in messages
    assert "min_value True is greater than max_value -0.0" in messages
    assert "min_value 1 is greater than max_value 0.0" in messages
    assert "min_value True is greater than max_value 0" in messages
    assert "min_value 1 is greater than max_value 0" in messages
    assert sum(p.rule == "reserved_word" for p in expected) == 1


def _bench_exports():
    spec = importlib.util.spec_from_file_location("import_bench", ROOT / "bench" / "import_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return [(bench.generate(dialect, 200_000)[0], dialect)
            for dialect in ("redshift", "snowflake", "postgres")]


@pytest.mark.parametrize("reading", ["_fast_create_table", "_fast_alter", "_fast_other"])
def test_the_text_readings_import_what_the_ordinary_reading_imports(monkeypatch, reading):
    """Each shortcut that reads statements by their text (CREATE TABLE without sqlglot nodes
    per column, keys and serial defaults added by ALTER TABLE, plain indexes, OWNER TO and
    COMMENT ON) gives the experiment sqlglot's ordinary reading gives, warnings included."""
    cases = _bench_exports() + [(path.read_text(), dialect) for path, dialect in [
        (ROOT / "examples" / "postgres_pg_dump.sql", "postgres"),
        (ROOT / "examples" / "redshift_generated_ddl.sql", "redshift"),
        (ROOT / "examples" / "snowflake_get_ddl.sql", "snowflake")]]
    shortcut = [import_ddl(sql, "x", dialect).model_dump() for sql, dialect in cases]
    monkeypatch.setattr(_Reader, reading, lambda self, *args: False)
    ordinary = [import_ddl(sql, "x", dialect).model_dump() for sql, dialect in cases]
    assert shortcut == ordinary
