"""The verdict of a distribution check: simulated moments against the claimed law, with a stated error rate.

At every step ``t`` and coordinate ``j`` the claimed ``Normal(mu, v)`` is tested by
the sample mean (z-test) and the sample variance (chi-square), and at a few
steps the pooled standardised samples by a Kolmogorov-Smirnov test. All p-values
are exact (or conservative) under the claim, so Bonferroni over the ``m`` tests
keeps the chance that a true claim is rejected below ``FAMILY_ALPHA``; agreement also
states the check's power (:func:`~derivcheck.check.stochastic.statistics.power`): the smallest
mean and variance errors at a single step that it detects with probability 0.9. A claimed
variance that is (numerically) zero is not tested statistically: the samples
must then sit at the claimed mean up to rounding, and a spread 100 times beyond
rounding refutes the claim outright (p = 0).
"""

from __future__ import annotations

from typing import Any

from ...model import Counterexample
from ..evidence import Evidence, EvidenceKind, Status
from .statistics import (FAMILY_ALPHA, Rejection, bonferroni_level, mean_pvalues, normality_pvalue, power,
                         variance_pvalues)

ROUNDING = 1e-7  # relative size below which a claimed standard deviation counts as zero
MONTE_CARLO = EvidenceKind.MONTE_CARLO


def judge(plan: Any, mean: Any, variance: Any, moments: Any, *, seed: int, device: str,
          replay: str | None = None) -> Any:
    """A :class:`~derivcheck.check.evidence.Evidence` for the simulated ``moments``."""
    import torch

    T, d, S = plan.steps, mean.shape[1], plan.samples
    first = plan.first + 1
    where = f"{S} samples x {T} steps x {d} coordinate{'s' if d > 1 else ''} on {device}"
    bad = ~(torch.isfinite(mean).all(dim=1) & torch.isfinite(variance))
    if bool(bad.any()):
        t = first + int(torch.nonzero(bad)[0])
        return Evidence(Status.INCONCLUSIVE, detail=f"the claimed law is not a finite number at t = {t}",
                        kind=MONTE_CARLO)
    if not (bool(torch.isfinite(moments.mean).all()) and bool(torch.isfinite(moments.variance).all())):
        return Evidence(Status.INCONCLUSIVE, detail="the simulation overflowed (non-finite samples)",
                        kind=MONTE_CARLO)
    var = variance[:, None].expand(T, d)
    floor = ROUNDING * (1 + mean.abs())
    sd = torch.sqrt(torch.clamp(var, min=0))
    negative = var < -floor ** 2
    degenerate = (sd < floor) & ~negative
    observed_sd = torch.sqrt(torch.clamp(moments.variance, min=0))
    off = degenerate & ((observed_sd > 100 * floor) | ((moments.mean - mean).abs() > 100 * floor))
    for mask, what in ((negative, "a negative variance"), (off, "a point mass")):
        if bool(mask.any()):
            t_index, j = (int(v) for v in torch.nonzero(mask)[0])
            spread = float(observed_sd[t_index, j])
            rejection = Rejection("variance", first + t_index, j, 0.0, spread ** 2,
                                  float(var[t_index, j]), 0.0)
            detail = (f"the claim gives {what} at t = {first + t_index} (variance {float(var[t_index, j]):.6g}), "
                      f"but the samples have mean {float(moments.mean[t_index, j]):.6g} and standard deviation "
                      f"{spread:.6g}: refuted without a statistical test ({where})")
            return _refuted(plan, rejection, detail, seed, device, replay, mean_value=float(mean[t_index, j]))
    tested = ~degenerate
    safe_var = torch.where(tested, var, torch.ones_like(var))
    p_mean, z = mean_pvalues(moments.mean, mean, safe_var, S)
    p_var, _ = variance_pvalues(moments.variance, safe_var, S)
    one = torch.ones_like(p_mean)
    p_mean, p_var = torch.where(tested, p_mean, one), torch.where(tested, p_var, one)
    normal_steps = sorted(k for k in moments.kept if bool(tested[k - 1].all()))
    normal = {}
    for k in normal_steps:
        u = (moments.kept[k] - mean[k - 1][:, None]) / sd[k - 1][:, None]
        normal[k] = normality_pvalue(u)
    tests = 2 * int(tested.sum()) + len(normal)
    level = bonferroni_level(FAMILY_ALPHA, tests)
    candidates = []
    for name, p in (("mean", p_mean), ("variance", p_var)):
        flat = int(torch.argmin(p))
        candidates.append((float(p.flatten()[flat]), name, divmod(flat, d)))
    for k, (p, _) in normal.items():
        candidates.append((p, "normality", (k - 1, 0)))
    smallest = min(candidates, key=lambda c: c[0])
    skipped = int(degenerate.sum())
    how = (f"mean (z-test) and variance (chi-square) at every t = {first}..{first + T - 1} for each coordinate, "
           f"normality (Kolmogorov-Smirnov, DKW bound) at t = {', '.join(map(str, normal_steps)) or 'none'}")
    rate = f"family-wise false-alarm rate <= {FAMILY_ALPHA:g} (Bonferroni over {tests} tests, each at {level:.2g})"
    if smallest[0] >= level:
        note = f"; {skipped} (t, coordinate) pairs with a zero claimed variance matched exactly" if skipped else ""
        detects = power(S, level)  # what agreement rules out, besides the false-alarm rate
        detail = (f"Monte Carlo, {where}: {how}; all pass, {rate}; {detects.text()}; smallest p = "
                  f"{smallest[0]:.2g} ({smallest[1]} at t = {first + smallest[2][0]}){note}")
        evidence = (f"Monte Carlo, {S} samples, false alarm <= {FAMILY_ALPHA:g}; detects a mean error >= "
                    f"{detects.mean:.2g} sd or a variance error >= {100 * detects.variance:.2g} % at any t "
                    f"with power 0.9")
        return Evidence(Status.AGREE, detail=detail, evidence=evidence, kind=MONTE_CARLO)
    p, test, (t_index, j) = smallest
    if test == "mean":
        rejection = Rejection("mean", first + t_index, j, float(z[t_index, j]), float(moments.mean[t_index, j]),
                              float(mean[t_index, j]), p)
    elif test == "variance":
        rejection = Rejection("variance", first + t_index, j, 0.0, float(moments.variance[t_index, j]),
                              float(var[t_index, j]), p)
    else:
        rejection = Rejection("normality", first + t_index, -1, normal[t_index + 1][1], normal[t_index + 1][1],
                              0.0, p)
    detail = (f"{test} test fails at t = {first + t_index}: p = {_p(p)}, below the per-test level {level:.2g} "
              f"(Bonferroni-adjusted p = {_p(min(1.0, p * tests))} < {FAMILY_ALPHA:g}); Monte Carlo, {where}")
    return _refuted(plan, rejection, detail, seed, device, replay, mean_value=float(mean[t_index, max(j, 0)]))


