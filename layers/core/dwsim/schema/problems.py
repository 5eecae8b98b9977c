"""Shared by the validation modules: how a problem's location is written."""

from __future__ import annotations


def where(table: str | None = None, column: str | None = None) -> str:
    parts = []
    if table is not None:
        parts.append(f"table '{table}'")
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts)
