"""Special points of a relation: where random points almost surely never land.

A statement can fail on a thin set only: ``(3*x - 1)**2 > 0`` at ``x = 1/3``,
``sign(3*x - 1)**2 = 1`` there too, ``Max(x, 1/3) - Min(x, 1/3) > 0`` likewise.
Random points miss such sets with probability one, so the points where the
expression changes its form are computed instead:

* the zeros of the arguments of ``Abs``, ``sign`` and ``Heaviside``, of the
  pairwise differences of the arguments of ``Max`` and ``Min``, and of both sides'
  differences in ``Piecewise`` conditions (the kinks), and points just beside them
  (``10**-6`` relative on each side: ``x + 10**-10*Max(0, x - 2) = x`` fails only
  on one side of its kink);
* the zeros of denominators, which are no point of the domain, and points just
  beside them (``10**-6`` relative on each side), where a value is large;
* for an inequality, the zeros of ``lhs - rhs`` (its equality cases);
* for each kink expression, its critical points and the midpoints of its adjacent
  zeros: ``(x - 1/3)**2 >= 10**-60`` fails only strictly between its equality cases;
* the ends of each scalar's declared interval: a closed end itself, an open one
  ``10**-6`` (relative) inside.

For an inequality, the parts of ``lhs - rhs`` whose zeros it shares are solved too:
the factors of a product, the base of a power, the argument of a function that is 0
at 0 (``sin((3*x - 1)*(x**7 - 2))**2 > 0`` fails at x = 1/3).

Each is solved exactly in one coordinate at a time (a real scalar, or an entry of a
general matrix), the other quantities at the values of a sampled point, and then
again from the points so found, so that a point isolated in two coordinates is
reached (``(7*x - 5)**2 + (3*y - 1)**2 > 0`` at (5/7, 1/3)); only where that is cheap: the expression must be
a rational function of the scalar whose numerator has degree at most
:data:`MAX_DEGREE` (or, up to :data:`MAX_FACTOR_DEGREE`, whose irreducible factors
over the rationals have, and up to :data:`MAX_SQF_DEGREE` whose square-free factors
have: ``(3*x - 1)*(x**7 - 2)`` has the root 1/3) (real roots by SymPy's exact root isolation; a rational root is
kept exactly, an irrational one as its nearest float). A point outside the
scalar's declared domain is dropped. Transcendental equations (``sin(x) = 1/2``)
are not solved: the local minimisation of inequalities (:mod:`.numeric`) and the
random points cover those only approximately.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

import sympy

from ..realize import RealizeError, RealizedRelation
from .sampling import Param, Point, exact_values

MAX_DEGREE = 6  # numerator degree solved exactly
MAX_SQF_DEGREE = 64  # up to this degree, its square-free factors of degree <= MAX_DEGREE are solved
MAX_FACTOR_DEGREE = 32  # up to this degree, its irreducible factors (over QQ) of degree <= MAX_DEGREE
MAX_DEPTH = 3  # levels of an inequality's difference searched for the zeros of its parts
MAX_ARGUMENTS = 8  # kink and denominator expressions examined per relation
MAX_OPS = 400  # larger expressions are not solved (their roots cost too much)
NEAR = Fraction(1, 10**6)  # relative distance of the points beside a pole


def critical_expressions(relation: RealizedRelation) -> tuple[list[sympy.Expr], list[sympy.Expr]]:
    """(kinks, denominators): the expressions whose zeros are special points of ``relation``
    (for an inequality, ``lhs - rhs`` is among the kinks)."""
    kinks: dict[sympy.Expr, None] = {}
    poles: dict[sympy.Expr, None] = {}
    sides = []
    for lhs, rhs in relation.cases:
        for side in (lhs, rhs):
            sides.extend(list(side) if isinstance(side, sympy.MatrixBase) else [side])
        if relation.op != "=" and not isinstance(lhs, sympy.MatrixBase):
            difference = sympy.sympify(lhs - rhs, strict=True)
            kinks[difference] = None
            for part in _zero_parts(difference, MAX_DEPTH):
                kinks[part] = None
    for side in sides:
        if not isinstance(side, sympy.Basic):
            continue
        for node in sympy.preorder_traversal(side):
            if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
                kinks[node.args[0]] = None
            elif isinstance(node, (sympy.Max, sympy.Min)):
                for i, a in enumerate(node.args):
                    for b in node.args[i + 1:]:
                        kinks[a - b] = None
            elif isinstance(node, sympy.Piecewise):
                for _, cond in node.args:
                    for rel in ([cond] if isinstance(cond, sympy.core.relational.Relational) else
                                [c for c in cond.args if isinstance(c, sympy.core.relational.Relational)]):
                        kinks[rel.lhs - rel.rhs] = None
            elif isinstance(node, sympy.Pow) and node.exp.is_negative and node.exp.is_Rational:
                poles[node.base] = None
    keep = [e for e in kinks if isinstance(e, sympy.Basic) and e.free_symbols]
    poles_kept = [e for e in poles if e.free_symbols]
    return keep[:MAX_ARGUMENTS], poles_kept[:MAX_ARGUMENTS]


# functions that vanish where their argument does (``sin(u)**2 > 0`` fails where u = 0)
_ODD_AT_ZERO = (sympy.sin, sympy.tan, sympy.sinh, sympy.tanh, sympy.asin, sympy.atan, sympy.asinh,
                sympy.atanh, sympy.erf, sympy.sign)


def _zero_parts(expr: sympy.Basic, depth: int) -> list[sympy.Expr]:
    """Parts of ``expr`` whose zeros are where ``expr`` may vanish or change form: the
    factors of a product, the base of a power, the argument of a function that is 0 at 0
    (``sin``, ``tanh``, ...), ``u - 1`` for ``log(u)``, ``depth`` levels down."""
    if depth <= 0 or not isinstance(expr, sympy.Expr):
        return []
    if isinstance(expr, sympy.Mul):
        parts = [a for a in expr.args if a.free_symbols]
    elif isinstance(expr, sympy.Pow) and expr.exp.is_positive:
        parts = [expr.base]
    elif isinstance(expr, _ODD_AT_ZERO) or isinstance(expr, sympy.Abs):
        parts = [expr.args[0]]
    elif isinstance(expr, sympy.log):
        parts = [expr.args[0] - 1]
    else:
        return []
    out: list[sympy.Expr] = []
    for part in parts:
        if part.free_symbols and part not in out:
            out.append(part)
            out.extend(q for q in _zero_parts(part, depth - 1) if q not in out)
    return out


def special_points(relation: RealizedRelation, params: list[Param], bases: list[Point], limit: int) -> list[Point]:
    """Up to ``limit`` points where a kink (and beside it), a pole's neighbourhood or (for an
    inequality) an equality case of ``relation`` lies, each found from one of ``bases`` by
    moving one coordinate, or two: from the points so found, a second one."""
    kinks, poles = critical_expressions(relation)
    scalars = [p for p in params if p.kind == "scalar" and not p.domain.integer]
    out: list[Point] = []
    for p in scalars:  # the ends of the declared intervals, from the first base
        for end, is_open, inward in ((p.domain.lo, p.domain.lo_open, 1), (p.domain.hi, p.domain.hi_open, -1)):
            if end is not None and bases and len(out) < limit:
                value = end + inward * NEAR * (1 + abs(end)) if is_open else end
                if p.domain.contains(value) and {**bases[0], p.key: value} not in out:
                    out.append({**bases[0], p.key: value})
    if not kinks and not poles:
        return out
    first = _moved(kinks, poles, scalars, params, bases, 3 * limit)
    # a point isolated in two or more scalars, ``(7*x - 5)**2 + (3*y - 1)**2 > 0`` at (5/7, 1/3):
    # each scalar's special values from the points where another one already has its own
    several = len(_coordinates(scalars, params)) > 1
    second = _moved(kinks, poles, scalars, params, first[:SECOND_BASES], 3 * limit) if several else []
    for k in range(max(len(first), len(second))):
        for found in (first, second):
            if k < len(found) and found[k] not in out:
                out.append(found[k])
            if len(out) >= limit:
                return out
    return out


SECOND_BASES = 4  # first-round special points that a second round starts from


def _moved(kinks: list[sympy.Expr], poles: list[sympy.Expr], scalars: list[Param], params: list[Param],
           bases: list[Point], limit: int) -> list[Point]:
    """Up to ``limit`` points, each one of ``bases`` with one coordinate (a scalar, or an
    entry of a general matrix) moved to a special value of a kink or pole expression
    (:func:`_moves`), inside its domain."""
    coordinates = _coordinates(scalars, params)
    out: list[Point] = []
    for base in bases:
        try:
            values = exact_values(params, base)
        except RealizeError:
            continue
        for expr, beside in [(e, False) for e in kinks] + [(e, True) for e in poles]:
            if sympy.count_ops(expr) > MAX_OPS:
                continue
            for s, inside, put in coordinates:
                if s not in expr.free_symbols:
                    continue
                for value in _moves(expr.xreplace({k: v for k, v in values.items() if k != s}), s, beside):
                    if inside(value):
                        point = put(base, value)
                        if point not in out and point != base:
                            out.append(point)
                    if len(out) >= limit:
                        return out
    return out


def _coordinates(scalars: list[Param], params: list[Param]) -> list[tuple[sympy.Symbol, Callable, Callable]]:
    """``(symbol, inside, put)`` per coordinate that a special value can be put in: each real
    scalar, and each entry of a matrix whose generator is the matrix itself (``general``,
    not ``invertible``: a vector ``z`` with ``z[0] = 1/3``)."""
    out: list[tuple[sympy.Symbol, Callable, Callable]] = []
    for p in scalars:
        out.append((p.symbols[0], p.domain.contains, lambda base, v, key=p.key: {**base, key: v}))
    for p in params:
        if p.kind != "matrix" or p.transform != "general" or p.invertible:
            continue
        cols = p.shape[1]
        for k, s in enumerate(p.symbols[:MAX_ENTRY_COORDINATES]):
            def put(base: Point, v: Any, key: str = p.key, i: int = k // cols, j: int = k % cols) -> Point:
                rows = [list(row) for row in base[key]]
                rows[i][j] = v
                return {**base, key: tuple(tuple(row) for row in rows)}
            out.append((s, lambda v: True, put))
    return out


MAX_ENTRY_COORDINATES = 16  # entries of one matrix that special values are put in


def integer_cases(relation: RealizedRelation, symbols: list[sympy.Symbol], base: dict[sympy.Symbol, int],
                  inside: Callable[[sympy.Symbol, int], bool]) -> list[tuple[sympy.Symbol, int]]:
    """``(n, value)``: the integers at and beside each real zero and critical point of a kink
    of ``relation`` (an inequality's equality cases among them) in the integer parameter
    ``n``, the others at ``base``, where ``inside(n, value)``: ``(n - 13)**2 > 0`` fails at
    n = 13, ``n <= 1000`` at 1001. Solved as the real special points are (a rational
    function of ``n`` alone, of small degree)."""
    kinks, _ = critical_expressions(relation)
    out: list[tuple[sympy.Symbol, int]] = []
    for expr in kinks:
        if sympy.count_ops(expr) > MAX_OPS:
            continue
        for n in symbols:
            if n not in expr.free_symbols:
                continue
            alone = expr.xreplace({k: sympy.Integer(v) for k, v in base.items() if k != n})
            for root in _roots(alone, n) + _roots(_derivative(alone, n), n):
                low = math.floor(Fraction(root))
                high = low if Fraction(root) == low else low + 1
                out.extend((n, v) for v in dict.fromkeys((low, high, high + 1, low - 1))
                           if (n, v) not in out and inside(n, v))
    return out


def _moves(expr: sympy.Expr, s: sympy.Symbol, beside: bool) -> list[Fraction | float]:
    """The values of ``s`` to try for one expression: its zeros (unless only ``beside``
    them), for a kink its critical points and the midpoints of adjacent zeros (a violation
    between two zeros 10**-30 apart: ``(x - 1/3)**2 >= 10**-60``), then the points beside
    each zero, relative to its size (a kink at 1.4e-7 has its neighbours at 1.4e-7 (1 -+ 1e-6),
    not 1e-6 away, past a region that narrow)."""
    plain = sympy.Dummy("s")  # a sequence element or matrix entry as a plain symbol (see _roots)
    expr, s = expr.xreplace({s: plain}), plain
    zeros = _roots(expr, s)
    out: list[Fraction | float] = []
    if not beside:
        out.extend(zeros)
        ordered = sorted(zeros)
        between = _roots(_derivative(expr, s), s) + [(Fraction(a) + Fraction(b)) / 2
                                                     for a, b in zip(ordered, ordered[1:])]
        out.extend(v for v in between if v not in out)
    for root in zeros:
        near = [root * (1 - NEAR), root * (1 + NEAR)] if root != 0 else [-NEAR, NEAR]
        out.extend(v for v in near if v not in out)
    return out


def _derivative(expr: sympy.Expr, s: sympy.Symbol) -> sympy.Expr:
    """``d expr / d s`` when ``expr`` is a rational function of ``s`` alone (else 0: no points)."""
    if not isinstance(expr, sympy.Expr) or not expr.free_symbols or not expr.is_rational_function(s):
        return sympy.Integer(0)
    return sympy.diff(expr, s)


def _roots(expr: sympy.Expr, s: sympy.Symbol) -> list[Fraction | float]:
    """The real zeros of ``expr`` in ``s`` (exact when rational), when it is a rational
    function of ``s`` alone with a numerator of small degree; else none."""
    # a sequence element or a matrix entry carries its base among its free symbols: the
    # scalar is put in as a plain symbol first (a[1] - 1/3 has the root a[1] = 1/3 too)
    plain = sympy.Dummy("s")
    expr, s = expr.xreplace({s: plain}), plain
    if expr.free_symbols != {s}:
        return []
    try:
        numerator = sympy.numer(sympy.together(expr))
        if not numerator.is_polynomial(s):
            return []
        poly = sympy.Poly(numerator, s)
        if poly.degree() < 1 or poly.degree() > MAX_SQF_DEGREE or not poly.domain.is_QQ and not poly.domain.is_ZZ:
            return []
        # a repeated factor is solved alone: 8*(x - 1/3)**7 has the root 1/3; and a small
        # factor beside a large one: (3*x - 1)*(x**7 - 2) has the root 1/3 too
        if poly.degree() <= MAX_DEGREE:
            factors = [poly]
        elif poly.degree() <= MAX_FACTOR_DEGREE:
            factors = [f for f, _ in poly.factor_list()[1]]
        else:
            factors = [f for f, _ in poly.sqf_list()[1]]
        found: list[Fraction | float] = []
        for factor in factors:
            if factor.degree() > MAX_DEGREE:
                continue
            for root in factor.real_roots():
                value = Fraction(int(root.p), int(root.q)) if root.is_Rational else float(root.evalf(20))
                if value not in found:
                    found.append(value)
        return found
    except (sympy.PolynomialError, sympy.polys.polyerrors.PolificationFailed, TypeError, ValueError):
        return []
