"""Check every derivation file under some paths: load, shard, run (cached, in workers), report.

Bad input is reported per file, never raised; :func:`verify_paths` is what
``derivcheck verify`` and the library commands call.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from ...model import DerivationReport, Options, Report
from .run import run_derivations
from .shard import shard_paths


def verify_paths(paths: list[str], options: Options, *, jobs: int = 1, cache: Any = None,
                 shard: tuple[int, int] | None = None, progress: Any = None,
                 deadline: float | None = None) -> Report:
    """Check every derivation under ``paths``; bad input is reported per file, never raised.

    ``jobs``, ``cache`` (a :class:`~derivcheck.check.session.cache.ResultCache`), ``shard``
    (``(K, N)``) and ``progress`` are passed to :func:`~derivcheck.check.session.run.run_derivations`
    and :func:`~derivcheck.check.session.shard.shard_paths`; none of them changes a verdict.
    """
    from ...format.library import load_library  # the loader and the checker import SymPy: the
    from ..pipeline import check_derivation  # session's face stays light for the CLI's cache and shards

    started = time.perf_counter()
    derivations, load_errors = load_library(paths)
    errors_by_file: dict[str, list[str]] = {}
    for err in load_errors:
        file = err.span.file if err.span is not None else "?"
        errors_by_file.setdefault(file, []).append(err.format())
    if shard is not None:
        kept = set(shard_paths([d.path for d in derivations] + [f for f in errors_by_file if f != "?"], *shard))
        derivations = [d for d in derivations if d.path in kept]
        errors_by_file = {f: m for f, m in errors_by_file.items() if f in kept or f == "?"}

    def with_load_errors(report: DerivationReport) -> DerivationReport:
        # a file that loaded with errors (a duplicate id) is one derivation, failed by them
        messages = errors_by_file.get(report.path)
        return dataclasses.replace(report, errors=report.errors + tuple(messages)) if messages else report

    told = None if progress is None else (
        lambda done, total, report: progress(done, total, None if report is None else with_load_errors(report)))
    reports = [with_load_errors(r) for r in run_derivations(
        derivations, options, check_derivation, jobs=jobs, cache=cache, progress=told,
        **({} if deadline is None else {"deadline": deadline}))]
    loaded = {r.path for r in reports}
    for file, messages in errors_by_file.items():
        if file in loaded:
            continue
        reports.append(DerivationReport(path=file, id=file, title="(could not be loaded)", source=None,
                                        outcomes=(), errors=tuple(messages)))
    reports.sort(key=lambda r: r.path)
    return Report(
        derivations=tuple(reports),
        seconds=time.perf_counter() - started,
        seed=options.seed,
        options={"timeout": f"{options.timeout:g}", "numeric": str(options.numeric), "strict": str(options.strict)},
    )


__all__ = ["verify_paths"]
