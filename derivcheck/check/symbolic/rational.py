"""Rational identities at concrete sizes: exact grids and fraction-free arithmetic.

A relation with no integer parameter to instantiate (sizes literal, no sums with
symbolic bounds), whose sides hold only sums, products, integer powers, rational
numbers, scalar symbols and matrices of at most :data:`MAX_ENTRIES` entries (with
transposes, products, powers, inverses, determinants, traces and subscripts), is
written out entry by entry with one real symbol per matrix entry
(:func:`~derivcheck.check.realize.realize_symbolic`). Each entry of each side is
then a rational function of finitely many variables, and two strategies decide the
entries exactly (docs/trust.md gives the argument of each):

- ``exact grid`` (:func:`prove_on_grid`): the tree of ``lhs - rhs`` is ``P / Q``
  with ``deg_v P <= d_v`` for each variable v (:func:`~derivcheck.check.realize.degree_bound`
  with v alone of degree 1); a polynomial of degree at most ``d_v`` in each v that
  vanishes on a grid ``S_1 x ... x S_m`` with ``|S_v| = d_v + 1`` is zero
  (the grid form of Schwartz–Zippel, Alon's combinatorial Nullstellensatz), so
  exact values 0 at every point of such a grid, where every denominator of both
  trees is nonzero, prove ``P = 0``.
- ``rational arithmetic`` (:func:`prove_by_rational_arithmetic`): each side as a
  numerator and a denominator in the polynomial ring ``QQ[variables]`` (sparse,
  fraction-free: a sum of fractions with one denominator keeps it), and
  ``P1 * Q2 - P2 * Q1`` is the zero polynomial.

Neither proves a relation that has no value: every denominator of the sides as
written (a scalar power with a negative exponent, the determinant of every
inverse), once written out, must be shown nonzero at an exact point, and every
denominator met on the way must be a nonzero polynomial.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.polys.domains import QQ
from sympy.polys.rings import PolyElement, ring

from ...expr import objects
from ...expr.scope import Scope
from ..realize import NotRational, RealizeError, degree_bound, evaluate_exact, realize_symbolic

MAX_ENTRIES = 16
"""The largest matrix written out (4x4, or a vector of 16)."""
MAX_GRID_POINTS = 2048
"""Exact evaluations, over all the entries' grids, that one relation may take."""
MAX_GRID_WORK = 200_000
"""Grid points times the nodes of the entry evaluated there, over one relation."""
MAX_TERMS = 20_000
"""Terms of one polynomial in the fraction-free arithmetic before it gives up."""
MAX_WORK = 2_000_000
"""Term products of one multiplication of polynomials (len(p) * len(q)) before it gives up."""
GRID_TRIES = 3  # grids tried, each with other values, when a point meets a zero denominator

_UNWRITABLE = (sympy.Sum, sympy.Product, sympy.Integral, sympy.Derivative, sympy.Function, objects.Gradient,
               objects.HessianMatrix, objects.FunctionGradient, objects.Expectation, objects.Variance,
               objects.Covariance)

Pair = tuple[sympy.Basic, sympy.Basic]


class Undefined(Exception):
    """A denominator that is the zero polynomial: the expression has no value anywhere."""


class TooLarge(Exception):
    """A polynomial beyond :data:`MAX_TERMS` terms."""


def written_out(lhs: Any, rhs: Any, scope: Scope) -> list[Pair] | None:
    """The (lhs, rhs) entry pairs of the relation written out at its literal sizes, every
    denominator shown nonzero; None when it is out of reach (see the module docstring)."""
    key = (lhs, rhs, id(scope))
    if _LAST.get("key") == key and _LAST.get("scope") is scope:
        return _LAST["pairs"]
    pairs = _written_out(lhs, rhs, scope)
    _LAST.update(key=key, scope=scope, pairs=pairs)
    return pairs


_LAST: dict[str, Any] = {}  # the last relation written out: both strategies ask for it in turn


def _written_out(lhs: Any, rhs: Any, scope: Scope) -> list[Pair] | None:
    if not all(_writable(side, scope) for side in (lhs, rhs)):
        return None
    try:
        sides = [realize_symbolic(side, scope, {}) for side in (lhs, rhs)]
        denominators = [realize_symbolic(d, scope, {}) for side in (lhs, rhs) for d in _denominators(side)]
    except (RealizeError, ValueError, TypeError, ZeroDivisionError):
        return None
    pairs = _pairs(*sides)
    if pairs is None or not all(_nonzero_somewhere(d) for d in denominators):
        return None
    return pairs


