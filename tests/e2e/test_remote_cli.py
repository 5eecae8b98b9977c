"""`dw-sim --api URL` against a real `dw-sim serve`: every command prints what the local CLI
prints on its own store (ids, timestamps and store folders aside), errors included, and
`runs download` fetches every file of a run through the URLs the API hands out."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dwsim.cli import main
from tests.e2e.conftest import Served

ROOT = Path(__file__).resolve().parents[2]
TPCH = str(ROOT / "examples" / "tpch_redshift.sql")
ECOMMERCE = str(ROOT / "examples" / "ecommerce.json")
ROWS = ["--rows", "region=5", "--rows", "nation=25", "--rows", "supplier=50", "--rows",
        "customer=300", "--rows", "part=400", "--rows", "partsupp=1600", "--rows", "orders=3000",
        "--rows", "lineitem=9000"]
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("remote") / "serve-home"
    served = Served(home)
    served.home = home
    yield served
    served.stop()


class Twins:
    """The same command line run twice in-process: on a local store, and with --api."""

    def __init__(self, server, home: Path, capsys):
        self.server, self.home, self.capsys = server, home, capsys
        self.runs: list[tuple[str, str]] = []  # (local run id, remote run id) of one run

    def pair(self, local_run: dict, remote_run: dict) -> None:
        self.runs.append((local_run["run_id"], remote_run["run_id"]))

    def local(self, *argv: str) -> tuple[int, str, str]:
        return self._run("--home", str(self.home), *argv)

    def remote(self, *argv: str) -> tuple[int, str, str]:
        return self._run("--api", self.server.url, *argv)

    def _run(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err

    def normal(self, text: str) -> str:
        """Ids, times and the two stores' folders replaced by placeholders."""
        for number, ids in enumerate(self.runs):
            for run_id in ids:
                text = text.replace(run_id, f"<run {number}>")
        for home in (self.home, self.server.home):
            text = text.replace(str((home / "data").resolve()), "<data>")
        text = TIMESTAMP.sub("<time>", text)
        text = re.sub(r'"duration_seconds": [\d.]+', '"duration_seconds": "<s>"', text)
        text = re.sub(r"\(\d+\.\ds\)", "(<s>)", text)  # the text form of the duration
        return re.sub(r'"executor": \{[^}]*\}', '"executor": "<executor>"', text)

    def parsed(self, text: str):
        """Normalised output: JSON as data (the API may order an object's keys otherwise),
        anything else as text."""
        text = self.normal(text)
        try:
            return json.loads(text)
        except ValueError:
            return text

    def same(self, *argv: str, code: int = 0) -> tuple[str, str]:
        """Run both; assert the exit codes and the normalised stdout and stderr are equal."""
        local, remote = self.local(*argv), self.remote(*argv)
        assert local[0] == remote[0] == code, (argv, local, remote)
        assert self.parsed(local[1]) == self.parsed(remote[1]), argv
        assert self.parsed(local[2]) == self.parsed(remote[2]), argv
        return local[2], remote[2]


@pytest.fixture
def twins(server, tmp_path, capsys):
    return Twins(server, tmp_path / "local-home", capsys)


