"""Inequalities between first and second moments, from the moment matrix.

For real random variables ``X_1, ..., X_k`` with finite second moments, the matrix
``M = E(z z.T)`` of ``z = (1, X_1, ..., X_k)`` is positive semi-definite (``c.T M c =
E((c.T z)**2) >= 0``), with ``M[0, 0] = 1``. Every such matrix is ``L L.T`` for a real
lower-triangular ``L`` (a Cholesky factor; zeros allowed on its diagonal), and
``L[0, 0] = 1`` can be taken since ``M[0, 0] = 1``. So a gap whose moments are
``E(X_i)``, ``E(X_i**2)`` and ``E(X_i*X_j)`` only is ``>= 0`` for every law when it is
``>= 0`` with ``E(X_i) = L[i, 0]`` and ``E(X_i*X_j) = sum_l L[i, l]*L[j, l]``, the
entries of ``L`` free reals: that is a polynomial inequality for the certificates.
``Var(t*X + Y) >= 0`` written out, ``Cov(X, Y)**2 <= Var(X)*Var(Y)`` and
``E(X)**2 <= E(X**2)`` are of this kind.
"""

from __future__ import annotations

import sympy

from ...expr.objects import Expectation
from ...expr.scope import RandomDecl, Scope
from .certificates import gap_certificate

MAX_VARIABLES = 3
"""At most this many random variables (a 4 x 4 moment matrix, 9 free entries)."""


def moment_certificate(gap: sympy.Expr, strict: bool, scope: Scope) -> str | None:
    """How ``gap >= 0`` (``> 0``) follows for every law with these first and second moments, or None."""
    moments = gap.atoms(Expectation)
    if not moments:
        return None
    parts = {m: _second_order(m.args[0], scope) for m in moments}
    if any(p is None for p in parts.values()):
        return None
    variables = sorted({v for p in parts.values() for v in p}, key=sympy.default_sort_key)
    if not variables or len(variables) > MAX_VARIABLES or _other_random(gap, scope):
        return None
    index = {v: i + 1 for i, v in enumerate(variables)}
    factor = [[_entry(i, j) if j <= i else sympy.Integer(0) for j in range(len(variables) + 1)]
              for i in range(len(variables) + 1)]
    factor[0][0] = sympy.Integer(1)

    def moment(i: int, j: int) -> sympy.Expr:
        return sum((factor[i][l] * factor[j][l] for l in range(min(i, j) + 1)), sympy.Integer(0))

    swap = {}
    for atom, part in parts.items():
        pair = [index[v] for v in part] + [0] * (2 - len(part))
        swap[atom] = moment(*pair)
    written = sympy.expand(gap.xreplace(swap))
    if written.has(Expectation):
        return None
    how = gap_certificate(written, strict, scope)
    return f"moment matrix of (1, {', '.join(map(str, variables))}) as L L.T; {how}" if how is not None else None


def _second_order(argument: sympy.Expr, scope: Scope) -> tuple[sympy.Symbol, ...] | None:
    """``(X,)`` for ``X``, ``(X, X)`` for ``X**2``, ``(X, Y)`` for ``X*Y``, with ``X``, ``Y`` declared
    scalar random variables; else None."""
    if _is_random(argument, scope):
        return (argument,)
    if isinstance(argument, sympy.Pow) and argument.exp == 2 and _is_random(argument.base, scope):
        return (argument.base, argument.base)
    if isinstance(argument, sympy.Mul) and len(argument.args) == 2 and all(_is_random(a, scope) for a in argument.args):
        return tuple(argument.args)
    return None


def _is_random(expr: sympy.Basic, scope: Scope) -> bool:
    decl = scope.names.get(str(expr)) if isinstance(expr, sympy.Symbol) else None
    return isinstance(decl, RandomDecl) and decl.symbol == expr


def _other_random(gap: sympy.Expr, scope: Scope) -> list[sympy.Symbol]:
    """Random variables standing outside every E(...): a gap that holds one is no statement about moments."""
    outside = gap.xreplace({m: sympy.Integer(0) for m in gap.atoms(Expectation)}).free_symbols
    return [s for s in outside if _is_random(s, scope)]


def _entry(i: int, j: int) -> sympy.Symbol:
    # a name no file can use (names may not start with "_")
    return sympy.Symbol(f"_moment_factor_{i}_{j}", real=True)
