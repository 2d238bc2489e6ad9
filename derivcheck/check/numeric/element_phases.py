"""Integer-valued sequence elements near a quarter period.

An element of an integer sequence (``k: natural sequence``, ``k[1]``) is a coordinate of a
point, drawn from a few small integers and across magnitudes: like an integer parameter
(:mod:`.phases`), ``cos(k[1]) < 1 - 10**-11`` fails only at 312689 and a few larger
integers, which no random draw reaches. So the same candidates are computed for each
element whose ``sin``/``cos`` (``tan``, ...) argument holds no other symbol once the
other integer elements are put in at the base point's values (:func:`.nonlinear_phases.phase_candidates`:
linear arguments by continued fractions and an exhaustive scan, polynomial, exponential
and other ones scanned), inside the element's declared bounds. The points: the base point
with one element moved to a candidate (each element's first candidate, then each one's
second, ...; at most half of ``limit`` where there are several), then several at once (:func:`.phases.joint_phases`: ``cos(k[1]) + cos(k[2]) >
-2 + 10**-9`` needs both near pi), at most ``limit``. Each is only a candidate: the
relation is refuted there only by the 50-digit confirmation, as at any special point.

Not covered, as for parameters: an argument with a real symbol in it (``sin(k[1]*x)``),
and what :mod:`.phases` and :mod:`.nonlinear_phases` leave out.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from ..realize import RealizeError, RealizedRelation
from .phases import PERIODIC, joint_phases
from .sampling import Param, Point, exact_values, interleaved

MAX_ELEMENTS = 5  # integer elements examined per relation


def element_phase_points(relation: RealizedRelation, params: list[Param], base: Point, limit: int) -> list[Point]:
    """Up to ``limit`` points: ``base`` with one or several integer-valued sequence elements
    moved to where an argument of a periodic function in them comes nearest a quarter period."""
    from .nonlinear_phases import phase_candidates  # here: its scans load mpmath, needed only with elements

    elements = [p for p in params if p.kind == "scalar" and p.domain.integer][:MAX_ELEMENTS]
    if not elements or limit <= 0:
        return []
    try:
        values = exact_values(params, base)
    except RealizeError:
        return []
    # an element carries its sequence among its free symbols: each is read as a plain symbol
    plain = {p.symbols[0]: sympy.Dummy(p.key) for p in elements}
    keys = {plain[p.symbols[0]]: p.key for p in elements}
    sides = [x.xreplace(plain) for x in _entries(relation)]
    lists: list[tuple[sympy.Symbol, list[int]]] = []
    for p in elements:
        n = plain[p.symbols[0]]
        fixed = {plain[q.symbols[0]]: int(values[q.symbols[0]]) for q in elements if q is not p}
        bottom, top = p.domain.reach
        lists += [(n, found) for found in phase_candidates(sides, n, fixed, bottom, top) if found]
    moves = interleaved([[{n: v} for v in found] for n, found in lists])
    # one element at a time fills at most half: the joint moves need the rest
    singles = moves[:max(limit // 2, 1)] if len(lists) > 1 else moves
    out: list[Point] = []
    for move in singles + joint_phases(lists) + moves[len(singles):]:
        point = {**base, **{keys[n]: Fraction(v) for n, v in move.items()}}
        if point != base and point not in out:
            out.append(point)
        if len(out) >= limit:
            break
    return out


def applies(relation: RealizedRelation, params: list[Param]) -> bool:
    """Whether an integer-valued element stands in an argument of a periodic function of
    ``relation`` (its evidence then names the quarter-period points, :func:`.wide.coverage`)."""
    elements = {p.symbols[0] for p in params if p.kind == "scalar" and p.domain.integer}
    return bool(elements) and any(type(node).__name__ in PERIODIC and node.args[0].has(*elements)
                                  for side in _entries(relation) for node in sympy.preorder_traversal(side)
                                  if isinstance(node, sympy.Function) and node.args)


def _entries(relation: RealizedRelation) -> list[Any]:
    """The scalar sides of ``relation``'s cases (each entry of a matrix side)."""
    out: list[Any] = []
    for lhs, rhs in relation.cases:
        for side in (lhs, rhs):
            out += [x for x in (list(side) if isinstance(side, sympy.MatrixBase) else [side])
                    if isinstance(x, sympy.Basic)]
    return out


__all__ = ["MAX_ELEMENTS", "applies", "element_phase_points"]
