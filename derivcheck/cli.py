"""The command line: ``derivcheck verify [PATHS...]``. The only place that exits.

Importing this module is light (click only): SymPy, torch and Rich are imported
inside the command, so ``derivcheck --help`` and ``--version`` start fast.

Exit statuses:

* 0 -- every item of every derivation reached its expectation;
* 1 -- the gate failed (an item did not reach its expectation);
* 2 -- bad input (a derivation file with errors, a missing path, no derivation
  files found) or bad command-line usage;
* 3 -- an internal error of derivcheck itself (a bug: please report it).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from . import __version__

from .model import Verdict

if TYPE_CHECKING:
    from .model import Options, Report

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

DEFAULT_FOLDER = "derivations"
"""Folder, relative to the current directory, that ``verify`` checks by default."""

DEBUG_ENV = "DERIVCHECK_DEBUG"
"""When set to a non-empty value, internal errors show their full traceback."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="derivcheck")
def main() -> None:
    """Verify mathematical derivations written as YAML step files (*.deriv.yaml)."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--strict", is_flag=True, help="Require at least proved-instances: numeric agreement alone does not pass.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="Time limit of the symbolic check of one step; past it, the numeric check decides.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random choice (points, shapes, samples).")
@click.option("--no-numeric", is_flag=True, help="Skip numeric checks: items without a symbolic proof stay unknown.")
@click.option("-q", "--quiet", is_flag=True, help="Show only failing items and the summary.")
@click.option(
    "--points", type=click.IntRange(min=1), default=24, show_default=True, help="Random points per numeric check."
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where torch runs numeric and distribution checks (auto: CUDA when available).",
)
def verify(
    paths: tuple[str, ...],
    strict: bool,
    timeout: float,
    seed: int,
    no_numeric: bool,
    quiet: bool,
    points: int,
    device: str,
) -> None:
    """Check derivation files or folders of them (default: ./derivations/, else the shipped library).

    Exit status: 0 all items reach their expectation, 1 the gate failed,
    2 bad input or usage, 3 internal error.
    """
    from .errors import DerivcheckError, UsageError
    from .model import Options

    options = Options(
        seed=seed, timeout=timeout, numeric=not no_numeric, strict=strict, points=points, device=device
    )
    try:
        targets = list(paths) if paths else [default_library()]
        report = run_verify(targets, options)
        if not report.derivations:
            raise UsageError(f"no .deriv.yaml files found in: {', '.join(targets)}")
        from rich.console import Console

        from .report import render_report

        render_report(report, Console(), quiet=quiet)
        for line in input_error_lines(report):
            click.echo(line, err=True)
    except DerivcheckError as error:
        _fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        _internal_error(error)
    sys.exit(exit_status(report))


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


def run_verify(paths: list[str], options: Options) -> Report:
    """Run the checking pipeline on ``paths`` (imported here: it pulls in SymPy and torch)."""
    from .check.pipeline import verify_paths

    return verify_paths(paths, options)


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
    from .errors import UsageError

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
    locations.append(str(Path(__file__).resolve().parent.parent / DEFAULT_FOLDER))
    for location in locations:
        folder = Path(location)
        if folder.is_dir() and any(folder.rglob("*.deriv.yaml")):
            return folder
    return None


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"derivcheck: error: {message}", err=True)
    sys.exit(code)


def _internal_error(error: Exception) -> NoReturn:
    if os.environ.get(DEBUG_ENV):
        raise error
    click.echo(
        f"derivcheck: internal error: {type(error).__name__}: {error}\n"
        f"  this is a bug in derivcheck; rerun with {DEBUG_ENV}=1 for the traceback",
        err=True,
    )
    sys.exit(EXIT_INTERNAL)