def _p(p: float) -> str:
    return "< 1e-300" if p < 1e-300 else f"{p:.3g}"


def _refuted(plan: Any, r: Rejection, detail: str, seed: int, device: str, replay: str | None,
             mean_value: float) -> Any:
    where = f"{plan.state}[{r.t}]" + (f", coordinate {r.coordinate + 1}" if r.coordinate >= 0 else "")
    values = {"t": str(r.t), "at": where, "samples": str(plan.samples), **plan.sampled}
    if r.test == "mean":
        lhs, rhs = f"sample mean {r.observed:.8g}", f"claimed mean {r.claimed:.8g} (z = {r.statistic:.3g})"
    elif r.test == "variance":
        lhs = f"sample variance {r.observed:.8g}"
        rhs = f"claimed variance {r.claimed:.8g} (claimed mean {mean_value:.6g})"
    else:
        lhs = f"Kolmogorov-Smirnov distance {r.observed:.4g} of the standardised samples to N(0, 1)"
        rhs = "a distance of order 1/sqrt(samples) under the claimed normal law"
    counterexample = Counterexample(values=values, lhs=lhs, rhs=rhs, seed=seed, replay=replay)
    evidence = f"Monte Carlo, p {_p(r.p)}"
    return Evidence(Status.DISAGREE, counterexample=counterexample, detail=detail, evidence=evidence, kind=MONTE_CARLO)
