"""Explicit realisation: a parsed expression at concrete sizes, written out entry by entry.

``realizer`` is the core (:func:`realize`); ``relations`` realises a claim and its
hypotheses on one shared probability space (:func:`realize_relations`); ``base`` holds
what a realisation substitutes and its errors; ``calculus``, ``integrals``,
``lazy_algebra`` and ``replacements`` realise derivatives, integrals, determinants
and declared functions; ``finite_space`` and ``genericity`` give random variables
exact finite laws; ``entries`` writes matrices with one symbol per entry.
"""

from __future__ import annotations

from .base import MAX_DIFFERENTIATED_INVERSE, MAX_ENTRIES, MAX_SYMBOLIC_ORDER, FunctionReplacement, Realization, RealizeError, UndefinedAt
from .entries import entry_symbol, realize_symbolic
from .finite_space import FiniteSpace, build_space, random_atoms
from .genericity import generic_space
from .integrals import Diverges, extended_value, untrusted_integrals
from .lazy_algebra import LazyDet, LazyInverseEntry, evaluate_lazy
from .rational import NotRational, degree_bound, evaluate_exact
from .realizer import realize
from .relations import RealizedRelation, realize_relation, realize_relations, side_pairs
from .replacements import resolve_function, substitute_functions

__all__ = [
    "Diverges",
    "FiniteSpace",
    "FunctionReplacement",
    "LazyDet",
    "LazyInverseEntry",
    "MAX_DIFFERENTIATED_INVERSE",
    "MAX_ENTRIES",
    "MAX_SYMBOLIC_ORDER",
    "NotRational",
    "Realization",
    "RealizeError",
    "RealizedRelation",
    "UndefinedAt",
    "build_space",
    "degree_bound",
    "entry_symbol",
    "evaluate_exact",
    "evaluate_lazy",
    "extended_value",
    "generic_space",
    "random_atoms",
    "realize",
    "realize_relation",
    "realize_relations",
    "realize_symbolic",
    "side_pairs",
    "resolve_function",
    "substitute_functions",
    "untrusted_integrals",
]
