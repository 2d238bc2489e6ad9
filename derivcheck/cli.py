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
from typing import TYPE_CHECKING, Any, NoReturn

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
    help="CPU-time limit of each symbolic attempt on a step; past it, the numeric check decides.",
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
@click.option("--format", "output_format", type=click.Choice(["rich", "json", "junit", "markdown", "html"]),
              default="rich", show_default=True, help="Report format (to stdout, or to --output FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Write the --format report to FILE; the terminal still shows the Rich report.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Derivations checked at once, in worker processes  [default: the number of CPUs]")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=".derivcheck-cache",
              show_default=True, help="Folder of the incremental cache (results keyed by file content and options).")
@click.option("--no-cache", is_flag=True, help="Check everything again; neither read nor write the cache.")
@click.option("--shard", metavar="K/N", help="Check only shard K of N (deterministic split, for CI matrices).")
@click.option("--job-timeout", type=click.FloatRange(min=0, min_open=True), default=600.0, show_default=True,
              metavar="SECONDS", help="With --jobs > 1: a worker running longer is stopped; its derivation is an error.")
def verify(
    paths: tuple[str, ...],
    strict: bool,
    timeout: float,
    seed: int,
    no_numeric: bool,
    quiet: bool,
    points: int,
    device: str,
    output_format: str = "rich",
    output: str | None = None,
    jobs: int | None = None,
    cache_dir: str = ".derivcheck-cache",
    no_cache: bool = False,
    shard: str | None = None,
    job_timeout: float = 600.0,
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
        from .check.cache import ResultCache
        from .check.parallel import default_jobs
        from .check.shard import parse_shard
        from .report.progress import progress_bar
        from .report.writers import emit_report

        targets = list(paths) if paths else [default_library()]
        part = parse_shard(shard) if shard else None
        cache = None if no_cache else ResultCache(cache_dir)
        with progress_bar(enabled=not quiet) as progress:
            report = run_verify(targets, options, jobs=jobs or default_jobs(), cache=cache, shard=part,
                                progress=progress, deadline=job_timeout)
        if not report.derivations and part is not None:
            click.echo(f"derivcheck: shard {shard}: no derivation files fall in this shard", err=True)
            sys.exit(EXIT_OK)
        if not report.derivations:
            raise UsageError(f"no .deriv.yaml files found in: {', '.join(targets)}")
        emit_report(report, output_format, output, quiet=quiet)
        for line in input_error_lines(report):
            click.echo(line, err=True)
    except DerivcheckError as error:
        _fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        _internal_error(error)
    sys.exit(exit_status(report))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--max-per-step", type=click.IntRange(min=0), default=4, show_default=True,
              help="Mutants per step (a seeded sample, one of each kind of edit first); 0 keeps all.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample and of the checks.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Symbolic time limit per mutant.")
@click.option("--points", type=click.IntRange(min=1), default=24, show_default=True,
              help="Random points per numeric check.")
@click.option("--judged", type=click.Path(dir_okay=False, path_type=str), default=None, metavar="FILE",
              help="YAML file of survivors judged equivalent by hand (derivation, item, mutant, why).")
@click.option("-v", "--verbose", is_flag=True, help="Also list the undecided mutants.")
def mutate(paths: tuple[str, ...], max_per_step: int, seed: int, timeout: float, points: int,
           judged: str | None, verbose: bool) -> None:
    """Break every step that should hold (flip a sign, drop a term, shift a bound, ...) and check each mutant.

    Reports the kill rate (refuted / non-equivalent mutants) per derivation and
    overall, and lists survivors. Exit status: 0 no mutant survived, 1 some
    mutant was accepted without a proof of equivalence (or a judged one was
    refuted), 2 bad input or usage.
    """
    from .errors import DerivcheckError, UsageError
    from .model import Options

    try:
        targets = list(paths) if paths else [default_library()]
        from .check.mutate import apply_judgements, run_mutation
        from .format.judged import load_judgements
        from .report.mutation import mutation_lines

        judgements = load_judgements(judged) if judged is not None else {}
        options = Options(seed=seed, timeout=timeout, points=points, device="cpu")
        report = run_mutation(targets, options, max_per_step=max_per_step or None, seed=seed)
        if not report.results:
            raise UsageError(f"no mutants: no loadable .deriv.yaml with steps expected to hold in {', '.join(targets)}")
        report = apply_judgements(report, judgements)
        for line in mutation_lines(report, verbose=verbose):
            click.echo(line)
    except DerivcheckError as error:
        _fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        _internal_error(error)
    sys.exit(EXIT_GATE_FAILED if report.counts()["survived"] or report.contradicted else EXIT_OK)


