"""External tools the tests drive. A missing one fails the test with how to install it,
never with a bare FileNotFoundError or a skipped test."""

from __future__ import annotations

import glob
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

INSTALL = {
    "asl-validator": "run `make tools` (npm install asl-validator into .tools/; `make test` does it)",
    "sam": "run `make install` (pip installs aws-sam-cli into .venv)",
    "cfn-lint": "run `make install` (pip installs cfn-lint into .venv)",
    "chromium": "install Debian's Chromium: `apt-get install chromium` (.ci/run does it)",
    "python3.12": "install Python 3.12 (`pyenv install 3.12`; .ci/run does it) for sam build",
    "postgresql": "install Debian's PostgreSQL: `apt-get install postgresql` (.ci/run does it), "
                  "or point DWSIM_PG_BIN at a folder holding initdb and pg_ctl",
}


def require(name: str, path: str | Path | None) -> Path:
    """The tool's path; fails the calling test with the install instruction when absent."""
    if path is None or not Path(path).exists():
        pytest.fail(f"{name} is not installed ({path or 'not found'}): {INSTALL[name]}",
                    pytrace=False)
    return Path(path)


def asl_validator() -> Path:
    return require("asl-validator", ROOT / ".tools" / "node_modules" / ".bin" / "asl-validator")


def venv_tool(name: str) -> Path:
    return require(name, VENV_BIN / name)


def chromium() -> Path:
    return require("chromium", os.environ.get("DWSIM_CHROMIUM", "/usr/bin/chromium"))


def python312_folder() -> Path:
    """The folder of a python3.12 (on PATH, or pyenv's), which sam build targets."""
    found = shutil.which("python3.12")
    if not found:
        root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        candidates = sorted(glob.glob(f"{root}/versions/3.12*/bin/python3.12"))
        found = candidates[-1] if candidates else None
    return require("python3.12", found).parent