def test_every_command_prints_the_same_through_the_api(twins, tmp_path):
    twins.same("experiment", "list", "--json")
    twins.same("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
               *ROWS, "--dry-run", "--json")
    twins.same("experiment", "import-sql", TPCH, "--name", "tpch", "--dialect", "redshift",
               *ROWS, "--json")
    twins.same("experiment", "create", ECOMMERCE, "--dry-run", "--json")
    twins.same("experiment", "create", ECOMMERCE, "--json")
    twins.same("experiment", "create", ECOMMERCE, code=1)  # text: already exists
    twins.same("experiment", "list", "--json")
    twins.same("experiment", "show", "tpch", "--json")
    twins.same("experiment", "show", "tpch")

    local, remote = twins.local, twins.remote
    runs = [json.loads(side("experiment", "generate", "tpch", "--wait", "--json", "--seed", "3",
                            "--batch-rows", "4000")[1]) for side in (local, remote)]
    twins.pair(*runs)
    assert twins.parsed(json.dumps(runs[0])) == twins.parsed(json.dumps(runs[1]))
    assert runs[1]["status"] == "COMPLETED" and len(runs[1]["tables"]) == 8

    twins.same("runs", "list", "tpch", "--json")
    local_id, remote_id = twins.runs[0]
    for command in (["show"], ["verify"], ["verify", "--json"], ["show", "--json"]):
        out = [json.loads(o) if "--json" in command else o for o in (
            local("runs", command[0], "tpch", local_id, *command[1:])[1],
            remote("runs", command[0], "tpch", remote_id, *command[1:])[1])]
        assert twins.parsed(json.dumps(out[0])) == twins.parsed(json.dumps(out[1])), command
    assert "Integrity: every check passed" in remote("runs", "verify", "tpch", remote_id)[1]

    # Errors: the same exit code and the same one-line envelope.
    twins.same("experiment", "show", "ghost", "--json", code=1)
    twins.same("experiment", "show", "ghost", code=1)
    twins.same("experiment", "create", ECOMMERCE, "--json", code=1)
    code_l, _, err_l = local("runs", "cancel", "tpch", local_id, "--json")
    code_r, _, err_r = remote("runs", "cancel", "tpch", remote_id, "--json")
    assert code_l == code_r == 1 and twins.parsed(err_l) == twins.parsed(err_r)
    assert json.loads(err_r)["error"]["code"] == "conflict"
    twins.same("runs", "show", "tpch", "NOPE", "--json", code=1)
    twins.same("experiment", "generate", "tpch", "--rows", "nosuch=5", "--json", code=1)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "bad", "tables": [{"name": "t", "target_rows": 10, "columns": [
        {"name": "id", "data_type": "INT", "is_unique": True, "min_value": 1, "max_value": 5}]}]}))
    _, err = twins.same("experiment", "create", str(bad), "--json", code=1)
    twins.same("experiment", "create", str(bad), code=1)

    twins.same("experiment", "delete", "tpch", "--json")
    twins.same("experiment", "delete", "ecommerce", "--json")
    twins.same("experiment", "list", "--json")


def test_a_second_generate_is_refused_and_a_cancel_aborts(twins):
    for side in (twins.local, twins.remote):
        assert side("experiment", "import-sql", TPCH, "--name", "big", "--dialect", "redshift",
                    "--rows", "lineitem=3000000", "--rows", "orders=750000", *ROWS[:12])[0] == 0
    started = [json.loads(side("experiment", "generate", "big", "--json", "--batch-rows", "50000",
                               "--seed", "9")[1]) for side in (twins.local, twins.remote)]
    twins.pair(*started)
    assert twins.parsed(json.dumps(started[0])) == twins.parsed(json.dumps(started[1]))
    assert started[1]["status"] == "RUNNING"
    code_l, _, err_l = twins.local("experiment", "generate", "big", "--json")
    code_r, _, err_r = twins.remote("experiment", "generate", "big", "--json")
    assert code_l == code_r == 1 and twins.parsed(err_l) == twins.parsed(err_r)
    assert json.loads(err_r)["error"]["code"] == "run_active"
    cancelled = [json.loads(side("runs", "cancel", "big", run["run_id"], "--json")[1])
                 for side, run in zip((twins.local, twins.remote), started, strict=True)]
    assert [c["status"] for c in cancelled] == ["ABORTED", "ABORTED"]


def test_local_only_commands_say_so_through_the_api(twins):
    code, _, err = twins.remote("serve", "--port", "0")
    assert code == 1 and "works on this machine only" in err
    code, _, err = twins.remote("runs", "recover", "tpch", "--json")
    assert code == 1 and "embedded store only" in json.loads(err)["error"]["message"]
    code, _, err = twins.remote("experiment", "generate", "tpch", "--workers", "2")
    assert code == 1 and "--workers" in err
    code, _, err = twins._run("--api", "http://127.0.0.1:9", "experiment", "list", "--json")
    assert code == 1 and json.loads(err)["error"]["code"] == "api_unreachable"


