"""Exact random-point evidence for rational identities, with a Schwartz–Zippel bound.

After realisation at concrete sizes, an equality whose every entry is a rational
function of the sampled quantities (no transcendental function, no declared
function, no float) is evaluated **exactly** (Python ``Fraction``) at random
points. Each sampled variable is drawn uniformly from a finite set S of at least
``2**32`` rationals inside its declared domain (integers for unbounded reals,
``lo + (hi - lo) k / (N + 1)`` for a bounded interval, ...).

Why a bound holds: over a common denominator ``lhs - rhs = P / Q`` with
polynomials P, Q in the sampled variables, and an expression-tree bound gives
``deg P <= d`` and ``deg Q <= e`` (:func:`degree_bound`). If the identity is
false, P is not the zero polynomial, and by the Schwartz–Zippel lemma a uniform
point of S^m is a root of P with probability at most ``d / |S|``. Points where a
denominator vanishes (a root of Q) are skipped; conditioned on not being
skipped, the chance is at most ``d / (|S| - e)``, so ``k`` independent accepted
points all agree with probability at most ``(d / (|S| - e)) ** k``. With several
integer configurations, each is its own polynomial identity and the stated ε
is the largest of their bounds. Every sampled value lies in the declared domain,
and a polynomial that vanishes on an open set is zero, so agreement is evidence
for the declared domain too; a disagreement is an exact counterexample.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import sympy

from ..evidence import NoEvidence
from ..realize import LazyDet, LazyInverseEntry, RealizeError
from ..runtime import Deadline
from .domains import Domain
from .sampling import Param, Point, exact_values

SET_BITS = 32
SET_SIZE = 2**SET_BITS  # |S| for every sampled variable (at least)
EXACT_POINTS = 8  # accepted points per integer configuration
MAX_DRAWS = 4 * EXACT_POINTS

# degree (numerator, denominator) of an entry symbol in the sampled generator's variables
_TRANSFORM_DEGREE = {"general": (1, 0), "symmetric": (1, 0), "diagonal": (1, 0),
                     "psd": (2, 0), "pd": (2, 0), "diagpsd": (2, 0), "diagpd": (2, 0)}


class NotRational(NoEvidence):
    """The realised relation is not a rational function of the sampled quantities."""


@dataclass(frozen=True)
class ExactEvidence:
    """Exact agreement: ``points`` accepted points in all, the largest numerator degree bound
    ``degree``, and ``epsilon``, the Schwartz–Zippel bound on a false identity passing."""

    points: int
    configurations: int
    degree: int
    epsilon: float

    def text(self) -> str:
        """``ε ≤ 1e-67, exact evaluation at 16 points`` and how the bound was obtained."""
        per = (f" in {self.configurations} integer configurations (ε is per configuration; integers "
               "not tried are not covered)" if self.configurations > 1 else "")
        return (f"ε ≤ {_eps(self.epsilon)}, exact evaluation at {self.points} points{per} "
                f"(Schwartz–Zippel: degree ≤ {self.degree}, each value uniform on 2^{SET_BITS} rationals)")


@dataclass(frozen=True)
class ExactFailure:
    """An exact disagreement: the configuration's trial and the failing point."""

    trial: Any
    point: Point


def _eps(value: float) -> str:
    if value == 0:
        return "0"
    if value < 1e-300:
        return "1e-300"
    exponent = math.floor(math.log10(value))
    mantissa = math.ceil(value / 10.0**exponent * (1 + 1e-12))  # rounded up: still a bound
    if mantissa >= 10:
        mantissa, exponent = 1, exponent + 1
    return f"{mantissa}e{exponent}"


def degree_bound(expr: Any, leaves: dict[sympy.Basic, tuple[int, int]]) -> tuple[int, int]:
    """(n, d): ``expr = P / Q`` with ``deg P <= n``, ``deg Q <= d`` in the sampled variables.

    ``leaves`` gives each symbol's own (numerator, denominator) degrees. Raises
    :class:`NotRational` for anything but sums, products, integer powers, rational
    numbers and known symbols.

    >>> x = sympy.Symbol("x")
    >>> degree_bound(x**2 / (x + 1) - 1, {x: (1, 0)})
    (2, 1)
    """
    memo: dict[sympy.Basic, tuple[int, int]] = {}

    def walk(e: Any) -> tuple[int, int]:
        if not isinstance(e, sympy.Basic):
            raise NotRational(f"not a SymPy expression: {e!r}")
        hit = memo.get(e)
        if hit is not None:
            return hit
        if e in leaves:
            out = leaves[e]
        elif e.is_Rational:
            out = (0, 0)
        elif isinstance(e, sympy.Add):
            parts = [walk(a) for a in e.args]
            total = sum(d for _, d in parts)
            out = (max(n + total - d for n, d in parts), total)
        elif isinstance(e, sympy.Mul):
            parts = [walk(a) for a in e.args]
            out = (sum(n for n, _ in parts), sum(d for _, d in parts))
        elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
            n, d = walk(e.base)
            k = int(e.exp)
            out = (k * n, k * d) if k >= 0 else (-k * d, -k * n)
        elif isinstance(e, (LazyDet, LazyInverseEntry)):
            size = int(e.args[0])
            parts = [walk(a) for a in e.args[(1 if isinstance(e, LazyDet) else 3):]]
            top, below = max(n for n, _ in parts), sum(d for _, d in parts)
            det = (size * top + below, below)
            out = det if isinstance(e, LazyDet) else ((size - 1) * top + 2 * below, below + det[0])
        else:
            raise NotRational(f"{type(e).__name__} is not rational: {e}")
        memo[e] = out
        return out

    return walk(expr)


