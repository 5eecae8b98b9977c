"""The `dw-sim` command line: the embedded default (SQLite + a local folder), no AWS needed.

Every command takes --json for machine-readable output. Errors are one line on stderr and a
non-zero exit (2 for usage, 1 otherwise); --debug adds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dwsim import __version__
from dwsim.composition import build_services, services_factory
from dwsim.errors import DwSimError, InvalidInput, RunActive, SchemaInvalid
from dwsim.metadata.records import timestamp_text
from dwsim.runs.files import with_files
from dwsim.runs.services import Services
from dwsim.schema.canonical import canonical_json
from dwsim.settings import Settings, get_settings

Handler = Callable[[argparse.Namespace, Services], int]


def _flags(*, leaf: bool) -> argparse.ArgumentParser:
    """--json/--home/--debug, accepted before or after the command: the root parser sets the
    defaults, and a command's copy leaves the value alone unless given (SUPPRESS)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true",
                        default=argparse.SUPPRESS if leaf else False,
                        help="machine-readable JSON output")
    parent.add_argument("--home", default=argparse.SUPPRESS if leaf else None,
                        help="where the embedded store lives (default: $DWSIM_HOME or ./.dwsim)")
    parent.add_argument("--debug", action="store_true",
                        default=argparse.SUPPRESS if leaf else False, help="show tracebacks")
    return parent


def build_parser() -> argparse.ArgumentParser:
    leaf = [_flags(leaf=True)]
    parser = argparse.ArgumentParser(
        prog="dw-sim", parents=[_flags(leaf=False)],
        description="Fill a data warehouse with realistic synthetic data.")
    parser.add_argument("--version", action="version", version=f"dw-sim {__version__}")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    experiment = groups.add_parser("experiment", help="create, import, list, show, delete")
    commands = experiment.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")

    create = commands.add_parser("create", parents=leaf, help="create from a JSON schema file")
    create.add_argument("schema", metavar="SCHEMA.json", help="JSON schema file, or - for stdin")
    create.add_argument("--dry-run", action="store_true",
                        help="validate and show each column's rule and sample values, store nothing")
    create.set_defaults(handler=cmd_create)

    imp = commands.add_parser("import-sql", parents=leaf, help="import CREATE TABLE DDL")
    imp.add_argument("sql", metavar="FILE.sql", help="DDL file, or - for stdin")
    imp.add_argument("--name", required=True, help="experiment name")
    imp.add_argument("--dialect", required=True, choices=["redshift", "snowflake", "postgres"])
    imp.add_argument("--rows", action="append", default=[], metavar="N|TABLE=N",
                     help="rows for every table (N) or one table (TABLE=N); repeatable; default 1000")
    imp.add_argument("--description", help="a description to keep with the experiment")
    imp.add_argument("--dry-run", action="store_true",
                     help="show how the DDL is understood (each column's rule and sample "
                          "values) without storing anything")
    imp.set_defaults(handler=cmd_import_sql)

    lst = commands.add_parser("list", parents=leaf, help="list experiments")
    lst.set_defaults(handler=cmd_list)

    show = commands.add_parser("show", parents=leaf, help="show an experiment as dw-sim understands it")
    show.add_argument("name")
    show.set_defaults(handler=cmd_show)

    delete = commands.add_parser("delete", parents=leaf, help="delete an experiment, its runs and data")
    delete.add_argument("name")
    delete.set_defaults(handler=cmd_delete)

    gen = commands.add_parser("generate", parents=leaf, help="generate Parquet for an experiment")
    gen.add_argument("name")
    gen.add_argument("--rows", action="append", default=[], metavar="TABLE=N",
                     help="rows for one table (repeatable), or N for every table; default: the "
                          "schema's target_rows")
    gen.add_argument("--seed", type=int, help="same seed, same rows (default: random)")
    gen.add_argument("--batch-rows", type=int, help="rows per Parquet part (default 250,000)")
    gen.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    gen.add_argument("--compression", default="snappy", choices=["snappy", "zstd", "gzip", "none"])
    gen.add_argument("--wait", action="store_true",
                     help="run in the foreground and print the finished run")
    gen.set_defaults(handler=cmd_generate)

    serve = groups.add_parser("serve", parents=leaf, help="the HTTP API and web UI on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks one)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes per run")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.set_defaults(handler=cmd_serve)

    runs = groups.add_parser("runs", help="list, show, cancel and recover runs")
    run_commands = runs.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    rlist = run_commands.add_parser("list", parents=leaf, help="an experiment's runs, newest first")
    rlist.add_argument("name")
    rlist.set_defaults(handler=cmd_runs_list)
    rshow = run_commands.add_parser("show", parents=leaf, help="one run's record")
    rshow.add_argument("name")
    rshow.add_argument("run_id")
    rshow.set_defaults(handler=cmd_runs_show)
    rcancel = run_commands.add_parser("cancel", parents=leaf, help="cancel a running run (ABORTED)")
    rcancel.add_argument("name")
    rcancel.add_argument("run_id")
    rcancel.set_defaults(handler=cmd_runs_cancel)
    rverify = run_commands.add_parser(
        "verify", parents=leaf, help="read a run's Parquet back: counts, duplicate keys, orphans")
    rverify.add_argument("name")
    rverify.add_argument("run_id")
    rverify.set_defaults(handler=cmd_runs_verify)
    rrecover = run_commands.add_parser(
        "recover", parents=leaf, help="release the claim of a run whose executor is gone")
    rrecover.add_argument("name")
    rrecover.add_argument("--force", action="store_true",
                          help="recover even when the executor cannot be checked from this host")
    rrecover.set_defaults(handler=cmd_runs_recover)
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