@main.command()
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=str), default=".", show_default=True,
              help="Folder to create NAME.deriv.yaml in.")
def new(name: str, folder: str) -> None:
    """Create NAME.deriv.yaml: a commented derivation that verifies as written."""
    from .authoring.scaffold import scaffold_text
    from .errors import DerivcheckError

    try:
        text = scaffold_text(name)
        target = Path(folder) / f"{name}.deriv.yaml"
        if target.exists():
            _fail(f"{target} exists already; choose another NAME or remove it", EXIT_BAD_INPUT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except DerivcheckError as error:
        _fail(error.format(), error.exit_code)
    click.echo(f"created {target}; check it with: derivcheck check {target}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--latex", is_flag=True, help="Print LaTeX instead of Unicode.")
def show(file: str, latex: bool) -> None:
    """Print a derivation typeset (Unicode, or --latex) without checking it."""
    from .errors import DerivcheckError
    from .format.loader import load_derivation
    from .report.typeset import typeset_derivation

    try:
        click.echo(typeset_derivation(load_derivation(file), latex=latex), nl=False)
    except DerivcheckError as error:
        _fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001
        _internal_error(error)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--once", is_flag=True, help="Verify once and exit with verify's status (no watching).")
@click.option("--for", "duration", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop watching after SECONDS (default: until Ctrl-C); exit with the last run's status.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=0.5, show_default=True, metavar="SECONDS",
              help="How often to look at the files' modification times.")
def check(files: tuple[str, ...], once: bool, duration: float | None, interval: float) -> None:
    """Verify FILES, then again each time one is saved (uses the cache; Ctrl-C stops)."""
    import time

    from .authoring.watch import stamp, wait_for_change

    until = None if duration is None else time.monotonic() + duration
    status = _verify_once(list(files))
    stamps = {f: stamp(f) for f in files}
    try:
        while not once:
            click.echo(f"-- watching {len(files)} file(s); Ctrl-C stops --", err=True)
            changed = wait_for_change(files, stamps, interval=interval, until=until)
            if changed is None:
                break
            stamps = changed
            status = _verify_once(list(files))
    except KeyboardInterrupt:
        pass
    sys.exit(status)


def _verify_once(files: list[str]) -> int:
    """One verify run of ``files`` for ``check``: its exit status (input errors reported, not raised)."""
    from .check.cache import ResultCache
    from .errors import DerivcheckError
    from .model import Options
    from .report.writers import emit_report

    try:
        report = run_verify(files, Options(), jobs=1, cache=ResultCache())
        emit_report(report, "rich", None)
        for line in input_error_lines(report):
            click.echo(line, err=True)
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
        from .report.json_report import report_schema

        click.echo(json.dumps(report_schema(), indent=2, ensure_ascii=False))
        return
    from .authoring.file_schema import file_schema

    click.echo(json.dumps(file_schema(), indent=2, ensure_ascii=False))


_LIBRARY_RUN = [
    click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
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
def index(paths: tuple[str, ...], jobs: int | None, cache_dir: str, no_cache: bool, output_format: str,
          output: str | None, check_only: bool, no_verify: bool) -> None:
    """A table of every derivation file: section, equations, title, what it establishes, verdict strength.

    Verdicts come from really verifying (default options; the cache is reused).
    Exit status: 0 written (or, with --check, up to date), 1 the library failed
    verify's gate or the index is stale, 2 bad input or usage.
    """
    from .errors import DerivcheckError, UsageError

    try:
        if check_only and output is None:
            raise UsageError("--check needs --output FILE (the index to compare with)")
        derivations, report = _verified_library(paths, jobs, cache_dir, no_cache, verify=not no_verify)
        text = index_document(derivations, report, output_format, output)
        if check_only:
            current = Path(output).read_text(encoding="utf-8") if Path(output).exists() else ""
            if current != text:
                _fail(f"{output} is stale; regenerate it with: derivcheck index {' '.join(paths)} "
                      f"--format {output_format} --output {output}", EXIT_GATE_FAILED)
            click.echo(f"{output} is up to date")
        elif output is not None:
            from .report.writers import write_atomically

            write_atomically(output, text)
        else:
            click.echo(text, nl=False)
    except DerivcheckError as error:
        _fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001
        _internal_error(error)
    sys.exit(EXIT_OK if report is None else exit_status(report))


@main.command()
@_library_run
@click.option("--format", "output_format", type=click.Choice(["rich", "markdown"]), default="rich",
              show_default=True, help="Rich terminal view, or Markdown.")
def errata(paths: tuple[str, ...], jobs: int | None, cache_dir: str, no_cache: bool, output_format: str) -> None:
    """List every recorded error (expect: refuted): section, printed statement, counterexample, correction.

    Exit status: 0 every recorded error is refuted, 1 some is not (or another
    item fails verify's gate), 2 bad input or usage.
    """
    from .errors import DerivcheckError

    try:
        from .report.errata import collect_errata, errata_renderable, render_errata_markdown

        derivations, report = _verified_library(paths, jobs, cache_dir, no_cache)
        found = collect_errata(derivations, list(report.derivations))
        if output_format == "markdown":
            click.echo(render_errata_markdown(found), nl=False)
        else:
            from rich.console import Console

            Console().print(errata_renderable(found))
        for line in input_error_lines(report):
            click.echo(line, err=True)
    except DerivcheckError as error:
        _fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001
        _internal_error(error)
    sys.exit(exit_status(report))


def _verified_library(paths: tuple[str, ...], jobs: int | None, cache_dir: str, no_cache: bool,
                      verify: bool = True) -> tuple[list[Any], Report | None]:
    """The loaded derivations under ``paths`` and, with ``verify``, a verify run of them (default options)."""
    from .errors import UsageError
    from .format.library import load_library
    from .model import Options

    targets = list(paths) if paths else [default_library()]
    derivations, _ = load_library(targets)
    if not verify:
        if not derivations:
            raise UsageError(f"no loadable .deriv.yaml files found in: {', '.join(targets)}")
        return derivations, None
    from .check.cache import ResultCache
    from .check.parallel import default_jobs

    report = run_verify(targets, Options(), jobs=jobs or default_jobs(),
                        cache=None if no_cache else ResultCache(cache_dir))
    if not report.derivations:
        raise UsageError(f"no .deriv.yaml files found in: {', '.join(targets)}")
    return derivations, report


def index_document(derivations: list[Any], report: Report | None, fmt: str, output: str | None) -> str:
    """The text ``derivcheck index`` writes: JSON, or Markdown after FILE's preamble (see report/index.py)."""
    import json

    from .report.index import build_index, index_to_dict, preamble_of, render_index_markdown

    base = os.path.dirname(output) or "." if output else "."
    rows = build_index(derivations, None if report is None else list(report.derivations), base=base)
    if fmt == "json":
        return json.dumps(index_to_dict(rows), ensure_ascii=False, indent=2) + "\n"
    errata_text = ""
    if report is not None:
        from .report.errata import collect_errata, render_errata_markdown

        errata_text = render_errata_markdown(collect_errata(derivations, list(report.derivations)))
    existing = Path(output).read_text(encoding="utf-8") if output and Path(output).exists() else None
    return preamble_of(existing) + render_index_markdown(rows, errata=errata_text)


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
    from .check.pipeline import verify_paths

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