def _writable(side: Any, scope: Scope) -> bool:
    if isinstance(side, sympy.MatrixBase):
        return len(side) <= MAX_ENTRIES and all(_writable(x, scope) for x in side)
    if not isinstance(side, sympy.Basic) or side.has(*_UNWRITABLE) or side.atoms(sympy.Float):
        return False
    if {s.name for s in side.free_symbols if isinstance(s, sympy.Symbol)} & scope.random_names():
        return False  # random variables are left to the canonical forms of moments
    for m in side.atoms(sympy.MatrixSymbol):
        if not (m.rows.is_Integer and m.cols.is_Integer and int(m.rows) * int(m.cols) <= MAX_ENTRIES):
            return False
    return True


def _denominators(side: Any) -> list[sympy.Basic]:
    """What must be nonzero for ``side`` to have a value: bases of negative powers, and the
    determinant of each inverse (matrix power with a negative exponent included)."""
    if isinstance(side, sympy.MatrixBase):
        return [d for x in side for d in _denominators(x)]
    out: list[sympy.Basic] = []
    for node in sympy.preorder_traversal(side):
        if isinstance(node, sympy.Inverse):
            out.append(sympy.Determinant(node.arg))
        elif isinstance(node, sympy.MatPow) and node.exp.is_negative:
            out.append(sympy.Determinant(node.base))
        elif isinstance(node, sympy.Pow) and node.exp.is_negative and not isinstance(node.base, MatrixExpr):
            out.append(node.base)
    return out


def _pairs(lhs: Any, rhs: Any) -> list[Pair] | None:
    left = list(lhs) if isinstance(lhs, sympy.MatrixBase) else [lhs]
    right = list(rhs) if isinstance(rhs, sympy.MatrixBase) else [rhs]
    if isinstance(lhs, sympy.MatrixBase) and isinstance(rhs, sympy.MatrixBase) and lhs.shape != rhs.shape:
        return None
    if len(left) != len(right):
        if left == [0]:
            left = left * len(right)
        elif right == [0]:
            right = right * len(left)
        else:
            return None
    return list(zip(left, right))


def _variables(exprs: list[sympy.Basic]) -> list[sympy.Basic]:
    """The variables of written-out entries: symbols and sequence elements (an element is one
    variable; its base's label, also a free symbol, is a variable that occurs nowhere else)."""
    found: set[sympy.Basic] = set()
    for e in exprs:
        found |= e.free_symbols | e.atoms(sympy.Indexed)
    return sorted(found, key=sympy.default_sort_key)


def _point(variables: list[sympy.Basic], k: int) -> dict[sympy.Basic, Fraction]:
    """A fixed exact point, the k-th: large and unrelated values (a nonzero polynomial of
    small degree rarely vanishes there; a zero value there only means no answer)."""
    return {v: Fraction(1_000_003 * (j + 1) + 7919 * k + 1, 97 + 31 * j + k) for j, v in enumerate(variables)}


def _nonzero_somewhere(expr: sympy.Basic) -> bool:
    """Whether ``expr`` (written out) is shown nonzero: an exact nonzero value at one of a few points."""
    if not isinstance(expr, sympy.Basic):
        return False
    variables = _variables([expr])
    for k in range(3):
        try:
            if evaluate_exact(expr, _point(variables, k)) != 0:
                return True
        except (NotRational, ZeroDivisionError):
            return False
    return False


def vanishes_on_grids(lhs: Any, rhs: Any, scope: Scope) -> str | None:
    """How the grid argument proves ``lhs = rhs`` (its detail), or None."""
    pairs = written_out(lhs, rhs, scope)
    if pairs is None:
        return None
    budget, work, largest = MAX_GRID_POINTS, MAX_GRID_WORK, {}
    for left, right in pairs:
        if left == right:
            continue
        degrees = _grid_degrees(left, right)
        if degrees is None:
            return None
        size = 1
        for d in degrees.values():
            size *= d + 1
        budget -= size
        work -= size * _nodes(left, right)
        if budget < 0 or work < 0 or not _vanishes_on_grid(left, right, degrees):
            return None
        if sum(degrees.values()) > sum(largest.values()):
            largest = degrees
    shown = ", ".join(f"{v}: {d}" for v, d in largest.items() if d) or "0"
    return (f"exact value 0 on a grid of (d_v + 1) values per variable for each of {len(pairs)} entries, "
            f"{MAX_GRID_POINTS - budget} points in all (degree bounds d_v: {shown})")


