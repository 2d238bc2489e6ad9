"""Distribution checks: a declared stochastic recursion simulated by Monte Carlo, its
moments judged against the claimed law by exact statistical tests.
"""

from __future__ import annotations

from .distribution import check_distribution
from .linear_law import prove_linear_law
from .plan import parse_plan

__all__ = [
    "check_distribution",
    "parse_plan",
    "prove_linear_law",
]
