"""One-variable inequalities through the sign of a derivative (the mean value theorem).

``g(y) >= 0`` for every ``y`` in the declared domain ``D`` of a real scalar ``y`` (and every
value of the other symbols) follows from three facts, each proved, never sampled:

1. ``g`` is continuous on ``D`` and differentiable inside it: ``g`` is built of ``+``, ``*``,
   numbers, symbols other than ``y``, ``exp``, ``tanh``, ``sin``, ``cos``, ``log`` of an
   argument proved ``> 0`` on ``D``, non-negative integer powers, negative integer powers
   of a base proved ``> 0`` or ``< 0`` on ``D``, and other real powers of a base proved
   ``> 0`` on ``D`` (an exponent free of ``y``); nothing else may hold ``y``;
2. a point ``c`` of ``D`` with ``g(c) >= 0`` (``> 0`` for a strict goal): a closed end of
   ``D``, or a number strictly inside ``D`` at which ``g'`` vanishes (an exact root);
3. ``(y - c)*g'(y) >= 0`` for every ``y`` in ``D`` (at a lower end, ``g' >= 0``; at an upper
   end, ``g' <= 0``).

For ``y`` in ``D`` with ``y > c``, the mean value theorem gives ``xi`` in ``(c, y)``, inside
``D``, with ``g(y) - g(c) = g'(xi)*(y - c)``; by 3, ``g'(xi) >= 0``, so ``g(y) >= g(c)``;
``y < c`` is the same with both signs reversed. So ``exp(y) >= 1 + y + y**2/2`` for
``y >= 0`` (``c = 0``, ``g' = exp(y) - 1 - y``), ``log(t) <= t/e`` (``c = e``) and
``x*exp(-x) <= 1/e`` (``c = 1``) follow. Fact 1 is what makes a derivative's sign mean
anything: ``-1/(y - 1)`` has the derivative ``1/(y - 1)**2 >= 0`` on ``y >= 0`` and the value
1 at 0, yet is negative at 2; its base ``y - 1`` has no sign on ``D``, so it is refused.

Only gaps holding ``exp``, ``log``, ``tanh``, ``sin`` or ``cos`` of ``y`` are tried (the
polynomial certificate decides polynomials), at most :data:`MAX_DEPTH` strategies deep.
"""

from __future__ import annotations

from typing import Callable

import sympy

from ...expr.objects import Relation
from ...expr.scope import INTEGER_KINDS, ScalarDecl, Scope

MAX_DEPTH = 2
"""Nested uses of this strategy in one proof (a sub-goal ``g' >= 0`` may use it once more)."""

MAX_VARIABLES = 3
"""Variables tried in turn as ``y``."""

MAX_ROOTS = 4
"""Interior roots of ``g'`` tried as the point ``c``."""

SMOOTH = (sympy.exp, sympy.tanh, sympy.sin, sympy.cos)
"""Functions smooth on the whole real line."""

Prover = Callable[[Relation], "object | None"]
"""Proves an order relation under the declarations (every order strategy); None when it cannot."""

_depth = 0


def prove_by_derivative(gap: sympy.Expr, strict: bool, scope: Scope, prove: Prover) -> str | None:
    """How ``gap >= 0`` (``> 0`` when ``strict``) follows from facts 1-3 of the module docstring
    for one of its variables, or None."""
    global _depth
    if _depth >= MAX_DEPTH or not isinstance(gap, sympy.Expr):
        return None
    _depth += 1
    try:
        for y, domain in _variables(gap, scope)[:MAX_VARIABLES]:
            how = _along(gap, y, domain, strict, prove)
            if how is not None:
                return how
        return None
    finally:
        _depth -= 1


def _variables(gap: sympy.Expr, scope: Scope) -> list[tuple[sympy.Symbol, sympy.Interval]]:
    """The declared real (not integer) scalars of ``gap`` that stand inside a transcendental
    function, each with its declared domain."""
    out = []
    inside = {s for f in gap.atoms(sympy.Function) if isinstance(f, (sympy.exp, sympy.log) + SMOOTH)
              for s in f.free_symbols}
    for symbol in sorted(inside, key=sympy.default_sort_key):
        decl = scope.names.get(str(symbol))
        if not isinstance(decl, ScalarDecl) or decl.symbol != symbol or decl.kind in INTEGER_KINDS:
            continue
        if decl.kind == "complex":
            continue
        domain = _domain(decl)
        if domain is not None and not domain.is_empty:
            out.append((symbol, domain))
    return out


