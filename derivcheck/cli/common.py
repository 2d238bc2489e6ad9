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
"""Folder, relative to the current directory, that ``verify`` checks by default when no
``pyproject.toml`` configures the paths (see :func:`default_paths`)."""

DEBUG_ENV = "DERIVCHECK_DEBUG"
"""When set to a non-empty value, internal errors show their full traceback."""


def input_error_lines(report: Report) -> list[str]:
    """Every input error of the run as one unwrapped ``FILE:LINE:COL: message`` line
    (see :func:`derivcheck.report.rich_report.input_error_lines`)."""
    from ..report.rich_report import input_error_lines as lines

    return lines(report)


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


PYPROJECT = "pyproject.toml"
"""The project file whose ``[tool.derivcheck] paths`` list what ``verify`` checks by default."""


def default_paths(folder: str | Path = ".") -> list[str]:
    """What ``verify`` (and ``index``, ``errata``, ``mutate``) check without arguments, chosen like pytest.

    In this order:

    1. the ``paths`` of ``[tool.derivcheck]`` in the nearest ``pyproject.toml``
       that has that table (in ``folder`` or above it; like pytest's ``testpaths``),
       relative to that file;
    2. else ``./derivations/`` when it exists;
    3. else ``folder`` itself, searched recursively (hidden folders, caches and
       virtual environments are skipped), when it holds a derivation file.

    The library shipped with derivcheck is never chosen here: ``--library`` asks
    for it. Raises :class:`~derivcheck.errors.UsageError` (exit 2) when nothing
    is found.
    """
    from ..errors import UsageError
    from ..format.library import discover

    configured = configured_paths(Path(folder))
    if configured is not None:
        return configured
    if (Path(folder) / DEFAULT_FOLDER).is_dir():
        return [os.path.normpath(Path(folder) / DEFAULT_FOLDER)]
    if discover([str(folder)]):
        return [str(folder)]
    raise UsageError(
        f"no derivation files (*.deriv.yaml) in {Path(folder).resolve()} or below it, and no [tool.derivcheck] "
        f"paths in a {PYPROJECT}; pass the files or folders to check (derivcheck verify PATH...), "
        "or check the library shipped with derivcheck: derivcheck verify --library"
    )


def configured_paths(folder: Path) -> list[str] | None:
    """``[tool.derivcheck] paths`` of the nearest ``pyproject.toml`` that has them, or None.

    Each path is relative to the directory of that ``pyproject.toml`` and is
    returned relative to ``folder`` when it lies below it.
    """
    import tomllib

    from ..errors import UsageError

    start = folder.resolve()
    for directory in (start, *start.parents):
        project = directory / PYPROJECT
        if not project.is_file():
            continue
        try:
            table = tomllib.loads(project.read_text(encoding="utf-8")).get("tool", {}).get("derivcheck")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise UsageError(f"{project}: cannot read it: {error}") from error
        if table is None or "paths" not in table:
            continue
        paths = table["paths"]
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
            raise UsageError(f'{project}: [tool.derivcheck] paths must be a non-empty list of strings, '
                             f'for example paths = ["derivations"]; found {paths!r}')
        return [_shown(directory / p, start, folder) for p in paths]
    return None


def _shown(path: Path, start: Path, folder: Path) -> str:
    """``path`` as the user would type it from ``folder``: relative when below it, else absolute."""
    try:
        return os.path.normpath(folder / path.relative_to(start))
    except ValueError:
        return os.path.normpath(path)


def library_paths() -> list[str]:
    """The library shipped with derivcheck (``--library``), as a one-path list."""
    from ..errors import UsageError

    shipped = shipped_library()
    if shipped is None:
        raise UsageError("no library of derivations is installed with derivcheck (the package was installed "
                         "without derivcheck/derivations)")
    return [str(shipped)]


def targets_of(paths: tuple[str, ...] | list[str], library: bool = False) -> list[str]:
    """The paths a command checks: those given, plus the shipped library with ``--library``;
    with neither, :func:`default_paths`."""
    if library:
        return [*paths, *library_paths()]
    return list(paths) if paths else default_paths()


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
           "input_error_lines", "run_verify", "exit_status", "default_paths", "configured_paths",
           "library_paths", "targets_of", "shipped_library", "fail",
           "internal_error"]
