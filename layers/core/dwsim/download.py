"""Copy a run's files into a folder, from the local store or through the API's URLs: each file
is written to a temporary file beside its target, its size checked against the listing, and
only then renamed into place, so a folder never holds half a Parquet file."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dwsim.errors import DwSimError, InvalidInput

CHUNK_BYTES = 1 << 20
_PART = re.compile(r"^(?P<table>[^/]+)/part-\d+\.parquet$")


class DownloadFailed(DwSimError):
    """A file arrived with another size than listed (cut off, or changed meanwhile)."""

    code = "download_failed"
    status = 502


@dataclass(frozen=True)
class RunFile:
    path: str  # inside the run's output: <table>/part-00000.parquet, load.sql, _manifests/...
    table: str | None
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "table": self.table, "size": self.size}


def table_of(path: str) -> str | None:
    """The table a Parquet part belongs to (None for load.sql, manifests, the plan, ...)."""
    part = _PART.match(path)
    return part["table"] if part else None


def path_parts(path: str) -> list[str]:
    """The folders and name of a path inside a run's output; anything that could climb out
    of it (absolute, `..`, backslashes, control characters) is refused."""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts) \
            or any(ord(c) < 32 for c in path):
        raise InvalidInput(f"'{path}' is not a path inside a run's output")
    return parts


def target(folder: Path, path: str) -> Path:
    """Where a listed file goes inside the folder."""
    return folder.joinpath(*path_parts(path))


def write_file(folder: Path, file: RunFile, chunks: Iterable[bytes]) -> Path:
    destination = target(folder, file.path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.",
                                     suffix=".part")
    try:
        written = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > file.size:
                    break
                out.write(chunk)
        if written != file.size:
            raise DownloadFailed(f"{file.path}: {written:,} bytes arrived, {file.size:,} listed; "
                                 "nothing was kept of it", {"path": file.path})
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination


def summary(experiment: str, run_id: str, folder: Path, files: list[RunFile]) -> dict[str, Any]:
    """What `dw-sim runs download --json` prints."""
    return {"experiment": experiment, "run_id": run_id, "folder": str(folder),
            "files": [f.to_json() for f in files], "bytes": sum(f.size for f in files)}
