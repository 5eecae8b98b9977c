"""Shared fixtures: the two metadata stores (SQLite on disk, DynamoDB under moto)."""

from __future__ import annotations

import os

import boto3
import pytest
from moto import mock_aws

from dwsim.metadata.dynamodb import DynamoDBStore
from dwsim.metadata.sqlite import SQLiteStore
from tests.support.aws import make_moto_dynamodb_atomic, reload_settings
from tests.support.postgres import postgres_server  # noqa: F401 - a session fixture
from tests.support.template import ROOT, create_metadata_table

MARKERS = ("unit", "integration", "e2e", "infra")
make_moto_dynamodb_atomic()

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")


def pytest_collection_modifyitems(items):
    """Each test is marked by its folder: unit, integration, e2e or infra."""
    for item in items:
        kind = item.path.relative_to(ROOT / "tests").parts[0]
        if kind in MARKERS:
            item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(autouse=True)
def fresh_settings():
    """Settings are read once per process; every test starts from its own environment and
    leaves no cached settings or services behind."""
    reload_settings()
    yield
    reload_settings()


@pytest.fixture
def aws():
    with mock_aws():
        yield


@pytest.fixture
def sqlite_store(tmp_path):
    return SQLiteStore(tmp_path / "dwsim.db")


@pytest.fixture
def dynamodb_store(aws):
    client = boto3.client("dynamodb")
    create_metadata_table(client, "dwsim-test")
    return DynamoDBStore("dwsim-test", boto3.resource("dynamodb"))


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request):
    """Each contract test runs once per adapter."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def local_objects(tmp_path):
    from dwsim.objects.local import LocalObjectStore

    return LocalObjectStore(tmp_path / "objects")


@pytest.fixture
def s3_objects(aws):
    from dwsim.objects.s3 import S3ObjectStore

    client = boto3.client("s3")
    client.create_bucket(Bucket="dwsim-test")
    return S3ObjectStore("dwsim-test", client)


@pytest.fixture(params=["local", "s3"])
def objects(request):
    """Each object-store contract test runs once per adapter."""
    return request.getfixturevalue(f"{request.param}_objects")
