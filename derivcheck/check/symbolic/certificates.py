"""Polynomial and rational inequalities proved by exact certificates.

``a <= b`` holds when ``b - a``, written as one fraction ``N / D``, has a
denominator of known sign and a numerator of the same sign. A sign is shown for
a product of factors (``factor_list``: an even power is non-negative, an odd one
has its factor's sign) or by a sum-of-squares certificate checked exactly
(:mod:`.sos`). The numerator is a polynomial in *generators*: declared real
symbols, and any other provably real sub-expression (``exp(x)``, ``sqrt(y)``),
each taken as a free real variable, so a certificate proves more than was asked.

The declared domain of each real scalar is used by substitution, which is
exact: ``x`` positive is ``u**2`` with ``u`` positive, ``x in (-1, oo)`` is
``-1 + u**2``, ``x`` negative is ``-u**2``. A certificate in ``u`` over all real
``u`` covers every allowed ``x``. Integer kinds are left alone (a proof over the
reals covers them, but SymPy's integer rewrites would not survive the change).
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import sympy

from ...expr.objects import Relation
from ...expr.scope import INTEGER_KINDS, Interval, ScalarDecl, Scope
from .inequalities import is_real, nonnegative, positive
from .sos import is_sum_of_squares

MAX_GENERATORS = 8
MAX_DEGREE = 12


def domain_substitution(expr: sympy.Basic, scope: Scope) -> dict[sympy.Symbol, sympy.Expr]:
    """``x -> lo + u**2`` (or ``hi - u**2``) for each real scalar of ``expr`` with a declared
    finite lower (upper) bound: the image of all ``u`` of the root's sign is exactly
    ``x``'s half-line, which contains its declared domain."""
    out: dict[sympy.Symbol, sympy.Expr] = {}
    free = expr.free_symbols
    for decl in scope.names.values():
        if not isinstance(decl, ScalarDecl) or decl.symbol not in free or decl.kind in INTEGER_KINDS:
            continue
        bound = _lower_bound(decl)
        if bound is not None:
            value, open_end = bound
            out[decl.symbol] = value + _root(decl.name, open_end) ** 2
            continue
        bound = _upper_bound(decl)
        if bound is not None:
            value, open_end = bound
            out[decl.symbol] = value - _root(decl.name, open_end) ** 2
    return out


def with_hypothesis_bounds(scope: Scope, hypotheses: Sequence[Relation]) -> Scope:
    """``scope`` with the interval of each real scalar narrowed by the step's hypotheses of the
    form ``x > c``, ``x >= c``, ``x < c``, ``x <= c`` (``c`` a number): a step under hypotheses
    holds where they hold, and only the domain substitution reads the narrowed interval."""
    names = dict(scope.names)
    for hypothesis in hypotheses:
        bound = _numeric_bound(hypothesis)
        if bound is None:
            continue
        symbol, value, is_lower, open_end = bound
        decl = names.get(str(symbol))
        if not isinstance(decl, ScalarDecl) or decl.symbol != symbol or decl.kind in INTEGER_KINDS:
            continue
        old = decl.interval or Interval(None, None)
        if is_lower and (old.lo is None or value > old.lo or (value == old.lo and open_end)):
            names[decl.name] = dataclasses.replace(decl, interval=dataclasses.replace(old, lo=value, lo_open=open_end))
        elif not is_lower and (old.hi is None or value < old.hi or (value == old.hi and open_end)):
            names[decl.name] = dataclasses.replace(decl, interval=dataclasses.replace(old, hi=value, hi_open=open_end))
    return scope if names == scope.names else dataclasses.replace(scope, names=names)


def _numeric_bound(hypothesis: Relation) -> tuple[sympy.Symbol, sympy.Expr, bool, bool] | None:
    """``(x, c, is_lower, open)`` for ``x op c`` or ``c op x`` with ``c`` a real number."""
    lhs, op, rhs = hypothesis.lhs, hypothesis.op, hypothesis.rhs
    if op not in ("<", "<=", ">", ">="):
        return None
    if isinstance(rhs, sympy.Symbol) and not isinstance(lhs, sympy.Symbol):
        lhs, rhs, op = rhs, lhs, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    if not isinstance(lhs, sympy.Symbol) or not (getattr(rhs, "is_number", False) and rhs.is_real and rhs.is_finite):
        return None
    return lhs, rhs, op in (">", ">="), op in ("<", ">")


