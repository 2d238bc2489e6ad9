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

import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import sympy

from ..realize import NotRational, RealizeError, degree_bound, evaluate_exact
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
        except (ZeroDivisionError, NotRational):  # a denominator vanishes; a value too large to write out
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
