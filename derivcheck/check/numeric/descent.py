"""A short random descent on an inequality's violation, from its closest sampled points.

An inequality can fail on a small region that random points miss (``x**2 - x +
0.2 > 0`` fails only on (0.28, 0.72)). From the sampled points where it comes
closest to failing (largest relative violation, :func:`derivcheck.check.numeric.evaluate.compare`),
a few rounds of random proposals (a Gaussian step relative to each value, halved
when no proposal improves) move towards a violation, all in one batched float
evaluation per round. The best point found, if it fails or nearly fails in
float, goes to the same 50-digit confirmation as any other: the descent can find
counterexamples, never evidence. It is a local search: a violation far from every
sampled point, or on a set of measure zero not solved for by
:mod:`derivcheck.check.numeric.special_points`, may still be missed.
"""

from __future__ import annotations

from typing import Any

import numpy

from .sampling import Point, generator, point_at

ROUNDS = 16
STARTS = 3
PROPOSALS = 16
FIRST_STEP = 0.5  # relative to |value| + 0.1


def descend(trial: Any, seed: int) -> Point | None:
    """The point the descent reaches for ``trial`` (a :class:`derivcheck.check.numeric.trial.Trial`
    of an inequality) when it fails, or is within the float slack, there; else None."""
    movable = [p for p in trial.params if not (p.kind == "scalar" and p.domain.integer)]
    if not movable or not trial.batch:
        return None
    rng = generator(seed * 7919 + 17)
    gaps: list = []
    usable, _, _ = trial.evaluate(trial.batch, gaps)
    score = numpy.where(usable, gaps[0], -numpy.inf)
    finite = int(numpy.isfinite(score).sum())
    if finite == 0:
        return None
    best = numpy.argsort(-score, kind="stable")[:min(STARTS, finite)]
    current = {k: v[best].copy() for k, v in trial.batch.items()}
    current_score = score[best].copy()
    starts = best.shape[0]
    step = numpy.full(starts, FIRST_STEP)
    for _ in range(ROUNDS):
        proposal = {}
        for p in trial.params:
            base = numpy.repeat(current[p.key], PROPOSALS, axis=0)
            scale = numpy.repeat(step, PROPOSALS).reshape(-1, *([1] * (base.ndim - 1)))
            noise = rng.standard_normal(base.shape)
            if p not in movable:
                proposal[p.key] = base
            elif p.kind == "simplex":
                proposal[p.key] = base * numpy.exp(scale * noise)
            else:
                proposal[p.key] = base + scale * (numpy.abs(base) + 0.1) * noise
        inside = _inside(trial.params, proposal)
        gaps = []
        ok, _, _ = trial.evaluate(proposal, gaps)
        got = numpy.where(ok & inside, gaps[0], -numpy.inf).reshape(starts, PROPOSALS)
        top, which = got.max(axis=1), got.argmax(axis=1)
        for k in range(starts):
            if top[k] > current_score[k]:
                j = k * PROPOSALS + int(which[k])
                for key in current:
                    current[key][k] = proposal[key][j]
                current_score[k] = top[k]
            else:
                step[k] = step[k] / 2
    k = int(numpy.argmax(current_score))
    if not current_score[k] > -1e-9:  # neither failing nor within the float slack
        return None
    params = trial.params
    return point_at(params, {key: v[k:k + 1] for key, v in current.items()}, 0)


def _inside(params: list, batch: dict[str, Any]) -> Any:
    """The proposals whose scalars lie in their declared domains."""
    n = next(iter(batch.values())).shape[0]
    ok = numpy.ones(n, dtype=bool)
    for p in params:
        if p.kind == "scalar" and not p.domain.integer:
            ok &= numpy.array([p.domain.contains(x) for x in batch[p.key].tolist()], dtype=bool)
    return ok
