"""Moments of variables with a declared law, in closed form.

After :mod:`.moments` has reduced E/Var/Cov to raw moments ``E(block)`` (a block
being a product that cannot be split further with the declared independence),
a block that is a polynomial in ONE random variable with a declared law
(``random normal(m, v)`` / ``uniform(a, b)``, or an element of a ``random
sequence`` with one) is replaced by its exact value from the law
(:func:`~derivcheck.expr.laws.raw_moment`). Two elements ``x[i]``, ``x[j]`` of
one sequence with a law that is named in an ``independent`` group, whose indices
may or may not be equal, give ``E(p(x[i]) q(x[j])) = d E(p(x)q(x)) + (1 - d) E(p(x)) E(q(x))``
with ``d = KroneckerDelta(i, j)``: equal indices are one variable, distinct ones
independent with the same law. Any other block (two variables not declared
independent, a non-polynomial function, a power above
:data:`~derivcheck.expr.laws.MAX_MOMENT`) stays ``E(block)``.
"""

from __future__ import annotations

import sympy

from ...expr.laws import MAX_MOMENT, raw_moment
from ...expr.scope import RandomDecl, Scope, SequenceDecl


def scope_has_laws(scope: Scope) -> bool:
    """Whether any random variable or random sequence of ``scope`` has a declared law."""
    return any(isinstance(d, (RandomDecl, SequenceDecl)) and d.distribution is not None for d in scope.names.values())


def law_of(leaf: sympy.Basic, scope: Scope) -> tuple[str, tuple[sympy.Expr, sympy.Expr]] | None:
    """The declared law of one random variable (a symbol, or an element of a random sequence)."""
    name = str(leaf.base.label) if isinstance(leaf, sympy.Indexed) else getattr(leaf, "name", "")
    decl = scope.names.get(name)
    if isinstance(decl, RandomDecl) and decl.symbol == leaf or isinstance(decl, SequenceDecl) and decl.random:
        law = decl.distribution
        if law is not None and len(law[1]) == 2:
            return law[0].lower(), (law[1][0], law[1][1])
    return None


def law_moment(block: sympy.Basic, leaves: set[sympy.Basic], scope: Scope) -> sympy.Basic | None:
    """E(block) from the declared law of its random ``leaves``, or None."""
    if len(leaves) == 1:
        (leaf,) = leaves
        law = law_of(leaf, scope)
        return None if law is None else _polynomial_moment(block, leaf, law)
    if len(leaves) == 2:
        return _pair_moment(block, *sorted(leaves, key=sympy.default_sort_key), scope)
    return None


def _polynomial_moment(block: sympy.Basic, leaf: sympy.Basic, law: tuple) -> sympy.Basic | None:
    """E(p(leaf)) for a polynomial p with non-random coefficients."""
    if _degree_bound(block, (leaf,)) > MAX_MOMENT:
        return None  # before expanding: (X + 1)**10000 is not multiplied out
    try:
        poly = sympy.Poly(block, leaf)
    except sympy.PolynomialError:
        return None
    if poly.degree() > MAX_MOMENT or any(c.has(leaf) for c in poly.coeffs()):
        return None
    return sympy.Add(*[c * raw_moment(law[0], law[1], k) for (k,), c in poly.terms()])


def _pair_moment(block: sympy.Basic, a: sympy.Basic, b: sympy.Basic, scope: Scope) -> sympy.Basic | None:
    """E(block) for two elements of one iid sequence that may be the same element."""
    if not (isinstance(a, sympy.Indexed) and isinstance(b, sympy.Indexed) and a.base == b.base
            and len(a.indices) == 1 == len(b.indices)):
        return None
    name = str(a.base.label)
    law = law_of(a, scope)
    if law is None or not any(name in group for group in scope.independent):
        return None
    if _degree_bound(block, (a, b)) > MAX_MOMENT:
        return None
    try:
        poly = sympy.Poly(block, a, b)
    except sympy.PolynomialError:
        return None
    if poly.total_degree() > MAX_MOMENT or any(c.has(a, b) for c in poly.coeffs()):
        return None
    same = _polynomial_moment(block.xreplace({b: a}), a, law)
    if same is None:
        return None
    apart = sympy.Add(*[c * raw_moment(law[0], law[1], j) * raw_moment(law[0], law[1], k)
                        for (j, k), c in poly.terms()])
    delta = sympy.KroneckerDelta(a.indices[0], b.indices[0])
    return delta * same + (1 - delta) * apart


def _degree_bound(expr: sympy.Basic, leaves: tuple[sympy.Basic, ...]) -> float:
    """An upper bound on the total degree of ``expr`` in ``leaves`` (infinite for a power of
    them that is not a natural number, or a function of them)."""
    if not expr.has(*leaves):
        return 0
    if isinstance(expr, sympy.Pow):
        if not (expr.exp.is_Integer and expr.exp >= 0):
            return float("inf")
        return int(expr.exp) * _degree_bound(expr.base, leaves)
    if isinstance(expr, sympy.Mul):
        return sum(_degree_bound(a, leaves) for a in expr.args)
    if isinstance(expr, sympy.Add):
        return max(_degree_bound(a, leaves) for a in expr.args)
    return 1 if expr in leaves else float("inf")


__all__ = ["law_moment", "law_of", "scope_has_laws"]