def evaluate_exact(expr: Any, values: dict[sympy.Basic, Fraction],
                   memo: dict[sympy.Basic, Fraction] | None = None) -> Fraction:
    """The exact value of a rational expression; ``ZeroDivisionError`` where a denominator vanishes.
    ``memo`` (values of sub-expressions at the same point) may be shared between calls."""
    memo = {} if memo is None else memo

    def walk(e: sympy.Basic) -> Fraction:
        hit = memo.get(e)
        if hit is not None:
            return hit
        if e in values:
            out = values[e]
        elif e.is_Rational:
            out = Fraction(int(e.p), int(e.q))
        elif isinstance(e, sympy.Add):
            out = sum((walk(a) for a in e.args), Fraction(0))
        elif isinstance(e, sympy.Mul):
            out = Fraction(1)
            for a in e.args:
                out *= walk(a)
        elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
            out = walk(e.base) ** int(e.exp)  # a zero base with a negative exponent raises
        elif isinstance(e, LazyDet):
            out = _det([walk(a) for a in e.args[1:]], int(e.args[0]))
        elif isinstance(e, LazyInverseEntry):
            out = _inverse_entry([walk(a) for a in e.args[3:]], int(e.args[0]), int(e.args[1]), int(e.args[2]))
        else:
            raise NotRational(f"{type(e).__name__} is not rational: {e}")
        memo[e] = out
        return out

    return walk(expr)


def _rows(entries: list[Fraction], n: int) -> list[list[Fraction]]:
    return [list(entries[i * n : (i + 1) * n]) for i in range(n)]


def _det(entries: list[Fraction], n: int) -> Fraction:
    """Exact determinant by Gaussian elimination over the rationals."""
    rows, sign, out = _rows(entries, n), 1, Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != col:
            rows[col], rows[pivot], sign = rows[pivot], rows[col], -sign
        out *= rows[col][col]
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return sign * out


def _inverse_entry(entries: list[Fraction], n: int, i: int, j: int) -> Fraction:
    """Entry (i, j) of the exact inverse (a singular matrix raises ZeroDivisionError)."""
    return _inverse(tuple(entries), n)[i][n + j]


