"""Pydantic models of the canonical experiment schema.

The original project's format ({name, description, tables: [{name, target_rows, columns:
[{name, data_type, faker_rule, is_unique, required, min_value, max_value, varchar_length,
date_start, date_end}]}]}) is accepted unchanged; everything else is an optional extension.
Structural checks live here; rules that need the whole schema live in validate.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dwsim.limits import MAX_EXPERIMENT_NAME, MAX_NAME, MAX_TABLE_ROWS
from dwsim.schema.types import DataType, parse_data_type

Dialect = Literal["redshift", "snowflake", "postgres"]
Distribution = Literal["uniform", "normal", "zipf"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class ImportWarning(_Model):
    """Something the importer could not honour exactly, and what dw-sim does instead."""

    table: str | None = None
    column: str | None = None
    code: str
    message: str


class Column(_Model):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    data_type: DataType
    source_type: str | None = None
    quoted: bool = False
    faker_rule: str | None = None
    rule_inferred: bool = False
    is_unique: bool = False
    required: bool = False
    min_value: int | float | Decimal | None = None
    max_value: int | float | Decimal | None = None
    varchar_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    # A date alone is a whole day (date_end "2025-12-31" includes 23:59:59): date first, so
    # pydantic does not read it as midnight.
    date_start: dt.date | dt.datetime | None = None
    date_end: dt.date | dt.datetime | None = None
    default: str | None = None
    identity: bool = False
    identity_step: int = 1
    # Generation hints.
    null_ratio: float | None = Field(default=None, ge=0.0, le=1.0)
    distribution: Distribution | None = None
    values: list[Any] | None = None
    weights: list[float] | None = None
    pool_size: int | None = Field(default=None, ge=1, le=1_000_000)
    comment: str | None = None

    @field_validator("data_type", mode="before")
    @classmethod
    def _canonical_type(cls, value: Any) -> DataType:
        return parse_data_type(value)

    @field_validator("min_value", "max_value", mode="before")
    @classmethod
    def _number_text(cls, value: Any) -> Any:
        # Decimal bounds may arrive as strings to keep exact digits.
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except ArithmeticError as exc:
                raise ValueError(f"'{value}' is not a number") from exc
            return int(number) if number == number.to_integral_value() else number
        return value


class ChildCounts(_Model):
    """How many child rows each parent row gets. Totals stay exact: counts are drawn per
    parent, then nudged by one where needed until they add up to the child's row count."""

    distribution: Literal["uniform", "poisson", "zipf"] = "uniform"
    min: int | None = Field(default=None, ge=0)  # default: 1 (0 when children < parents)
    max: int | None = Field(default=None, ge=1)  # default: about twice the mean, less one
    skew: float = Field(default=1.5, gt=0.0, le=5.0)  # zipf exponent over the counts


class ForeignKey(_Model):
    columns: list[str] = Field(min_length=1)
    ref_table: str
    ref_columns: list[str] = Field(default_factory=list)  # empty: the parent's primary key
    name: str | None = None
    distribution: Literal["uniform", "zipf"] = "uniform"
    skew: float = Field(default=1.2, gt=1.0, le=5.0)  # zipf exponent
    # Children per parent: used by keys numbered within a parent (order lines 1..k) and, when
    # given, by any foreign key (exact counts per parent instead of independent draws).
    children: ChildCounts | None = None


class Relation(_Model):
    """A same-row rule between columns, applied after the row's other values are drawn:
    - after:   `column` = `of` + a lag drawn in [min_lag, max_lag] days (ship ≤ receipt);
    - date_of: `column` (DATE) = the date part of `of` (a timestamp);
    - product: `column` = the product of the `of` columns (total = quantity × price)."""

    kind: Literal["after", "date_of", "product"]
    column: str
    of: list[str] = Field(min_length=1)
    min_lag: float = Field(default=0.0, ge=0)
    max_lag: float = Field(default=30.0, ge=0)
    inferred: bool = False

    @field_validator("of", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Table(_Model):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    description: str | None = None
    qualified_name: str | None = None
    quoted: bool = False
    target_rows: int = Field(ge=0, le=MAX_TABLE_ROWS)
    columns: list[Column] = Field(min_length=1)
    primary_key: list[str] = Field(default_factory=list)
    unique: list[list[str]] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    relations: list[Relation] | None = None  # None: inferred from the names; []: none

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        # `keys` is printed by `show` for people; accept it back unchanged and ignore it.
        if isinstance(data, dict) and "keys" in data:
            data = {k: v for k, v in data.items() if k != "keys"}
        return data

    def column(self, name: str) -> Column | None:
        return self.column_map().get(name)

    def column_map(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}


class Experiment(_Model):
    name: str = Field(min_length=1, max_length=MAX_EXPERIMENT_NAME)
    description: str | None = None
    dialect: Dialect | None = None
    tables: list[Table] = Field(min_length=1)
    warnings: list[ImportWarning] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _drop_preview(cls, data: Any) -> Any:
        # A dry run adds `samples` and `sampling` for people; accept them back and ignore them,
        # so a preview's JSON can be edited and created as it is (nothing of them is stored).
        if isinstance(data, dict) and ("samples" in data or "sampling" in data):
            data = {k: v for k, v in data.items() if k not in ("samples", "sampling")}
        return data

    def table(self, name: str) -> Table | None:
        # Indexed: validation looks up every foreign key's parent, and warehouses hold
        # thousands of tables. Kept in __dict__ beside the fields (pydantic compares and
        # serialises fields only); rebuilt when the list is another or changed length, and a
        # hit is checked against its name (a table may be renamed).
        cached = self.__dict__.get("_table_index")
        if cached is None or cached[0] is not self.tables or cached[1] != len(self.tables):
            cached = self._index_tables()
        found = cached[2].get(name)
        if found is not None and found.name != name:
            found = self._index_tables()[2].get(name)
        return found

    def _index_tables(self) -> tuple[list[Table], int, dict[str, Table]]:
        index: dict[str, Table] = {}
        for table in self.tables:
            index.setdefault(table.name, table)
        cached = self.__dict__["_table_index"] = (self.tables, len(self.tables), index)
        return cached

    @property
    def total_rows(self) -> int:
        return sum(t.target_rows for t in self.tables)