def _domain(decl: ScalarDecl) -> sympy.Interval | None:
    """The declared domain (kind and interval, :meth:`ScalarDecl.value_set`) where it is one
    interval with rational or infinite ends; None for a point (``[1, 1]``) or a symbolic end
    (the point ``c`` and the derivative's sign must lie in a domain known here)."""
    domain = decl.value_set()
    if not isinstance(domain, sympy.Interval):
        return None
    if not all(end.is_Rational or end.is_infinite for end in (domain.left, domain.right)):
        return None
    return domain


def _along(gap: sympy.Expr, y: sympy.Symbol, domain: sympy.Interval, strict: bool, prove: Prover) -> str | None:
    if not _smooth(gap, y, prove):
        return None
    derivative = sympy.diff(gap, y)
    value = "> 0" if strict else ">= 0"
    for c, side in _points(derivative, y, domain):
        at_c = gap.xreplace({y: c})
        if prove(Relation(sympy.Integer(0), "<" if strict else "<=", at_c)) is None:
            continue
        if side == "lower":
            sub = Relation(sympy.Integer(0), "<=", derivative)
        elif side == "upper":
            sub = Relation(derivative, "<=", sympy.Integer(0))
        else:
            sub = Relation(sympy.Integer(0), "<=", (y - c) * derivative)
        if prove(sub) is not None:
            where = {"lower": "the closed lower end", "upper": "the closed upper end"}.get(
                side, "a root of the derivative")
            return (f"in {y}: the gap is smooth on {domain}, {value} at {y} = {c} ({where}), and its derivative "
                    f"{derivative} has the sign of {y} - {c} there (mean value theorem)")
    return None


def _points(derivative: sympy.Expr, y: sympy.Symbol, domain: sympy.Interval) -> list[tuple[sympy.Expr, str]]:
    """The candidate points ``c`` of the domain: its closed ends, then exact roots of the
    derivative strictly inside it (only for a derivative whose only variable is ``y``)."""
    out: list[tuple[sympy.Expr, str]] = []
    if domain.left.is_finite and not domain.left_open:
        out.append((domain.left, "lower"))
    if domain.right.is_finite and not domain.right_open:
        out.append((domain.right, "upper"))
    if derivative.free_symbols != {y}:
        return out
    try:
        roots = sympy.solveset(derivative, y, domain=sympy.Reals)
    except (NotImplementedError, TypeError, ValueError):
        return out
    if not isinstance(roots, sympy.FiniteSet) or len(roots) > MAX_ROOTS:
        return out
    for root in sorted(roots, key=sympy.default_sort_key):
        if root.free_symbols or not root.is_real:
            continue
        # certified signs of constants (expr/constants.py) decide these comparisons
        inside = (domain.left is -sympy.oo or (root - domain.left).is_positive is True) and \
                 (domain.right is sympy.oo or (domain.right - root).is_positive is True)
        if inside:
            out.append((root, "inside"))
    return out


def _smooth(expr: sympy.Basic, y: sympy.Symbol, prove: Prover) -> bool:
    """Fact 1: every node holding ``y`` is continuous on the domain and differentiable inside it."""
    if not expr.has(y):
        return True
    if expr == y:
        return True
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        return all(_smooth(arg, y, prove) for arg in expr.args)
    if isinstance(expr, SMOOTH):
        return _smooth(expr.args[0], y, prove)
    if isinstance(expr, sympy.log):
        (argument,) = expr.args
        return _smooth(argument, y, prove) and prove(Relation(sympy.Integer(0), "<", argument)) is not None
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if exponent.has(y) or not _smooth(base, y, prove):
            return False
        if exponent.is_Integer and exponent >= 0:
            return True
        if exponent.is_Integer:
            return (prove(Relation(sympy.Integer(0), "<", base)) is not None
                    or prove(Relation(base, "<", sympy.Integer(0))) is not None)
        return exponent.is_real is True and prove(Relation(sympy.Integer(0), "<", base)) is not None
    return False


__all__ = ["prove_by_derivative"]
