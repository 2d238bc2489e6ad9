"""Symbolic proofs: canonical forms, the ordered strategies, proofs at instances, named
hypotheses and whether they can hold at all.

A strategy answers ``proved`` or nothing; :mod:`.strategies` runs them in order.
"""

from __future__ import annotations

from .canonical import canonical
from .closed_forms import trusted_closed_form
from .consistency import inconsistency
from ...expr.constants import constant_sign, enclosable, is_constant
from .defined_at import (declared_invertible, declared_nonzero, declared_value, nonzero_at, uncertified_constant,
                         written_out_nonzero)
from .hypotheses import (apply_hypotheses, quantified_indices, rewrite_with, solve_for_entry,
                         solve_for_lone_factor, solve_for_lone_symbol, substitute)
from .inequalities import provably_nonzero
from .index_domain import outside_domain, provably_in_domain
from .moment_recursion import LinearRecursion, prove_moment_recursion
from .instances import instance_assignments, integer_parameters, prove_at_instances
from .series import divergence
from .witness import Witness, exact_witness, find_witness
from .proof import Proof
from .strategies import STRATEGIES, Strategy, prove, prove_by_simplify, prove_equal, refusal

__all__ = [
    "STRATEGIES",
    "Strategy",
    "Proof",
    "Witness",
    "LinearRecursion",
    "apply_hypotheses",
    "canonical",
    "trusted_closed_form",
    "constant_sign",
    "enclosable",
    "declared_invertible",
    "declared_nonzero",
    "declared_value",
    "divergence",
    "exact_witness",
    "find_witness",
    "inconsistency",
    "instance_assignments",
    "is_constant",
    "integer_parameters",
    "nonzero_at",
    "written_out_nonzero",
    "uncertified_constant",
    "outside_domain",
    "provably_in_domain",
    "provably_nonzero",
    "prove",
    "prove_at_instances",
    "prove_moment_recursion",
    "prove_by_simplify",
    "prove_equal",
    "quantified_indices",
    "refusal",
    "rewrite_with",
    "solve_for_entry",
    "solve_for_lone_factor",
    "solve_for_lone_symbol",
    "substitute",
]