SAMPLE_LINE = 100  # characters of a column's sample line
SAMPLE_VALUE = 28  # characters of one sample value on it


def sample_line(values: list[Any], indent: int) -> str:
    """A column's sample values on one line: `e.g. O | P | NULL`, cut to SAMPLE_LINE."""
    shown = ["NULL" if v is None else _cut(str(v).replace("\n", " "), SAMPLE_VALUE) for v in values]
    return _cut(" " * indent + "e.g. " + " | ".join(shown), SAMPLE_LINE) if shown \
        else " " * indent + "e.g. (no rows)"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_experiment(body: dict[str, Any]) -> str:
    """A person's view of the canonical experiment JSON, with a preview's sample values."""
    lines = [f"Experiment {body['name']}" + (f" ({body['dialect']})" if body.get("dialect") else "")]
    if body.get("description"):
        lines.append(f"  {body['description']}")
    samples = body.get("samples")
    if samples is not None and body.get("sampling"):
        lines.append(f"  Samples: {body['sampling']['note']}")
    for table in body["tables"]:
        lines.append("")
        lines.append(f"Table {table['name']}: {table['target_rows']:,} rows")
        if table.get("description"):
            lines.append(f"  {table['description']}")
        width = max(len(c["name"]) for c in table["columns"])
        table_samples = samples.get(table["name"]) if samples is not None else None
        if samples is not None and table_samples is None:
            lines.append("  (not sampled)")
        for column in table["columns"]:
            flags = []
            if column.get("required"):
                flags.append("NOT NULL")
            if column.get("is_unique"):
                flags.append("UNIQUE")
            if column.get("identity"):
                flags.append("IDENTITY")
            rule = column.get("faker_rule")
            inferred = " (inferred)" if column.get("rule_inferred") else ""
            if rule:
                flags.append(f"rule={rule}{inferred}")
            elif column.get("values"):
                shown = ", ".join(map(str, column["values"][:5]))
                more = ", ..." if len(column["values"]) > 5 else ""
                flags.append(f"values=[{shown}{more}]{inferred}")
            if column.get("min_value") is not None or column.get("max_value") is not None:
                flags.append(f"range={column.get('min_value', '')}..{column.get('max_value', '')}")
            if column.get("null_ratio"):
                flags.append(f"nulls={column['null_ratio']:.0%}")
            source = column.get("source_type") or _type_text(column)
            if column.get("comment"):
                flags.append(f"-- {column['comment']}")
            lines.append(f"  {column['name']:<{width}}  {source:<22} {' '.join(flags)}".rstrip())
            if table_samples is not None:
                indent = min(width + 4, 30)
                lines.append(sample_line(table_samples[column["name"]], indent)
                             if column["name"] in table_samples else " " * indent + "(not sampled)")
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
def cmd_create(args: argparse.Namespace, services: Services) -> int:
    from dwsim.experiments import create_experiment, parse_schema_json, preview_schema

    raw = parse_schema_json(read_input(args.schema, "schema"), f"'{args.schema}'")
    if args.dry_run:
        body = preview_schema(raw)
        emit(args, body, describe_experiment(body) + "\n\n(dry run: nothing stored)")
        return 0
    stored = create_experiment(services.store, raw)
    body = canonical_json(stored.experiment)
    emit(args, body, f"Created experiment '{stored.experiment.name}': "
                     f"{len(body['tables'])} table(s), {stored.experiment.total_rows:,} rows")
    return 0


def cmd_import_sql(args: argparse.Namespace, services: Services) -> int:
    from dwsim.experiments import interpret_sql, preview

    sql = read_input(args.sql, "SQL")
    experiment = interpret_sql(sql, args.name, args.dialect, parse_rows(args.rows), args.description)
    if args.dry_run:
        body = preview(experiment)
        emit(args, body, describe_experiment(body) + "\n\n(dry run: nothing stored)")
        return 0
    body = canonical_json(experiment)
    services.store.create_experiment(experiment)
    emit(args, body, describe_experiment(body) + f"\n\nCreated experiment '{experiment.name}'.")
    return 0


