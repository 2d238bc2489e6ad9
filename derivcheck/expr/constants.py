"""The certified sign of a constant: interval arithmetic, never a rounded value.

A constant written without symbols can be 0 without being written as 0:
``log(6) - log(2) - log(3)``, ``Integral(t, (t, -1, 1))``, ``sin(log(6) - log(2) - log(3))``.
SymPy's ``c != 0`` compares structure, and ``c.is_zero``, ``c.is_positive`` and
``c.evalf(strict=True)`` can answer from a rounded evaluation (``tanh`` of that 0 is
"negative" to SymPy, its ``evalf`` a tiny nonzero number). So the sign of a constant is
read here only from an enclosure: mpmath's interval arithmetic (outward rounding) over a
fixed set of operations (sums, products, integer powers, powers of a positive base, ``exp``,
``log`` of a positive argument, ``sin``, ``cos``, ``Abs``, the hyperbolic functions through
``exp``, ``Max``, ``Min``, ``sign``, ``pi``, ``E``), at 64, 256 and 1024 bits: only an
interval that excludes 0 gives a sign. Anything else (a complex number, another function,
an interval containing 0 at every precision) has no certified sign. Sums, products,
integrals and limits are first replaced by exact values, only those the checker trusts
(:func:`certified_signs`' ``closed_form``; SymPy's ``doit`` alone can be wrong); one
without such a value has no sign either.
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import sympy
from sympy.core import expr as _sympy_expr, relational as _sympy_relational

PRECISIONS = (64, 256, 1024)
"""Bits of the interval evaluations tried, in turn, until one excludes 0."""

UNEVALUATED = (sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Derivative)
"""Operations SymPy leaves unevaluated; done by `doit`, or (solve, evalf) by unbounded numerics."""


class _NoEnclosure(Exception):
    """The constant holds an operation that is not enclosed here."""


def is_constant(expr: object) -> bool:
    """Whether ``expr`` is a SymPy number expression without any symbol (``log(2) - 1``)."""
    if not isinstance(expr, sympy.Expr):
        return False
    try:
        return _constant(expr)
    except TypeError:  # not hashable: asked every time
        return not expr.free_symbols and bool(expr.is_number)


@functools.lru_cache(maxsize=4096)
def _constant(expr: sympy.Expr) -> bool:
    """:func:`is_constant` of an expression, kept: the sign rules ask it of each sub-expression
    at every level of a nested question, and ``free_symbols`` and ``is_number`` walk the whole
    tree each time (both are read from the tree alone, so an answer stays true)."""
    return not expr.free_symbols and bool(expr.is_number)


def closed_forms_of(expr: sympy.Expr) -> sympy.Expr | None:
    """``expr`` with its integrals, sums, products and limits replaced by the trusted exact
    values of the enclosing :func:`certified_signs` (None: one has none, or outside it)."""
    closed_form = getattr(_state, "closed_form", None)
    return _done(expr, closed_form) if closed_form is not None else None


def constant_sign(expr: sympy.Basic) -> int | None:
    """``1`` or ``-1`` when the constant ``expr`` is certified positive or negative, ``0`` when it
    is exactly the number 0, None when its sign is not certified (see the module).

    >>> constant_sign(sympy.log(6) - sympy.log(2)), constant_sign(sympy.log(6) - sympy.log(2) - sympy.log(3))
    (1, None)
    """
    if not is_constant(expr):
        return None
    if expr.is_Rational:
        return int(sympy.sign(expr))
    if expr.has(*UNEVALUATED):
        expr = closed_forms_of(expr)
        if expr is None or not is_constant(expr) or expr.has(*UNEVALUATED):
            return None
        if expr.is_Rational:
            return int(sympy.sign(expr))
    if expr.has(sympy.I, sympy.nan, sympy.zoo, sympy.oo, -sympy.oo, sympy.Float):
        return None
    from mpmath import iv

    saved = iv.prec
    try:
        for bits in PRECISIONS:
            iv.prec = bits
            value = _enclose(expr, iv)
            if value.a > 0:
                return 1
            if value.b < 0:
                return -1
    except (_NoEnclosure, ValueError, ZeroDivisionError, ArithmeticError, TypeError):
        return None
    finally:
        iv.prec = saved
    return None


ClosedForm = Callable[[sympy.Basic], "sympy.Basic | None"]
"""The exact value of one integral, sum, product or limit without symbols, where trusted, else None."""


@functools.lru_cache(maxsize=512)
def _done(expr: sympy.Expr, closed_form: ClosedForm) -> sympy.Expr | None:
    """``expr`` with each integral, sum, product and limit (innermost first) replaced by its
    trusted exact value, or None where one has none; kept, as SymPy asks a constant's sign
    several times over."""
    missing = []

    def close(node: sympy.Basic) -> sympy.Basic:
        value = closed_form(node)
        if value is None:
            missing.append(node)
            return node
        return value

    try:
        done = expr.replace(lambda node: isinstance(node, UNEVALUATED), close)
    except Exception:  # noqa: BLE001 - an evaluation that fails certifies nothing
        return None
    return None if missing else done


_ENCLOSED = (sympy.Add, sympy.Mul, sympy.Pow, sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.Abs, sympy.sinh,
             sympy.cosh, sympy.tanh, sympy.Max, sympy.Min, sympy.sign)

JUMPS = (sympy.sign, sympy.Heaviside, sympy.floor, sympy.ceiling, sympy.frac, sympy.Piecewise, sympy.KroneckerDelta,
         sympy.DiracDelta)
"""Functions that jump: a rounded argument near a jump gives a value a whole unit off."""


def enclosable(expr: object) -> bool:
    """Whether the constant ``expr`` is built only of the operations enclosed here (rationals,
    ``pi``, ``E`` and :data:`_ENCLOSED`), read from its tree without evaluating: then
    :func:`constant_sign` of it is None only where no enclosure excludes 0, a value that
    may be 0 (``tanh(log(6) - log(2) - log(3))``), not one outside this module's reach."""
    if not is_constant(expr):
        return False
    return all(node.is_Rational or node in (sympy.pi, sympy.E) or isinstance(node, _ENCLOSED)
               for node in sympy.preorder_traversal(expr))


