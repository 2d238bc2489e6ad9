"""Fraction-free arithmetic with rational functions: numerators and factored denominators in QQ[x].

A rational expression (sums, products, integer powers, rational numbers, variables)
becomes a numerator polynomial and a denominator kept as a list of polynomial
factors with exponents, in SymPy's sparse ring ``QQ[variables]``. A sum takes the
least common multiple of its terms' denominators, comparing factors as polynomials
(no factoring, no gcd), so that sums of entries of an inverse keep the one
determinant. Every denominator is checked to be a nonzero polynomial where it is
made (:class:`Undefined` otherwise), and the work is bounded (:class:`TooLarge`).
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.polys.domains import QQ
from sympy.polys.rings import PolyElement, ring

from ..realize import NotRational

MAX_TERMS = 20_000
"""Terms of one polynomial before the arithmetic gives up."""
MAX_WORK = 2_000_000
"""Term products of one multiplication of polynomials (len(p) * len(q)) before it gives up."""


class Undefined(Exception):
    """A denominator that is the zero polynomial: the expression has no value anywhere."""


class TooLarge(Exception):
    """A polynomial beyond :data:`MAX_TERMS` terms, or a product beyond :data:`MAX_WORK`."""


def all_zero(pairs: list[tuple[sympy.Basic, sympy.Basic]], variables: list[sympy.Basic]) -> bool:
    """Whether ``left - right`` is the zero rational function for every pair, every denominator
    met being a nonzero polynomial (False when out of reach: not rational, too large, undefined)."""
    names = sympy.symbols(f"v0:{max(1, len(variables))}")
    field_ring, *gens = ring(names, QQ)
    to_ring = dict(zip(variables, gens))
    memo: dict[sympy.Basic, Fraction_] = {}
    try:
        for left, right in pairs:
            difference = _add(_fraction(left, to_ring, field_ring, memo),
                              _scale(_fraction(right, to_ring, field_ring, memo), -1))
            if difference[0]:
                return False
    except (NotRational, Undefined, TooLarge):
        return False
    return True


Fraction_ = tuple[PolyElement, tuple[tuple[PolyElement, int], ...]]
"""A rational function: a numerator and its denominator as factors with exponents (each factor
a nonzero, non-constant polynomial; sums take the least common multiple of the factors as
they are, with no factoring and no gcd)."""


def _fraction(e: sympy.Basic, to_ring: dict, field_ring: Any, memo: dict[sympy.Basic, Fraction_]) -> Fraction_:
    """``e`` as a :data:`Fraction_` in ``field_ring``; :class:`Undefined` where a denominator
    is the zero polynomial, :class:`TooLarge` past :data:`MAX_TERMS` terms."""
    hit = memo.get(e)
    if hit is not None:
        return hit
    if e in to_ring:
        out: Fraction_ = (to_ring[e], ())
    elif e.is_Rational:
        out = (field_ring(QQ(int(e.p), int(e.q))), ())
    elif isinstance(e, sympy.Add):
        out = (field_ring.zero, ())
        for a in e.args:
            out = _add(out, _fraction(a, to_ring, field_ring, memo))
    elif isinstance(e, sympy.Mul):
        out = (field_ring.one, ())
        for a in e.args:
            out = _multiply(out, _fraction(a, to_ring, field_ring, memo))
    elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
        base, k = _fraction(e.base, to_ring, field_ring, memo), int(e.exp)
        out = _power(base, k) if k >= 0 else _power(_reciprocal(base, e.base), -k)
    else:
        raise NotRational(f"{type(e).__name__} is not rational: {e}")
    if len(out[0]) > MAX_TERMS:
        raise TooLarge(f"more than {MAX_TERMS} terms")
    memo[e] = out
    return out


def _merge(*denominators: tuple[tuple[PolyElement, int], ...]) -> list[list]:
    """[factor, exponent] of the least common multiple of the denominators (factors compared as
    polynomials; none is factored further)."""
    out: list[list] = []
    for factors in denominators:
        for factor, k in factors:
            for entry in out:
                if entry[0] == factor:
                    entry[1] = max(entry[1], k)
                    break
            else:
                out.append([factor, k])
    return out


def _times(p: PolyElement, q: PolyElement) -> PolyElement:
    if len(p) * len(q) > MAX_WORK:
        raise TooLarge(f"a product of polynomials of {len(p)} and {len(q)} terms")
    return p * q


def _cofactor(lcm: list[list], factors: tuple[tuple[PolyElement, int], ...], one: PolyElement) -> PolyElement:
    out = one
    for factor, k in lcm:
        have = next((j for f, j in factors if f == factor), 0)
        if k > have:
            for _ in range(k - have):
                out = _times(out, factor)
    return out


def _add(a: Fraction_, b: Fraction_) -> Fraction_:
    if not b[0]:
        return a
    if not a[0]:
        return b
    lcm = _merge(a[1], b[1])
    one = a[0].ring.one
    numerator = _times(a[0], _cofactor(lcm, a[1], one)) + _times(b[0], _cofactor(lcm, b[1], one))
    return numerator, tuple((f, k) for f, k in lcm)


def _multiply(a: Fraction_, b: Fraction_) -> Fraction_:
    factors = [[f, k] for f, k in a[1]]
    for f, k in b[1]:
        for entry in factors:
            if entry[0] == f:
                entry[1] += k
                break
        else:
            factors.append([f, k])
    return _times(a[0], b[0]), tuple((f, k) for f, k in factors)


def _scale(a: Fraction_, c: int) -> Fraction_:
    return a[0] * c, a[1]


def _power(a: Fraction_, k: int) -> Fraction_:
    out = a[0].ring.one
    for _ in range(k):
        out = _times(out, a[0])
    return out, tuple((f, j * k) for f, j in a[1])


def _reciprocal(a: Fraction_, written: sympy.Basic) -> Fraction_:
    numerator, factors = a
    if not numerator:
        raise Undefined(f"{written} is the zero polynomial")
    one = numerator.ring.one
    product = one
    for f, k in factors:
        for _ in range(k):
            product = _times(product, f)
    if numerator.is_ground:
        return product * (one.ring.domain.one / numerator.LC), ()
    return product, ((numerator, 1),)


__all__ = ["MAX_TERMS", "MAX_WORK", "TooLarge", "Undefined", "all_zero"]
