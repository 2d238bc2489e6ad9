"""Equality hypotheses as polynomial relations: does the goal follow from them?

Each side is brought over a common denominator; the goal's numerator is reduced
by a Groebner basis of the hypotheses' numerators. A zero remainder writes the
goal's numerator as a polynomial combination of the hypotheses' numerators, an
identity in the generators (symbols, sequence elements, sqrt(...), E(...), ...)
treated as independent unknowns; it therefore stays true for the actual values,
whatever further relations hold between the generators. So wherever the
hypotheses hold (and the goal is defined) the goal holds: sound by construction.
"""

from __future__ import annotations

from typing import Iterable

import sympy

MAX_GENERATORS = 24


def follows_from(goal: sympy.Expr, hypotheses: Iterable[sympy.Expr]) -> bool:
    """True when ``goal = 0`` is implied by ``h = 0`` for every ``h`` in ``hypotheses``."""
    numerators = [sympy.numer(sympy.together(h)) for h in hypotheses]
    numerators = [sympy.expand(h) for h in numerators if h != 0]
    target = sympy.expand(sympy.numer(sympy.together(goal)))
    if target == 0:
        return True
    if not numerators:
        return False
    try:
        polys, info = sympy.parallel_poly_from_expr([target, *numerators])
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, ValueError, TypeError):
        return False
    gens = info["gens"]
    if len(gens) > MAX_GENERATORS:
        return False
    try:
        basis = sympy.groebner([p.as_expr() for p in polys[1:]], *gens, order="grevlex")
        _, remainder = basis.reduce(polys[0].as_expr())
    except (sympy.PolynomialError, sympy.CoercionFailed, ValueError, TypeError, NotImplementedError):
        return False
    return sympy.expand(remainder) == 0

