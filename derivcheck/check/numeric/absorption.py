"""Tiny quantities absorbed into larger ones: how many digits an equality's gap may hide.

At a point where ``u = exp(-500 - y**2)`` is about 1e-218, ``x*(1 + sin(u))`` and
``x*(1 + u)`` differ by ``x*u**3/6``, 1e-652: below every precision that the numbers of the
relation and its exponentials ask for (:func:`.point_values.ladder`), so the equality
"held" (red team 17). Here each entry's absorption is read without cancellation, and the
precisions gain a rung past what it may hide (:func:`tiny_rung`); an equality holds at the
point only where that rung is reached (:func:`.confirm.settle`).
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy

from ..trees import unique_nodes
from .point_values import DIGITS, LN10, MAX_DIGITS, PointValues, evaluate_at


def tiny_rung(rungs: tuple[int, ...], tiny_needed: int) -> tuple[int, ...]:
    """``rungs`` with a last one at ``tiny_needed + DIGITS`` digits (at most MAX_DIGITS) where
    that is more: what a tiny quantity at the point may hide (:func:`tiny_digits`)."""
    last = min(tiny_needed + DIGITS, MAX_DIGITS)
    return rungs + (last,) if last > rungs[-1] else rungs


MAX_POWER = 64  # an integer power counts at most this many orders (see _Reading.order)


def tiny_digits(sides: list[Any], at: PointValues) -> int:
    """The digits an equality's gap between ``sides`` (one entry of each side) may lie below
    at this point because a tiny quantity is absorbed into a larger one: ``order * t``, where
    ``t`` is the deepest absorption (:func:`_absorbed`: ``1 + u`` with ``u = exp(-500 - y**2)``
    absorbs 217 digits, ``exp(x)`` at ``x = 10**-301`` absorbs 301, a side of size 1e-300
    against the comparison's scale 1) and ``order`` bounds how many orders of it two sides
    may agree to: ``sin(u)`` and ``u`` differ by ``u**3/6``, a polynomial of degree ``d``
    matches a Taylor series to ``u**(d + 1)`` (red team 17). The bound is 2 plus the
    distinct nodes plus each integer power's exponent less one (at most :data:`MAX_POWER`): a
    Taylor term or a nested function needs a node of its own. A tiny quantity that nothing
    absorbs (``log(D[1, 1])`` at ``D[1, 1] = 10**-20``) hides nothing. An equality holds at
    the point only where the precision reaches past it (:func:`.confirm.settle`)."""
    roots = [side for side in sides if isinstance(side, sympy.Basic)]
    magnitudes = _magnitudes(roots, at)
    depth = max([_absorbed(node, magnitudes) for node in magnitudes]
                + [-magnitudes.get(side, 0.0) for side in roots] + [0.0])
    if depth < 1:
        return 0  # whole digits only
    nodes = unique_nodes(roots)
    order = 2 + len(nodes) + sum(min(int(node.exp), MAX_POWER) - 1 for node in nodes
                                 if isinstance(node, sympy.Pow) and node.exp.is_Integer and node.exp > 1)
    return int(depth) * order


_ANALYTIC_AT_ZERO = (sympy.exp, sympy.sin, sympy.cos, sympy.tan, sympy.sinh, sympy.cosh, sympy.tanh, sympy.sech,
                     sympy.asin, sympy.acos, sympy.atan, sympy.asinh, sympy.atanh, sympy.erf, sympy.erfc)
"""Functions that are a simple number plus a power series at 0: ``f(u)`` absorbs a tiny ``u``."""


def _absorbed(node: sympy.Basic, magnitudes: dict[sympy.Basic, float]) -> float:
    """The digits by which ``node`` absorbs a tiny quantity: a sum's largest term over its
    smallest, ``f(u)`` (:data:`_ANALYTIC_AT_ZERO`) or ``b**u`` at a tiny ``u``."""
    if isinstance(node, sympy.Add):
        terms = [magnitudes[a] for a in node.args if a in magnitudes]
        return max(terms) - min(terms) if len(terms) > 1 else 0.0
    if isinstance(node, _ANALYTIC_AT_ZERO):
        return -magnitudes.get(node.args[0], 0.0)
    if isinstance(node, sympy.Pow):
        return -magnitudes.get(node.exp, 0.0)
    return 0.0


def _magnitudes(roots: list[sympy.Basic], at: PointValues) -> dict[sympy.Basic, float]:
    """log10 of each node's magnitude at the point read without cancellation: a sum as its
    largest term, a product as the product of its factors, ``b**e`` (``e`` a number) as
    ``|b|**e``, ``exp(u)`` from ``u``'s value, an odd function at 0 (``sin``, ``tanh``, ...)
    of a small argument as the argument, ``log(1 + t)`` as ``t``; other functions, integrals,
    and nodes without a value count as 1 (log 0). An exact 0 is no magnitude (left out)."""
    found: dict[sympy.Basic, float | None] = {}

    def walk(node: sympy.Basic) -> float | None:
        if node in found:
            return found[node]
        found[node] = value = _magnitude(node, walk, at)
        return value

    for root in roots:
        walk(root)
    return {k: v for k, v in found.items() if v is not None}


_ODD_AT_ZERO = (sympy.sin, sympy.tan, sympy.sinh, sympy.tanh, sympy.asin, sympy.atan, sympy.asinh, sympy.atanh,
                sympy.erf)


def _magnitude(node: sympy.Basic, walk: Any, at: PointValues) -> float | None:
    if isinstance(node, sympy.Number) or node in at.values:
        return _log10(at.values.get(node, node))
    if isinstance(node, (sympy.Integral, sympy.Sum, sympy.Product)) or not node.args:
        return 0.0
    if isinstance(node, sympy.Add):
        parts = [m for m in (walk(a) for a in node.args) if m is not None]
        return max(parts) if parts else None
    if isinstance(node, sympy.Mul):
        parts = [walk(a) for a in node.args]
        return None if any(m is None for m in parts) else sum(parts)
    if isinstance(node, sympy.Pow) and node.exp.is_Number:
        base = walk(node.base)
        return None if base is None else base * float(node.exp)
    if isinstance(node, sympy.exp):
        walk(node.args[0])
        try:
            u = evaluate_at(node.args[0], at, exact=True)
            return float(sympy.re(sympy.N(u, 15, strict=True, maxn=4 * DIGITS))) / LN10
        except Exception:  # noqa: BLE001 - no value here: no magnitude known
            return 0.0
    if isinstance(node, _ODD_AT_ZERO):
        inner = walk(node.args[0])
        return 0.0 if inner is None else min(inner, 0.0)
    if isinstance(node, sympy.log) and isinstance(node.args[0], sympy.Add) and sympy.Integer(1) in node.args[0].args:
        walk(node.args[0])
        rest = [m for m in (walk(a) for a in node.args[0].args if a != 1) if m is not None]
        return min(max(rest), 0.0) if rest else None
    for a in node.args:
        if isinstance(a, sympy.Basic):
            walk(a)
    return 0.0


def _log10(value: Any) -> float | None:
    """log10 of ``|value|`` for an exact number, None for 0 (or no number)."""
    try:
        v = sympy.Abs(sympy.sympify(value, strict=True))
        if v == 0 or not v.is_number:
            return None
        if v.is_Rational:
            return float(mpmath.log10(v.p) - mpmath.log10(v.q))
        return float(mpmath.log10(mpmath.mpf(sympy.N(v, 15, strict=True, maxn=4 * DIGITS)._mpf_)))
    except Exception:  # noqa: BLE001 - no value here: no magnitude known
        return 0.0


__all__ = ["MAX_POWER", "tiny_digits", "tiny_rung"]
