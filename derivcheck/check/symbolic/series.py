"""A closed form of an infinite sum or product, cross-checked against its partial sums.

SymPy's ``doit`` of a convergent series may be wrong: it splits
``Sum(1/(4*i - 3) + 1/(4*i - 1) - 1/(2*i - 1), (i, 1, oo))`` into divergent digamma
pieces and cancels them to 0, though every term is positive (the sum is log(2)/2).
So a closed form counts only when it agrees with the series summed numerically
(mpmath's ``nsum``/``nprod``: partial sums with Richardson or Euler-Maclaurin
acceleration, which a divergent series makes fail or disagree) at a few exact values
of its parameters, each chosen to satisfy the parameter's assumptions. A closed form
that cannot be checked so (a parameter without a usable value, a term that cannot be
evaluated, a summation that does not settle) is not used: the sum stays whole.
"""

from __future__ import annotations

from typing import Callable

import sympy

from ...expr.scope import Scope
from .declared_branches import declared_choice, decided_branches

DIGITS = 30
AGREEMENT = sympy.Float(10) ** -12  # relative gap below which the closed form agrees
PARAMETER_VALUES = (sympy.Rational(7, 5), -sympy.Rational(1, 3), sympy.Integer(2))  # (negated where the sign is declared)
MAX_TERM_EVALUATIONS = 20000
SETTLED = 1e-14  # relative gap between the summations at two precisions


class _Unsettled(Exception):
    """The series cannot be summed numerically here."""


def agrees_with_partial_sums(node: sympy.Basic, value: sympy.Basic,
                             choose: Callable[[sympy.Symbol, int], sympy.Basic | None] | None = None) -> bool:
    """Whether ``value`` matches the infinite ``Sum``/``Product`` ``node`` numerically at
    every tried value of its parameters (see the module docstring). ``choose(p, k)``, when
    given, is the k-th value of ``p`` inside its declared interval (None: chosen by its
    assumptions, as without ``choose``), and the tried points must then be distinct."""
    parameters = sorted(node.free_symbols, key=str)
    tried: set[tuple] = set()
    for k in range(len(PARAMETER_VALUES)):
        point = {}
        for j, p in enumerate(parameters):
            chosen = choose(p, k + j) if choose is not None else None
            if chosen is None:  # no declared interval: the assumptions alone choose, as before
                chosen = _value_for(p, PARAMETER_VALUES[(k + j) % len(PARAMETER_VALUES)])
            if chosen is None:
                return False
            point[p] = chosen
        if choose is not None and parameters:
            if tuple(point.values()) in tried:
                return False  # fewer distinct points than asked for: no agreement claimed
            tried.add(tuple(point.values()))
        try:
            series = _numeric_series(node.xreplace(point))
            closed = sympy.N(sympy.sympify(value, strict=True).xreplace(point), DIGITS)
        except (_Unsettled, TypeError, ValueError, ZeroDivisionError, OverflowError):
            return False
        if not closed.is_number or closed.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            return False
        gap = abs(complex(closed) - complex(series))
        if not gap <= float(AGREEMENT) * (1 + abs(complex(series))):
            return False
    return True


def clean_value(node: sympy.Basic, scope: Scope | None = None) -> sympy.Basic | None:
    """SymPy's value of an infinite sum or product when it is a clean closed form that the
    series summed numerically agrees with (:mod:`.series`), else None.

    With ``scope``, a case split in SymPy's value (``Piecewise((1/(1 - g), g < 1), (Sum(...),
    True))``) is first decided from the declared domains (:mod:`.declared_branches`); a value
    changed so is then checked against the partial sums at values the declarations allow
    (the decided conditions hold only there), at three distinct points."""
    try:
        value = node.doit()
    except Exception:  # noqa: BLE001 - SymPy failing to sum is no value
        return None
    choose = None
    if scope is not None and isinstance(value, sympy.Basic):
        decided = decided_branches(value, scope)
        if decided != value:
            value, choose = decided, declared_choice(scope)
    if value == node or not isinstance(value, sympy.Basic):
        return None
    outside = value.replace(lambda n: isinstance(n, (sympy.Sum, sympy.Product)), lambda n: sympy.Integer(1))
    if outside.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan, sympy.AccumBounds):
        return None
    # SymPy's closed forms of convergent series can be wrong (divergent pieces cancelled):
    # one counts only when the series summed numerically agrees with it
    return value if agrees_with_partial_sums(node, value, choose) else None


