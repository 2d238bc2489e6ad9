"""Confirmation in high precision: is the float disagreement a real counterexample?

At the (shrunk) point every realised symbol gets an exact value (rationals; the
random functions are already SymPy ``Lambda`` bodies in the realised
expressions), the two sides are evaluated with SymPy to 50 digits, and only a
difference far above that precision -- or an inequality violated exactly or
beyond it -- counts. The precision adapts (:func:`ladder`): a gap within the
precision is evaluated again at more digits (as many more as the longest number
in the relation has, then twice that), so ``x*sqrt(1 + 10**-80) = x`` is
refuted; an equality holds only when the gap stays below the last precision,
and a gap that is never resolved settles nothing. Hypotheses that filtered
points must hold at the point too. Values where a side is undefined (``zoo``,
``nan``) confirm nothing; an inequality whose side is not real at the point is
violated there (an inequality states two real values). A side that is a divergent integral (``oo`` or
``-oo``, see :func:`derivcheck.check.realize.integrals.extended_value`) against a finite
one confirms ``=`` false and settles an inequality; two infinite sides confirm
nothing.
"""

from __future__ import annotations

from typing import Any

import sympy

from ...model import Counterexample
from ..realize import LazyDet, LazyInverseEntry, RealizeError, RealizedRelation
from ...expr.constants import UNEVALUATED, constant_sign, enclosable
from ..trees import unique_nodes
from .point_values import (DIGITS, INFINITE, SIGN_DIGITS, SLACK_DIGITS, PointValues, evaluate_at,
                           ladder, longest_digits, number_at, point_digits, sign_of_number)
from .absorption import tiny_digits, tiny_rung
from .sampling import Param, Point, exact_values, readable

MARGIN = sympy.Float("1e-30", DIGITS)


def confirm_violation(main: RealizedRelation, filters: list[RealizedRelation], params: list[Param],
                      point: Point, config: dict[sympy.Symbol, int], seed: int | None,
                      functions: dict[str, Any] | None = None) -> Counterexample | None:
    """A counterexample when ``main`` is confirmed false at ``point`` (and every filter holds).

    ``functions`` are the replacements of the declared functions (see
    :func:`derivcheck.check.realize.replacements.substitute_functions`), applied after the point's
    exact values are in.
    """
    return settle(main, filters, params, point, config, seed, functions)[1]


def settle(main: RealizedRelation, filters: list[RealizedRelation], params: list[Param],
           point: Point, config: dict[sympy.Symbol, int], seed: int | None,
           functions: dict[str, Any] | None = None, ties: list[Point] | None = None,
           outside: list[Point] | None = None,
           beyond: list[Point] | None = None) -> tuple[bool | None, Counterexample | None]:
    """``main`` at ``point`` in 50 digits: ``(True, None)`` when every entry holds beyond
    doubt, ``(False, counterexample)`` when one is violated (every filter holding, and the
    point shown inside the domain: :func:`_inside_domain`), ``(None, None)`` when it cannot
    be told (a filter not settled, a value undefined, a gap within the precision).

    ``ties`` receives the point where a strict inequality's sides agree to every precision
    tried with no certain sign of their difference (a difference that may be 0 without
    being written 0), or where a hypothesis is so undecided and the relation does not hold
    beyond doubt (``x > 0`` under ``x >= log(6) - log(2) - log(3)`` at ``x = 0``): a point
    that may be the relation's equality case. ``outside`` receives a violated point where a
    denominator (or an argument with a pole) is not told from 0: the relation may have no
    value there (``x/(x + log(6) - log(2) - log(3))`` at ``x = 0`` reads 0). ``beyond``
    receives a point left undecided only because a tiny quantity there hides more digits
    than the ceiling (:func:`.absorption.tiny_digits`): another point may be read instead."""
    try:
        values = PointValues(exact_values(params, point), functions or {})
    except RealizeError:
        return None, None
    undecided = False
    for f in filters:
        _precisions(f, values)  # a hypothesis holds at the point only as surely as the claim would
        for a, b in _pairs(f):
            held = _entry_holds(f.op, a, b, values)
            if held is False:
                return None, None
            undecided = undecided or held is None
    if undecided:
        if ties is not None and values.unresolved and not _holds(main, values):
            ties.append(point)
        if beyond is not None and values.beyond:
            beyond.append(point)
        return None, None
    settled = True
    _precisions(main, values)
    for lhs, rhs in main.cases:
        for a, b in _pairs(RealizedRelation(main.op, ((lhs, rhs),), None)):
            holds = _entry_holds(main.op, a, b, values)
            if holds is False:
                if not _inside_domain([a, b, *(x for f in filters for pair in _pairs(f) for x in pair)], values):
                    if outside is not None:
                        outside.append(point)
                    return None, None
                shown = {str(k): str(v) for k, v in config.items()}
                shown.update(_grouped(readable(params, point)))
                left, right = _show(lhs, values), _show(rhs, values)
                if left == right and main.op not in ("<", ">"):  # `0 < 0`: equal sides are the violation
                    left = f"{left} {_gap_text(a, b, values)}".rstrip()  # a gap below the digits shown
                return False, Counterexample(values=shown, lhs=left, rhs=right, seed=seed)
            settled = settled and holds is True
    if not settled and values.tied and ties is not None:
        ties.append(point)
    if not settled and values.beyond and beyond is not None:
        beyond.append(point)
    return (True if settled else None), None


