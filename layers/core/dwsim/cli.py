"""The `dw-sim` command line: the embedded default (SQLite + a local folder), no AWS needed.

Every command takes --json for machine-readable output. Errors are one line on stderr and a
non-zero exit (2 for usage, 1 otherwise); --debug adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dwsim import __version__
from dwsim.config import Settings
from dwsim.errors import DwSimError, InvalidInput, SchemaInvalid
from dwsim.store import MetadataStore, open_store

Handler = Callable[[argparse.Namespace, MetadataStore], int]


def _flags(json_default: Any, *, leaf: bool) -> argparse.ArgumentParser:
    """--json/--home/--debug, accepted before or after the command."""
    parent = argparse.ArgumentParser(add_help=False)
    suppress = argparse.SUPPRESS if leaf else None
    parent.add_argument("--json", action="store_true", default=suppress if leaf else json_default,
                        help="machine-readable JSON output")
    parent.add_argument("--home", default=suppress,
                        help="where the embedded store lives (default: $DWSIM_HOME or ./.dwsim)")
    parent.add_argument("--debug", action="store_true", default=suppress if leaf else False,
                        help="show tracebacks")
    return parent


def build_parser() -> argparse.ArgumentParser:
    leaf = [_flags(False, leaf=True)]
    parser = argparse.ArgumentParser(
        prog="dw-sim", parents=[_flags(False, leaf=False)],
        description="Fill a data warehouse with realistic synthetic data.")
    parser.add_argument("--version", action="version", version=f"dw-sim {__version__}")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    experiment = groups.add_parser("experiment", help="create, import, list, show, delete")
    commands = experiment.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")

    create = commands.add_parser("create", parents=leaf, help="create from a JSON schema file")
    create.add_argument("schema", metavar="SCHEMA.json", help="JSON schema file, or - for stdin")
    create.set_defaults(handler=cmd_create)

    imp = commands.add_parser("import-sql", parents=leaf, help="import CREATE TABLE DDL")
    imp.add_argument("sql", metavar="FILE.sql", help="DDL file, or - for stdin")
    imp.add_argument("--name", required=True, help="experiment name")
    imp.add_argument("--dialect", required=True, choices=["redshift", "snowflake", "postgres"])
    imp.add_argument("--rows", action="append", default=[], metavar="N|TABLE=N",
                     help="rows for every table (N) or one table (TABLE=N); repeatable; default 1000")
    imp.add_argument("--description", help="a description to keep with the experiment")
    imp.add_argument("--dry-run", action="store_true",
                     help="show how the DDL is understood without storing anything")
    imp.set_defaults(handler=cmd_import_sql)

    lst = commands.add_parser("list", parents=leaf, help="list experiments")
    lst.set_defaults(handler=cmd_list)

    show = commands.add_parser("show", parents=leaf, help="show an experiment as dw-sim understands it")
    show.add_argument("name")
    show.set_defaults(handler=cmd_show)

    delete = commands.add_parser("delete", parents=leaf, help="delete an experiment, its runs and data")
    delete.add_argument("name")
    delete.set_defaults(handler=cmd_delete)
    return parser


# -- helpers --------------------------------------------------------------------------------
def read_input(path: str, what: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"{what} file '{path}' does not exist or is not a file")
    return file.read_bytes()


def parse_rows(values: Sequence[str]) -> int | dict[str, int] | None:
    """`--rows 1000 --rows region=5` → {"*": 1000, "region": 5}; a lone N stays an int."""
    rows: dict[str, int] = {}
    for value in values:
        table, sep, count = value.rpartition("=")
        key = table if sep else "*"
        if sep and not table:
            raise InvalidInput(f"--rows {value!r}: give TABLE=N or N")
        try:
            number = int(count.replace("_", ""))
        except ValueError:
            raise InvalidInput(f"--rows {value!r}: '{count}' is not a whole number") from None
        if number < 0:
            raise InvalidInput(f"--rows {value!r}: rows must be 0 or more")
        rows[key] = number
    if not rows:
        return None
    return rows["*"] if list(rows) == ["*"] else rows


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    else:
        print(text)


def describe_experiment(body: dict[str, Any]) -> str:
    """A person's view of the canonical experiment JSON."""
    lines = [f"Experiment {body['name']}" + (f" ({body['dialect']})" if body.get("dialect") else "")]
    if body.get("description"):
        lines.append(f"  {body['description']}")
    for table in body["tables"]:
        lines.append("")
        lines.append(f"Table {table['name']}: {table['target_rows']:,} rows")
        width = max(len(c["name"]) for c in table["columns"])
        for column in table["columns"]:
            flags = []
            if column.get("required"):
                flags.append("NOT NULL")
            if column.get("is_unique"):
                flags.append("UNIQUE")
            if column.get("identity"):
                flags.append("IDENTITY")
            rule = column.get("faker_rule")
            if rule:
                flags.append(f"rule={rule}" + (" (inferred)" if column.get("rule_inferred") else ""))
            source = column.get("source_type") or _type_text(column)
            lines.append(f"  {column['name']:<{width}}  {source:<22} {' '.join(flags)}".rstrip())
        for key in table.get("keys", []):
            cols = ", ".join(key["columns"])
            target = f" → {key['ref_table']}({', '.join(key['ref_columns'])})" if key["kind"] == "foreign" else ""
            lines.append(f"  {key['kind']} key ({cols}){target}: {key['enforcement']}")
    warnings = body.get("warnings") or []
    if warnings:
        lines.append("")
        lines.append(f"Warnings ({len(warnings)}):")
        for w in warnings:
            where = ".".join(p for p in (w.get("table"), w.get("column")) if p)
            lines.append(f"  [{w['code']}] {where + ': ' if where else ''}{w['message']}")
    return "\n".join(lines)


