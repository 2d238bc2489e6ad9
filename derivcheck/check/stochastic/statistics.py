"""The statistical tests of distribution checks, each exact under the claimed law.

For samples ``x_1..x_S`` claimed i.i.d. ``Normal(mu, v)``:

* mean: ``z = (mean - mu) / sqrt(v / S)`` is exactly standard normal;
* variance: ``(S - 1) s^2 / v`` is exactly chi-square with ``S - 1`` degrees of
  freedom (two-sided p from the regularised incomplete gamma function);
* normality: the Kolmogorov-Smirnov distance ``D`` of the standardised samples to
  the standard normal, with the Dvoretzky-Kiefer-Wolfowitz-Massart bound
  ``P(D >= d) <= 2 exp(-2 n d^2)``, valid for every ``n`` (conservative). At every
  step of a check it is taken on a grid (:func:`grid_distance`): the largest gap
  between the empirical and the normal distribution function at the
  ``NORMALITY_BINS`` normal quantiles ``k / B``. That gap is at most ``D`` (the same
  bound holds, so the test stays valid) and at least ``D - 1 / B``, and it needs
  no sort: one ``ndtr`` and one histogram per step.

The p-values of a whole check are combined by Bonferroni: the check rejects when
some ``p < alpha / m`` (``m`` tests), so a true claim is rejected with
probability at most ``alpha`` whatever the dependence between the tests.

Power (:func:`power`): the smallest error at a single step and coordinate that
the check detects with probability at least ``POWER``, for normal samples, from
the same two tests at the per-test level ``alpha / m``: a mean off by ``delta``
claimed standard deviations (the variance right) moves ``z`` to
``N(delta sqrt(S), 1)``, detected with probability >= POWER once
``delta sqrt(S) >= z(1 - level/2) + z(POWER)``; a variance ``(1 + r)`` times the
claimed one makes the statistic ``(1 + r) chi2(S - 1)``, detected with
probability POWER when ``(1 + r) q(1 - POWER) = c_hi`` (and ``(1 - r) q(POWER) =
c_lo`` for a variance below the claimed one), with exact chi-square quantiles.
Normality: a standardised law at Kolmogorov-Smirnov distance ``D`` from N(0, 1)
(whatever its shape) is detected with probability >= POWER once
``D >= d(level) + d(1 - POWER) + 1 / B`` with ``d(a) = sqrt(ln(2 / a) / (2 n))``:
the empirical distribution function lies within ``d(1 - POWER)`` of the true one
with probability >= POWER (DKW again), and the grid loses at most ``1 / B``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

FAMILY_ALPHA = 1e-6
POWER = 0.9
NORMALITY_BINS = 1 << 13  # the grid of the per-step normality test: it loses at most 1/8192 of distance


@dataclass(frozen=True)
class Rejection:
    """The strongest evidence against the claim: which test, where, and its p-value."""

    test: str
    t: int
    coordinate: int
    statistic: float
    observed: float
    claimed: float
    p: float


def mean_pvalues(sample_mean: Any, mu: Any, variance: Any, samples: int) -> Any:
    """Two-sided p-values of the z-test of the mean (tensors broadcast)."""
    import torch

    z = (sample_mean - mu) / torch.sqrt(variance / samples)
    return torch.special.erfc(z.abs() / math.sqrt(2.0)), z


def variance_pvalues(sample_variance: Any, variance: Any, samples: int) -> tuple[Any, Any]:
    """Two-sided p-values of the chi-square test of the variance (``sample_variance`` unbiased)."""
    import torch

    k = samples - 1
    q = k * sample_variance / variance
    half = torch.full_like(q, k / 2.0)
    lower = torch.special.gammainc(half, q / 2)
    upper = torch.special.gammaincc(half, q / 2)
    return torch.clamp(2 * torch.minimum(lower, upper), max=1.0), q


def normality_pvalue(standardised: Any) -> tuple[float, float]:
    """(p, D): the KS distance of ``standardised`` (1-d) to N(0, 1) and its DKW-Massart p-bound."""
    import torch

    u = torch.sort(standardised.flatten().to(torch.float64)).values
    n = u.numel()
    cdf = 0.5 * torch.special.erfc(-u / math.sqrt(2.0))
    ranks = torch.arange(1, n + 1, dtype=torch.float64, device=u.device)
    d = float(torch.maximum(ranks / n - cdf, cdf - (ranks - 1) / n).max())
    return min(1.0, 2.0 * math.exp(-2.0 * n * d * d)), d


def grid_distance(standardised: Any, bins: int = NORMALITY_BINS) -> Any:
    """The Kolmogorov-Smirnov distance of ``standardised`` (any shape, pooled) to N(0, 1) at the
    normal quantiles ``k / bins``, as a 0-d tensor on its device: between ``D - 1 / bins`` and
    ``D`` (the exact distance), so :func:`dkw_pvalues` applies to it."""
    import torch

    u = torch.special.ndtr(standardised.flatten())
    counts = _bin_counts(u, bins)  # bin k holds k/B <= ndtr(x) < (k+1)/B
    n = u.numel()
    below = torch.cumsum(counts, 0) / n  # the share of samples below the quantile (k + 1) / B
    grid = torch.arange(1, bins + 1, dtype=below.dtype, device=below.device) / bins
    return (below - grid).abs().max()


def _bin_counts(u: Any, bins: int) -> Any:
    """``torch.histc(u, bins, min=0, max=1)``, the same counts: on the CPU by NumPy's bincount of
    ``int(u * bins)`` (the index histc computes, its last bin closed, values outside [0, 1] and
    NaN left out), about ten times faster than histc, which costs 8 ms a call at 8192 bins."""
    import numpy
    import torch

    if u.device.type != "cpu" or u.dtype != torch.float64:
        return torch.histc(u, bins=bins, min=0.0, max=1.0)
    v = u.numpy()
    v = v[(v >= 0.0) & (v <= 1.0)]
    index = numpy.minimum((v * bins).astype(numpy.int64), bins - 1)
    return torch.from_numpy(numpy.bincount(index, minlength=bins).astype(numpy.float64))


def dkw_pvalues(distance: Any, n: int) -> Any:
    """``min(1, 2 exp(-2 n D^2))``: the DKW-Massart bound on ``P(D >= distance)`` for ``n`` samples."""
    import torch

    return torch.clamp(2.0 * torch.exp(-2.0 * n * distance * distance), max=1.0)


def bonferroni_level(alpha: float, tests: int) -> float:
    """The per-test level that keeps the family-wise false-alarm rate at ``alpha``."""
    return alpha / max(tests, 1)


@dataclass(frozen=True)
class Power:
    """The smallest errors detected with probability >= POWER at one step and coordinate:
    ``mean`` in claimed standard deviations; ``variance_above`` / ``variance_below`` as
    fractions of the claimed variance (a true variance that much above or below it)."""

    mean: float
    variance_above: float
    variance_below: float
    normality: float = math.nan  # a Kolmogorov-Smirnov distance of the standardised law to N(0, 1)

    @property
    def variance(self) -> float:
        """The larger of the two variance errors: detected either way."""
        return max(self.variance_above, self.variance_below)

    def text(self) -> str:
        """``power 0.9 at any single t: a mean off by >= 0.077 sd, a variance off by >= 11 %``."""
        return (f"power {POWER:g} at any single t and coordinate (normal samples): detects a mean off by "
                f">= {self.mean:.2g} standard deviations, or a variance off by >= {_percent(self.variance)} "
                f"(>= {_percent(self.variance_above)} above, >= {_percent(self.variance_below)} below the claimed one)"
                + ("" if math.isnan(self.normality) else
                   f", or a law at Kolmogorov-Smirnov distance >= {self.normality:.2g} from the claimed normal one"))


def _percent(x: float) -> str:
    return f"{100 * x:.2g} %"


def power(samples: int, level: float, pooled: int | None = None) -> Power:
    """The :class:`Power` of the mean and variance tests at ``samples`` samples, each test at
    the two-sided ``level``, and of the grid normality test of ``pooled`` samples (the
    coordinates of a step together) when given."""
    k = samples - 1
    z = NormalDist()
    mean = (z.inv_cdf(1 - level / 2) + z.inv_cdf(POWER)) / math.sqrt(samples)
    c_lo, c_hi = chi2_quantile(k, level / 2), chi2_quantile(k, 1 - level / 2)
    above = c_hi / chi2_quantile(k, 1 - POWER) - 1
    below = 1 - c_lo / chi2_quantile(k, POWER)
    normality = math.nan
    if pooled is not None:
        normality = (math.sqrt(math.log(2 / level) / (2 * pooled)) + math.sqrt(math.log(2 / (1 - POWER)) / (2 * pooled))
                     + 1 / NORMALITY_BINS)
    return Power(mean, above, below, normality)


def chi2_quantile(k: int, p: float) -> float:
    """The ``p`` quantile of chi-square with ``k`` degrees of freedom (bisection on the
    regularised incomplete gamma function; both tails are resolved, so tiny ``p`` and
    ``1 - p`` are exact to float64)."""
    import torch

    half = torch.tensor(k / 2.0, dtype=torch.float64)
    upper = p > 0.5  # bisect on the small tail
    target = 1 - p if upper else p

    def tail(q: float) -> float:
        x = torch.tensor(q / 2, dtype=torch.float64)
        return float(torch.special.gammaincc(half, x) if upper else torch.special.gammainc(half, x))

    lo, hi = 0.0, max(1.0, 2.0 * k)
    while (tail(hi) > target) if upper else (tail(hi) < target):
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if (tail(mid) > target) if upper else (tail(mid) < target):
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return (lo + hi) / 2