def _precisions(relation: RealizedRelation, values: PointValues) -> None:
    """The precisions ``relation`` is evaluated at here (``values.ladder``), and whether its
    equalities can settle as holding (``values.resolvable``): only where the last precision
    reaches past what the relation's numbers, the point's exponentials (``x*tanh(2000 + y**2)
    = x`` is below 1 by 1e-1737: red team 15) and its tiny quantities (``x*(1 + sin(u)) =
    x*(1 + u)`` at ``u = exp(-500 - y**2)`` differ by ``u**3/6``, 1e-652: red team 17,
    :func:`.absorption.tiny_digits`, read per entry by :func:`_entry_holds`) hide."""
    hidden = point_digits(relation, values)
    values.ladder = ladder(relation, hidden)
    values.resolvable = values.ladder[-1] >= max(2 * (DIGITS + longest_digits(relation)), hidden + DIGITS)


def _holds(relation: RealizedRelation, values: "PointValues") -> bool:
    """Whether every entry of ``relation`` holds beyond doubt at the point (at its ladder)."""
    _precisions(relation, values)
    return all(_entry_holds(relation.op, a, b, values) is True for a, b in _pairs(relation))


def _grouped(values: dict[str, str]) -> dict[str, str]:
    """A random variable's values on the outcomes (``X@0``, ``X@1``, ...) as one list ``X``."""
    out: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for key, value in values.items():
        name, at, _ = key.partition("@")
        if at and not name.startswith("P("):
            lists.setdefault(f"{name} (per outcome)", []).append(value)
        else:
            out[key] = value
    for key, items in lists.items():
        out[key] = "[" + ", ".join(items) + "]"
    return out


def _pairs(realized: RealizedRelation) -> list[tuple[Any, Any]]:
    return realized.entry_pairs() or []


_UNRESOLVED = object()  # a gap within the precision: try more digits


def _entry_holds(op: str, a: Any, b: Any, values: PointValues) -> bool | None:
    """True/False when settled beyond doubt, None when it cannot be told; a gap within
    the precision is evaluated again at each precision of ``values.ladder``."""
    tiny = tiny_digits([a, b], values)  # what a tiny quantity in this entry may hide (see _precisions)
    rungs = tiny_rung(values.ladder, tiny)
    resolvable = values.resolvable
    values.resolvable = resolvable and rungs[-1] >= tiny + DIGITS
    try:
        for k, digits in enumerate(rungs):
            found = _entry_at(op, a, b, values, digits, last=k == len(rungs) - 1)
            if found is not _UNRESOLVED:
                break
        else:
            found = None
        values.beyond = values.beyond or (found is None and resolvable and not values.resolvable)
        return found
    finally:
        values.resolvable = resolvable


