"""Confirmation in high precision: is the float disagreement a real counterexample?

At the (shrunk) point every realised symbol gets an exact value (rationals; the
random functions are already SymPy ``Lambda`` bodies in the realised
expressions), the two sides are evaluated with SymPy to 50 digits, and only a
difference far above that precision -- or an inequality violated exactly or
beyond it -- counts. The precision adapts (:func:`_ladder`): a gap within the
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

import functools
from typing import Any

import mpmath
import sympy

from ...model import Counterexample
from ..realize import (LazyDet, LazyInverseEntry, RealizeError, RealizedRelation, extended_value,
                       substitute_functions)
from ..runtime import run_bounded
from ...expr.constants import UNEVALUATED, constant_sign, enclosable
from ..trees import FreeSymbols, replace_shared, unique_nodes
from .evaluate import linear_kinks
from .sampling import Param, Point, exact_values, readable

DIGITS = 50
MARGIN = sympy.Float("1e-30", DIGITS)
SLACK_DIGITS = 20  # a gap counts at P digits when above 10**-(P - 20) relative (1e-30 at 50 digits)
MAX_DIGITS = 1200  # the adaptive precision's ceiling
_INFINITE = (sympy.oo, -sympy.oo)
INTEGRAL_SECONDS = 5.0


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
           outside: list[Point] | None = None) -> tuple[bool | None, Counterexample | None]:
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
    value there (``x/(x + log(6) - log(2) - log(3))`` at ``x = 0`` reads 0)."""
    try:
        values = _Values(exact_values(params, point), functions or {})
    except RealizeError:
        return None, None
    undecided = False
    for f in filters:
        for a, b in _pairs(f):
            held = _entry_holds(f.op, a, b, values)
            if held is False:
                return None, None
            undecided = undecided or held is None
    if undecided:
        if ties is not None and values.unresolved and not _holds(main, values):
            ties.append(point)
        return None, None
    settled = True
    values.ladder = _ladder(main, _point_digits(main, values))
    values.resolvable = values.ladder[-1] >= 2 * (DIGITS + _longest(main))
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
                return False, Counterexample(values=shown, lhs=_show(lhs, values), rhs=_show(rhs, values), seed=seed)
            settled = settled and holds is True
    if not settled and values.tied and ties is not None:
        ties.append(point)
    return (True if settled else None), None


def _holds(relation: RealizedRelation, values: "_Values") -> bool:
    """Whether every entry of ``relation`` holds beyond doubt at the point (at its ladder)."""
    values.ladder = _ladder(relation, _point_digits(relation, values))
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


class _Values:
    """Exact values of the realised symbols, and the replacements of declared functions."""

    def __init__(self, values: dict, functions: dict[str, Any]) -> None:
        self.values = values
        self.functions = functions
        self.numbers: dict[Any, sympy.Expr | None] = {}  # each side once (shown again in a counterexample)
        self.ladder: tuple[int, ...] = (DIGITS, 2 * DIGITS)  # the precisions tried (see _ladder)
        self.resolvable = True  # the last precision is twice what the relation's numbers need
        self.tied = False  # a strict inequality's sides equal to every precision tried (see _entry_at)
        self.unresolved = False  # sides equal to every precision tried, with no certain sign of their difference
        self.vague = False  # a value here that no precision told (see _settled_value)