def _root(name: str, open_end: bool) -> sympy.Symbol:
    # a name no file can use (names may not start with "_"): fixed, so verdicts do not depend on a counter
    return sympy.Symbol(f"_{name}_root", positive=True) if open_end else sympy.Symbol(f"_{name}_root", nonnegative=True)


def _lower_bound(decl: ScalarDecl) -> tuple[sympy.Expr, bool] | None:
    interval = decl.interval
    if interval is not None and interval.lo is not None and interval.lo.is_finite:
        return sympy.sympify(interval.lo, strict=True), interval.lo_open
    if decl.kind in ("positive", "nonnegative"):
        return sympy.Integer(0), decl.kind == "positive"
    return None


def _upper_bound(decl: ScalarDecl) -> tuple[sympy.Expr, bool] | None:
    interval = decl.interval
    if interval is not None and interval.hi is not None and interval.hi.is_finite:
        return sympy.sympify(interval.hi, strict=True), interval.hi_open
    if decl.kind == "negative":
        return sympy.Integer(0), True
    return None


def interval_substitution(expr: sympy.Expr, scope: Scope) -> dict[sympy.Symbol, sympy.Expr]:
    """``x -> (lo + hi*u**2)/(1 + u**2)`` for each real scalar of ``expr`` declared in a bounded
    interval open at ``hi`` (``(hi + lo*u**2)/(1 + u**2)`` when closed at ``hi`` and open at
    ``lo``), with a new symbol ``u`` positive where the near end is open, else non-negative:
    ``u**2/(1 + u**2)`` runs over ``(0, 1)`` (``[0, 1)``), so the image is exactly the interval,
    and a sign proved for every such ``u`` holds on it. Closed at both ends: left alone."""
    out: dict[sympy.Symbol, sympy.Expr] = {}
    for symbol in expr.free_symbols:
        decl = scope.names.get(str(symbol))
        interval = decl.interval if isinstance(decl, ScalarDecl) and decl.symbol == symbol else None
        if interval is None or decl.kind in INTEGER_KINDS or interval.lo is None or interval.hi is None:
            continue
        lo, hi = sympy.sympify(interval.lo, strict=True), sympy.sympify(interval.hi, strict=True)
        if not (lo.is_Rational and hi.is_Rational and lo < hi):
            continue
        if interval.hi_open:
            near, far, near_open = lo, hi, interval.lo_open
        elif interval.lo_open:
            near, far, near_open = hi, lo, False
        else:
            continue
        root = sympy.Symbol(f"_{symbol}_box", **({"positive": True} if near_open else {"nonnegative": True}))
        out[symbol] = (near + far * root**2) / (1 + root**2)
    return out


def gap_certificate(gap: sympy.Basic, strict: bool, scope: Scope) -> str | None:
    """How ``gap >= 0`` (``> 0`` when ``strict``) was shown, or None: the gap in the roots
    of the declared domains, as one fraction whose numerator and denominator have
    proved signs (or by declared signs and intervals as written). The domains are
    first the half-lines of :func:`domain_substitution`; where that fails and a scalar
    has a bounded interval, each such scalar is written exactly over its interval
    (:func:`interval_substitution`), so that both of its ends count (``1 - a*b > 0`` for
    ``a``, ``b`` in ``(0, 1)``)."""
    gap = sympy.sympify(gap, strict=True)
    written = sympy.expand(gap)
    if positive(written, scope) or (not strict and nonnegative(written, scope)):
        return "declared signs"
    halves = domain_substitution(gap, scope)
    how = _fraction_certificate(gap.xreplace(halves), strict, scope)
    if how is not None:
        return how
    box = interval_substitution(gap, scope)
    if not box:
        return None
    boxed = gap.xreplace({**halves, **box})
    if _negative_somewhere(boxed):
        return None  # no certificate can exist: skip the search (this never accepts anything)
    how = _fraction_certificate(boxed, strict, scope)
    names = ", ".join(sorted(str(s) for s in box))
    return None if how is None else f"{how}, with {names} written (lo + hi*u**2)/(1 + u**2) over the interval"


SIGN_PROBES = ((1, 2, sympy.Rational(1, 2), 3), (2, sympy.Rational(1, 3), 1, sympy.Rational(5, 2)),
               (sympy.Rational(1, 2), 3, 2, 1), (3, 1, sympy.Rational(1, 3), 2))