def _entry_at(op: str, a: Any, b: Any, values: PointValues, digits: int, last: bool) -> Any:
    """:func:`_entry_holds` at ``digits`` digits; ``_UNRESOLVED`` for a gap within them
    (at the ``last`` precision: holds for a gap far below it, else None)."""
    l, r = number_at(a, values, digits), number_at(b, values, digits)
    if l is None or r is None:
        # a side no precision tells (0 without being written 0, as (log(6) - log(2) - log(3))**2):
        # no value to compare, and for a strict inequality possibly its equality case
        values.tied = values.tied or (values.vague and op in ("<", ">"))
        values.unresolved = values.unresolved or values.vague
        return None
    if l in INFINITE or r in INFINITE:
        return _infinite_holds(op, l, r)
    exact = l.is_Rational and r.is_Rational
    scale = 1 + abs(sympy.N(l, digits)) + abs(sympy.N(r, digits))
    margin = sympy.Float(10, digits) ** -(digits - SLACK_DIGITS) * scale
    if op == "=":
        if exact:
            return l == r
        gap = abs(sympy.N(l - r, digits))
        if gap > margin:
            return False
        if not last:
            return _UNRESOLVED
        if _certain_sign(a, b, values) not in (None, 0):
            return False  # a gap below the precision, but a nonzero one (exp(-exp(10)) = 0)
        if gap < margin * sympy.Float("1e-10", digits) and values.resolvable:
            return True
        values.unresolved = True
        return None
    if not exact:
        li, ri = sympy.im(l), sympy.im(r)
        if abs(li) > margin or abs(ri) > margin:
            return False  # not real at a point of the domain: the inequality is false there
        l, r = sympy.re(l), sympy.re(r)
    d = l - r
    if exact:
        return {">=": d >= 0, ">": d > 0, "<=": d <= 0, "<": d < 0}[op] == sympy.true
    if abs(d) <= margin:
        # equal to the precision used: more digits, and at the last a strict inequality is
        # not confirmed violated (nor a non-strict one confirmed to hold), unless the sign of
        # the difference is certain (a tiny gap evaluated to full relative precision)
        if not last:
            return _UNRESOLVED
        sign = _certain_sign(a, b, values)
        if sign is None:
            values.tied = values.tied or op in ("<", ">")
            values.unresolved = True
            return None
        if sign == 0:  # exactly equal sides (exp(2) < exp(2)): a strict inequality is violated
            return op in (">=", "<=")
        return bool({">=": sign > 0, ">": sign > 0, "<=": sign < 0, "<": sign < 0}[op])
    return bool({">=": d > 0, ">": d > 0, "<=": d < 0, "<": d < 0}[op])




def _certain_sign(a: Any, b: Any, values: PointValues) -> int | None:
    """The sign of ``a - b`` (1 or -1) where certain (:func:`sign_of_number`: certified, or
    SymPy's ``strict`` evaluation to SIGN_DIGITS relative digits, which raises for a
    difference that is 0 without being written 0, the same at three times the digits); 0 when
    the difference is exactly 0; None otherwise. A gap below every absolute precision can so
    still be told from 0."""
    try:
        la, lb = evaluate_at(a, values, exact=True), evaluate_at(b, values, exact=True)
        if la is None or lb is None or la in INFINITE or lb in INFINITE:
            return None
        difference = la - lb
    except Exception:  # noqa: BLE001 - no value: the sign stays unknown
        return None
    return 0 if difference == 0 else sign_of_number(difference)


_POLES = {sympy.tan: sympy.cos, sympy.sec: sympy.cos, sympy.cot: sympy.sin, sympy.csc: sympy.sin,
          sympy.coth: sympy.sinh, sympy.csch: sympy.sinh}
"""A function with poles, and the function of its argument that is 0 at them."""


def shown_defined(exprs: list[Any], values: dict, functions: dict[str, Any] | None = None) -> bool:
    """Whether the point of exact ``values`` is shown inside the domain of ``exprs`` (see
    :func:`_inside_domain`; at 50 and 100 digits), for a counterexample found elsewhere."""
    return _inside_domain(list(exprs), PointValues(values, functions or {}))


def _inside_domain(exprs: list[Any], values: PointValues) -> bool:
    """Whether the point is shown inside the domain of ``exprs`` (a violated entry's sides and
    the hypotheses' sides): every divisor among them is told from 0 there
    (:func:`_nonzero_conditions`, :func:`_told_from_zero`). SymPy reads ``0 * (1/d)`` as 0 whatever ``d`` is, so a side
    that has no value at the point (``x/(x + log(6) - log(2) - log(3))`` at ``x = 0``, 0/0)
    can evaluate to a number once the point's values are in; a violation there is no
    counterexample."""
    roots = [x for e in exprs for x in (list(e) if isinstance(e, sympy.MatrixBase) else [e])
             if isinstance(x, sympy.Basic)]
    needed = dict.fromkeys(d for node in _outside_binders(roots) for d in _nonzero_conditions(node, values))
    return all(_told_from_zero(d, values) for d in needed)


def _outside_binders(roots: list[sympy.Basic]) -> list[sympy.Basic]:
    """Every distinct sub-expression of ``roots`` that is not inside an integral, a sum, a
    product, a limit or a derivative (their bodies hold bound variables: a condition there
    is on one term, not on the point; the value of the whole decides)."""
    return unique_nodes(roots, stop=UNEVALUATED)


