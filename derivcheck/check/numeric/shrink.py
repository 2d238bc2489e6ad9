"""Shrinking a failing point: the simplest values that still break the relation.

Hypothesis-style: each coordinate (a scalar, an entry of a matrix's generator, a
probability weight) is replaced by the first of a fixed list of simpler values
(0, 1, -1, 2, 1/2, small integers, simple fractions, then roundings of the
current value) that keeps the point failing and inside the declared domain;
whole matrices are first tried as 0 and the identity (through their qualifier
map: for ``orthogonal`` a zero generator is the identity, for ``pd`` 10**-40 times it). Smaller
dimensions come first because the caller tries the smallest configuration
first. Candidates are judged in float by the caller's ``fails`` (batched); the
result is confirmed separately in high precision.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

from ..runtime import Deadline
from .domains import Domain
from .sampling import Param, Point

SIMPLE = [Fraction(x) for x in (0, 1, -1, 2, -2)] + [Fraction(1, 2), Fraction(-1, 2), Fraction(3), Fraction(-3),
                                                   Fraction(1, 3), Fraction(-1, 3), Fraction(3, 2), Fraction(-3, 2),
                                                   Fraction(4), Fraction(-4), Fraction(1, 4), Fraction(-1, 4)]
POSITIVE = Domain(Fraction(0), None, True, True)
MAX_EVALUATIONS = 400


def complexity(value: Any) -> tuple[int, int]:
    """How simple a number is: (denominator, |numerator|) of its exact value."""
    f = value if isinstance(value, Fraction) else Fraction(value)
    return f.denominator, abs(f.numerator)


def candidates(value: Any, domain: Domain) -> list[Fraction]:
    """Simpler values to try instead of ``value``, simplest first, all inside ``domain``."""
    v = float(value)
    rounded = [Fraction(round(v)), Fraction(round(2 * v), 2), Fraction(round(10 * v), 10)]
    rounded += [Fraction(v).limit_denominator(d) for d in (10, 100, 1000, 10**6)]
    out: list[Fraction] = []
    current = complexity(value)
    for c in SIMPLE + rounded:
        if c not in out and domain.contains(c) and complexity(c) < current:
            out.append(c)
    return out


def shrink(params: list[Param], point: Point, fails: Callable[[list[Point]], list[bool]],
           deadline: Deadline, rounds: int = 3) -> Point:
    """The simplest failing point found from ``point`` (``point`` itself if nothing simpler fails).

    At most :data:`MAX_EVALUATIONS` batches of candidates are judged (a count, so that
    the result does not depend on the machine); ``deadline`` is only a safety limit."""
    current = dict(point)
    budget = [MAX_EVALUATIONS]

    def first_failing(options: list[Point]) -> Point | None:
        if not options or budget[0] <= 0 or deadline.passed():
            return None
        budget[0] -= 1
        for option, bad in zip(options, fails(options)):
            if bad:
                return option
        return None

    for p in params:  # whole matrices and probability vectors first
        if p.kind == "matrix":
            r, c = p.shape
            zero = tuple(tuple(Fraction(0) for _ in range(c)) for _ in range(r))
            eye = tuple(tuple(Fraction(int(i == j)) for j in range(c)) for i in range(r))
            found = first_failing([{**current, p.key: m} for m in (zero, eye) if m != current[p.key]])
        elif p.kind == "simplex":
            even = tuple(Fraction(1) for _ in current[p.key])
            found = first_failing([{**current, p.key: even}] if even != current[p.key] else [])
        else:
            continue
        if found is not None:
            current = found
    for _ in range(rounds):
        changed = False
        for p in params:
            for coordinate in _coordinates(p, current[p.key]):
                value = _get(current[p.key], coordinate)
                domain = p.domain if p.kind == "scalar" else (POSITIVE if p.kind == "simplex" else Domain(None, None))
                options = [{**current, p.key: _set(current[p.key], coordinate, c)} for c in candidates(value, domain)]
                found = first_failing(options)
                if found is not None:
                    current, changed = found, True
        if not changed:
            break
    return current


def _coordinates(p: Param, value: Any) -> list[tuple[int, ...]]:
    if p.kind == "matrix":
        return [(i, j) for i in range(p.shape[0]) for j in range(p.shape[1])]
    if p.kind == "simplex":
        return [(k,) for k in range(len(value))]
    return [()]


def _get(value: Any, coordinate: tuple[int, ...]) -> Any:
    for k in coordinate:
        value = value[k]
    return value


def _set(value: Any, coordinate: tuple[int, ...], new: Any) -> Any:
    if not coordinate:
        return new
    head, rest = coordinate[0], coordinate[1:]
    items = list(value)
    items[head] = _set(items[head], rest, new)
    return tuple(items)
