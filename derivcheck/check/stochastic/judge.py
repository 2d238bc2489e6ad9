"""The verdict of a distribution check: simulated moments against the claimed law, with a stated error rate.

At every step ``t`` and coordinate ``j`` the claimed ``Normal(mu, v)`` is tested by
the sample mean (z-test) and the sample variance (chi-square), and at every
step the pooled standardised samples by a Kolmogorov-Smirnov test (on a grid of
normal quantiles, :func:`~derivcheck.check.statistics.grid_distance`). All p-values
are exact (or conservative) under the claim, so Bonferroni over the ``m`` tests
keeps the chance that a true claim is rejected below ``FAMILY_ALPHA``; agreement also
states the check's power (:func:`~derivcheck.check.statistics.power`): the smallest
mean and variance errors at a single step that it detects with probability 0.9. A claimed
variance that is (numerically) zero is not tested statistically: the samples
must then sit at the claimed mean up to rounding, and a spread 100 times beyond
rounding refutes the claim outright (p = 0). A check simulated at several draws of its
drawn quantities (:mod:`~derivcheck.check.stochastic.draws`) is judged over all of
them at once: ``m`` counts the tests of every draw, and a failure at any draw refutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model import Counterexample
from ..evidence import Evidence, EvidenceKind, Status
from .draws import DRAWS
from .statistics import (FAMILY_ALPHA, NORMALITY_BINS, Rejection, bonferroni_level, dkw_pvalues, mean_pvalues,
                         power, variance_pvalues)

# A claimed standard deviation counts as zero below ROUNDING * |mean| + ROUNDING_FLOOR: far
# above float64's rounding of the simulated values (1e-16 relative per operation), far below
# any spread a process means to have (an absolute 1e-7 passed x[t] = 1e-6*eps[t] as a point
# mass, untested)
ROUNDING = 1e-13
ROUNDING_FLOOR = 1e-12
POINT_MASS_SPREAD = 10  # a spread this many floors wide is no point mass
MONTE_CARLO = EvidenceKind.MONTE_CARLO


@dataclass
class DrawTests:
    """The p-values of one draw's simulation: ``(T, d)`` for mean and variance, ``(T,)`` for normality."""

    plan: Any
    mean: Any
    var: Any
    moments: Any
    p_mean: Any
    z: Any
    p_var: Any
    p_normal: Any
    tests: int
    skipped: int  # (t, coordinate) pairs with a zero claimed variance, matched exactly
    untested: int  # steps without a normality test (a zero claimed variance somewhere)


@dataclass
class Family:
    """The tests of every draw together: ``tests`` of them, each at the Bonferroni ``level``."""

    plan0: Any  # the first draw's plan (steps, samples, the drawn names)
    d: int  # coordinates
    where: str
    several: bool  # more than one draw was simulated
    done: list[DrawTests]  # the draws tested
    uncovered: list[str]  # why the others could not be

    @property
    def tests(self) -> int:
        return sum(t.tests for t in self.done)

    @property
    def level(self) -> float:
        return bonferroni_level(FAMILY_ALPHA, self.tests)

    @property
    def first(self) -> int:
        """The first simulated step's index."""
        return self.plan0.first + 1


def judge(runs: list[tuple[Any, Any, Any, Any]], *, seed: int, device: str, replay: str | None = None,
          shared: bool = False) -> Any:
    """A :class:`~derivcheck.check.evidence.Evidence` for the simulated ``runs``,
    ``(plan, claimed mean, claimed variance, moments)`` per draw: Bonferroni over the tests of
    all draws; a failure at any draw refutes, with that draw's values. ``shared``: the draws'
    moments come from one simulation (:func:`~derivcheck.check.stochastic.distribution.run_shared`)."""
    plan0 = runs[0][0]
    d = runs[0][1].shape[1]
    where = f"{plan0.samples} samples x {plan0.steps} steps x {d} coordinate{'s' if d > 1 else ''} on {device}"
    several = len(runs) > 1
    if several:
        where += f", at each of {len(runs)} draws of {', '.join(plan0.drawn)}"
        if shared:
            where += " (one shared simulation: the draws differ only in the start of an affine recursion)"
    done: list[DrawTests] = []
    uncovered: list[str] = []
    for plan, mean, variance, moments in runs:
        tests = _draw_tests(plan, mean, variance, moments, where, seed, device, replay)
        if isinstance(tests, Evidence):
            return tests  # refuted without a statistical test
        if isinstance(tests, str):
            uncovered.append(f"{_draw_name(plan)}: {tests}" if several else tests)
        else:
            done.append(tests)
    if not done:
        return Evidence(Status.INCONCLUSIVE, detail="; ".join(uncovered), kind=MONTE_CARLO)
    family = Family(plan0, d, where, several, done, uncovered)
    smallest = min((_smallest(t) for t in done), key=lambda c: c[0])
    if smallest[0] >= family.level:
        return _agreement(family, smallest)
    return _rejection(family, smallest, seed, device, replay)