def _enclose(expr: sympy.Basic, iv: Any) -> Any:
    """An interval holding the real value of ``expr`` (raises :class:`_NoEnclosure`)."""
    if expr.is_Integer:
        return iv.mpf(int(expr))
    if expr.is_Rational:
        return iv.mpf(int(expr.p)) / iv.mpf(int(expr.q))
    if expr is sympy.pi:
        return iv.pi
    if expr is sympy.E:
        return iv.e
    args = [_enclose(a, iv) for a in expr.args] if not isinstance(expr, sympy.Pow) else None
    if isinstance(expr, sympy.Add):
        total = args[0]
        for a in args[1:]:
            total = total + a
        return total
    if isinstance(expr, sympy.Mul):
        product = args[0]
        for a in args[1:]:
            product = product * a
        return product
    if isinstance(expr, sympy.Pow):
        return _power(expr, iv)
    if isinstance(expr, sympy.exp):
        return iv.exp(args[0])
    if isinstance(expr, sympy.log) and len(args) == 1:
        return iv.log(_positive_part(args[0]))
    if isinstance(expr, (sympy.sin, sympy.cos)):
        return (iv.sin if isinstance(expr, sympy.sin) else iv.cos)(args[0])
    if isinstance(expr, sympy.Abs):
        return _absolute(args[0], iv)
    if isinstance(expr, (sympy.Max, sympy.Min)):
        return _extremum(args, iv, isinstance(expr, sympy.Max))
    if isinstance(expr, sympy.sign):
        return _sign(args[0], iv)
    if isinstance(expr, (sympy.sinh, sympy.cosh, sympy.tanh)):
        up, down = iv.exp(args[0]), iv.exp(-args[0])
        if isinstance(expr, sympy.tanh):
            return (up - down) / (up + down)
        return (up - down) / 2 if isinstance(expr, sympy.sinh) else (up + down) / 2
    raise _NoEnclosure(type(expr).__name__)


