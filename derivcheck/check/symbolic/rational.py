"""Rational identities at concrete sizes: exact grids and fraction-free arithmetic.

A relation with no integer parameter to instantiate (sizes literal, no sums with
symbolic bounds), whose sides hold only sums, products, integer powers, rational
numbers, scalar symbols and matrices of at most :data:`MAX_ENTRIES` entries (with
transposes, products, powers, inverses, determinants, traces and subscripts), is
written out entry by entry with one real symbol per matrix entry
(:func:`~derivcheck.check.realize.realize_symbolic`). Each entry of each side is
then a rational function of finitely many variables, and two strategies decide the
entries exactly (docs/trust.md gives the argument of each):

- ``exact grid`` (:func:`vanishes_on_grids`): the tree of ``lhs - rhs`` is ``P / Q``
  with ``deg_v P <= d_v`` for each variable v (:func:`~derivcheck.check.realize.degree_bound`
  with v alone of degree 1); a polynomial of degree at most ``d_v`` in each v that
  vanishes on a grid ``S_1 x ... x S_m`` with ``|S_v| = d_v + 1`` is zero
  (the grid form of Schwartz–Zippel, Alon's combinatorial Nullstellensatz), so
  exact values 0 at every point of such a grid, where every denominator of both
  trees is nonzero, prove ``P = 0``.
- ``rational arithmetic`` (:func:`equal_as_fractions`): each side as a numerator
  and a factored denominator in the polynomial ring ``QQ[variables]``
  (:mod:`.polynomial_fractions`: sparse, fraction-free, sums over the least common
  multiple of the factors), and the difference has the zero polynomial as numerator.

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

from ...expr import objects
from ...expr.scope import Scope
from ..realize import NotRational, RealizeError, degree_bound, evaluate_exact, realize_symbolic, side_pairs
from .polynomial_fractions import all_zero

MAX_ENTRIES = 16
"""The largest matrix written out (4x4, or a vector of 16)."""
MAX_GRID_POINTS = 2048
"""Exact evaluations, over all the entries' grids, that one relation may take."""
MAX_GRID_WORK = 200_000
"""Grid points times the nodes of the entry evaluated there, over one relation."""
GRID_TRIES = 3  # grids tried, each with other values, when a point meets a zero denominator

_UNWRITABLE = (sympy.Sum, sympy.Product, sympy.Integral, sympy.Derivative, sympy.Function, objects.Gradient,
               objects.HessianMatrix, objects.FunctionGradient, objects.Expectation, objects.Variance,
               objects.Covariance)

Pair = tuple[sympy.Basic, sympy.Basic]


def written_out(lhs: Any, rhs: Any, scope: Scope) -> list[Pair] | None:
    """The (lhs, rhs) entry pairs of the relation written out at its literal sizes, every
    denominator shown nonzero; None when it is out of reach (see the module docstring)."""
    key = (lhs, rhs, id(scope))
    if _LAST.get("key") != key or _LAST.get("scope") is not scope:
        written = _written(lhs, rhs, scope)
        pairs = None if written is None or not all(_nonzero_somewhere(d) for d in written[1]) else written[0]
        _LAST.update(key=key, scope=scope, pairs=pairs)
    return _LAST["pairs"]


_LAST: dict[str, Any] = {}  # the last relation written out: the strategies ask for it in turn


def _written(lhs: Any, rhs: Any, scope: Scope) -> tuple[list[Pair], list[sympy.Basic]] | None:
    """The entry pairs and the written-out denominators of the sides as written, or None."""
    if not all(_writable(side, scope) for side in (lhs, rhs)):
        return None
    try:
        sides = [realize_symbolic(side, scope, {}) for side in (lhs, rhs)]
        denominators = [realize_symbolic(d, scope, {}) for side in (lhs, rhs) for d in _denominators(side)]
    except (RealizeError, ValueError, TypeError, ZeroDivisionError, AttributeError, NotImplementedError):
        return None  # not written out (too large, unsupported, singular): no answer
    pairs = side_pairs(*sides)
    return None if pairs is None else (pairs, denominators)


def rational_with_denominators(lhs: Any, rhs: Any, scope: Scope) -> bool:
    """Whether the relation is written out (:func:`written_out`) and an entry divides by a
    polynomial that is not a number: then the two rational strategies decide it exactly
    with sparse fraction-free arithmetic, where expanding the entries as expressions (the
    canonical form) multiplies out every sum over every denominator."""
    pairs = written_out(lhs, rhs, scope)
    return pairs is not None and any(
        isinstance(node, sympy.Pow) and node.exp.is_negative and node.base.free_symbols
        for pair in pairs for side in pair if isinstance(side, sympy.Basic)
        for node in sympy.preorder_traversal(side))


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
        except ZeroDivisionError:
            continue  # an inner denominator vanishes at this point: try the next
        except NotRational:
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
        if 2 ** len(_variables([left, right])) > budget:
            return None  # every variable that occurs has a degree bound of at least 1
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
    if budget == MAX_GRID_POINTS:
        return f"the {len(pairs)} entries of the two sides, written out, are the same expressions"
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
    return None if pairs is None else _equal(pairs, "")


def _equal(pairs: list[Pair], note: str) -> str | None:
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
    if not all_zero(pairs, variables):
        return None
    return (f"each of {len(pairs)} differing entries is 0 as a fraction of polynomials in "
            f"{len(variables)} variables (fraction-free, every denominator a nonzero polynomial){note}")


__all__ = ["MAX_ENTRIES", "MAX_GRID_POINTS", "equal_as_fractions", "vanishes_on_grids", "written_out"]
