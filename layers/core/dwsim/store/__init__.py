"""Metadata stores: one interface, a SQLite and a DynamoDB implementation."""

from __future__ import annotations

from dwsim.config import Settings
from dwsim.store.base import ExperimentSummary, MetadataStore, StoredExperiment

__all__ = ["ExperimentSummary", "MetadataStore", "StoredExperiment", "open_store"]


def open_store(settings: Settings) -> MetadataStore:
    if settings.table_name:
        from dwsim.store.dynamodb import DynamoDBStore

        return DynamoDBStore(settings.table_name)
    from dwsim.store.sqlite import SQLiteStore

    return SQLiteStore(settings.home / "dwsim.db")
