"""Composition root: builds the stores and the run executor from the settings, for the CLI,
`dw-sim serve`, the API and the workflow's Lambdas. The only module that chooses between the
AWS adapters and the embedded default."""

from __future__ import annotations

import functools

from dwsim.executors.local import ServicesFactory, ThreadExecutor
from dwsim.metadata.base import MetadataStore
from dwsim.objects.base import ObjectStore
from dwsim.runs.executor import RunExecutor
from dwsim.runs.services import Services
from dwsim.settings import Settings


def build_store(settings: Settings) -> MetadataStore:
    if settings.table_name:
        from dwsim.metadata.dynamodb import DynamoDBStore

        return DynamoDBStore(settings.table_name)
    from dwsim.metadata.sqlite import SQLiteStore

    return SQLiteStore(settings.home / "dwsim.db")


def build_objects(settings: Settings) -> ObjectStore:
    if settings.bucket:
        from dwsim.objects.s3 import S3ObjectStore

        return S3ObjectStore(settings.bucket)
    from dwsim.objects.local import LocalObjectStore

    return LocalObjectStore(settings.home / "data")


def build_services(settings: Settings) -> Services:
    return Services(build_store(settings), build_objects(settings), settings.fault_batch,
                    settings.max_rows_per_run)


def services_factory(settings: Settings) -> ServicesFactory:
    """A picklable recipe for the services, for worker processes."""
    return functools.partial(build_services, settings)


def build_executor(settings: Settings, workers: int = 1) -> RunExecutor:
    """Step Functions when a state machine is configured, else a background thread here."""
    if settings.state_machine_arn:
        from dwsim.executors.stepfunctions import StepFunctionsExecutor

        return StepFunctionsExecutor(settings.state_machine_arn)
    return ThreadExecutor(services_factory(settings), workers)
