"""Object store on a local folder (the embedded default). Writes go to a temporary file
that is renamed into place, so readers never see half a Parquet file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from dwsim.errors import InvalidInput, NotFound
from dwsim.objects.base import ObjectStore


class LocalObjectStore(ObjectStore):
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if path != self.root and self.root not in path.parents:
            raise InvalidInput(f"object key {key!r} leaves the store")
        return path

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise NotFound(f"object '{key}' not found") from None

    def get_range(self, key: str, start: int, end: int) -> bytes:
        try:
            with self.path(key).open("rb") as file:
                file.seek(start)
                return file.read(max(0, end - start))
        except FileNotFoundError:
            raise NotFound(f"object '{key}' not found") from None

    def size(self, key: str) -> int:
        path = self.path(key)
        if not path.is_file():
            raise NotFound(f"object '{key}' not found")
        return path.stat().st_size

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def list(self, prefix: str) -> list[str]:
        base = self.path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        if base.is_file():
            return [prefix]
        if not base.is_dir():
            # A prefix may end inside a name, as in S3.
            parent = base.parent
            if not parent.is_dir():
                return []
            candidates = [p for p in parent.rglob("*") if str(p).startswith(str(base))]
        else:
            candidates = list(base.rglob("*"))
        return sorted(str(p.relative_to(self.root)).replace(os.sep, "/") for p in candidates
                      if p.is_file() and not p.name.startswith("."))

    def sizes(self, prefix: str, start_after: str | None = None,
              limit: int | None = None) -> dict[str, int]:
        keys = [k for k in self.list(prefix) if start_after is None or k > start_after]
        return {key: self.path(key).stat().st_size for key in keys[:limit]}

    def download_url(self, key: str, expires_seconds: int) -> str | None:
        return None

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        base = self.path(prefix.rstrip("/"))
        if prefix.endswith("/") and base.is_dir():
            shutil.rmtree(base)
        else:
            for key in keys:
                self.path(key).unlink(missing_ok=True)
        return len(keys)

    def uri(self, key: str) -> str:
        return str(self.path(key))
