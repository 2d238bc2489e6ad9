"""Where a rewrite that is valid only pointwise (a case, a branch, a sign condition) may act.

A case split replaces ``Abs(a)`` by ``a`` *at the points* where ``a >= 0``. That is exact
for a node whose value is one number at each point of the cell: a node outside every
operator that averages or binds (``E``, ``Var``, ``Cov``, derivatives, integrals, sums,
products, limits, ``Lambda`` bodies, entrywise maps), with arguments that hold no random
variable. Inside ``E(...)`` the node's argument ranges over all outcomes at once
(``E(Abs(X))`` is neither ``E(X)`` nor ``E(-X)`` unless ``X`` keeps one sign surely), and
a random variable outside ``E`` has no single value at a point of the declared scalars, so
a condition on it is no cell of that space. Such a node is *not splittable*: a strategy
that splits or eliminates nodes refuses the relation (or leaves the node whole, as an
opaque real generator, where its proof takes every generator as a free variable).
"""

from __future__ import annotations

import sympy

from ...expr.objects import Covariance, Elementwise, Expectation, Gradient, HessianMatrix, Variance
from ...expr.scope import Scope
from .moments import random_leaves

AVERAGING = (Expectation, Variance, Covariance, sympy.Derivative, sympy.Integral, sympy.Sum, sympy.Product,
             sympy.Limit, sympy.Lambda, Elementwise, Gradient, HessianMatrix)
"""Operators whose argument is not one value at a point: averages over outcomes, and
bindings (a derivative, integral, sum, product, limit or map looks at many values)."""


def inside_averaging(expr: sympy.Basic, nodes: tuple[type, ...]) -> set[sympy.Basic]:
    """The nodes of the types ``nodes`` that occur inside an averaging or binding operator."""
    return {n for op in expr.atoms(*AVERAGING) for a in op.args if isinstance(a, sympy.Basic)
            for n in a.atoms(*nodes)}


def splittable(node: sympy.Basic, within: sympy.Basic, scope: Scope) -> bool:
    """Whether a pointwise rewrite of ``node`` (which occurs in ``within``) is exact: the node
    is inside no averaging or binding operator of ``within`` and its arguments hold no
    random variable (outside ``E``; a random variable inside ``E`` of an argument is inside
    an averaging operator, so ``Abs(E(X))`` is one number and may be split)."""
    if node in inside_averaging(within, (type(node),)):
        return False
    return not any(random_leaves(a, scope) for a in node.args if isinstance(a, sympy.Basic))


def all_splittable(exprs: list[sympy.Basic], nodes: tuple[type, ...], scope: Scope) -> bool:
    """Whether every node of the types ``nodes`` in ``exprs`` is :func:`splittable`."""
    return all(splittable(n, e, scope) for e in exprs for n in e.atoms(*nodes))
