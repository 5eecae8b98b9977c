"""The `dw-sim` command line: the embedded default (SQLite + a local folder), no AWS needed,
or, with --api URL, a deployed stack or `dw-sim serve` through its HTTP API. The commands talk
to a backend (dwsim.backend) and print the same either way.

Every command takes --json for machine-readable output. Errors are one line on stderr and a
non-zero exit (2 for usage, 1 otherwise); --debug adds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dwsim import __version__
from dwsim.backend import Backend, LocalBackend
from dwsim.errors import DwSimError, InvalidInput, RunActive, SchemaInvalid
from dwsim.settings import Settings, get_settings

Handler = Callable[[argparse.Namespace, Backend | None], int]


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
    parent.add_argument("--api", metavar="URL", default=argparse.SUPPRESS if leaf else None,
                        help="work through the HTTP API at URL: a deployed stack's ApiUrl or "
                             "`dw-sim serve` (default: $DWSIM_API_URL; none: the embedded store)")
    parent.add_argument("--api-key", metavar="KEY", default=argparse.SUPPRESS if leaf else None,
                        help="the API key for --api (default: $DWSIM_API_KEY)")
    parent.add_argument("--auth", choices=["key", "iam"], default=argparse.SUPPRESS if leaf else None,
                        help="how --api requests authenticate: the API key, or SigV4 from the "
                             "default AWS credentials (default: $DWSIM_API_AUTH or key)")
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
    gen.add_argument("--workers", type=int,
                     help="worker processes (default 1; runs on this machine only)")
    gen.add_argument("--compression", default="snappy", choices=["snappy", "zstd", "gzip", "none"])
    gen.add_argument("--wait", action="store_true",
                     help="run in the foreground and print the finished run")
    gen.set_defaults(handler=cmd_generate)

    serve = groups.add_parser("serve", parents=leaf, help="the HTTP API and web UI on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks one)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes per run")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.set_defaults(handler=cmd_serve, local_only=True)

    runs = groups.add_parser("runs", help="list, show, cancel, verify, download and recover runs")
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
    rdownload = run_commands.add_parser(
        "download", parents=leaf, help="copy a finished run's files (Parquet, manifests, load SQL) "
                                       "into a folder")
    rdownload.add_argument("name")
    rdownload.add_argument("run_id")
    rdownload.add_argument("folder", metavar="DIR", help="where to put them (created if missing)")
    rdownload.set_defaults(handler=cmd_runs_download)
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
def cmd_create(args: argparse.Namespace, backend: Backend) -> int:
    from dwsim.experiments import parse_schema_json

    raw = parse_schema_json(read_input(args.schema, "schema"), f"'{args.schema}'")
    if args.dry_run:
        body = backend.preview_schema(raw)
        emit(args, body, describe_experiment(body) + "\n\n(dry run: nothing stored)")
        return 0
    body = backend.create_experiment(raw)
    rows = sum(t["target_rows"] for t in body["tables"])
    emit(args, body, f"Created experiment '{body['name']}': {len(body['tables'])} table(s), "
                     f"{rows:,} rows")
    return 0


def cmd_import_sql(args: argparse.Namespace, backend: Backend) -> int:
    sql = read_input(args.sql, "SQL")
    body = backend.import_sql(sql, args.name, args.dialect, parse_rows(args.rows),
                              args.description, args.dry_run)
    if args.dry_run:
        emit(args, body, describe_experiment(body) + "\n\n(dry run: nothing stored)")
        return 0
    emit(args, body, describe_experiment(body) + f"\n\nCreated experiment '{body['name']}'.")
    return 0


def cmd_list(args: argparse.Namespace, backend: Backend) -> int:
    summaries = backend.list_experiments()
    data = {"experiments": summaries}
    if not summaries:
        text = "No experiments yet. Create one with `dw-sim experiment import-sql` or `create`."
    else:
        width = max(len(s["name"]) for s in summaries)
        text = "\n".join(
            [f"{'NAME':<{width}}  {'DIALECT':<9}  {'TABLES':>6}  {'ROWS':>13}  CREATED"]
            + [f"{s['name']:<{width}}  {(s['dialect'] or '-'):<9}  {s['tables']:>6}  "
               f"{s['total_rows']:>13,}  {s['created_at']}" for s in summaries])
    emit(args, data, text)
    return 0


def cmd_show(args: argparse.Namespace, backend: Backend) -> int:
    body = backend.show_experiment(args.name)
    emit(args, body, describe_experiment(body))
    return 0


def cmd_delete(args: argparse.Namespace, backend: Backend) -> int:
    body = backend.delete_experiment(args.name)
    emit(args, body, f"Deleted experiment '{args.name}' and {body['objects_removed']:,} "
                     "generated file(s).")
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

    def __call__(self, run: dict[str, Any]) -> None:
        if not self.enabled:
            return
        p = run["progress"]
        share = p["rows_done"] / p["rows_total"] if p["rows_total"] else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r[{bar:<30}] {share:6.1%} {p['rows_done']:,}/{p['rows_total']:,} rows "
                         f"{p['batches_done']}/{p['batches_total']} batches")
        if run["status"] != "RUNNING":
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_generate(args: argparse.Namespace, backend: Backend) -> int:
    rows = parse_rows(args.rows)
    if isinstance(rows, int):
        rows = {t["name"]: rows for t in backend.show_experiment(args.name)["tables"]}
    elif isinstance(rows, dict) and "*" in rows:
        tables = backend.show_experiment(args.name)["tables"]
        default = rows.pop("*")
        rows = {t["name"]: rows.get(t["name"], default) for t in tables} | rows
    started = time.perf_counter()
    run = backend.generate(args.name, rows or None, args.seed, args.batch_rows, args.compression,
                           wait=args.wait, workers=args.workers,
                           on_progress=_ProgressBar(args.wait and not args.json))
    if not args.wait:
        emit(args, run, f"Started run {run['run_id']} of '{args.name}' in the background.\n"
             f"Follow it with: dw-sim runs show {args.name} {run['run_id']}")
        return 0
    elapsed = time.perf_counter() - started
    text = describe_run(run)
    if run["status"] == "COMPLETED":
        rate = run["progress"]["rows_total"] / elapsed if elapsed > 0 else 0
        text += f"\n  {rate:,.0f} rows/s"
    emit(args, run, text)
    return 0 if run["status"] == "COMPLETED" else 1


def cmd_runs_list(args: argparse.Namespace, backend: Backend) -> int:
    runs = backend.list_runs(args.name)
    text = "\n".join(f"{r['run_id']}  {r['status']:<9}  {r['started_at']}  "
                     f"{r['progress']['rows_done']:,}/{r['progress']['rows_total']:,} rows"
                     for r in runs) or f"No runs of '{args.name}' yet."
    emit(args, {"runs": runs}, text)
    return 0


def cmd_runs_show(args: argparse.Namespace, backend: Backend) -> int:
    run = backend.show_run(args.name, args.run_id)
    emit(args, run, describe_run(run))
    return 0


def cmd_runs_cancel(args: argparse.Namespace, backend: Backend) -> int:
    run = backend.cancel_run(args.name, args.run_id)
    emit(args, run, f"Cancelled run {run['run_id']}: {run['status']}")
    return 0


def cmd_runs_verify(args: argparse.Namespace, backend: Backend) -> int:
    report = backend.verify_run(args.name, args.run_id)
    lines = []
    for c in report["checks"]:
        mark = "ok  " if c["failures"] == 0 else "FAIL"
        columns = f" ({', '.join(c['columns'])})" if c["columns"] else ""
        lines.append(f"{mark} {c['table']:<14} {c['kind']:<11}{columns} {c['detail']}")
    lines.append("Integrity: " + ("every check passed" if report["ok"] else "FAILED"))
    emit(args, report, "\n".join(lines))
    return 0 if report["ok"] else 1


def cmd_runs_download(args: argparse.Namespace, backend: Backend) -> int:
    body = backend.download_run(args.name, args.run_id, Path(args.folder).resolve())
    parts = sum(1 for f in body["files"] if f["table"])
    emit(args, body, f"Downloaded {len(body['files']):,} file(s) of run {args.run_id} "
                     f"({parts:,} Parquet part(s), {body['bytes']:,} bytes) to {body['folder']}")
    return 0


def cmd_runs_recover(args: argparse.Namespace, backend: Backend) -> int:
    result = backend.recover(args.name, args.force)
    emit(args, result, f"Run {result['run_id']}: {result['action']}")
    return 0


def cmd_serve(args: argparse.Namespace, backend: Backend | None) -> int:
    from dwsim.serve import make_server, serve_until_stopped

    settings = args.settings
    if args.workers < 1:
        raise InvalidInput(f"--workers must be at least 1, not {args.workers}")
    # The API defers the engine and the DDL importer to the requests that use them (a cold
    # Lambda start); a long-lived server imports them up front, beside its first requests.
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    server = make_server(settings, args.host, args.port, args.workers, args.verbose)
    host, port = server.address
    shown = f"[{host}]" if ":" in host else host
    print(f"dw-sim serving the web UI at http://{shown}:{port}/ and the API at "
          f"http://{shown}:{port}/api (store: {settings.home}); Ctrl-C stops it", flush=True)
    serve_until_stopped(server)  # ends the process
    return 0


def _warm_up() -> None:
    import dwsim.ddl.importer  # noqa: F401
    import dwsim.engine.samples  # noqa: F401


# -- entry point ----------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> Settings:
    return get_settings().with_home(args.home)


def _backend(args: argparse.Namespace) -> Backend | None:
    """The embedded store, or the API that --api / $DWSIM_API_URL names."""
    settings: Settings = args.settings
    url = args.api or settings.api_url
    if not url:
        if args.api_key or args.auth:
            raise InvalidInput("--api-key and --auth apply to --api URL; without it dw-sim works "
                               "on the embedded store")
        return None if getattr(args, "local_only", False) else LocalBackend(settings)
    if getattr(args, "local_only", False):
        raise InvalidInput(f"`dw-sim {args.group}` works on this machine only, not through "
                           "--api (unset DWSIM_API_URL to run it)")
    if args.home is not None:
        raise InvalidInput("--home names the embedded store; with --api the experiments are "
                           "the API's")
    from dwsim.remote.backend import RemoteBackend
    from dwsim.remote.client import ApiClient

    key = args.api_key or (settings.api_key.get_secret_value() if settings.api_key else None)
    return RemoteBackend(ApiClient(url, key, args.auth or settings.api_auth))


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
        return args.handler(args, _backend(args))
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