@functools.lru_cache(maxsize=8)
def _inverse(entries: tuple[Fraction, ...], n: int) -> list[list[Fraction]]:
    """The reduced ``[I | inverse]`` rows, once per matrix and point (every entry of an
    inverse asks for it: n**2 eliminations otherwise)."""
    rows = [row + [Fraction(int(k == r)) for k in range(n)] for r, row in enumerate(_rows(list(entries), n))]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            raise ZeroDivisionError("singular matrix")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        lead = rows[col][col]
        rows[col] = [a / lead for a in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return rows


def _leaf_degrees(params: list[Param]) -> dict[sympy.Basic, tuple[int, int]]:
    leaves: dict[sympy.Basic, tuple[int, int]] = {}
    for p in params:
        if p.kind == "scalar":
            leaves[p.symbols[0]] = (1, 0)
        elif p.kind == "matrix":
            if p.transform not in _TRANSFORM_DEGREE:
                raise NotRational(f"{p.key} ({p.transform}) is not a polynomial map of its generator")
            leaves.update({s: _TRANSFORM_DEGREE[p.transform] for s in p.symbols})
        else:  # probabilities w_k / sum(w): numerator and denominator of degree 1
            leaves.update({s: (1, 1) for s in p.symbols})
    return leaves


def _extra_denominator(params: list[Param]) -> int:
    """Degree of the conditions that reject a point besides the expression's denominators:
    det(value) != 0 for matrices declared invertible."""
    return sum(p.shape[0] * _TRANSFORM_DEGREE.get(p.transform, (1, 0))[0] for p in params
               if p.kind == "matrix" and p.invertible)


def _pairs(realized: Any) -> list[tuple[Any, Any]]:
    pairs = realized.entry_pairs()
    if pairs is None:
        raise NotRational("sides of different shapes")
    return pairs


def _draw(domain: Domain, rng: random.Random) -> Fraction:
    """A uniform element of a set of ``SET_SIZE`` rationals inside ``domain``."""
    k = rng.randrange(1, SET_SIZE + 1)
    lo, hi = domain.lo, domain.hi
    if lo is None and hi is None:
        return Fraction(k - SET_SIZE // 2)
    if hi is None:
        return lo + k
    if lo is None:
        return hi - k
    return lo + (hi - lo) * Fraction(k, SET_SIZE + 1)


def draw_point(params: list[Param], rng: random.Random) -> Point:
    """A random point with every coordinate uniform on its set S."""
    point: Point = {}
    whole = Domain(None, None)
    for p in params:
        if p.kind == "scalar":
            point[p.key] = _draw(p.domain, rng)
        elif p.kind == "matrix":
            r, c = p.shape
            point[p.key] = tuple(tuple(_draw(whole, rng) for _ in range(c)) for _ in range(r))
        else:
            point[p.key] = tuple(Fraction(rng.randrange(1, SET_SIZE + 1)) for _ in range(len(p.symbols) + 1))
    return point


class ExactRelation:
    """One configuration's realised equality as exact rational entries, with its degree bounds."""

    def __init__(self, trial: Any) -> None:
        if trial.main.op != "=" or trial.filters:
            raise NotRational("only equalities without hypotheses are evaluated exactly")
        self.trial = trial
        self.pairs = _pairs(trial.main)
        leaves = _leaf_degrees(trial.params)
        bounds = []
        for lhs, rhs in self.pairs:  # lhs - rhs = (P1 Q2 - P2 Q1) / (Q1 Q2)
            (n1, d1), (n2, d2) = (degree_bound(sympy.sympify(x, strict=True), leaves) for x in (lhs, rhs))
            bounds.append((max(n1 + d2, n2 + d1), d1 + d2))
        self.degree = max((n for n, _ in bounds), default=0)
        self.denominator = sum(d for _, d in bounds) + _extra_denominator(trial.params)

    def differs(self, point: Point) -> bool | None:
        """True where some entry differs exactly; None where the point is skipped (a zero
        denominator, a singular invertible matrix)."""
        try:
            values = {k: Fraction(int(v.p), int(v.q)) for k, v in exact_values(self.trial.params, point).items()}
        except RealizeError:
            return None
        memo: dict[sympy.Basic, Fraction] = {}  # the sides share sub-expressions
        try:
            return any(evaluate_exact(sympy.sympify(lhs, strict=True), values, memo)
                       != evaluate_exact(sympy.sympify(rhs, strict=True), values, memo) for lhs, rhs in self.pairs)
        except ZeroDivisionError:
            return None

    def fails(self, candidates: list[Point]) -> list[bool]:
        """For shrinking: which candidate points break the equality exactly."""
        return [self.differs(c) is True for c in candidates]


def exact_check(trials: list[Any], seed: int, deadline: Deadline,
                points: int = EXACT_POINTS) -> ExactEvidence | ExactFailure | None:
    """Exact evaluation of every trial; None when some trial is not rational (or time ran out),
    so that the float evidence stands alone."""
    if any(p.kind == "scalar" and p.domain.integer for t in trials for p in t.params):
        return None  # values from a few integers: the Schwartz-Zippel bound needs large sets
    try:
        relations = [ExactRelation(t) for t in trials if t.valid]
    except NotRational:
        return None
    if not relations:
        return None
    epsilon, total = 0.0, 0
    for index, rel in enumerate(relations):
        if SET_SIZE <= rel.denominator + rel.degree:
            return None
        rng = random.Random(seed * 7919 + index)
        accepted = 0
        for _ in range(MAX_DRAWS):
            if accepted >= points:
                break
            if deadline.passed():
                return None
            point = draw_point(rel.trial.params, rng)
            verdict = rel.differs(point)
            if verdict is None:
                continue
            if verdict:
                return ExactFailure(rel.trial, point)
            accepted += 1
        if accepted < points:
            return None
        bound = (rel.degree / (SET_SIZE - rel.denominator)) ** accepted
        epsilon = max(epsilon, bound)
        total += accepted
    degree = max(r.degree for r in relations)
    return ExactEvidence(total, len(relations), degree, epsilon)


def shrink_exact(failure: ExactFailure, deadline: Deadline,
                 shrink: Callable[..., Point]) -> Point:
    """The simplest point that still breaks the equality exactly (``failure.point`` if none)."""
    rel = ExactRelation(failure.trial)
    return shrink(failure.trial.params, failure.point, rel.fails, deadline)
