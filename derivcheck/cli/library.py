"""Commands over a whole library: ``index`` (a table of its files) and ``errata`` (its recorded errors)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .group import main
from .common import (EXIT_GATE_FAILED, EXIT_OK, exit_status, fail, input_error_lines, internal_error, run_verify,
                     targets_of)

if TYPE_CHECKING:
    from ..model import Report


_LIBRARY_RUN = [
    click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
    click.option("--library", is_flag=True, help="The library shipped with derivcheck (besides any PATHS)."),
    click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                 help="Derivations checked at once  [default: the number of CPUs]"),
    click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=".derivcheck-cache",
                 show_default=True, help="Folder of the incremental cache shared with verify."),
    click.option("--no-cache", is_flag=True, help="Check everything again; neither read nor write the cache."),
]


def _library_run(command: Any) -> Any:
    for decorate in reversed(_LIBRARY_RUN):
        command = decorate(command)
    return command


@main.command()
@_library_run
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Index format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Write the index to FILE, keeping FILE's hand-written text above the marker line.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing: exit 1 when --output FILE differs from the index (stale).")
@click.option("--no-verify", is_flag=True, help="Metadata only (fast): no verdict counts, no errata.")
def index(paths: tuple[str, ...], library: bool, jobs: int | None, cache_dir: str, no_cache: bool, output_format: str,
          output: str | None, check_only: bool, no_verify: bool) -> None:
    """A table of every derivation file: section, equations, title, what it establishes, verdict strength.

    Verdicts come from really verifying (default options; the cache is reused).
    Exit status: 0 written (or, with --check, up to date), 1 the library failed
    verify's gate or the index is stale, 2 bad input or usage.
    """
    from ..errors import DerivcheckError, UsageError

    try:
        if check_only and output is None:
            raise UsageError("--check needs --output FILE (the index to compare with)")
        derivations, report = _verified_library(targets_of(paths, library), jobs, cache_dir, no_cache,
                                                 verify=not no_verify)
        text = index_document(derivations, report, output_format, output)
        if check_only:
            current = Path(output).read_text(encoding="utf-8") if Path(output).exists() else ""
            if current != text:
                fail(f"{output} is stale; regenerate it with: derivcheck index {' '.join(paths)} "
                      f"--format {output_format} --output {output}", EXIT_GATE_FAILED)
            click.echo(f"{output} is up to date")
        elif output is not None:
            from ..report.writers import write_atomically

            write_atomically(output, text)
        else:
            click.echo(text, nl=False)
    except DerivcheckError as error:
        fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001
        internal_error(error)
    sys.exit(EXIT_OK if report is None else exit_status(report))


@main.command()
@_library_run
@click.option("--format", "output_format", type=click.Choice(["rich", "markdown"]), default="rich",
              show_default=True, help="Rich terminal view, or Markdown.")
def errata(paths: tuple[str, ...], library: bool, jobs: int | None, cache_dir: str, no_cache: bool, output_format: str) -> None:
    """List every recorded error (expect: refuted): section, printed statement, counterexample, correction.

    Exit status: 0 every recorded error is refuted, 1 some is not (or another
    item fails verify's gate), 2 bad input or usage.
    """
    from ..errors import DerivcheckError

    try:
        from ..report.errata import collect_errata, errata_renderable, render_errata_markdown

        derivations, report = _verified_library(targets_of(paths, library), jobs, cache_dir, no_cache)
        found = collect_errata(derivations, list(report.derivations))
        if output_format == "markdown":
            click.echo(render_errata_markdown(found), nl=False)
        else:
            from rich.console import Console

            Console().print(errata_renderable(found))
        errors = input_error_lines(report)
        if errors:  # on stdout with the errata (they may be incomplete), and said on stderr
            heading = f"{len(errors)} input error(s): files that could not be read have no errata above"
            if output_format == "markdown":
                click.echo(f"\n## Input errors\n\n{heading}.\n")
                for line in errors:
                    click.echo(f"- `{line.replace('`', chr(39))}`")
            else:
                click.echo(f"\n{heading}:")
                for line in errors:
                    click.echo(line)
            click.echo(f"derivcheck errata: {len(errors)} input error(s), listed with the errata", err=True)
    except DerivcheckError as error:
        fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001
        internal_error(error)
    sys.exit(exit_status(report))


def _verified_library(targets: list[str], jobs: int | None, cache_dir: str, no_cache: bool,
                      verify: bool = True) -> tuple[list[Any], Report | None]:
    """The loaded derivations under ``targets`` and, with ``verify``, a verify run of them (default options)."""
    from ..errors import UsageError
    from ..format.library import load_library
    from ..model import Options

    derivations, _ = load_library(targets)
    if not verify:
        if not derivations:
            raise UsageError(f"no loadable .deriv.yaml files found in: {', '.join(targets)}")
        return derivations, None
    from ..check import ResultCache
    from ..check import default_jobs

    report = run_verify(targets, Options(), jobs=jobs or default_jobs(),
                        cache=None if no_cache else ResultCache(cache_dir))
    if not report.derivations:
        raise UsageError(f"no .deriv.yaml files found in: {', '.join(targets)}")
    return derivations, report


def index_document(derivations: list[Any], report: Report | None, fmt: str, output: str | None) -> str:
    """The text ``derivcheck index`` writes: JSON, or Markdown after FILE's preamble (see report/index.py)."""
    import json

    from ..report.index import build_index, index_to_dict, preamble_of, render_index_markdown

    base = os.path.dirname(output) or "." if output else "."
    rows = build_index(derivations, None if report is None else list(report.derivations), base=base)
    if fmt == "json":
        return json.dumps(index_to_dict(rows), ensure_ascii=False, indent=2) + "\n"
    errata_text = ""
    if report is not None:
        from ..report.errata import collect_errata, render_errata_markdown

        errata_text = render_errata_markdown(collect_errata(derivations, list(report.derivations)))
    existing = Path(output).read_text(encoding="utf-8") if output and Path(output).exists() else None
    return preamble_of(existing) + render_index_markdown(rows, errata=errata_text)
