"""What the commands share: exit statuses, the verify run, reading its outcome, the library folder."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..model import Verdict

if TYPE_CHECKING:
    from ..model import Options, Report

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

DEFAULT_FOLDER = "derivations"
"""Folder, relative to the current directory, that ``verify`` checks by default."""

DEBUG_ENV = "DERIVCHECK_DEBUG"
"""When set to a non-empty value, internal errors show their full traceback."""


def input_error_lines(report: Report) -> list[str]:
    """Every input error of the run as one unwrapped ``FILE:LINE:COL: message`` line.

    The report shows them in place; these lines (on stderr) are for editors and CI
    logs that jump to a location.
    """
    lines: list[str] = []
    for derivation in report.derivations:
        lines.extend(derivation.errors)
        for outcome in derivation.outcomes:
            if outcome.verdict is Verdict.ERROR:
                located = outcome.detail.startswith(derivation.path)
                lines.append(outcome.detail if located or outcome.span is None else f"{outcome.span}: {outcome.detail}")
    return lines


def run_verify(paths: list[str], options: Options, **run: Any) -> Report:
    """Run the checking pipeline on ``paths`` (imported here: it pulls in SymPy and torch).

    ``run`` holds what changes how, not what, is checked: ``jobs``, ``cache``,
    ``shard``, ``progress``, ``deadline`` (see ``verify_paths``).
    """
    from ..check import verify_paths

    return verify_paths(paths, options, **run)


def exit_status(report: Report) -> int:
    """0 when the gate passes, 1 when it fails, 2 when any input could not be read.

    Input that cannot be read is a file-level error or an item whose verdict is
    ``error`` (a step expression that does not parse); the rest of the run is
    still checked and reported.

    >>> from derivcheck.model import Report
    >>> exit_status(Report(derivations=()))
    0
    """
    if any(d.errors or any(o.verdict is Verdict.ERROR for o in d.outcomes) for d in report.derivations):
        return EXIT_BAD_INPUT
    return EXIT_OK if report.passed else EXIT_GATE_FAILED


def default_library() -> str:
    """The folder ``verify`` checks without arguments.

    ``./derivations/`` when it exists, else the library installed with the package
    (``derivcheck.derivations``), else the repository's ``derivations/`` beside the
    package folder (a source checkout that is not installed).
    """
    from ..errors import UsageError

    if Path(DEFAULT_FOLDER).is_dir():
        return DEFAULT_FOLDER
    shipped = shipped_library()
    if shipped is not None:
        return str(shipped)
    raise UsageError(
        f"no ./{DEFAULT_FOLDER}/ folder here and no library installed with derivcheck; "
        "pass the files or folders to check: derivcheck verify PATH..."
    )


def shipped_library() -> Path | None:
    """The folder of the derivation library shipped with the package, or None.

    Uses the import system's search locations rather than a Traversable, so that
    a namespace package (no ``__init__.py``) and an editable install both work.
    """
    try:
        spec = importlib.util.find_spec("derivcheck.derivations")
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    # A source checkout run without installing: derivations/ sits beside derivcheck/.
    locations.append(str(Path(__file__).resolve().parents[2] / DEFAULT_FOLDER))
    for location in locations:
        folder = Path(location)
        if folder.is_dir() and any(folder.rglob("*.deriv.yaml")):
            return folder
    return None


def fail(message: str, code: int) -> NoReturn:
    """Print ``derivcheck: error: message`` on stderr and exit with ``code``."""
    click.echo(f"derivcheck: error: {message}", err=True)
    sys.exit(code)


def internal_error(error: Exception) -> NoReturn:
    """Exit 3 with a one-line report of a bug (the traceback with DERIVCHECK_DEBUG=1)."""
    if os.environ.get(DEBUG_ENV):
        raise error
    click.echo(
        f"derivcheck: internal error: {type(error).__name__}: {error}\n"
        f"  this is a bug in derivcheck; rerun with {DEBUG_ENV}=1 for the traceback",
        err=True,
    )
    sys.exit(EXIT_INTERNAL)


__all__ = ["EXIT_OK", "EXIT_GATE_FAILED", "EXIT_BAD_INPUT", "EXIT_INTERNAL", "DEFAULT_FOLDER", "DEBUG_ENV",
           "input_error_lines", "run_verify", "exit_status", "default_library", "shipped_library", "fail",
           "internal_error"]