"""Fixed values for the symbols of a gap (cycled over them), each moved into its symbol's
assumptions (integers rounded up; negated only where the symbol may be negative), at which a
clearly negative value shows that no sign certificate exists."""


def _negative_somewhere(gap: sympy.Expr) -> bool:
    """Whether ``gap`` is clearly negative (below ``-1e-9`` in 30-digit floats) at one of a few
    fixed points its symbols' assumptions allow: only used to skip a search that must fail,
    never to accept. Gaps with anything but plain real symbols are not probed."""
    symbols = sorted(gap.free_symbols, key=sympy.default_sort_key)
    if not all(isinstance(symbol, sympy.Symbol) and symbol.is_real for symbol in symbols):
        return False
    for probe in SIGN_PROBES:
        for negate in (False, True):
            values = {}
            for i, symbol in enumerate(symbols):
                value = probe[i % len(probe)]
                value = sympy.ceiling(value) if symbol.is_integer else value
                values[symbol] = -value if negate and symbol.is_nonnegative is not True else value
            try:
                number = sympy.N(gap.xreplace(values), 30)
            except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
                continue
            if number.is_Number and number.is_finite and number < -sympy.Float("1e-9", 30):
                return True
    return False


def _fraction_certificate(gap: sympy.Expr, strict: bool, scope: Scope) -> str | None:
    """``gap`` (its domains substituted) as one fraction ``N / D`` with ``N``, ``D`` of proved signs."""
    if not is_real(gap, scope):
        return None
    numerator, denominator = sympy.fraction(sympy.together(gap))
    below = polynomial_sign(denominator, False, scope)
    if below is None:
        return None
    sign, how_below = below
    if sign < 0:
        numerator = -numerator
    above = polynomial_sign(numerator, strict, scope)
    if above is None or above[0] < 0:
        return None
    return above[1] if denominator == 1 else f"numerator: {above[1]}; denominator: {how_below}"


def polynomial_sign(expr: sympy.Expr, strict: bool, scope: Scope) -> tuple[int, str] | None:
    """``(1, how)`` when ``expr >= 0`` (``> 0`` if strict) is shown, ``(-1, how)`` for ``<= 0`` (``< 0``)."""
    for sign in (1, -1):
        candidate = sympy.expand(sign * expr)
        if positive(candidate, scope) or (not strict and nonnegative(candidate, scope)):
            return sign, "declared signs"
    poly = _as_polynomial(expr, scope)
    if poly is None:
        return None
    for sign in (1, -1):
        how = _factored_sign(sign * poly, strict, scope)
        if how is not None:
            return sign, how
    return None


def _as_polynomial(expr: sympy.Expr, scope: Scope) -> sympy.Poly | None:
    try:
        poly = sympy.Poly(sympy.expand(expr))
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, NotImplementedError, TypeError, ValueError):
        return None
    if not (poly.domain.is_ZZ or poly.domain.is_QQ) or len(poly.gens) > MAX_GENERATORS:
        return None
    if poly.total_degree() > MAX_DEGREE or not all(is_real(g, scope) for g in poly.gens):
        return None
    return poly


def _factored_sign(poly: sympy.Poly, strict: bool, scope: Scope) -> str | None:
    """``poly >= 0`` from its factors: even powers, factors of known sign, sums of squares."""
    if is_sum_of_squares(poly, strict=strict):
        return "sum of squares (exact rational Gram matrix)"
    coefficient, factors = poly.factor_list()
    if len(factors) < 2 and not (factors and factors[0][1] > 1):
        return None  # nothing new beyond the polynomial itself
    negative = coefficient < 0
    for factor, power in factors:
        sign = _factor_sign(factor, power, strict, scope)
        if sign is None:
            return None
        negative ^= sign < 0
    return None if negative else "product of factors of known sign (sums of squares, declared signs)"


def _factor_sign(factor: sympy.Poly, power: int, strict: bool, scope: Scope) -> int | None:
    expr = factor.as_expr()
    if power % 2 == 0 and not strict:
        return 1
    for sign in (1, -1):
        if positive(sign * expr, scope) or (not strict and nonnegative(sign * expr, scope)) \
                or is_sum_of_squares(sign * factor, strict=strict):
            return sign if power % 2 else 1
    return None
