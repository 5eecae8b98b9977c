"""The dw-sim CLI, run in-process against a temporary embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TPCH = str(ROOT / "examples" / "tpch_redshift.sql")


def test_import_sql_dry_run_json_shows_tpch(cli):
    code, out, err = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                         "--dry-run", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert len(body["tables"]) == 8
    tables = {t["name"]: t for t in body["tables"]}
    assert tables["lineitem"]["primary_key"] == ["l_orderkey", "l_linenumber"]
    assert tables["partsupp"]["primary_key"] == ["ps_partkey", "ps_suppkey"]
    assert sum(len(t["foreign_keys"]) for t in body["tables"]) == 10
    column = tables["orders"]["columns"][0]
    assert {"name", "data_type", "source_type", "required", "is_unique"} <= set(column)
    assert [w["code"] for w in body["warnings"]] == ["statement_skipped"] * 3
    # dry run stores nothing
    code, out, _ = cli("experiment", "list", "--json")
    assert json.loads(out) == {"experiments": []}


def test_import_create_list_show_delete(cli, tmp_path):
    code, _, err = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                       "--rows", "500", "--rows", "region=5", "--rows", "nation=25")
    assert code == 0, err
    code, out, _ = cli("--json", "experiment", "list")  # --json before the command works too
    listed = json.loads(out)["experiments"]
    assert [(e["name"], e["tables"], e["total_rows"]) for e in listed] == [("tpch", 8, 500 * 6 + 30)]
    code, out, _ = cli("experiment", "show", "tpch", "--json")
    shown = json.loads(out)
    assert {t["name"]: t["target_rows"] for t in shown["tables"]}["region"] == 5
    code, out, _ = cli("experiment", "show", "tpch")
    assert "Table lineitem: 500 rows" in out and "composite" in out
    code, out, _ = cli("experiment", "create", str(ROOT / "examples" / "ecommerce.json"))
    assert code == 0 and "Created experiment 'ecommerce'" in out
    code, out, _ = cli("experiment", "delete", "tpch")
    assert code == 0
    code, out, _ = cli("experiment", "list", "--json")
    assert [e["name"] for e in json.loads(out)["experiments"]] == ["ecommerce"]


def test_errors_are_one_line_with_non_zero_exit_and_store_nothing(cli, tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE t (\n  a INT,\n  b VARCHAR(10\n);")
    code, out, err = cli("experiment", "import-sql", str(bad), "--name", "x", "--dialect", "redshift")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: line 4")
    assert "Traceback" not in err

    schema = tmp_path / "s.json"
    schema.write_text('{"name": "x", "tables": [')
    code, _, err = cli("experiment", "create", str(schema))
    assert code == 1 and "not valid JSON" in err and "line 1" in err

    schema.write_text(json.dumps({"name": "x", "tables": [{"name": "t", "target_rows": 100, "columns": [
        {"name": "flag", "data_type": "BOOLEAN", "is_unique": True},
        {"name": "n", "data_type": "INT", "min_value": 5, "max_value": 1}]}]}))
    code, _, err = cli("experiment", "create", str(schema))
    assert code == 1 and err.count("\n") == 1
    assert "table 't', column 'flag'" in err and "table 't', column 'n'" in err

    code, _, err = cli("experiment", "create", str(tmp_path / "missing.json"))
    assert code == 1 and "does not exist" in err

    code, _, err = cli("experiment", "show", "ghost", "--json")
    assert code == 1 and json.loads(err)["error"]["code"] == "not_found"

    code, _, err = cli("experiment", "import-sql", TPCH, "--name", "x", "--dialect", "redshift",
                       "--rows", "lots")
    assert code == 1 and "'lots' is not a whole number" in err

    code, out, _ = cli("experiment", "list", "--json")
    assert json.loads(out) == {"experiments": []}


def test_duplicate_create_is_refused(cli):
    args = ("experiment", "create", str(ROOT / "examples" / "ecommerce.json"))
    assert cli(*args)[0] == 0
    code, _, err = cli(*args)
    assert code == 1 and "already exists" in err


def test_usage_errors_exit_2(cli):
    with pytest.raises(SystemExit) as info:
        cli("experiment", "import-sql", TPCH, "--name", "x", "--dialect", "oracle")
    assert info.value.code == 2


def test_stdin_input(cli, monkeypatch):
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"CREATE TABLE t (id INT PRIMARY KEY)")))
    code, out, err = cli("experiment", "import-sql", "-", "--name", "piped", "--dialect", "postgres", "--json")
    assert code == 0, err
    assert json.loads(out)["tables"][0]["primary_key"] == ["id"]


def test_a_schema_file_that_is_not_utf8_is_refused(cli, tmp_path):
    schema = tmp_path / "latin1.json"
    schema.write_bytes('{"name": "café"}'.encode("latin-1"))
    code, _, err = cli("experiment", "create", str(schema))
    assert code == 1 and "is not UTF-8 text" in err


def test_the_dry_run_shows_each_columns_rule_and_samples(cli):
    code, out, err = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                         "--rows", "300", "--dry-run")
    assert code == 0, err
    assert "Samples: the first 5 rows of each table at seed 0" in out
    lines = out.splitlines()
    status = next(i for i, line in enumerate(lines) if line.strip().startswith("o_orderstatus"))
    assert "values=[F, O, P] (inferred)" in lines[status]
    samples = lines[status + 1].split("e.g. ")[1].split(" | ")
    assert len(samples) == 5 and set(samples) <= {"F", "O", "P"}
    sample_lines = [line for line in lines if line.lstrip().startswith("e.g. ")]
    assert len(sample_lines) == 61  # one per column of the eight tables
    assert all(len(line) <= 100 for line in sample_lines)
    assert any("NULL" in line for line in sample_lines)  # a nullable comment column

    code, out, _ = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                       "--rows", "300", "--dry-run", "--json")
    body = json.loads(out)
    assert body["sampling"]["tables_sampled"] == 8
    assert body["samples"]["orders"]["o_orderkey"] == [1, 2, 3, 4, 5]
    assert body["samples"]["orders"]["o_orderstatus"] == samples


def test_show_json_edit_create_keeps_the_edit(cli, tmp_path):
    code, _, err = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                       "--rows", "300")
    assert code == 0, err
    code, out, _ = cli("experiment", "show", "tpch", "--json")
    shown = json.loads(out)
    # Unchanged, show --json is accepted back by create as the same experiment.
    again = tmp_path / "again.json"
    again.write_text(json.dumps({**shown, "name": "tpch_again"}))
    code, out, err = cli("experiment", "create", str(again), "--json")
    assert code == 0, err
    assert json.loads(out) == {**shown, "name": "tpch_again"}

    orders = next(t for t in shown["tables"] if t["name"] == "orders")
    status = next(c for c in orders["columns"] if c["name"] == "o_orderstatus")
    status.update(values=["X", "Y"], weights=[3, 1])
    status.pop("rule_inferred")
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({**shown, "name": "tpch_edited"}))
    code, out, err = cli("experiment", "create", str(edited), "--dry-run")
    assert code == 0, err
    assert "(dry run: nothing stored)" in out
    line = next(i for i, text in enumerate(out.splitlines()) if text.strip().startswith("o_orderstatus"))
    assert "values=[X, Y]" in out.splitlines()[line] and "(inferred)" not in out.splitlines()[line]
    assert set(out.splitlines()[line + 1].split("e.g. ")[1].split(" | ")) <= {"X", "Y"}
    code, out, _ = cli("experiment", "list", "--json")
    assert "tpch_edited" not in out

    code, _, err = cli("experiment", "create", str(edited))
    assert code == 0, err
    code, out, _ = cli("experiment", "show", "tpch_edited", "--json")
    stored = next(c for t in json.loads(out)["tables"] if t["name"] == "orders"
                  for c in t["columns"] if c["name"] == "o_orderstatus")
    assert (stored["values"], stored["weights"]) == (["X", "Y"], [3, 1])


def test_a_dry_runs_json_can_be_created_as_it_is(cli, tmp_path):
    code, out, _ = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                       "--dry-run", "--json")
    preview = tmp_path / "preview.json"
    preview.write_text(out)
    code, _, err = cli("experiment", "create", str(preview))
    assert code == 0, err
    code, out, _ = cli("experiment", "show", "tpch", "--json")
    assert "samples" not in json.loads(out) and "sampling" not in json.loads(out)


def test_create_dry_run_refuses_at_the_column(cli, tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"name": "s", "tables": [{"name": "t", "target_rows": 10, "columns": [
        {"name": "n", "data_type": "INT", "values": ["X", "Y"]}]}]}))
    code, out, err = cli("experiment", "create", str(schema), "--dry-run")
    assert code == 1 and out == ""
    assert err.startswith("error: schema invalid: table 't', column 'n': dw-sim cannot make")


# -- every failure under --json is the error envelope -------------------------------------------
def test_an_unexpected_error_under_json_is_the_error_envelope(cli, monkeypatch):
    import dwsim.experiments

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(dwsim.experiments, "preview", boom)
    code, _, err = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                       "--dry-run", "--json")
    assert code == 1 and len(err.strip().splitlines()) == 1
    error = json.loads(err)["error"]
    assert error["code"] == "internal_error"
    assert "RuntimeError: disk on fire" in error["message"]
    code, _, err = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                       "--dry-run")
    assert code == 1 and err.startswith("error: internal error: RuntimeError: disk on fire")


def test_an_interrupt_under_json_is_the_error_envelope(cli, monkeypatch):
    import dwsim.experiments

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(dwsim.experiments, "preview", interrupted)
    code, _, err = cli("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
                       "--dry-run", "--json")
    assert code == 130 and json.loads(err)["error"]["code"] == "interrupted"


def test_a_usage_error_under_json_is_the_error_envelope(cli, capsys):
    with pytest.raises(SystemExit) as info:
        cli("experiment", "import-sql", TPCH, "--dialect", "oracle", "--json")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    error = json.loads(err)["error"]
    assert error["code"] == "usage" and "invalid choice: 'oracle'" in error["message"]
    assert error["details"]["usage"].startswith("usage: dw-sim experiment import-sql")
    with pytest.raises(SystemExit):
        cli("experiment", "import-sql", TPCH, "--dialect", "oracle")
    assert "invalid choice" in capsys.readouterr().err  # argparse's own text without --json


def test_a_domain_error_under_json_is_unchanged(cli):
    code, _, err = cli("experiment", "show", "ghost", "--json")
    assert code == 1 and json.loads(err) == {
        "error": {"code": "not_found", "message": json.loads(err)["error"]["message"]}}


def test_a_deeply_nested_schema_is_invalid_input(cli, tmp_path):
    schema = tmp_path / "deep.json"
    schema.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = cli("experiment", "create", str(schema), "--json")
    assert code == 1 and json.loads(err)["error"]["code"] == "invalid_input"
    assert "nested too deeply" in json.loads(err)["error"]["message"]