def _nonzero_conditions(node: sympy.Basic, values: PointValues) -> list[sympy.Basic]:
    """What must be told from 0 for ``node`` to have a value at the point: the base of a power
    whose exponent is not a nonnegative number there, the argument of ``log``, the sine or
    cosine of the argument of a function with poles (:data:`_POLES`), the determinant of an
    inverted matrix. (A jump, ``sign`` of an argument not told from 0, has no value there
    already: :func:`_undecided_switch`.)"""
    if isinstance(node, sympy.Pow):
        if node.base.is_Rational and node.base != 0:
            return []
        exponent = node.exp
        if exponent.free_symbols:
            exponent = evaluate_at(exponent, values, exact=True)
        nonnegative = exponent is not None and exponent.is_Rational and exponent >= 0
        return [] if nonnegative else [node.base]
    if isinstance(node, sympy.log):
        return [node.args[0]]
    if type(node) in _POLES:
        return [_POLES[type(node)](node.args[0])]
    if isinstance(node, LazyInverseEntry):
        return [LazyDet(node.args[0], *node.args[3:])]
    return []


def _told_from_zero(divisor: sympy.Basic, values: PointValues) -> bool:
    """Whether ``divisor`` at the point is shown nonzero: a nonzero rational, a constant whose
    certified sign (:func:`~derivcheck.expr.constants.constant_sign`) is not 0, or else a value
    beyond ``10**-(P - SLACK_DIGITS)`` at the last precision ``P`` of the ladder that the first
    precision gives again to its own relative error (what SymPy returns for a value it cannot
    tell from 0 changes with the precision: ``N(tanh(log(6) - log(2) - log(3)), 50)`` is
    4e-171, at 200 digits 2e-415)."""
    v = evaluate_at(divisor, values, exact=True)
    if v is None or v in INFINITE or v.has(sympy.zoo, sympy.nan):
        return False
    if v.is_Rational:
        return v != 0
    if enclosable(v):
        return constant_sign(v) in (1, -1)
    vague = values.vague  # (a value no precision tells is no tie of the relation's sides)
    try:
        low, high = (number_at(v, values, digits) for digits in (values.ladder[0], values.ladder[-1]))
        if low is None or high is None or low in INFINITE or high in INFINITE:
            return False
        size = sympy.N(abs(high), 15)
        last, first = (sympy.Float(10, 15) ** -(d - SLACK_DIGITS) for d in (values.ladder[-1], values.ladder[0]))
        return bool(size > last and sympy.N(abs(low - high), 15) <= first * size)
    except (TypeError, ValueError, ArithmeticError):
        return False
    finally:
        values.vague = vague


def _infinite_holds(op: str, l: sympy.Expr, r: sympy.Expr) -> bool | None:
    """A divergence against a finite value: ``=`` is false, an inequality is settled
    when the finite side is real; two infinite sides settle nothing."""
    if l in INFINITE and r in INFINITE:
        return None
    if op == "=":
        return False
    finite = r if l in INFINITE else l
    if sympy.im(finite) != 0:
        return None
    d = sympy.oo if sympy.oo in (l, -r) else -sympy.oo  # the sign of l - r
    return {">=": d > 0, ">": d > 0, "<=": d < 0, "<": d < 0}[op] == sympy.true


def _show(side: Any, values: PointValues) -> str:
    if isinstance(side, sympy.MatrixBase):
        rows = [[_show_scalar(x, values) for x in row] for row in side.tolist()]
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"
    return _show_scalar(side, values)


def _gap_text(a: Any, b: Any, values: PointValues) -> str:
    """How the violated entry's sides differ, where the digits shown do not tell them apart."""
    digits = values.ladder[-1]
    l, r = number_at(a, values, digits), number_at(b, values, digits)
    if l is None or r is None or l in INFINITE or r in INFINITE:
        return "(the sides differ beyond the digits shown)"
    gap = sympy.N(l - r, 3)
    return "" if gap == 0 else f"(the sides differ by {gap}, beyond the digits shown)"


def _show_scalar(x: Any, values: PointValues) -> str:
    v = number_at(x, values)
    if v is None:
        return "undefined"
    if v in INFINITE:
        return f"{v} (a divergent integral)"
    if v.is_Rational:
        return str(v)
    v = sympy.N(v, 12)
    return str(v)