def _nodes(*exprs: sympy.Basic) -> int:
    return len({node for e in exprs for node in sympy.preorder_traversal(e)})


def _grid_degrees(left: sympy.Basic, right: sympy.Basic) -> dict[sympy.Basic, int] | None:
    """Per variable v, a bound on the degree in v of the numerator of ``left - right``
    (over the product of the two trees' denominators): ``max(n1 + d2, n2 + d1)``."""
    variables = _variables([left, right])
    out: dict[sympy.Basic, int] = {}
    try:
        for v in variables:
            leaves = {u: ((1, 0) if u == v else (0, 0)) for u in variables}
            (n1, d1), (n2, d2) = degree_bound(left, leaves), degree_bound(right, leaves)
            out[v] = max(n1 + d2, n2 + d1)
    except NotRational:
        return None
    return out


def _grid_values(degrees: dict[sympy.Basic, int], attempt: int) -> list[list[Fraction]]:
    """``d_v + 1`` distinct rationals per variable (fixed, not drawn at run time: the
    argument needs only that they are distinct and that no denominator vanishes there)."""
    rng = random.Random(7919 * (attempt + 1))
    out = []
    for d in degrees.values():
        values: set[Fraction] = set()
        while len(values) < d + 1:
            values.add(Fraction(rng.randrange(-10**6, 10**6), rng.randrange(1, 10**3)))
        out.append(sorted(values))
    return out


def _vanishes_on_grid(left: sympy.Basic, right: sympy.Basic, degrees: dict[sympy.Basic, int]) -> bool:
    """Exact value 0 of ``left - right`` at every point of a grid where both are defined
    (a point with a vanishing denominator: the next grid, :data:`GRID_TRIES` in all)."""
    variables = list(degrees)
    for attempt in range(GRID_TRIES):
        try:
            for point in itertools.product(*_grid_values(degrees, attempt)):
                values = dict(zip(variables, point))
                memo: dict[sympy.Basic, Fraction] = {}
                if evaluate_exact(left, values, memo) != evaluate_exact(right, values, memo):
                    return False
            return True
        except ZeroDivisionError:
            continue
        except NotRational:
            return False
    return False


def equal_as_fractions(lhs: Any, rhs: Any, scope: Scope) -> str | None:
    """How fraction-free arithmetic proves ``lhs = rhs`` (its detail), or None."""
    pairs = written_out(lhs, rhs, scope)
    if pairs is None:
        return None
    pairs = [(left, right) for left, right in pairs if left != right]
    variables = _variables([x for pair in pairs for x in pair])
    try:  # a point where the sides differ settles it at once (no proof)
        point = _point(variables, 0)
        memo: dict[sympy.Basic, Fraction] = {}
        if any(evaluate_exact(left, point, memo) != evaluate_exact(right, point, memo) for left, right in pairs):
            return None
    except NotRational:
        return None
    except ZeroDivisionError:
        pass
    names = sympy.symbols(f"v0:{max(1, len(variables))}")
    field_ring, *gens = ring(names, QQ)
    to_ring = dict(zip(variables, gens))
    memo_ring: dict[sympy.Basic, Fraction_] = {}
    try:
        for left, right in pairs:
            difference = _add(_fraction(left, to_ring, field_ring, memo_ring),
                              _scale(_fraction(right, to_ring, field_ring, memo_ring), -1))
            if difference[0]:
                return None
    except (NotRational, Undefined, TooLarge):
        return None
    return (f"each of {len(pairs)} differing entries is 0 as a fraction of polynomials in "
            f"{len(variables)} variables (fraction-free, every denominator a nonzero polynomial)")


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


__all__ = ["MAX_ENTRIES", "MAX_GRID_POINTS", "equal_as_fractions", "vanishes_on_grids", "written_out"]
