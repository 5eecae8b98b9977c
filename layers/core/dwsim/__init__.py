"""dw-sim: a data-warehouse simulator. All domain code lives in this package."""

__version__ = "0.1.0"