def _ladder(relation: RealizedRelation, at_point: int = 0) -> tuple[int, ...]:
    """The precisions (digits) a gap is evaluated at until it is resolved: 50 plus the
    digits the relation's numbers need (:func:`_longest`), or ``at_point`` where more
    (:func:`_point_digits`), then twice that.

    A difference hidden below the last precision (relative ``10**-(P - 10)``) is not
    seen: there an equality settles as holding only where the ladder was not cut at
    MAX_DIGITS (``exp(x*(10**-650)**2) = 1`` differs by 10**-1300: undecided, not holding)."""
    first = min(DIGITS + max(_longest(relation), at_point), MAX_DIGITS // 2)
    return first, 2 * first


def _roots(relation: RealizedRelation) -> list[sympy.Basic]:
    """The scalar sides of ``relation`` (a matrix side's entries)."""
    return [item for lhs, rhs in relation.cases for side in (lhs, rhs)
            for item in (list(side) if isinstance(side, sympy.MatrixBase) else [side]) if isinstance(item, sympy.Basic)]


def _longest(relation: RealizedRelation) -> int:
    """The digits the relation's numbers need: those of its longest number (``10**-80`` has
    81), or more where a constant hides a smaller quantity (:func:`_hidden_digits`)."""
    return _read(relation).longest


class _Reading:
    """What the precisions depend on in a relation, whatever the point: computed once per
    relation (:func:`_read`), since a relation is settled at many points and its sides can
    be large DAGs."""

    def __init__(self, relation: RealizedRelation) -> None:
        longest = 0
        constants = []
        free = FreeSymbols()
        nodes = unique_nodes(_roots(relation))  # each shared node once: the sides are DAGs
        for atom in nodes:
            if isinstance(atom, sympy.Rational):
                longest = max(longest, len(str(abs(atom.p))), len(str(atom.q)))
            elif isinstance(atom, sympy.Float):
                longest = max(longest, atom._prec * 3 // 10)
            elif isinstance(atom, (sympy.Function, sympy.Pow, sympy.Add, sympy.Mul)) and not free(atom):
                constants.append(atom)
        self.longest = max(longest, _hidden_digits(tuple(sorted(constants, key=sympy.default_sort_key))))
        # the exponentials and saturating functions of the point (see _point_digits)
        self.point_nodes = [node for node in nodes if len(node.args) == 1
                            and (isinstance(node, sympy.exp) or type(node) in SATURATING) and free(node)][:POINT_NODES]


_READINGS: dict[int, tuple[RealizedRelation, _Reading]] = {}
_READING_COUNT = 64


def _read(relation: RealizedRelation) -> _Reading:
    """The :class:`_Reading` of ``relation``, remembered for the last few relations (by
    identity: a trial settles its own relation at each of its points)."""
    known = _READINGS.get(id(relation))
    if known is not None and known[0] is relation:
        return known[1]
    if len(_READINGS) >= _READING_COUNT:
        _READINGS.pop(next(iter(_READINGS)))
    reading = _Reading(relation)
    _READINGS[id(relation)] = (relation, reading)
    return reading


def _point_digits(relation: RealizedRelation, at: _Values) -> int:
    """The digits an exponential or a saturating function (:data:`SATURATING`) hides at this
    point, from its argument there (``tanh(1000 + y**2)`` is 1 to 868 digits or more at any
    ``y``; ``exp(-900 - y**2)`` is below 10**-390). They raise the precisions tried, which
    can only find a gap; whether an unresolved equality holds still follows :func:`_longest`
    (a large argument at a sampled point is no reason to doubt the relation's agreement)."""
    digits = 0
    for node in _read(relation).point_nodes:
        rate = 1 if isinstance(node, sympy.exp) else SATURATING[type(node)]
        try:
            arg = _evaluate(node.args[0], at, exact=True)
            if arg is None or arg in _INFINITE:
                continue
            a = abs(sympy.re(sympy.N(arg, 15, strict=True, maxn=4 * DIGITS)))
        except Exception:  # noqa: BLE001 - no value here: nothing to raise the precision by
            continue
        digits = max(digits, int((a ** 2 if rate == 0 else rate * a) / LN10) + 1)
    return digits


SATURATING = {sympy.tanh: 2, sympy.coth: 2, sympy.sech: 1, sympy.csch: 1, sympy.erf: 0, sympy.erfc: 0}
"""Functions whose value at a large argument ``a`` lies within ``exp(-rate*|a|)`` of a
simple number (``tanh(1000)`` is 1 to 868 digits; 0: within ``exp(-a**2)``, ``erf(30)``)."""

LN10 = 2.302585092994046
POINT_NODES = 32  # arguments evaluated at each point by _point_digits (a matrix may hold thousands)


@functools.lru_cache(maxsize=256)
def _hidden_digits(constants: tuple[sympy.Expr, ...]) -> int:
    """The digits below which a constant of the relation hides a quantity: the size of its
    value (``exp(-800)`` is 10**-348, and ``exp(exp(-800))`` is 1 to 347 digits) or how close
    a saturating function is to its limit (:data:`SATURATING`). A gap made of such a quantity
    (``x*tanh(1000) = x``) is then looked for at that many more digits, and where even the
    last precision cannot reach it, an equality does not settle as holding (see :func:`_ladder`).
    A constant whose size SymPy cannot tell needs more digits than any precision here."""
    digits = 0
    for c in constants:
        if c.has(*UNEVALUATED):
            continue  # an integral or sum: evaluated exactly, or no evidence (:func:`_integrals_exactly`)
        try:
            size = abs(sympy.N(c, 15, strict=True, maxn=4 * DIGITS))  # a Float: no underflow to 0.0
            if size != 0:
                digits = max(digits, int(abs(mpmath.log10(mpmath.mpf(size._mpf_)))) + 1)
            rate = SATURATING.get(type(c))
            if rate is not None:
                a = abs(sympy.re(sympy.N(c.args[0], 15, strict=True, maxn=4 * DIGITS)))
                hidden = a ** 2 if rate == 0 else rate * a
                digits = max(digits, int(hidden / LN10) + 1)
        except Exception:  # noqa: BLE001 - PrecisionExhausted, no value: its size is not known
            return 2 * MAX_DIGITS
    return digits


def _number(expr: Any, at: _Values, digits: int = DIGITS) -> sympy.Expr | None:
    """The exact value, evaluated to ``digits`` digits unless it is already rational; None if undefined."""
    try:
        if (expr, digits) in at.numbers:
            return at.numbers[(expr, digits)]
    except TypeError:  # not hashable: evaluated every time
        return _evaluate(expr, at, digits)
    found = at.numbers[(expr, digits)] = _evaluate(expr, at, digits)
    return found


def _evaluate(expr: Any, at: _Values, digits: int = DIGITS, *, exact: bool = False) -> sympy.Expr | None:
    """The value of ``expr`` at the point, to ``digits`` digits (``exact``: not evaluated)."""
    v = replace_shared(expr, at.values) if isinstance(expr, sympy.Basic) else sympy.sympify(expr, strict=True)
    v = extended_value(substitute_functions(v, at.functions))
    if v in _INFINITE:
        return v
    if v is not None and v.has(sympy.Integral):
        v = _integrals_exactly(v)
    if v is None or v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    if v.free_symbols:
        return None
    if v.is_Rational or exact:
        return v
    if _undecided_switch(v):
        at.vague = True
        return None
    n = _settled_value(v, digits)
    at.vague = at.vague or n is None
    if n is None or n.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or not n.is_number:
        return None
    return n


_SWITCHES = (sympy.sign, sympy.Heaviside)


def _undecided_switch(v: sympy.Expr) -> bool:
    """Whether ``v`` holds a jump whose side no evaluation decides: ``sign`` or ``Heaviside``
    of an argument, or a condition (``Piecewise``) between numbers, whose sign is neither
    certified (:func:`.constants.constant_sign`) nor evaluated to :data:`SIGN_DIGITS`
    relative digits. ``sign(tanh(log(6*y) - log(2*y) - log(3)))`` at ``y = 3/2`` is
    ``sign`` of a 0 not written 0; its value is 0, not the 1 or -1 of a rounded argument."""
    for node in sympy.preorder_traversal(v):
        if isinstance(node, _SWITCHES):
            gap = node.args[0]
        elif isinstance(node, sympy.core.relational.Relational) and not node.free_symbols:
            gap = node.lhs - node.rhs
        else:
            continue
        if not gap.is_Rational and _sign_of_number(gap) is None:
            return True
    return False


def _sign_of_number(gap: sympy.Expr) -> int | None:
    """The sign of the number ``gap`` where certain, else None: its certified sign
    (:func:`.constants.constant_sign`) where the enclosure covers it, else that of SymPy's
    ``strict`` evaluation to :data:`SIGN_DIGITS` relative digits when the evaluation at three
    times the digits gives the same number. (``strict`` alone is not enough: SymPy returns a
    residue of the working precision for a function of a value it cannot tell from 0, as
    ``N(Max(t, -t), 15, strict=True)`` for ``t = tanh(log(12) - log(4) - log(3))``, 1e-134,
    at 45 digits 7e-139.)"""
    if enclosable(gap):
        return constant_sign(gap)
    try:
        value, again = (sympy.N(gap, d, strict=True, maxn=4 * DIGITS) for d in (SIGN_DIGITS, 3 * SIGN_DIGITS))
        if not (value.is_real and again.is_real) or value == 0:
            return None
        if abs(again - value) > sympy.Float(10, SIGN_DIGITS) ** -(SIGN_DIGITS - 5) * abs(value):
            return None  # not the same number at another precision: a rounding residue
    except Exception:  # noqa: BLE001 - PrecisionExhausted, or no value
        return None
    return 1 if value > 0 else -1


def _settled_value(v: sympy.Expr, digits: int) -> sympy.Expr | None:
    """``v`` to ``digits`` digits, or None where SymPy cannot tell its value: SymPy's ``N``
    quietly returns digits of a cancellation it could not resolve (``-log(1 - 1/(1 + exp(-z)))``
    at ``z = 10**6`` came out as 402.7, not 10**6), so where the strict evaluation gives up, the
    value stands only if a second evaluation at more than twice the digits agrees with it to
    the relative precision, or both are what ``N`` gives for a value it cannot tell from 0 (as
    for a sub-expression that is 0 without being written 0, ``cos(1)**2 + sin(1)**2 - 1``)."""
    try:
        return sympy.N(v, digits, strict=True)
    except sympy.core.evalf.PrecisionExhausted:
        pass
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return sympy.N(v, digits)
    low, high = sympy.N(v, digits), sympy.N(v, 2 * digits + 10)
    try:
        if all(_indistinct_from_zero(n, digits) for n in (low, high)):
            return sympy.Float(0, digits)
        gap = abs(sympy.N(low - high, digits))
        scale = max(abs(low), abs(high))  # relative: unresolved digits can be tiny and still wrong
        return low if gap <= sympy.Float(10, digits) ** -(digits - SLACK_DIGITS) * scale else None
    except (TypeError, ValueError, ArithmeticError):
        return None


def _indistinct_from_zero(n: sympy.Expr, digits: int) -> bool:
    """0, or what SymPy's ``N`` gives for a value it cannot tell from 0: a Float of a few bits
    of precision far below ``10**-(digits - SLACK_DIGITS)``."""
    if n == 0:
        return True
    return (isinstance(n, sympy.Float) and n._prec < 16
            and abs(n) < sympy.Float(10, digits) ** -(digits - SLACK_DIGITS))


def _integrals_exactly(v: sympy.Expr) -> sympy.Expr | None:
    """``v`` with each (concrete) integral replaced by its exact value, or None.

    SymPy's own 50-digit evaluation of an integral is quadrature, which a kink, a
    jump or a narrow peak fools while it reports full precision; so an integral
    counts only when SymPy integrates it in closed form (within
    :data:`INTEGRAL_SECONDS`, in a forked child) and the closed form agrees with
    quadrature to 4 digits (a rough cross-check of the closed form).
    """

    done = run_bounded(lambda: _integrate_each(v), INTEGRAL_SECONDS)
    return done.value if done.status == "ok" else None


def _integrate_each(v: sympy.Expr) -> sympy.Expr | None:
    closed = {}
    for integral in v.atoms(sympy.Integral):
        if integral.free_symbols or len(integral.limits) != 1 or len(integral.limits[0]) != 3:
            return None
        value = integral.doit()
        if value.has(sympy.Integral, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or not value.is_number:
            return None
        estimate, exact = _quadrature(integral), complex(sympy.N(value, 15))
        if estimate is None or abs(estimate - exact) > 1e-4 * (1 + abs(exact)):
            return None
        closed[integral] = value
    return v.xreplace(closed)


def _quadrature(integral: sympy.Integral) -> complex | None:
    """64-point Gauss-Legendre over finite bounds (a rough check of a closed form; SymPy's
    own adaptive quadrature can take many seconds at a kink)."""
    import numpy

    var, lo, hi = integral.limits[0]
    try:
        a, b = complex(sympy.N(lo, 15)), complex(sympy.N(hi, 15))
    except TypeError:
        return None
    if not (numpy.isfinite(a) and numpy.isfinite(b)):
        return None
    cuts = [a.real, b.real]
    for kink in linear_kinks(integral.function, var):  # pieces without a kink inside
        try:
            at = complex(sympy.N(kink, 17)).real
        except TypeError:
            continue
        if min(a.real, b.real) < at < max(a.real, b.real):
            cuts.append(at)
    cuts = sorted(cuts, reverse=b.real < a.real)
    nodes, weights = numpy.polynomial.legendre.leggauss(64)
    total = 0j
    for lo_, hi_ in zip(cuts, cuts[1:]):
        for node, weight in zip(nodes, weights):
            x = sympy.Float((lo_ + (hi_ - lo_) * (node + 1) / 2), 17)
            try:
                total += weight * complex(sympy.N(integral.function.xreplace({var: x}), 17)) * (hi_ - lo_) / 2
            except TypeError:
                return None
    return total


_UNRESOLVED = object()  # a gap within the precision: try more digits


def _entry_holds(op: str, a: Any, b: Any, values: _Values) -> bool | None:
    """True/False when settled beyond doubt, None when it cannot be told; a gap within
    the precision is evaluated again at each precision of ``values.ladder``."""
    for k, digits in enumerate(values.ladder):
        found = _entry_at(op, a, b, values, digits, last=k == len(values.ladder) - 1)
        if found is not _UNRESOLVED:
            return found
    return None


def _entry_at(op: str, a: Any, b: Any, values: _Values, digits: int, last: bool) -> Any:
    """:func:`_entry_holds` at ``digits`` digits; ``_UNRESOLVED`` for a gap within them
    (at the ``last`` precision: holds for a gap far below it, else None)."""
    l, r = _number(a, values, digits), _number(b, values, digits)
    if l is None or r is None:
        # a side no precision tells (0 without being written 0, as (log(6) - log(2) - log(3))**2):
        # no value to compare, and for a strict inequality possibly its equality case
        values.tied = values.tied or (values.vague and op in ("<", ">"))
        values.unresolved = values.unresolved or values.vague
        return None
    if l in _INFINITE or r in _INFINITE:
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


SIGN_DIGITS = 15  # relative digits of a difference whose sign is then certain


def _certain_sign(a: Any, b: Any, values: _Values) -> int | None:
    """The sign of ``a - b`` (1 or -1) where certain (:func:`_sign_of_number`: certified, or
    SymPy's ``strict`` evaluation to SIGN_DIGITS relative digits, which raises for a
    difference that is 0 without being written 0, the same at three times the digits); 0 when
    the difference is exactly 0; None otherwise. A gap below every absolute precision can so
    still be told from 0."""
    try:
        la, lb = _evaluate(a, values, exact=True), _evaluate(b, values, exact=True)
        if la is None or lb is None or la in _INFINITE or lb in _INFINITE:
            return None
        difference = la - lb
    except Exception:  # noqa: BLE001 - no value: the sign stays unknown
        return None
    return 0 if difference == 0 else _sign_of_number(difference)


_POLES = {sympy.tan: sympy.cos, sympy.sec: sympy.cos, sympy.cot: sympy.sin, sympy.csc: sympy.sin,
          sympy.coth: sympy.sinh, sympy.csch: sympy.sinh}
"""A function with poles, and the function of its argument that is 0 at them."""


def shown_defined(exprs: list[Any], values: dict, functions: dict[str, Any] | None = None) -> bool:
    """Whether the point of exact ``values`` is shown inside the domain of ``exprs`` (see
    :func:`_inside_domain`; at 50 and 100 digits), for a counterexample found elsewhere."""
    return _inside_domain(list(exprs), _Values(values, functions or {}))


def _inside_domain(exprs: list[Any], values: _Values) -> bool:
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
    seen: set[sympy.Basic] = set()
    stack, out = list(roots), []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out.append(node)
        if not isinstance(node, UNEVALUATED):
            stack.extend(a for a in node.args if isinstance(a, sympy.Basic))
    return out


def _nonzero_conditions(node: sympy.Basic, values: _Values) -> list[sympy.Basic]:
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
            exponent = _evaluate(exponent, values, exact=True)
        nonnegative = exponent is not None and exponent.is_Rational and exponent >= 0
        return [] if nonnegative else [node.base]
    if isinstance(node, sympy.log):
        return [node.args[0]]
    if type(node) in _POLES:
        return [_POLES[type(node)](node.args[0])]
    if isinstance(node, LazyInverseEntry):
        return [LazyDet(node.args[0], *node.args[3:])]
    return []


def _told_from_zero(divisor: sympy.Basic, values: _Values) -> bool:
    """Whether ``divisor`` at the point is shown nonzero: a nonzero rational, a constant whose
    certified sign (:func:`~derivcheck.expr.constants.constant_sign`) is not 0, or else a value
    beyond ``10**-(P - SLACK_DIGITS)`` at the last precision ``P`` of the ladder that the first
    precision gives again to its own relative error (what SymPy returns for a value it cannot
    tell from 0 changes with the precision: ``N(tanh(log(6) - log(2) - log(3)), 50)`` is
    4e-171, at 200 digits 2e-415)."""
    v = _evaluate(divisor, values, exact=True)
    if v is None or v in _INFINITE or v.has(sympy.zoo, sympy.nan):
        return False
    if v.is_Rational:
        return v != 0
    if enclosable(v):
        return constant_sign(v) in (1, -1)
    vague = values.vague  # (a value no precision tells is no tie of the relation's sides)
    try:
        low, high = (_number(v, values, digits) for digits in (values.ladder[0], values.ladder[-1]))
        if low is None or high is None or low in _INFINITE or high in _INFINITE:
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
    if l in _INFINITE and r in _INFINITE:
        return None
    if op == "=":
        return False
    finite = r if l in _INFINITE else l
    if sympy.im(finite) != 0:
        return None
    d = sympy.oo if sympy.oo in (l, -r) else -sympy.oo  # the sign of l - r
    return {">=": d > 0, ">": d > 0, "<=": d < 0, "<": d < 0}[op] == sympy.true


def _show(side: Any, values: _Values) -> str:
    if isinstance(side, sympy.MatrixBase):
        rows = [[_show_scalar(x, values) for x in row] for row in side.tolist()]
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"
    return _show_scalar(side, values)


def _show_scalar(x: Any, values: _Values) -> str:
    v = _number(x, values)
    if v is None:
        return "undefined"
    if v in _INFINITE:
        return f"{v} (a divergent integral)"
    if v.is_Rational:
        return str(v)
    v = sympy.N(v, 12)
    return str(v)
