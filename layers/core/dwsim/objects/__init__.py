"""Object stores for Parquet parts and run artifacts: a local folder and S3."""

from __future__ import annotations

from dwsim.config import Settings
from dwsim.objects.base import ObjectStore

__all__ = ["ObjectStore", "open_objects"]


def open_objects(settings: Settings) -> ObjectStore:
    if settings.bucket:
        from dwsim.objects.s3 import S3ObjectStore

        return S3ObjectStore(settings.bucket)
    from dwsim.objects.local import LocalObjectStore

    return LocalObjectStore(settings.home / "data")
