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

from .sampling import Point, point_at

ROUNDS = 16
STARTS = 3
PROPOSALS = 16
FIRST_STEP = 0.5  # relative to |value| + 0.1


def descend(trial: Any, seed: int) -> Point | None:
    """The point the descent reaches for ``trial`` (a :class:`derivcheck.check.numeric.trial.Trial`
    of an inequality) when it fails, or is within the float slack, there; else None."""
    import torch

    movable = [p for p in trial.params if not (p.kind == "scalar" and p.domain.integer)]
    if not movable or not trial.batch:
        return None
    generator = torch.Generator().manual_seed(seed * 7919 + 17)
    gaps: list = []
    usable, _, _ = trial.evaluate(trial.batch, gaps)
    score = torch.where(usable, gaps[0], torch.full_like(gaps[0], -float("inf"))).cpu()
    finite = int(torch.isfinite(score).sum())
    if finite == 0:
        return None
    best = torch.topk(score, min(STARTS, finite)).indices
    current = {k: v[best].clone() for k, v in trial.batch.items()}
    current_score = score[best].clone()
    starts = best.shape[0]
    step = torch.full((starts,), FIRST_STEP, dtype=torch.float64)
    for _ in range(ROUNDS):
        proposal = {}
        for p in trial.params:
            base = current[p.key].repeat_interleave(PROPOSALS, dim=0)
            scale = step.repeat_interleave(PROPOSALS).reshape(-1, *([1] * (base.dim() - 1)))
            noise = torch.randn(base.shape, generator=generator, dtype=torch.float64)
            if p not in movable:
                proposal[p.key] = base
            elif p.kind == "simplex":
                proposal[p.key] = base * torch.exp(scale * noise)
            else:
                proposal[p.key] = base + scale * (base.abs() + 0.1) * noise
        inside = _inside(trial.params, proposal)
        gaps = []
        ok, _, _ = trial.evaluate(proposal, gaps)
        got = torch.where(ok & inside, gaps[0], torch.full_like(gaps[0], -float("inf"))).cpu()
        got = got.reshape(starts, PROPOSALS)
        top, which = got.max(dim=1)
        better = top > current_score
        for k in range(starts):
            if better[k]:
                j = k * PROPOSALS + int(which[k])
                for key in current:
                    current[key][k] = proposal[key][j]
                current_score[k] = top[k]
            else:
                step[k] = step[k] / 2
    k = int(torch.argmax(current_score))
    if not current_score[k] > -1e-9:  # neither failing nor within the float slack
        return None
    params = trial.params
    return point_at(params, {key: v[k:k + 1] for key, v in current.items()}, 0)


def _inside(params: list, batch: dict[str, Any]) -> Any:
    """The proposals whose scalars lie in their declared domains."""
    import torch

    n = next(iter(batch.values())).shape[0]
    ok = torch.ones(n, dtype=torch.bool)
    for p in params:
        if p.kind == "scalar" and not p.domain.integer:
            ok &= torch.tensor([p.domain.contains(x) for x in batch[p.key].tolist()], dtype=torch.bool)
    return ok