def cmd_list(args: argparse.Namespace, services: Services) -> int:
    summaries = services.store.list_experiments()
    data = {"experiments": [s.model_dump(mode="json") for s in summaries]}
    if not summaries:
        text = "No experiments yet. Create one with `dw-sim experiment import-sql` or `create`."
    else:
        width = max(len(s.name) for s in summaries)
        text = "\n".join(
            [f"{'NAME':<{width}}  {'DIALECT':<9}  {'TABLES':>6}  {'ROWS':>13}  CREATED"]
            + [f"{s.name:<{width}}  {(s.dialect or '-'):<9}  {s.tables:>6}  {s.total_rows:>13,}  "
               f"{timestamp_text(s.created_at)}" for s in summaries])
    emit(args, data, text)
    return 0


def cmd_show(args: argparse.Namespace, services: Services) -> int:
    body = canonical_json(services.store.get_experiment(args.name).experiment)
    emit(args, body, describe_experiment(body))
    return 0


def cmd_delete(args: argparse.Namespace, services: Services) -> int:
    from dwsim.experiments import delete_experiment

    removed = delete_experiment(services.store, services.objects, args.name)
    emit(args, {"deleted": args.name, "objects_removed": removed},
         f"Deleted experiment '{args.name}' and {removed:,} generated file(s).")
    return 0


def describe_run(run: dict[str, Any]) -> str:
    p = run["progress"]
    lines = [f"Run {run['run_id']} of {run['experiment']}: {run['status']}",
             f"  started {run['started_at']}" + (f", finished {run['finished_at']} "
                                                 f"({run['duration_seconds']:.1f}s)" if run.get("finished_at") else ""),
             f"  seed {run['seed']}, progress {p['batches_done']}/{p['batches_total']} batches, "
             f"{p['rows_done']:,}/{p['rows_total']:,} rows",
             f"  output {run['output']}"]
    for table in run.get("tables", []):
        lines.append(f"  {table['name']}: {table['rows']:,} rows in {table['file_count']} file(s), "
                     f"{table['bytes']:,} bytes")
    if run.get("error"):
        lines.append(f"  error: {run['error']}")
    return "\n".join(lines)


class _ProgressBar:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, run) -> None:
        if not self.enabled:
            return
        p = run.progress
        share = p.rows_done / p.rows_total if p.rows_total else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r[{bar:<30}] {share:6.1%} {p.rows_done:,}/{p.rows_total:,} rows "
                         f"{p.batches_done}/{p.batches_total} batches")
        if not run.active:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_generate(args: argparse.Namespace, services: Services) -> int:
    from dwsim.background import spawn
    from dwsim.executors.local import execute
    from dwsim.runs.lifecycle import start_run

    if args.workers < 1:
        raise InvalidInput(f"--workers must be at least 1, not {args.workers}")
    rows = parse_rows(args.rows)
    if isinstance(rows, int):
        stored = services.store.get_experiment(args.name).experiment
        rows = {t.name: rows for t in stored.tables}
    elif isinstance(rows, dict) and "*" in rows:
        stored = services.store.get_experiment(args.name).experiment
        default = rows.pop("*")
        rows = {t.name: rows.get(t.name, default) for t in stored.tables} | rows
    settings = args.settings
    run = start_run(services, args.name, rows or None, args.seed, args.batch_rows, args.compression)
    if not args.wait:
        spawn(settings, args.name, run.run_id, args.workers)
        emit(args, run.to_json(), f"Started run {run.run_id} of '{args.name}' in the background.\n"
             f"Follow it with: dw-sim runs show {args.name} {run.run_id}")
        return 0
    started = time.perf_counter()
    final = execute(services_factory(settings), args.name, run.run_id, args.workers,
                          on_progress=_ProgressBar(not args.json))
    elapsed = time.perf_counter() - started
    body = with_files(services.objects, final).to_json()
    text = describe_run(body)
    if final.status.value == "COMPLETED":
        rate = final.progress.rows_total / elapsed if elapsed > 0 else 0
        text += f"\n  {rate:,.0f} rows/s"
    emit(args, body, text)
    return 0 if final.status.value == "COMPLETED" else 1


def cmd_runs_list(args: argparse.Namespace, services: Services) -> int:
    runs = services.store.list_runs(args.name)
    body = {"runs": [with_files(services.objects, r).to_json() for r in runs]}
    text = "\n".join(f"{r.run_id}  {r.status.value:<9}  {timestamp_text(r.started_at)}  "
                     f"{r.progress.rows_done:,}/{r.progress.rows_total:,} rows" for r in runs) \
        or f"No runs of '{args.name}' yet."
    emit(args, body, text)
    return 0


