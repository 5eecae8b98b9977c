"""The CLI, run in-process against a temporary embedded store."""

from __future__ import annotations

import pytest

from dwsim.cli import main


@pytest.fixture
def cli(tmp_path, capsys):
    """Run `dw-sim ARGS` with --home in a temporary folder; returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--home", str(tmp_path / "home"), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run
