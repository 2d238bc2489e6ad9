"""``derivcheck verify`` (the gate) and ``derivcheck mutate`` (the gate's own test)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..report.formats import FORMAT_OF_EXTENSION, FORMATS
from .group import main
from .common import (EXIT_GATE_FAILED, EXIT_OK, exit_status, fail, input_error_lines, internal_error, run_verify,
                     targets_of)

if TYPE_CHECKING:
    from ..model import Options, Report

LIBRARY_OPTION = click.option(
    "--library", is_flag=True,
    help="Check the library of derivations shipped with derivcheck (besides any PATHS).")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@LIBRARY_OPTION
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
@click.option("-q", "--quiet", is_flag=True, help="Show only failing items and the summary (no progress).")
@click.option("-v", "--verbose", count=True,
              help="-v: a line for every item; -vv: every derivation's full tree (relations, methods, times).")
@click.option(
    "--points", type=click.IntRange(min=1), default=24, show_default=True, help="Random points per numeric check."
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where torch runs autograd and distribution checks (auto: CUDA when available); "
         "random points run on numpy unless cuda is named.",
)
@click.option("--format", "output_format", type=click.Choice(FORMATS),
              default=None, help="Report format (to stdout, or to --output FILE)  [default: rich, or with -o, "
              f"the format of FILE's extension: {' '.join(FORMAT_OF_EXTENSION)}]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Write the report to FILE (format from --format or its extension); the terminal still "
                   "shows the Rich report.")
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
    library: bool,
    strict: bool,
    timeout: float,
    seed: int,
    no_numeric: bool,
    quiet: bool,
    verbose: int,
    points: int,
    device: str,
    output_format: str | None = None,
    output: str | None = None,
    jobs: int | None = None,
    cache_dir: str = ".derivcheck-cache",
    no_cache: bool = False,
    shard: str | None = None,
    job_timeout: float = 600.0,
) -> None:
    """Check derivation files or folders of them.

    Without PATHS, like pytest: the paths of [tool.derivcheck] in pyproject.toml,
    else ./derivations/, else the *.deriv.yaml files below the current folder
    (hidden, cache and virtual-environment folders skipped). --library checks
    the library shipped with derivcheck.

    Prints a line per derivation (as each finishes, when piped), every failing
    item in full, and a summary; -q only failures and the summary, -v every
    item, -vv every derivation's full tree.

    Exit status: 0 all items reach their expectation, 1 the gate failed,
    2 bad input or usage, 3 internal error.
    """
    from ..errors import DerivcheckError, UsageError
    from ..model import Options

    options = Options(
        seed=seed, timeout=timeout, numeric=not no_numeric, strict=strict, points=points, device=device
    )
    try:
        if quiet and verbose:
            raise UsageError("-q and -v ask for opposite things; give one of them")
        from ..report.rich_report import FULL, QUIET

        report = _verify_and_report(targets_of(paths, library), options, verbosity=QUIET if quiet else min(verbose, FULL),
                                    output_format=output_format, output=output, jobs=jobs,
                                    cache_dir=None if no_cache else cache_dir, shard=shard, job_timeout=job_timeout)
    except DerivcheckError as error:
        fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        internal_error(error)
    sys.exit(exit_status(report))


def _verify_and_report(targets: list[str], options: Options, *, verbosity: int, output_format: str | None,
                       output: str | None, jobs: int | None, cache_dir: str | None, shard: str | None,
                       job_timeout: float) -> Report:
    """Check ``targets`` and show or write the report; returns the report (exits 0 on an empty shard)."""
    from ..check import ResultCache, default_jobs, parse_shard
    from ..errors import UsageError
    from ..report.progress import progress_display
    from ..report.rich_report import report_console
    from ..report.writers import emit_report, format_for_output
    from ..report.written import with_written

    if output_format is None:
        output_format = format_for_output(output) if output is not None else "rich"
    part = parse_shard(shard) if shard else None
    cache = None if cache_dir is None else ResultCache(cache_dir)
    terminal_report = output_format == "rich" or output is not None  # the Rich report goes to stdout
    console = report_console(stderr=not terminal_report)
    with progress_display(console, verbosity) as progress:
        report = run_verify(targets, options, jobs=jobs or default_jobs(), cache=cache, shard=part,
                            progress=progress, deadline=job_timeout)
    if not report.derivations and part is not None:
        click.echo(f"derivcheck: shard {shard}: no derivation files fall in this shard", err=True)
        sys.exit(EXIT_OK)
    if not report.derivations:
        raise UsageError(f"no .deriv.yaml files found in: {', '.join(targets)}")
    shown = getattr(progress, "shown", set()) if terminal_report else set()
    report = with_written(report)  # relations as the files write them, in every format
    emit_report(report, output_format, output, verbosity=verbosity, console=console, shown=shown)
    if not terminal_report:
        # the report on stdout is for machines: input errors go to stderr, one unwrapped line each
        # (the Rich report shows them in place, so they are not printed twice)
        for line in input_error_lines(report):
            click.echo(line, err=True)
    return report


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@LIBRARY_OPTION
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
def mutate(paths: tuple[str, ...], library: bool, max_per_step: int, seed: int, timeout: float, points: int,
           judged: str | None, verbose: bool) -> None:
    """Break every step that should hold (flip a sign, drop a term, shift a bound, ...) and check each mutant.

    Reports the kill rate (refuted / non-equivalent mutants) per derivation and
    overall, and lists survivors. Exit status: 0 no mutant survived, 1 some
    mutant was accepted without a proof of equivalence (or a judged one was
    refuted), 2 bad input or usage.
    """
    from ..errors import DerivcheckError, UsageError
    from ..model import Options

    try:
        targets = targets_of(paths, library)
        from ..check import apply_judgements, run_mutation
        from ..format.judged import load_judgements
        from ..report.mutation import mutation_lines

        judgements = load_judgements(judged) if judged is not None else {}
        options = Options(seed=seed, timeout=timeout, points=points, device="cpu")
        report = run_mutation(targets, options, max_per_step=max_per_step or None, seed=seed)
        if not report.results:
            raise UsageError(f"no mutants: no loadable .deriv.yaml with steps expected to hold in {', '.join(targets)}")
        report = apply_judgements(report, judgements)
        for line in mutation_lines(report, verbose=verbose):
            click.echo(line)
    except DerivcheckError as error:
        fail(error.format(), error.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        internal_error(error)
    sys.exit(EXIT_GATE_FAILED if report.counts()["survived"] or report.contradicted else EXIT_OK)
