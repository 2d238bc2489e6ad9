"""Commands for writing derivations: ``new``, ``show``, ``check`` (watch), ``schema``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .group import main
from .common import EXIT_BAD_INPUT, exit_status, fail, internal_error, run_verify, targets_of


@main.command()
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=str), default=".", show_default=True,
              help="Folder to create NAME.deriv.yaml in.")
def new(name: str, folder: str) -> None:
    """Create NAME.deriv.yaml: a commented derivation that verifies as written."""
    from ..authoring.scaffold import SCHEMA_FILE, scaffold_text
    from ..errors import DerivcheckError

    try:
        # point the editor at the schema only when it is there
        text = scaffold_text(name, f"./{SCHEMA_FILE}" if (Path(folder) / SCHEMA_FILE).is_file() else None)
        target = Path(folder) / f"{name}.deriv.yaml"
        if target.exists():
            fail(f"{target} exists already; choose another NAME or remove it", EXIT_BAD_INPUT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except DerivcheckError as error:
        fail(error.format(), error.exit_code)
    click.echo(f"created {target}; check it with: derivcheck check {target}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--latex", is_flag=True, help="Print LaTeX of each relation as checked (or a step's own latex:).")
@click.option("-v", "--verbose", count=True,
              help="-vv: also each relation as checked (defined names expanded, typeset), as verify -vv shows it.")
def show(file: str, latex: bool, verbose: int) -> None:
    """Print a derivation as the file writes it (defined names kept), without checking it.

    Every expression is read, so reading errors show; nothing is proved. -vv adds
    each relation as it is checked, with definitions expanded, typeset.
    """
    from ..errors import DerivcheckError
    from ..format.loader import load_derivation
    from ..report.typeset import typeset_derivation

    try:
        # -vv as in verify, where it adds the checked (expanded) form to each item
        click.echo(typeset_derivation(load_derivation(file), latex=latex, expanded=verbose >= 2), nl=False)
    except DerivcheckError as error:
        fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001
        internal_error(error)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--library", is_flag=True, help="The library shipped with derivcheck (besides any PATHS).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the errors (nothing when there are none).")
def lint(paths: tuple[str, ...], library: bool, quiet: bool) -> None:
    """Read, parse and shape-check derivation files without proving anything (fast: for pre-commit).

    Finds every error verify would report as bad input: YAML, keys, declarations,
    expressions (with hints for the usual slips), shapes, duplicate ids. Prints
    one FILE:LINE:COL: message line per error. Without PATHS, the same files as
    verify. Exit status: 0 no error, 2 any error (or bad usage).
    """
    from .lint import lint_paths
    from ..errors import DerivcheckError, UsageError

    try:
        result = lint_paths(targets_of(paths, library))
        if not result.files and not result.errors:
            raise UsageError(f"no .deriv.yaml files found in: {', '.join(paths)}")
    except DerivcheckError as error:
        fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001
        internal_error(error)
    for line in result.errors:
        click.echo(line)
    if not quiet:
        found = f"{len(result.errors)} error" + ("" if len(result.errors) == 1 else "s")
        click.echo(f"derivcheck lint: {len(result.files)} file(s) read, {found}"
                   + ("" if result.errors else "; nothing was proved (derivcheck verify checks the maths)"))
    sys.exit(EXIT_BAD_INPUT if result.errors else 0)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--once", is_flag=True, help="Verify once and exit with verify's status (no watching).")
@click.option("--for", "duration", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop watching after SECONDS (default: until Ctrl-C); exit with the last run's status.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=0.5, show_default=True, metavar="SECONDS",
              help="How often to look at the files' modification times.")
@click.option("-q", "--quiet", is_flag=True, help="Show only failing items and the summary.")
@click.option("-v", "--verbose", count=True, help="-v: a line for every item; -vv: every full tree.")
def check(files: tuple[str, ...], once: bool, duration: float | None, interval: float, quiet: bool,
          verbose: int) -> None:
    """Verify FILES, then again each time one is saved (uses the cache; Ctrl-C stops)."""
    import time

    from ..authoring.watch import stamp, wait_for_change

    if quiet and verbose:
        fail("-q and -v ask for opposite things; give one of them", EXIT_BAD_INPUT)
    verbosity = -1 if quiet else min(verbose, 2)
    until = None if duration is None else time.monotonic() + duration
    status = _verify_once(list(files), verbosity)
    stamps = {f: stamp(f) for f in files}
    try:
        while not once:
            click.echo(f"-- watching {len(files)} file(s); Ctrl-C stops --", err=True)
            changed = wait_for_change(files, stamps, interval=interval, until=until)
            if changed is None:
                break
            stamps = changed
            status = _verify_once(list(files), verbosity)
    except KeyboardInterrupt:
        pass
    sys.exit(status)


def _verify_once(files: list[str], verbosity: int = 0) -> int:
    """One verify run of ``files`` for ``check``: its exit status (input errors reported, not raised).

    The report shows each input error in place, once (not again on stderr).
    """
    from ..check import ResultCache
    from ..errors import DerivcheckError
    from ..model import Options
    from ..report.writers import emit_report
    from ..report.written import with_written

    try:
        report = with_written(run_verify(files, Options(), jobs=1, cache=ResultCache()))
        emit_report(report, "rich", None, verbosity=verbosity)
    except DerivcheckError as error:
        click.echo(f"derivcheck: error: {error.format()}", err=True)
        return error.exit_code
    return exit_status(report)


@main.command()
@click.option("--report", is_flag=True, help="The schema of the JSON report (--format json) instead.")
def schema(report: bool) -> None:
    """Print the JSON Schema of the .deriv.yaml format (for editor completion)."""
    import json

    if report:
        from ..report.json_report import report_schema

        click.echo(json.dumps(report_schema(), indent=2, ensure_ascii=False))
        return
    from ..authoring.file_schema import file_schema

    click.echo(json.dumps(file_schema(), indent=2, ensure_ascii=False))