def _agreement(family: Family, smallest: tuple[float, str, tuple[int, int], str, DrawTests]) -> Any:
    """Every test passes: the evidence states the tests, the false-alarm rate and the power."""
    plan0, done, uncovered, several = family.plan0, family.done, family.uncovered, family.several
    T, S, first = plan0.steps, plan0.samples, family.first
    untested = sum(t.untested for t in done)
    skipped = sum(t.skipped for t in done)
    how = (f"mean (z-test) and variance (chi-square) at every t = {first}..{first + T - 1} for each coordinate, "
           f"normality (Kolmogorov-Smirnov on {NORMALITY_BINS} normal quantiles, DKW bound) at every t"
           + (f" but {untested} with a zero claimed variance" if untested else ""))
    rate = (f"family-wise false-alarm rate <= {FAMILY_ALPHA:g} (Bonferroni over {family.tests} tests, "
            f"each at {family.level:.2g})")
    note = f"; {skipped} (t, coordinate) pairs with a zero claimed variance matched exactly" if skipped else ""
    covered = ""
    if several:
        covered = (f"; draws covered: {'; '.join(_draw_name(t.plan) + ' (' + _values(t.plan) + ')' for t in done)}"
                   + (f"; not covered: {'; '.join(uncovered)}" if uncovered else ""))
    detects = power(S, family.level, family.d * S)  # what agreement rules out, besides the false-alarm rate
    at = f" at {smallest[3]}" if several else ""
    detail = (f"Monte Carlo, {family.where}: {how}; all pass, {rate}; {detects.text()}; smallest p = "
              f"{smallest[0]:.2g} ({smallest[1]} at t = {first + smallest[2][0]}{at}){note}{covered}")
    evidence = (f"Monte Carlo, {S} samples, false alarm <= {FAMILY_ALPHA:g}; detects a mean error >= "
                f"{detects.mean:.2g} sd or a variance error >= {100 * detects.variance:.2g} % at any t "
                f"with power 0.9 (or a non-normal law at Kolmogorov-Smirnov distance >= {detects.normality:.2g})")
    if several:
        evidence += (f"; at {len(done)} draws of {', '.join(plan0.drawn)} "
                     f"({', '.join(DRAWS[t.plan.draw] for t in done)})"
                     + (f", {len(uncovered)} not covered" if uncovered else ""))
    return Evidence(Status.AGREE, detail=detail, evidence=evidence, kind=MONTE_CARLO)


def _rejection(family: Family, smallest: tuple[float, str, tuple[int, int], str, DrawTests], seed: int,
               device: str, replay: str | None) -> Any:
    """The smallest p-value is below the level: the claim is refuted at that test's step and draw."""
    p, test, (t_index, j), _, draw = smallest
    first = family.first
    plan, mean, var, moments = draw.plan, draw.mean, draw.var, draw.moments
    if test == "mean":
        rejection = Rejection("mean", first + t_index, j, float(draw.z[t_index, j]),
                              float(moments.mean[t_index, j]), float(mean[t_index, j]), p)
    elif test == "variance":
        rejection = Rejection("variance", first + t_index, j, 0.0, float(moments.variance[t_index, j]),
                              float(var[t_index, j]), p)
    else:
        gap = float(moments.normality[t_index])
        rejection = Rejection("normality", first + t_index, -1, gap, gap, 0.0, p)
    at = f" ({_draw_name(plan)}: {_values(plan)})" if family.several else ""
    detail = (f"{test} test fails at t = {first + t_index}{at}: p = {_p(p)}, below the per-test level "
              f"{family.level:.2g} (Bonferroni-adjusted p = {_p(min(1.0, p * family.tests))} < {FAMILY_ALPHA:g}); "
              f"Monte Carlo, {family.where}")
    return _refuted(plan, rejection, detail, seed, device, replay, mean_value=float(mean[t_index, max(j, 0)]))


