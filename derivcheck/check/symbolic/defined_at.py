"""An exact point where an expression's definedness conditions hold (rule 33, symbolically).

Used where the numeric check does not speak (``--no-numeric``, or an inconclusive
check): the values of the nonzero conditions' product at an exact point that satisfies
the declarations and the hypotheses (:func:`~.witness.exact_witness`), the other
scalars taking small values of their domains. A product that evaluates, to 30 digits,
clearly away from 0 there shows that every condition holds at one point.
"""

from __future__ import annotations

import itertools
from typing import Callable, Sequence

import sympy

from ...expr import objects
from ...expr.scope import MatrixDecl, ScalarDecl, Scope
from ..realize import RealizeError, realize_symbolic
from ...expr.constants import constant_sign, is_constant
from .inequalities import provably_nonzero
from .witness import WITNESS_VALUES, exact_witness

CLEARLY_NONZERO = sympy.Float(10) ** -12
"""A value at least this large (30 digits evaluated) is nonzero beyond rounding."""

MAX_CANDIDATES = 64
CHOICES = 4  # values tried per symbol


def nonzero_at(value: sympy.Basic, hypotheses: Sequence[objects.Relation], scope: Scope) -> str | None:
    """An exact point (``x = 1, y = 2``) where ``value`` is clearly nonzero, the declarations
    and ``hypotheses`` hold; None when none is found (or ``value`` holds anything but declared
    real or integer scalars)."""
    fixed: dict[sympy.Symbol, sympy.Expr] = {}
    if hypotheses:
        found = exact_witness(hypotheses, scope)
        if found is None:
            return None
        fixed = dict(found)
    value = value.xreplace(fixed)
    free = sorted(value.free_symbols, key=str)
    decls = [scope.names.get(getattr(s, "name", "")) for s in free]
    if not all(isinstance(d, ScalarDecl) and d.symbol == s for d, s in zip(decls, free)):
        return None
    if value.has(sympy.Indexed, sympy.MatrixExpr, sympy.Integral, sympy.Sum, sympy.Product):
        return None
    choices = [[v for v in _candidates(d) if _declared(d, v)][:CHOICES] for d in decls]
    for values in itertools.islice(itertools.product(*choices), MAX_CANDIDATES):
        point = dict(zip(free, values))
        if _clearly_nonzero(value.xreplace(point)):
            point.update(fixed)
            return ", ".join(f"{k} = {v}" for k, v in sorted(point.items(), key=lambda kv: str(kv[0])))
    return None


def written_out_nonzero(values: Sequence[sympy.Basic], scope: Scope) -> str | None:
    """Where no integer parameter sizes them: ``values`` (denominators, determinants of
    inverted matrices) written out entry by entry at their literal sizes are all clearly
    nonzero at one exact point of the entries (small distinct integers; the other scalars
    at their first allowed values). Only a step without hypotheses asks this: a general
    matrix's determinant is nonzero somewhere, but not necessarily where hypotheses hold."""
    try:
        written = [realize_symbolic(v, scope, {}) for v in values]
    except RealizeError:
        return None
    if not all(isinstance(w, sympy.Basic) and not isinstance(w, sympy.MatrixBase) for w in written):
        return None
    free = sorted(set().union(*(w.free_symbols for w in written)), key=str)
    point: dict[sympy.Basic, sympy.Expr] = {}
    for k, symbol in enumerate(free):
        decl = scope.names.get(getattr(symbol, "name", ""))
        if isinstance(decl, ScalarDecl) and decl.symbol == symbol:
            allowed = [v for v in _candidates(decl) if _declared(decl, v)]
            if not allowed:
                return None
            point[symbol] = allowed[0]
        else:  # an entry of a written-out matrix: any real (symmetric and diagonal are encoded)
            point[symbol] = sympy.Integer((k * k * 7 + k * 3 + 2) % 13 - 6) or sympy.Integer(7)
    if not all(_clearly_nonzero(w.xreplace(point)) for w in written):
        return None
    return "written out, at entries " + ", ".join(f"{k} = {v}" for k, v in list(point.items())[:6]) + (
        ", ..." if len(point) > 6 else "")


def _clearly_nonzero(value: sympy.Basic) -> bool:
    """Whether the constant ``value`` is nonzero: by its certified enclosure (:mod:`.constants`),
    else, for an operation the enclosures do not cover, evaluated to 30 digits clearly away from 0."""
    sign = constant_sign(value)
    if sign is not None:
        return sign != 0
    try:
        number = sympy.N(value, 30)
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    return bool(number.is_number and not number.has(sympy.nan, sympy.zoo) and abs(number) > CLEARLY_NONZERO)


