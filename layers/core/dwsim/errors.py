"""Domain errors. Each carries a stable code and HTTP status; adapters map codes, never messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, which rule it broke, and what to do."""

    location: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def to_dict(self) -> dict[str, str]:
        return {"location": self.location, "rule": self.rule, "message": self.message}


class DwSimError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, details: Any = None):
        super().__init__(message, details)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class InvalidInput(DwSimError):
    """Malformed input: bad JSON, unknown fields or types, bad arguments."""

    code = "invalid_input"


class SchemaInvalid(DwSimError):
    """A well-formed schema that breaks rules; details lists every problem."""

    code = "schema_invalid"
    status = 422

    def __init__(self, problems: list[Problem] | str, details: Any = None):
        if isinstance(problems, str):  # rebuilt from pickled args
            super().__init__(problems, details)
            self.problems = [Problem(**d) for d in details or []]
            return
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "schema is invalid"
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        super().__init__(first + more, [p.to_dict() for p in self.problems])

    def one_line(self) -> str:
        return "; ".join(str(p) for p in self.problems)


class SqlSyntaxError(DwSimError):
    code = "sql_syntax_error"

    def __init__(self, message: str, details: Any = None, *, line: int | None = None,
                 column: int | None = None):
        if details is None:
            details = {"line": line, "column": column}
            if line is not None:
                message = f"line {line}, column {column}: {message}"
        super().__init__(message, details)
        self.line = details.get("line")
        self.column = details.get("column")


class InputTooLarge(DwSimError):
    code = "too_large"
    status = 413


class NotFound(DwSimError):
    code = "not_found"
    status = 404


class AlreadyExists(DwSimError):
    code = "already_exists"
    status = 409


class RunActive(DwSimError):
    """The experiment already has an active run; details carry its id."""

    code = "run_active"
    status = 409

    @classmethod
    def for_run(cls, experiment: str, run_id: str) -> RunActive:
        return cls(f"experiment '{experiment}' already has an active run: {run_id}",
                   {"active_run_id": run_id})

    @property
    def run_id(self) -> str:
        return self.details["active_run_id"]


class Conflict(DwSimError):
    code = "conflict"
    status = 409