def _type_text(column: dict[str, Any]) -> str:
    if column.get("precision") is not None:
        return f"{column['data_type']}({column['precision']},{column.get('scale', 0)})"
    if column.get("varchar_length") is not None:
        return f"{column['data_type']}({column['varchar_length']})"
    return column["data_type"]


# -- commands -------------------------------------------------------------------------------
def cmd_create(args: argparse.Namespace, store: MetadataStore) -> int:
    from dwsim.experiments import create_experiment, parse_schema_json

    raw = parse_schema_json(read_input(args.schema, "schema"), f"'{args.schema}'")
    stored = create_experiment(store, raw)
    body = stored.experiment.to_json()
    emit(args, body, f"Created experiment '{stored.experiment.name}': "
                     f"{len(body['tables'])} table(s), {stored.experiment.total_rows:,} rows")
    return 0


def cmd_import_sql(args: argparse.Namespace, store: MetadataStore) -> int:
    from dwsim.experiments import interpret_sql

    sql = read_input(args.sql, "SQL")
    experiment = interpret_sql(sql, args.name, args.dialect, parse_rows(args.rows), args.description)
    body = experiment.to_json()
    if args.dry_run:
        emit(args, body, describe_experiment(body) + "\n\n(dry run: nothing stored)")
        return 0
    store.create_experiment(experiment)
    emit(args, body, describe_experiment(body) + f"\n\nCreated experiment '{experiment.name}'.")
    return 0


def cmd_list(args: argparse.Namespace, store: MetadataStore) -> int:
    summaries = store.list_experiments()
    data = {"experiments": [s.to_dict() for s in summaries]}
    if not summaries:
        text = "No experiments yet. Create one with `dw-sim experiment import-sql` or `create`."
    else:
        width = max(len(s.name) for s in summaries)
        text = "\n".join(
            [f"{'NAME':<{width}}  {'DIALECT':<9}  {'TABLES':>6}  {'ROWS':>13}  CREATED"]
            + [f"{s.name:<{width}}  {(s.dialect or '-'):<9}  {s.tables:>6}  {s.total_rows:>13,}  "
               f"{s.created_at}" for s in summaries])
    emit(args, data, text)
    return 0


def cmd_show(args: argparse.Namespace, store: MetadataStore) -> int:
    stored = store.get_experiment(args.name)
    body = stored.experiment.to_json()
    emit(args, body, describe_experiment(body))
    return 0


def cmd_delete(args: argparse.Namespace, store: MetadataStore) -> int:
    store.delete_experiment(args.name)
    emit(args, {"deleted": args.name}, f"Deleted experiment '{args.name}'.")
    return 0


# -- entry point ----------------------------------------------------------------------------
def _error_line(exc: DwSimError) -> str:
    if isinstance(exc, SchemaInvalid):
        return f"schema invalid: {exc.one_line()}"
    return exc.message


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("json", False), ("debug", False), ("home", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    try:
        store = open_store(Settings.from_env(args.home))
        return args.handler(args, store)
    except DwSimError as exc:
        if args.debug:
            traceback.print_exc()
        line = json.dumps(exc.to_dict()) if args.json else f"error: {_error_line(exc)}"
        print(line.replace("\n", " "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
        if args.debug:
            traceback.print_exc()
        message = f"internal error: {type(exc).__name__}: {exc}".replace("\n", " ")
        print(f"error: {message} (rerun with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