def divergence(node: sympy.Basic, choose: Callable[[sympy.Symbol, int], sympy.Basic | None] | None = None) -> str | None:
    """Why the infinite ``Sum``/``Product`` ``node`` is not known to converge, or None when it
    converges: SymPy's convergence test says so, or its partial sums settle (as in
    :func:`agrees_with_partial_sums`) at one of the tried values of its parameters.

    A sum with no value cannot equal anything, nor cancel against itself: ``Sum(1/i, (i, 1, oo))
    - Sum(1/j, (j, 1, oo))`` is not 0 (docs/trust.md, rule 33). ``choose(p, k)``, when given,
    is the k-th value of the parameter ``p`` allowed by its declaration (or None): a series
    convergent only outside the declared domain (``x**i`` for ``x in [2, 3]``) does not count.
    SymPy's convergence test answers alone only for a series without parameters.
    """
    try:
        verdict = node.is_convergent()
    except Exception:  # noqa: BLE001 - SymPy's tests give up on many series: no answer
        verdict = None
    if verdict is True and not (node.free_symbols - set(node.variables)):
        return None
    parameters = sorted(node.free_symbols, key=str)
    for k in range(len(PARAMETER_VALUES)):
        point = {p: (choose(p, k + j) if choose is not None else
                     _value_for(p, PARAMETER_VALUES[(k + j) % len(PARAMETER_VALUES)])) for j, p in enumerate(parameters)}
        if any(v is None for v in point.values()):
            break
        try:
            _numeric_series(node.xreplace(point))
            return None
        except (_Unsettled, TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
    if verdict is False:
        return "diverges (SymPy's convergence test)"
    if verdict is True:
        return "converges by SymPy's test, but its partial sums do not settle at any tried value the declarations allow"
    return "is not shown to converge (no convergence test applies, and its partial sums do not settle)"


def _value_for(symbol: sympy.Symbol, candidate: sympy.Rational) -> sympy.Basic | None:
    """``candidate`` (or its negative, or an integer near it) if it satisfies ``symbol``'s
    assumptions, else None."""
    for value in (candidate, -candidate, sympy.Integer(int(candidate) + 1), -sympy.Integer(int(candidate) + 1),
                  sympy.Integer(0)):
        facts = {"integer": value.is_integer, "positive": value.is_positive, "negative": value.is_negative,
                 "nonnegative": value.is_nonnegative, "nonpositive": value.is_nonpositive,
                 "zero": value.is_zero, "nonzero": value.is_nonzero, "even": value.is_even, "odd": value.is_odd}
        if all(getattr(symbol, f"is_{name}") in (None, holds) for name, holds in facts.items()):
            return value
    return None


def _numeric_series(node: sympy.Basic) -> complex:
    """The value of a concrete infinite sum or product (iterated: innermost first), by mpmath."""
    import mpmath

    if not isinstance(node, (sympy.Sum, sympy.Product)) or node.free_symbols - set(node.variables):
        raise _Unsettled()
    *inner, (var, lo, hi) = node.limits
    body = type(node)(node.function, *inner) if inner else node.function
    if any(lim[1].is_infinite or lim[2].is_infinite for lim in inner):
        raise _Unsettled()  # one infinite level at a time: an inner infinite one is not summed here
    count = [0]

    def term(k: object) -> object:
        count[0] += 1
        if count[0] > MAX_TERM_EVALUATIONS:
            raise _Unsettled()
        at = body.xreplace({var: sympy.Integer(int(k))})
        if isinstance(at, (sympy.Sum, sympy.Product)):
            at = at.doit()
        # at the working precision of the summation, which Richardson's extrapolation raises
        number = sympy.N(at, mpmath.mp.dps + 10)
        if not number.is_number or number.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise _Unsettled()
        real, imag = number.as_real_imag()
        return mpmath.mpc(mpmath.mpf(str(real)), mpmath.mpf(str(imag))) if imag != 0 else mpmath.mpf(str(real))

    ends = []
    for end in (lo, hi):
        if end is sympy.oo or end is -sympy.oo:
            ends.append(mpmath.inf if end is sympy.oo else -mpmath.inf)
        elif end.is_integer:
            ends.append(int(end))
        else:
            raise _Unsettled()
    # Richardson and Shanks only (Euler-Maclaurin would evaluate terms between the
    # integers), at two working precisions: a summation that has settled gives the same
    # value at both, a divergent or too slowly converging one does not
    found = []
    for digits in (20, DIGITS):
        with mpmath.workdps(digits):
            if isinstance(node, sympy.Sum):
                summed = mpmath.nsum(term, ends, method="r")
            else:  # a product through the sum of the logarithms of its terms
                summed = mpmath.exp(mpmath.nsum(lambda k: mpmath.log(term(k)), ends, method="r"))
            if not mpmath.isfinite(summed):
                raise _Unsettled()
            found.append(complex(summed))
    if not abs(found[0] - found[1]) <= SETTLED * (1 + abs(found[1])):
        raise _Unsettled()
    return found[1]