def cmd_runs_show(args: argparse.Namespace, services: Services) -> int:
    run = with_files(services.objects, services.store.get_run(args.name, args.run_id))
    emit(args, run.to_json(), describe_run(run.to_json()))
    return 0


def cmd_runs_cancel(args: argparse.Namespace, services: Services) -> int:
    from dwsim.runs.lifecycle import cancel_run

    run = cancel_run(services, args.name, args.run_id)
    emit(args, run.to_json(), f"Cancelled run {run.run_id}: {run.status.value}")
    return 0


def cmd_runs_verify(args: argparse.Namespace, services: Services) -> int:
    from dwsim.runs.steps import run_snapshot
    from dwsim.runs.verify import verify_run

    run = services.store.get_run(args.name, args.run_id)
    if run.status.value != "COMPLETED":
        raise InvalidInput(f"run {run.run_id} is {run.status.value}; only a COMPLETED run can be verified")
    report = verify_run(services.objects, run_snapshot(services, args.name, args.run_id), run)
    lines = [f"{'ok  ' if c.failures == 0 else 'FAIL'} {c.table:<14} {c.kind:<11} "
             f"({', '.join(c.columns)}) {c.detail}" if c.columns else
             f"{'ok  ' if c.failures == 0 else 'FAIL'} {c.table:<14} {c.kind:<11} {c.detail}"
             for c in report.checks]
    lines.append("Integrity: " + ("every check passed" if report.ok else "FAILED"))
    emit(args, report.to_dict(), "\n".join(lines))
    return 0 if report.ok else 1


def cmd_runs_recover(args: argparse.Namespace, services: Services) -> int:
    from dwsim.runs.lifecycle import recover

    result = recover(services, args.name, force=args.force)
    emit(args, result, f"Run {result['run_id']}: {result['action']}")
    return 0


def cmd_serve(args: argparse.Namespace, services: Services) -> int:
    from dwsim.serve import make_server, serve_until_stopped

    settings = args.settings
    if args.workers < 1:
        raise InvalidInput(f"--workers must be at least 1, not {args.workers}")
    server = make_server(settings, args.host, args.port, args.workers, args.verbose)
    host, port = server.address
    shown = f"[{host}]" if ":" in host else host
    print(f"dw-sim serving the web UI at http://{shown}:{port}/ and the API at "
          f"http://{shown}:{port}/api (store: {settings.home}); Ctrl-C stops it", flush=True)
    serve_until_stopped(server)  # ends the process
    return 0


# -- entry point ----------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> Settings:
    return get_settings().with_home(args.home)


def _error_line(exc: DwSimError) -> str:
    if isinstance(exc, SchemaInvalid):
        return f"schema invalid: {exc.one_line()}"
    if isinstance(exc, RunActive):
        return f"{exc.message} (wait for it, or `dw-sim runs cancel NAME {exc.run_id}`)"
    return exc.message


def _fail(args_json: bool, code: str, message: str, details: Any = None) -> None:
    """One line on stderr: the error envelope under --json, `error: message` otherwise."""
    if args_json:
        body: dict[str, Any] = {"code": code, "message": message}
        if details is not None:
            body["details"] = details
        line = json.dumps({"error": body}, default=str)
    else:
        line = f"error: {message}"
    print(line.replace("\n", " "), file=sys.stderr)


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, with a usage error as the JSON envelope (exit 2) when --json is given."""
    raw = list(sys.argv[1:] if argv is None else argv)
    if "--json" not in raw:
        return parser.parse_args(raw)
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            return parser.parse_args(raw)
    except SystemExit as exc:
        text = captured.getvalue().strip()
        if exc.code in (0, None):
            sys.stderr.write(captured.getvalue())
            raise
        lines = text.splitlines()
        message = lines[-1].split(" error: ", 1)[-1] if lines else "invalid arguments"
        _fail(True, "usage", message, {"usage": " ".join(lines[:-1]).strip()} if lines else None)
        raise SystemExit(2) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, argv)
    try:
        args.settings = _settings(args)
        return args.handler(args, build_services(args.settings))
    except DwSimError as exc:
        if args.debug:
            traceback.print_exc()
        if args.json:
            print(json.dumps(exc.to_dict(), default=str).replace("\n", " "), file=sys.stderr)
        else:
            _fail(False, exc.code, _error_line(exc))
        return 1
    except KeyboardInterrupt:
        _fail(args.json, "interrupted", "interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
        if args.debug:
            traceback.print_exc()
        _fail(args.json, "internal_error", f"internal error: {type(exc).__name__}: {exc} "
              "(rerun with --debug for the traceback)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
