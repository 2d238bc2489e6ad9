"""Errors. One root, :class:`DerivcheckError`; input errors carry a source span.

Exceptions own their exit code and message format; ``cli/`` maps them to exit
statuses (learned from click's ``exceptions.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Span:
    """A position in a file: 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def shifted(self, col_offset: int, line_offset: int = 0) -> "Span":
        """The span ``col_offset`` characters further on the same line."""
        return Span(self.file, self.line + line_offset, self.col + col_offset)


class DerivcheckError(Exception):
    """Root of every error derivcheck raises on purpose."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def format(self) -> str:
        return self.message


class InputError(DerivcheckError):
    """Bad input: a file, a declaration or an expression that cannot be read.

    ``format()`` gives ``FILE:LINE:COL: message (hint)``.
    """

    exit_code = 2

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.span = span
        self.hint = hint

    def format(self) -> str:
        where = f"{self.span}: " if self.span is not None else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class InputErrors(DerivcheckError):
    """Several input errors found in one pass; every one is reported."""

    exit_code = 2

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("; ".join(e.format() for e in errors))
        self.errors = list(errors)
        self.partial: Any = None
        """A derivation built despite these errors (a missing title), to be checked beside them."""

    def format(self) -> str:
        return "\n".join(e.format() for e in self.errors)


class UsageError(DerivcheckError):
    """Bad command-line usage."""

    exit_code = 2
