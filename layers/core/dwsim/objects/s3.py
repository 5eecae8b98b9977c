"""Object store on S3."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from dwsim.errors import NotFound
from dwsim.objects.base import ObjectStore


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")


class S3ObjectStore(ObjectStore):
    def __init__(self, bucket: str, client: Any = None):
        self.bucket = bucket
        self.client = client or boto3.client("s3")
        self._signing_client: Any = None

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if _missing(exc):
                raise NotFound(f"object '{key}' not found") from None
            raise

    def get_range(self, key: str, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end - 1}")
        except ClientError as exc:
            if _missing(exc):
                raise NotFound(f"object '{key}' not found") from None
            raise
        return response["Body"].read()

    def size(self, key: str) -> int:
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as exc:
            if _missing(exc):
                raise NotFound(f"object '{key}' not found") from None
            raise

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
            return True
        except NotFound:
            return False

    def list(self, prefix: str) -> list[str]:
        return list(self.sizes(prefix))

    def sizes(self, prefix: str, start_after: str | None = None,
              limit: int | None = None) -> dict[str, int]:
        found: dict[str, int] = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix, **({"StartAfter": start_after} if start_after else {}),
            PaginationConfig={"MaxItems": limit} if limit else {})
        for page in pages:  # S3 lists keys in UTF-8 binary order, as Python sorts str
            found.update((item["Key"], int(item["Size"])) for item in page.get("Contents", []))
        return dict(sorted(found.items()))

    def download_url(self, key: str, expires_seconds: int) -> str | None:
        # Signed here with the function's own credentials (no AWS call): the URL works while
        # they and the expiry last, for whoever holds it; the role needs s3:GetObject.
        return self._presigner().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_seconds)

    def _presigner(self) -> Any:
        # SigV4 always (X-Amz-Signature): a plain client in us-east-1 still presigns with
        # the deprecated SigV2, which newer buckets and regions refuse.
        if self._signing_client is None:
            self._signing_client = boto3.client("s3", region_name=self.client.meta.region_name,
                                                config=Config(signature_version="s3v4"))
        return self._signing_client

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            self.client.delete_objects(Bucket=self.bucket,
                                       Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
        return len(keys)

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"