def test_runs_download_fetches_every_file_through_the_api(twins, tmp_path):
    for side in (twins.local, twins.remote):
        assert side("experiment", "import-sql", TPCH, "--name", "dl", "--dialect", "redshift",
                    *ROWS)[0] == 0
    runs = [json.loads(side("experiment", "generate", "dl", "--wait", "--json", "--seed", "5",
                            "--batch-rows", "2000")[1]) for side in (twins.local, twins.remote)]
    twins.pair(*runs)
    folders = [tmp_path / "local-copy", tmp_path / "remote-copy"]
    bodies = []
    for side, run, folder in zip((twins.local, twins.remote), runs, folders, strict=True):
        code, out, err = side("runs", "download", "dl", run["run_id"], str(folder), "--json")
        assert code == 0, err
        bodies.append(json.loads(out))
    local, remote = bodies
    # The same files, the Parquet parts byte for byte the same size (same seed, same rows).
    assert [(f["path"], f["table"]) for f in local["files"]] == \
        [(f["path"], f["table"]) for f in remote["files"]]
    assert [f["size"] for f in local["files"] if f["table"]] == \
        [f["size"] for f in remote["files"] if f["table"]]
    # Every file the server's store holds for the run arrived, at its size, nothing else.
    output = Path(runs[1]["output"])
    stored = {str(p.relative_to(output)): p.stat().st_size for p in output.rglob("*") if p.is_file()}
    arrived = {str(p.relative_to(folders[1])): p.stat().st_size for p in folders[1].rglob("*")
               if p.is_file()}
    assert arrived == stored == {f["path"]: f["size"] for f in remote["files"]}
    assert remote["bytes"] == sum(stored.values())
    rows = {t["name"]: pq.read_table(folders[1] / t["name"]).num_rows for t in runs[1]["tables"]}
    assert rows == {t["name"]: t["rows"] for t in runs[1]["tables"]}
    assert rows["lineitem"] == 9000 and sum(1 for f in remote["files"] if f["table"] == "lineitem") == 5
    # Again into the same folder: files are replaced whole, and no temporary file is left.
    shutil.rmtree(folders[1] / "lineitem")
    assert twins.remote("runs", "download", "dl", runs[1]["run_id"], str(folders[1]))[0] == 0
    assert not [p for p in folders[1].rglob(".*")]
    assert pq.read_table(folders[1] / "lineitem").num_rows == 9000
    twins.same("runs", "download", "dl", "NOPE", str(tmp_path / "x"), "--json", code=1)


def _get(server, path: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(server.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def test_the_file_route_serves_only_the_runs_files_in_ranges(twins, server):
    assert twins.remote("experiment", "create", ECOMMERCE)[0] == 0
    run = json.loads(twins.remote("experiment", "generate", "ecommerce", "--wait", "--json",
                                  "--seed", "1")[1])
    base = f"/api/experiments/ecommerce/runs/{run['run_id']}"
    status, _, body = _get(server, base + "/files")
    files = json.loads(body)["files"]
    part = next(f for f in files if f["table"])
    assert part["url"] == f"{base}/file?path={urllib.parse.quote(part['path'], safe='')}"
    whole = (Path(run["output"]) / part["path"]).read_bytes()
    status, headers, body = _get(server, part["url"])
    assert status == 200 and body == whole and headers["Content-Type"] == "application/octet-stream"
    status, headers, first = _get(server, part["url"], {"Range": "bytes=0-99"})
    assert status == 206 and headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    status, _, rest = _get(server, part["url"], {"Range": "bytes=100-"})
    assert status == 206 and first + rest == whole
    status, _, body = _get(server, part["url"], {"Range": f"bytes={len(whole)}-"})
    assert status == 416 and json.loads(body)["error"]["code"] == "range_not_satisfiable"
    for path in ("../../../dwsim.db", "..%2F..%2Fruns", "%2Fetc%2Fpasswd", "orders/..", "nope.txt"):
        status, _, body = _get(server, f"{base}/file?path={path}")
        assert status in (400, 404), (path, status)
        assert json.loads(body)["error"]["code"] in ("invalid_input", "not_found")
    status, _, body = _get(server, f"/api/experiments/ecommerce/runs/NOPE/file?path={part['path']}")
    assert status == 404