def _power(expr: sympy.Pow, iv: Any) -> Any:
    base = _enclose(expr.base, iv)
    if expr.exp.is_Integer:
        n = int(expr.exp)
        if n < 0 and not (base.a > 0 or base.b < 0):
            raise _NoEnclosure("a negative power of an interval holding 0")
        return base ** n
    # a non-integer power of a positive base only (a negative one is not real)
    return iv.exp(_enclose(expr.exp, iv) * iv.log(_positive_part(base)))


def _positive_part(interval: Any) -> Any:
    if not interval.a > 0:
        raise _NoEnclosure("log or power of an interval not above 0")
    return interval


def _absolute(interval: Any, iv: Any) -> Any:
    if interval.a >= 0:
        return interval
    if interval.b <= 0:
        return -interval
    return iv.mpf([0, max(-interval.a, interval.b)])


def _extremum(args: list[Any], iv: Any, largest: bool) -> Any:
    pick = max if largest else min
    return iv.mpf([pick(a.a for a in args), pick(a.b for a in args)])


def _sign(interval: Any, iv: Any) -> Any:
    if interval.a > 0:
        return iv.mpf(1)
    if interval.b < 0:
        return iv.mpf(-1)
    if interval.a == 0 and interval.b == 0:
        return iv.mpf(0)
    return iv.mpf([-1, 1])


FALLBACK_DIGITS = 30
"""Digits of the evaluation that must confirm SymPy's sign of a constant outside the enclosure."""

FALLBACK_FLOOR = sympy.Rational(1, 10**20)
"""Below this size, in :data:`FALLBACK_DIGITS` digits, such a constant has no sign (it may be 0)."""

FALLBACK_AGREEMENT = sympy.Rational(1, 10**20)
"""Relative gap within which the two evaluations of such a constant are the same number."""


def number_sign(expr: sympy.Expr, rounded: int | None) -> int | None:
    """The sign SymPy may use for the real number ``expr``, given the sign ``rounded`` that its
    own rounded evaluation found (None: none): the certified sign where the enclosure covers
    ``expr``, else ``rounded`` only when evaluations at :data:`FALLBACK_DIGITS` and three
    times as many digits give the same real number (to :data:`FALLBACK_AGREEMENT` relative),
    at least :data:`FALLBACK_FLOOR` in size, of that sign. None: no sign may be used.

    One evaluation is not enough: for a 0 not written 0 SymPy returns a residue of its
    working precision, and a root or a large factor magnifies it: ``10**70*sqrt(c) - 1`` for
    ``c = Abs(atan(2) + atan(3) - 3*pi/4)``, which is -1, is 3.1e9 at 30 digits (8e31 at 15),
    and only at 90 digits near -1."""
    certified = constant_sign(expr)
    if certified is not None or enclosable(expr) or rounded is None or not _rounding_decides(expr):
        return certified
    value = settled_number(expr)
    if value is None or abs(value) < FALLBACK_FLOOR:
        return None
    return rounded if (value > 0) == (rounded > 0) else None


def settled_number(expr: sympy.Expr) -> sympy.Float | None:
    """The real value of the constant ``expr`` (no integral, sum or limit left in it) where
    evaluations at :data:`FALLBACK_DIGITS` and three times as many digits give the same real
    number, to :data:`FALLBACK_AGREEMENT` relative (0 only where both are exactly 0), and
    every sum inside it does too, clear of a cancellation (:func:`_clear_sum`); None where
    not (SymPy's residue of a 0 it cannot tell, magnified or flattened; see
    :func:`number_sign`), where it is not real, or where evaluation fails."""
    if expr.has(*UNEVALUATED):
        return None
    value = _two_precisions(expr)
    if value is None:
        return None
    sums = [node for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Add) and node is not expr]
    return value if all(_clear_sum(node) for node in sums) else None


def _two_precisions(expr: sympy.Expr) -> sympy.Float | None:
    """The real value of ``expr`` where its evaluations at :data:`FALLBACK_DIGITS` and three
    times as many digits agree (see :func:`settled_number`), else None."""
    try:
        values = [sympy.N(expr, digits).as_real_imag() for digits in (FALLBACK_DIGITS, 3 * FALLBACK_DIGITS)]
    except Exception:  # noqa: BLE001 - an evaluation that fails settles nothing
        return None
    if not all(real.is_Number and imaginary.is_Number and abs(imaginary) < FALLBACK_FLOOR
               for real, imaginary in values):
        return None
    (low, _), (high, _) = values
    if abs(low - high) > FALLBACK_AGREEMENT * abs(high) or (high == 0) != (low == 0):
        return None
    return high


