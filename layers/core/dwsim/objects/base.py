"""The object store interface. Both adapters pass the same contract tests."""

from __future__ import annotations

import io
from abc import ABC, abstractmethod


class ObjectStore(ABC):
    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write (or overwrite) an object; a reader never sees a partial object."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The whole object; NotFound if it does not exist."""

    @abstractmethod
    def get_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of an object."""

    @abstractmethod
    def size(self, key: str) -> int:
        """Object size in bytes; NotFound if it does not exist."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def list(self, prefix: str) -> list[str]:
        """Keys under a prefix, sorted."""

    @abstractmethod
    def sizes(self, prefix: str, start_after: str | None = None,
              limit: int | None = None) -> dict[str, int]:
        """Keys under a prefix with their sizes in bytes, sorted by key: at most `limit` of
        them, only those after the key `start_after` (a page's last key)."""

    @abstractmethod
    def download_url(self, key: str, expires_seconds: int) -> str | None:
        """A URL anyone holding it can GET the object from until it expires (S3: presigned),
        or None when the store has none (a local folder: `dw-sim serve` serves the file)."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under a prefix; returns how many."""

    @abstractmethod
    def uri(self, key: str) -> str:
        """Where a person or a warehouse finds the object (s3://... or a file path)."""

    def open(self, key: str, size: int | None = None) -> RangeReader:
        """A seekable file over an object that fetches only the ranges read (Parquet footers);
        a size already known (from a listing) saves asking for it."""
        return RangeReader(self, key, size)


class RangeReader(io.RawIOBase):
    def __init__(self, store: ObjectStore, key: str, size: int | None = None):
        self.store, self.key = store, key
        self.length = store.size(key) if size is None else size
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.length}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = self.length if size is None or size < 0 else min(self.length, self.position + size)
        if end <= self.position:
            return b""
        data = self.store.get_range(self.key, self.position, end)
        self.position = end
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
