"""The statistical tests of distribution checks, each exact under the claimed law.

For samples ``x_1..x_S`` claimed i.i.d. ``Normal(mu, v)``:

* mean: ``z = (mean - mu) / sqrt(v / S)`` is exactly standard normal;
* variance: ``(S - 1) s^2 / v`` is exactly chi-square with ``S - 1`` degrees of
  freedom (two-sided p from the regularised incomplete gamma function);
* normality: the Kolmogorov-Smirnov distance ``D`` of the standardised samples to
  the standard normal, with the Dvoretzky-Kiefer-Wolfowitz-Massart bound
  ``P(D >= d) <= 2 exp(-2 n d^2)``, valid for every ``n`` (conservative).

The p-values of a whole check are combined by Bonferroni: the check rejects when
some ``p < alpha / m`` (``m`` tests), so a true claim is rejected with
probability at most ``alpha`` whatever the dependence between the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

FAMILY_ALPHA = 1e-6


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


def bonferroni_level(alpha: float, tests: int) -> float:
    """The per-test level that keeps the family-wise false-alarm rate at ``alpha``."""
    return alpha / max(tests, 1)