def _clear_sum(node: sympy.Add) -> bool:
    """Whether the sum ``node`` settles (:func:`_two_precisions`) to a value above
    :data:`FALLBACK_AGREEMENT` of the size of its terms. A sum is where a 0 hides (``atan(2) +
    atan(3) - 3*pi/4``); the whole constant can settle though the sum does not, where a
    function flattens its residue (``tanh(10**1000*Abs(...))`` is 1 at 30 and 90 digits, and
    0), so each sum answers for itself (red team 13)."""
    value = _two_precisions(node)
    if value is None or value == 0:
        return False
    try:
        size = sum(abs(sympy.N(term, 15)) for term in node.args)
    except Exception:  # noqa: BLE001
        return False
    return bool(size.is_Number and abs(value) > FALLBACK_AGREEMENT * size)


def _rounding_decides(expr: sympy.Expr) -> bool:
    """Whether a rounded value of the constant ``expr`` (outside the enclosure) may stand for
    its sign at all. Not when it holds a jump (``sign(c)`` of a ``c`` that is 0 but evaluates
    to 3e-220 is 1, a whole unit off), an operation SymPy evaluates by quadrature or series
    (``Integral``, ``Sum``: its own rounding, and unbounded time), or an enclosed part whose
    sign is not certified (``1/(log(6) - log(2) - log(3))`` is huge, not undefined)."""
    if expr.has(*JUMPS, *UNEVALUATED):
        return False
    return not any(node is not expr and not node.is_Rational and enclosable(node) and constant_sign(node) is None
                   for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Expr))


_state = threading.local()
_ORIGINAL_POSITIVE_NEGATIVE = _sympy_expr.Expr._eval_is_extended_positive_negative
_ORIGINAL_N2 = _sympy_relational._n2


def _is_finite_real_number(expr: Any) -> bool:
    return (isinstance(expr, sympy.Expr) and bool(expr.is_number)
            and not expr.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan))


def _guarded_positive_negative(self: sympy.Expr, positive: bool) -> bool | None:
    """SymPy's ``is_extended_positive``/``negative`` of a number, through :func:`number_sign`;
    one holding an integral or a sum only from its certified sign (SymPy's own answer comes
    from quadrature or a series, with no bound on its time or its error)."""
    if self.is_number and self.has(*UNEVALUATED) and not getattr(_state, "busy", False):
        return _certified_only(self, 1 if positive else -1)
    answer = _ORIGINAL_POSITIVE_NEGATIVE(self, positive)
    if answer is None or getattr(_state, "busy", False) or not _is_finite_real_number(self):
        return answer
    _state.busy = True
    try:
        if answer is False:  # not positive: negative, zero or not real
            opposite = _ORIGINAL_POSITIVE_NEGATIVE(self, not positive)
            if opposite is not True:
                # "not positive" because not real (1 + I), exactly 0 (an algebraic number whose
                # minimal polynomial is x), or from a rounded zero
                return answer if _not_real(self) or _algebraic_zero(self) else None
            rounded = -1 if positive else 1
        else:
            rounded = 1 if positive else -1
        sign = number_sign(self, rounded)
    finally:
        _state.busy = False
    if sign is None:
        return None
    return sign == (1 if positive else -1)


def _certified_only(expr: sympy.Expr, wanted: int) -> bool | None:
    sign = _certified_sign(expr)
    return None if sign is None else sign == wanted


def _certified_sign(expr: sympy.Expr) -> int | None:
    """:func:`constant_sign`, with SymPy's own rounded judgements left as they are meanwhile."""
    _state.busy = True
    try:
        return constant_sign(expr)
    finally:
        _state.busy = False


