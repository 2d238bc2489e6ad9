"""Checking many derivations: the incremental cache and the worker pool around each one.

:func:`run_derivations` is what :func:`derivcheck.check.pipeline.derivation.verify_paths`
calls with the loaded derivations: it reuses cached results, checks the rest
(in worker processes when ``jobs > 1``), stores the new results, and returns
one report per derivation in the order given, whatever order they finish in.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ...errors import Span
from ...model import Derivation, DerivationReport, Options, Outcome, Verdict
from ..runtime import DEFAULT_DEADLINE, Failure, run_pool

Progress = Callable[[int, int, "DerivationReport | None"], None]
"""``progress(done, total, report)``: called with ``(0, total, None)`` first, then once per derivation."""


def run_derivations(
    derivations: Sequence[Derivation],
    options: Options,
    check: Callable[[Any, Options], DerivationReport],
    *,
    jobs: int = 1,
    cache: Any = None,
    deadline: float = DEFAULT_DEADLINE,
    progress: Progress | None = None,
) -> list[DerivationReport]:
    """``check(derivation, options)`` for each derivation, reusing and filling ``cache``.

    ``cache`` is a :class:`~derivcheck.check.session.cache.ResultCache` or None. With
    ``jobs > 1`` and more than one derivation to check, each runs in a worker
    process; a worker that dies or runs past ``deadline`` seconds yields a
    report with one ``error`` item saying why, and the run goes on.
    """
    total = len(derivations)
    results: list[DerivationReport | None] = [None] * total
    keys: list[str | None] = [None] * total
    done = 0
    if progress is not None:
        progress(0, total, None)
    todo: list[int] = []
    for index, derivation in enumerate(derivations):
        if cache is not None:
            keys[index] = cache.key_for(derivation.path, options)
            hit = cache.get(keys[index]) if keys[index] is not None else None
            if hit is not None:
                results[index] = hit
                done += 1
                if progress is not None:
                    progress(done, total, hit)
                continue
        todo.append(index)

    def finish(index: int, report: DerivationReport) -> None:
        nonlocal done
        results[index] = report
        if cache is not None and keys[index] is not None:
            cache.put(keys[index], report)
        done += 1
        if progress is not None:
            progress(done, total, report)

    if jobs > 1 and len(todo) > 1:
        _check_in_pool([derivations[i] for i in todo], options, check, jobs, deadline,
                       lambda position, report: finish(todo[position], report))
    else:
        for index in todo:
            finish(index, check(derivations[index], options))
    return [r for r in results if r is not None]


def _check_in_pool(derivations: list[Derivation], options: Options, check: Callable[[Any, Options], DerivationReport],
                   jobs: int, deadline: float, finish: Callable[[int, DerivationReport], None]) -> None:
    """Check ``derivations`` in worker processes, calling ``finish(position, report)`` for each
    (a lost worker gives a report with one ``error`` item)."""
    # the largest derivations first, so the slowest one does not start last
    order = sorted(range(len(derivations)), key=lambda i: -_estimated_work(derivations[i]))
    preload_checker(numeric=options.numeric and (options.device == "cuda" or any(
        _may_need_torch(d) for d in derivations)))
    finished: set[int] = set()

    def done(position: int, value: Any) -> None:
        finished.add(order[position])
        finish(order[position], _as_report(value, derivations[order[position]]))

    outcomes = run_pool([derivations[i] for i in order], lambda d: check(d, options), jobs, deadline=deadline,
                        on_done=done)
    for position, index in enumerate(order):  # a worker lost without a callback (interrupted pool)
        if index not in finished:
            finish(index, _as_report(outcomes.get(position, Failure("died", "no result")), derivations[index]))


def _estimated_work(derivation: Derivation) -> int:
    """A rough cost, to start the slow derivations first: steps (twice where instances are
    listed: instance proofs and more integer configurations), a distribution check as a
    dozen steps (its Monte Carlo simulation), another check as three."""
    listed = bool(getattr(derivation, "instances", ())) or any(
        getattr(step, "instances", ()) for step in getattr(derivation, "steps", ()))
    checks = list(getattr(derivation, "checks", ()))
    simulated = sum(1 for check in checks if getattr(check, "kind", "") == "distribution")
    return len(getattr(derivation, "steps", ())) * (2 if listed else 1) + 12 * simulated + 3 * (len(checks) - simulated)


def _may_need_torch(derivation: Derivation) -> bool:
    """Whether checking ``derivation`` may import torch (autograd for a gradient, Monte Carlo
    for a distribution): a ``checks`` entry, or a claim, step or definition that writes
    ``grad`` or ``~``. Only what the parent preloads depends on it (random points run on
    numpy): a wrong guess costs time, never a verdict."""
    if derivation.checks:
        return True
    texts = [derivation.claim, *(s.expr for s in derivation.steps), *(d.body for d in derivation.define)]
    return any(t is not None and ("grad" in t.value or "~" in t.value) for t in texts)


def preload_checker(*, numeric: bool = True) -> None:
    """Import the checker's heavy modules once in the parent, so forked workers share them.

    torch too when a worker will need it (``numeric``): imported in each worker instead,
    it costs about a second of CPU per derivation.
    """
    import sympy.combinatorics  # noqa: F401  -- SymPy imports these on first use, in every worker
    import sympy.tensor.tensor  # noqa: F401

    # here, not at the top: the session's face stays light (the CLI reads the cache without SymPy)
    from ...expr import declarations, parser, pretty  # noqa: F401
    from .. import numeric as numeric_checks, realize, runtime, symbolic  # noqa: F401  -- each face imports its modules

    if numeric:
        import torch  # noqa: F401


def _as_report(value: Any, derivation: Derivation) -> DerivationReport:
    if isinstance(value, DerivationReport):
        return value
    failure = value if isinstance(value, Failure) else Failure("died", f"unexpected worker result {type(value)}")
    span = getattr(derivation, "span", None) or Span(derivation.path, 1, 1)
    outcome = Outcome(
        derivation=derivation.id.value, item="worker", label="worker", verdict=Verdict.ERROR, method="worker",
        detail=f"{failure.message}; the derivation's items were not checked "
               f"(rerun with --jobs 1 to check it in the main process)",
        span=span, passed=False, limit=failure.message if failure.kind == "timeout" else "")
    return DerivationReport(path=derivation.path, id=derivation.id.value, title=derivation.title.value,
                            source=derivation.source.value if derivation.source else None, outcomes=(outcome,))


__all__ = ["Progress", "run_derivations", "preload_checker"]
