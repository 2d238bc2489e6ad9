"""The certified sign of a constant: interval arithmetic, never a rounded value.

A constant written without symbols can be 0 without being written as 0:
``log(6) - log(2) - log(3)``, ``Integral(t, (t, -1, 1))``, ``sin(log(6) - log(2) - log(3))``.
SymPy's ``c != 0`` compares structure, and ``c.is_zero``, ``c.is_positive`` and
``c.evalf(strict=True)`` can answer from a rounded evaluation (``tanh`` of that 0 is
"negative" to SymPy, its ``evalf`` a tiny nonzero number). So the sign of a constant is
read here only from an enclosure: mpmath's interval arithmetic (outward rounding) over a
fixed set of operations (sums, products, integer powers, powers of a positive base, ``exp``,
``log`` of a positive argument, ``sin``, ``cos``, ``Abs``, the hyperbolic functions through
``exp``, ``pi``, ``E``), at 64, 256 and 1024 bits: only an interval that excludes 0 gives a
sign. Anything else (a complex number, another function, an interval containing 0 at every
precision) has no certified sign. Sums, products, integrals and limits are first done
exactly by SymPy (``doit``); one that stays unevaluated has no sign either.
"""

from __future__ import annotations

from typing import Any

import sympy

PRECISIONS = (64, 256, 1024)
"""Bits of the interval evaluations tried, in turn, until one excludes 0."""

UNEVALUATED = (sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Derivative)
"""Operations SymPy leaves unevaluated; done by `doit`, or (solve, evalf) by unbounded numerics."""


class _NoEnclosure(Exception):
    """The constant holds an operation that is not enclosed here."""


def is_constant(expr: object) -> bool:
    """Whether ``expr`` is a SymPy number expression without any symbol (``log(2) - 1``)."""
    return isinstance(expr, sympy.Expr) and not expr.free_symbols and bool(expr.is_number)


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
        try:
            expr = expr.doit()
        except Exception:  # noqa: BLE001 - an evaluation that fails certifies nothing
            return None
        if not is_constant(expr) or expr.has(*UNEVALUATED):
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


_ENCLOSED = (sympy.Add, sympy.Mul, sympy.Pow, sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.Abs, sympy.sinh,
             sympy.cosh, sympy.tanh)


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


__all__ = ["PRECISIONS", "UNEVALUATED", "constant_sign", "enclosable", "is_constant"]
