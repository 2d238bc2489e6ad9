"""Where a quantified hypothesis applies: is an index provably in a symbol's declared domain?

With ``k: natural``, the hypothesis ``x[k] = k`` speaks of x[1], x[2], ... and
says nothing of x[0]; with ``k: integer in [1, 3]``, ``Var(X[k]) = 1`` says
nothing of X[5]. A rewrite (or a law built into a probability space) taken from
such a hypothesis may use an instance only where the value that ``k`` takes
there is *provably* in k's declared domain: an integer, at least 1 for a natural,
inside its interval. Provably means under the declarations, for every value they
allow; an index that may fall outside (``t - 1`` with ``t: natural`` may be 0)
is not rewritten.

The proof is a small linear one. The value minus a bound must be shown
non-negative: SymPy's assumptions first, then integer symbols are replaced,
one at a time, by their own lower or upper bounds (by the sign of their
coefficient) until a number is left. The bounds of a symbol are its declared
ones, and, for the variable of an enclosing sum or product, the range its
terms run over (:func:`summation_range`, Karr's convention included).

>>> import sympy
>>> from derivcheck.expr.scope import ScalarDecl
>>> k, t = sympy.Symbol("k", integer=True, positive=True), sympy.Symbol("t", integer=True, positive=True)
>>> scope = Scope("f", {n: ScalarDecl(n, s, "natural", None, None) for n, s in (("k", k), ("t", t))})
>>> [provably_in_domain(value, k, scope) for value in (t + 1, t - 1, sympy.Integer(0))]
[True, False, False]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy

from ...expr.scope import INTEGER_KINDS, Interval, ScalarDecl, Scope
from ...expr.constants import constant_sign, is_constant

_BUDGET = 64  # eliminations tried per question: the bounds of sums can branch


@dataclass(frozen=True)
class IntegerRange:
    """The integer values a symbol may take: every entry of ``lows`` bounds it below
    (an entry is a tuple of expressions, and the bound is their *minimum*), every
    entry of ``highs`` bounds it above (by their *maximum*)."""

    lows: tuple[tuple[sympy.Expr, ...], ...] = ()
    highs: tuple[tuple[sympy.Expr, ...], ...] = ()


Ranges = Mapping[sympy.Basic, IntegerRange]


def declared_range(kind: str, interval: Interval | None) -> IntegerRange:
    """The integer range of a symbol of an integer ``kind`` within ``interval``."""
    lows: list[tuple[sympy.Expr, ...]] = []
    highs: list[tuple[sympy.Expr, ...]] = []
    if kind in ("natural", "dimension"):
        lows.append((sympy.Integer(1),))
    if interval is not None and interval.lo is not None:
        lo = sympy.floor(interval.lo) + 1 if interval.lo_open else sympy.ceiling(interval.lo)
        lows.append((lo,))
    if interval is not None and interval.hi is not None:
        hi = sympy.ceiling(interval.hi) - 1 if interval.hi_open else sympy.floor(interval.hi)
        highs.append((hi,))
    return IntegerRange(tuple(lows), tuple(highs))


def summation_range(lower: sympy.Expr, upper: sympy.Expr) -> IntegerRange:
    """The values the variable of ``Sum(f, (i, lower, upper))`` takes in the terms.

    For ``upper >= lower - 1`` they are lower..upper; otherwise (Karr's convention,
    ``-Sum(f, (i, upper + 1, lower - 1))``) they are upper + 1..lower - 1. In both
    cases ``min(lower, upper + 1) <= i <= max(lower - 1, upper)``.
    """
    return IntegerRange(((lower, upper + 1),), ((lower - 1, upper),))


def scope_ranges(scope: Scope) -> dict[sympy.Basic, IntegerRange]:
    """The declared ranges of the integer symbols of ``scope``."""
    return {d.symbol: declared_range(d.kind, d.interval) for d in scope.names.values()
            if isinstance(d, ScalarDecl) and d.kind in INTEGER_KINDS}


def provably_in_domain(value: sympy.Basic, symbol: sympy.Basic, scope: Scope,
                       context: Ranges | None = None) -> bool:
    """True when ``value`` is, for every value the declarations allow, in the declared
    domain of the integer symbol ``symbol``. ``context`` gives the ranges of the
    variables of the sums and products that enclose ``value`` (they shadow declared
    symbols of the same name)."""
    decl = next((d for d in scope.names.values() if isinstance(d, ScalarDecl) and d.symbol == symbol), None)
    if decl is None or decl.kind not in INTEGER_KINDS:
        return False  # only declared integer symbols are quantified
    if not isinstance(value, sympy.Expr) or value.is_integer is not True:
        return False
    ranges = {**scope_ranges(scope), **(context or {})}
    domain = declared_range(decl.kind, decl.interval)
    budget = [_BUDGET]
    # value >= min(low...) follows from value >= any one of them
    return (all(any(_nonnegative(value - low, ranges, budget) for low in lows) for lows in domain.lows)
            and all(any(_nonnegative(high - value, ranges, budget) for high in highs) for highs in domain.highs))


def _nonnegative(difference: sympy.Expr, ranges: Ranges, budget: list[int]) -> bool:
    """Whether ``difference`` >= 0 for every value of its integer symbols within ``ranges``."""
    difference = sympy.expand(difference)
    if is_constant(difference):  # a constant's sign only from its certified enclosure
        return constant_sign(difference) in (0, 1)
    if difference.is_nonnegative is True:
        return True
    if budget[0] <= 0:
        return False
    budget[0] -= 1
    for symbol in sorted(difference.free_symbols & set(ranges), key=sympy.default_sort_key):
        coefficient = difference.diff(symbol)
        if not coefficient.is_Rational or coefficient == 0 or symbol in (difference - coefficient * symbol).free_symbols:
            continue  # not linear in this symbol (or under an index): try another
        span = ranges[symbol]
        # d = c*s + rest is smallest where s is smallest (c > 0) or largest (c < 0);
        # any one valid bound will do, and a bound min(b1, b2) needs d >= 0 at each
        for bounds in (span.lows if coefficient > 0 else span.highs):
            if all(_nonnegative(difference.xreplace({symbol: bound}), ranges, budget) for bound in bounds):
                return True
    return False


def outside_domain(name: str, values: tuple[int, ...], scope: Scope) -> str | None:
    """Why a ``for`` list of ``values`` for the declared ``name`` leaves its declared domain
    (``k = 0`` for ``k: natural``), or None. A proof at such an instance says nothing the
    declarations allow, and a quantified hypothesis instantiated there is one the file
    never gave."""
    decl = scope.names.get(name)
    if not isinstance(decl, ScalarDecl) or decl.kind not in INTEGER_KINDS:
        return None
    bad = next((v for v in values if not provably_in_domain(sympy.Integer(v), decl.symbol, scope)), None)
    if bad is None:
        return None
    where = decl.kind
    if decl.interval is not None:
        interval = decl.interval
        lo = "(-oo" if interval.lo is None else f"{'(' if interval.lo_open else '['}{interval.lo}"
        hi = "oo)" if interval.hi is None else f"{interval.hi}{')' if interval.hi_open else ']'}"
        where += f" in {lo}, {hi}"
    return f"`for` gives {name} = {bad}, outside its declared domain ({name}: {where})"