def _draw_name(plan: Any) -> str:
    return f"draw {plan.draw + 1} ({DRAWS[plan.draw]})"


def _values(plan: Any) -> str:
    return ", ".join(f"{name} = {plan.sampled[name]}" for name in plan.drawn)


def _smallest(t: DrawTests) -> tuple[float, str, tuple[int, int], str, DrawTests]:
    import torch

    d = t.p_mean.shape[1]
    candidates = []
    for name, p in (("mean", t.p_mean), ("variance", t.p_var)):
        flat = int(torch.argmin(p))
        candidates.append((float(p.flatten()[flat]), name, divmod(flat, d)))
    k = int(torch.argmin(t.p_normal))
    candidates.append((float(t.p_normal[k]), "normality", (k, 0)))
    p, name, where = min(candidates, key=lambda c: c[0])
    return p, name, where, _draw_name(t.plan), t


def _draw_tests(plan: Any, mean: Any, variance: Any, moments: Any, where: str, seed: int, device: str,
                replay: str | None) -> Any:
    """The :class:`DrawTests` of one draw; a refutation without a test (a result); or why the
    draw cannot be tested (a string)."""
    import torch

    T, d, S = plan.steps, mean.shape[1], plan.samples
    first = plan.first + 1
    bad = ~(torch.isfinite(mean).all(dim=1) & torch.isfinite(variance))
    if bool(bad.any()):
        t = first + int(torch.nonzero(bad)[0])
        return f"the claimed law is not a finite number at t = {t}"
    if not (bool(torch.isfinite(moments.mean).all()) and bool(torch.isfinite(moments.variance).all())):
        return "the simulation overflowed (non-finite samples)"
    var = variance[:, None].expand(T, d)
    floor = ROUNDING * mean.abs() + ROUNDING_FLOOR
    sd = torch.sqrt(torch.clamp(var, min=0))
    negative = var < -floor ** 2
    degenerate = (sd < floor) & ~negative
    observed_sd = torch.sqrt(torch.clamp(moments.variance, min=0))
    off = degenerate & ((observed_sd > POINT_MASS_SPREAD * floor)
                        | ((moments.mean - mean).abs() > POINT_MASS_SPREAD * floor))
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
    normal_tested = tested.all(dim=1)  # the steps whose every coordinate has a claimed spread
    distance = moments.normality
    p_normal = torch.where(normal_tested, dkw_pvalues(distance, d * S), torch.ones_like(distance))
    tests = 2 * int(tested.sum()) + int(normal_tested.sum())
    return DrawTests(plan, mean, var, moments, p_mean, z, p_var, p_normal, tests, int(degenerate.sum()),
                     T - int(normal_tested.sum()))


def _p(p: float) -> str:
    return "< 1e-300" if p < 1e-300 else f"{p:.3g}"


def _refuted(plan: Any, r: Rejection, detail: str, seed: int, device: str, replay: str | None,
             mean_value: float) -> Any:
    where = f"{plan.state}[{r.t}]" + (f", coordinate {r.coordinate + 1}" if r.coordinate >= 0 else "")
    values = {"t": str(r.t), "at": where, "samples": str(plan.samples), **plan.sampled}
    if plan.drawn:
            values["draw"] = f"{plan.draw + 1} of {len(DRAWS)} ({DRAWS[plan.draw]})"
    if r.test == "mean":
        lhs, rhs = f"sample mean {r.observed:.8g}", f"claimed mean {r.claimed:.8g} (z = {r.statistic:.3g})"
    elif r.test == "variance":
        lhs = f"sample variance {r.observed:.8g}"
        rhs = f"claimed variance {r.claimed:.8g} (claimed mean {mean_value:.6g})"
    else:
        lhs = (f"Kolmogorov-Smirnov distance >= {r.observed:.4g} of the standardised samples to N(0, 1) "
               f"(at {NORMALITY_BINS} normal quantiles)")
        rhs = "a distance of order 1/sqrt(samples) under the claimed normal law"
    counterexample = Counterexample(values=values, lhs=lhs, rhs=rhs, seed=seed, replay=replay)
    evidence = f"Monte Carlo, p {_p(r.p)}"
    return Evidence(Status.DISAGREE, counterexample=counterexample, detail=detail, evidence=evidence, kind=MONTE_CARLO)