def _algebraic_zero(expr: sympy.Expr) -> bool:
    """Whether ``expr`` is an algebraic number without functions whose minimal polynomial is
    ``x`` (exact: ``sqrt(3 + 2*sqrt(2)) - sqrt(2) - 1``), as SymPy's own test decides it."""
    from sympy.polys.numberfields import minimal_polynomial

    if expr.has(sympy.Function) or not expr._eval_is_algebraic():
        return False
    try:
        return bool(minimal_polynomial(expr).is_Symbol)
    except Exception:  # noqa: BLE001 - NotAlgebraic, NotImplementedError: not shown 0
        return False


def _not_real(expr: sympy.Expr) -> bool:
    try:
        imaginary = sympy.N(sympy.im(expr), FALLBACK_DIGITS)
    except Exception:  # noqa: BLE001
        return False
    return bool(imaginary.is_Number and abs(imaginary) >= FALLBACK_FLOOR)


def _guarded_n2(a: sympy.Expr, b: sympy.Expr) -> Any:
    """SymPy's 2-digit difference of two comparable numbers, kept only where its sign is certain
    (for an integral or a sum, the certified sign alone, as in :func:`_guarded_positive_negative`)."""
    if getattr(_state, "busy", False):
        return _ORIGINAL_N2(a, b)
    if a.has(*UNEVALUATED) or b.has(*UNEVALUATED):
        exact = a - b
        sign = _certified_sign(exact) if _is_finite_real_number(exact) else None
        return None if sign is None else sympy.Integer(sign)
    difference = _ORIGINAL_N2(a, b)
    if difference is None:
        return difference
    exact = a - b
    if exact.is_Rational or not _is_finite_real_number(exact) or not difference.is_Number:
        return difference
    rounded = 0 if difference == 0 else (1 if difference > 0 else -1)
    _state.busy = True
    try:
        sign = number_sign(exact, rounded or None)
    finally:
        _state.busy = False
    return difference if sign is not None and sign == rounded else None


@contextmanager
def certified_signs(closed_form: ClosedForm | None = None) -> Iterator[None]:
    """Within it, SymPy itself reads the sign of a constant only as :func:`number_sign` allows.

    SymPy decides ``c.is_positive``, ``c.is_zero`` and ``c > 0`` for a number ``c`` from a
    2-digit evaluation, so a constant that is 0 without being written 0 gets a sign wherever
    it appears: ``tanh(log(6*y) - log(2*y) - log(3))`` becomes ``tanh`` of such a constant
    once the logs are split over the positive ``y``, SymPy calls it negative, and ``x**2 - ...``
    "positive". Rule 35 refuses such a constant where the file writes one; a strategy can
    make one (a split, a substitution, a definition applied to a term) at any point, so
    while a derivation is checked SymPy's two places that judge a number by rounding
    (``Expr._eval_is_extended_positive_negative`` and ``relational._n2``) answer only with
    the certified sign (or a confirmed one, outside the enclosure), else "not known".
    Reentrant; SymPy is restored on leaving the outermost one (the pytest plugin's process
    keeps SymPy's own behaviour outside derivcheck's checks).

    ``closed_form`` gives the exact values of integrals, sums and products that a constant's
    sign may use (the checker's trusted ones; SymPy's ``doit`` alone can be wrong); without
    one, a constant holding any of them has no certified sign.
    """
    depth = getattr(_state, "depth", 0)
    saved_closed_form = getattr(_state, "closed_form", None)
    if closed_form is not None:
        _state.closed_form = closed_form
    if depth == 0:
        _sympy_expr.Expr._eval_is_extended_positive_negative = _guarded_positive_negative
        _sympy_relational._n2 = _guarded_n2
    _state.depth = depth + 1
    try:
        yield
    finally:
        _state.depth = depth
        _state.closed_form = saved_closed_form
        if depth == 0:
            _sympy_expr.Expr._eval_is_extended_positive_negative = _ORIGINAL_POSITIVE_NEGATIVE
            _sympy_relational._n2 = _ORIGINAL_N2


__all__ = ["JUMPS", "PRECISIONS", "UNEVALUATED", "certified_signs", "closed_forms_of", "constant_sign", "enclosable",
           "is_constant", "number_sign", "settled_number"]
