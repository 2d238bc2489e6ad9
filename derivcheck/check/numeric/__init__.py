"""Numeric evidence: both sides at random points in torch, exact rational points, torch
autograd for gradients, special points, shrinking and high-precision confirmation.

:func:`check_numerically` is the one entry: it dispatches a gradient relation to
:mod:`.gradient` and anything else to the random-point check, and returns an
:class:`~derivcheck.check.evidence.Evidence`.
"""

from __future__ import annotations

from .domains import REAL, Domain, domain_of, matrix_transform, torch_matrix
from .eigen import eigen_pairs
from .entry import check_numerically, witness
from .exact import exact_check
from .gradient import check_gradient, gradient_parts
from .parameters import parameters_of
from .sampling import MATRIX_DECADES, SPECIAL

__all__ = [
    "Domain",
    "MATRIX_DECADES",
    "REAL",
    "SPECIAL",
    "check_gradient",
    "check_numerically",
    "domain_of",
    "eigen_pairs",
    "exact_check",
    "gradient_parts",
    "matrix_transform",
    "parameters_of",
    "torch_matrix",
    "witness",
]