def _candidates(decl: ScalarDecl) -> list[sympy.Expr]:
    """Small values first, then points inside the declared interval (``(0, 1)``: 1/3, 1/2, ...)."""
    inside: list[sympy.Expr] = []
    interval = decl.interval
    if interval is not None:
        lo, hi = (None if end is None or end.is_infinite else end for end in (interval.lo, interval.hi))
        if lo is not None and hi is not None:
            inside = [lo + (hi - lo) * sympy.Rational(r) for r in ("1/3", "1/2", "2/3", "1/7")]
        elif lo is not None:
            inside = [lo + sympy.Rational(r) for r in ("1/3", "1", "2", "1/7")]
        elif hi is not None:
            inside = [hi - sympy.Rational(r) for r in ("1/3", "1", "2", "1/7")]
    return [*WITNESS_VALUES[1:], *inside] if interval is None else [*inside, *WITNESS_VALUES[1:]]


def declared_value(scope: Scope) -> Callable[[sympy.Symbol, int], sympy.Basic | None]:
    """``choose(p, k)``: the k-th candidate value of the declared scalar ``p`` that its
    declaration allows (None for anything else), for :func:`~.series.divergence`."""

    def choose(symbol: sympy.Symbol, k: int) -> sympy.Basic | None:
        decl = scope.names.get(getattr(symbol, "name", ""))
        if not (isinstance(decl, ScalarDecl) and decl.symbol == symbol):
            return None
        allowed = [v for v in _candidates(decl) if _declared(decl, v)]
        return allowed[k % len(allowed)] if allowed else None

    return choose


def uncertified_constant(value: sympy.Basic) -> tuple[sympy.Basic, int | None] | None:
    """The first constant factor of ``value`` (a denominator, or an inverted matrix, whose scalar
    factors count) that is not certified nonzero, with its sign (0: it is 0; None: not known),
    or None when every constant factor is certified nonzero (:mod:`.constants`). SymPy cancels
    ``c/c`` to 1 for a constant ``c`` written as anything but 0 (``log(6) - log(2) - log(3)``),
    so such a factor is only nonzero by its enclosure."""
    factors = value.args if isinstance(value, (sympy.Mul, sympy.MatMul)) else (value,)
    for factor in factors:
        if isinstance(factor, sympy.Pow) and factor.exp.is_Integer:
            factor = factor.base
        if is_constant(factor) and not factor.is_Rational or factor == 0:
            sign = constant_sign(factor)
            if sign not in (1, -1):
                return factor, sign
    return None


def declared_nonzero(expr: sympy.Basic, scope: Scope) -> bool:
    """Whether ``expr`` is nonzero by the declarations alone: the determinant of a matrix
    invertible by them (:func:`declared_invertible`), or a product or power of such."""
    if isinstance(expr, sympy.Determinant):
        return declared_invertible(expr.arg, scope)
    if isinstance(expr, sympy.Pow):
        return declared_nonzero(expr.base, scope)
    if isinstance(expr, sympy.Mul):
        return all(declared_nonzero(a, scope) or provably_nonzero(a) for a in expr.args)
    return False


def declared_invertible(matrix: sympy.Basic, scope: Scope) -> bool:
    """Whether ``matrix`` is invertible for every value the declarations allow: the identity,
    a matrix declared invertible (or pd, orthogonal), and products, transposes, inverses and
    integer powers of such, times nonzero numbers."""
    if isinstance(matrix, sympy.Identity):
        return True
    if isinstance(matrix, sympy.MatrixSymbol):
        decl = scope.names.get(matrix.name)
        return isinstance(decl, MatrixDecl) and decl.symbol == matrix and decl.has_qualifier("invertible")
    if isinstance(matrix, (sympy.Transpose, sympy.Inverse)):
        return declared_invertible(matrix.arg, scope)
    if isinstance(matrix, sympy.MatPow):
        return matrix.exp.is_integer is True and declared_invertible(matrix.base, scope)
    if isinstance(matrix, sympy.MatMul):
        return all(declared_invertible(a, scope) if getattr(a, "is_Matrix", False) else provably_nonzero(a)
                   for a in matrix.args)
    return False


def _declared(decl: ScalarDecl, value: sympy.Expr) -> bool:
    if decl.is_integer and not value.is_integer:
        return False
    for fact in ("positive", "nonnegative", "negative", "nonpositive", "nonzero", "integer"):
        if getattr(decl.symbol, f"is_{fact}") is True and getattr(value, f"is_{fact}") is not True:
            return False
    facts = decl.bounds_on(value)
    ops = {">": sympy.Gt, ">=": sympy.Ge, "<": sympy.Lt, "<=": sympy.Le}
    return all(bool(ops[f.op](f.lhs, f.rhs)) for f in facts)
