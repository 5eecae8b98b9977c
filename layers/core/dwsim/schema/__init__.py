"""The experiment schema: model, data types, value domains and validation."""

from dwsim.schema.model import Column, Experiment, ForeignKey, ImportWarning, Table
from dwsim.schema.types import DataType

__all__ = ["Column", "DataType", "Experiment", "ForeignKey", "ImportWarning", "Table"]
