"""Integrals over the whole real line that have a closed form: Gaussian ones.

The numeric checker evaluates finite integrals by quadrature; over an infinite
range quadrature cannot be trusted (a narrow peak far from the origin is easily
missed), so there it knows only the integrals of a constant times the
exponential of a polynomial of degree at most 2 in the variable, exactly:

    Integral(C * exp(a*x**2 + b*x + c), (x, -oo, oo)) = C * sqrt(pi / -a) * exp(c - b**2 / (4*a))

for Re(a) < 0 (the Gaussian integral), with C, a, b, c free of x. Where a >= 0
(a constant integrand included) the integral diverges: with C, a, b, c real the
integrand keeps the sign of C, so the integral is ``Diverges(sign(C), k)``, +oo
or -oo, and 0 where C = 0; elsewhere it is undefined (``nan``).

``Diverges`` marks a divergence instead of SymPy's ``oo`` so that arithmetic
does not absorb it silently (SymPy makes ``1/oo`` 0), and each one carries its
own number ``k`` so that two divergent integrals never cancel (``oo - oo`` is
undefined). :func:`extended_value` gives a value that contains one an
extended-real value only when it is a divergence plus finite terms or times
nonzero reals, and no value otherwise.
A claim that such an integral equals a finite number is then refuted, never
accepted: float infinities only nominate points, which exact confirmation
decides (:mod:`derivcheck.check.confirm`).
"""

from __future__ import annotations

import itertools

import sympy

_numbers = itertools.count()


class Diverges(sympy.Function):
    """An integral that diverges to ``sign * oo`` (``sign`` is 1 or -1), the ``k``-th one
    made (``Diverges(sign, k)``); see :func:`extended_value`."""

    nargs = 2


def _diverges(sign: int) -> Diverges:
    return Diverges(sign, next(_numbers))


def gaussian_integral(body: sympy.Basic, var: sympy.Symbol) -> sympy.Basic | None:
    """The closed form of ``Integral(body, (var, -oo, oo))``, or None when ``body`` is not
    a constant times the exponential of a polynomial of degree at most 2 in ``var``."""
    if body == 0:
        return sympy.Integer(0)
    const, rest = body.as_independent(var, as_Add=False)
    exponent = sympy.Integer(0)
    for factor in sympy.Mul.make_args(rest):
        if factor == 1:
            continue
        if isinstance(factor, sympy.exp):
            exponent += factor.args[0]
        elif isinstance(factor, sympy.Pow) and isinstance(factor.base, sympy.exp) and not factor.exp.has(var):
            exponent += factor.exp * factor.base.args[0]
        else:
            return None
    try:
        poly = sympy.Poly(sympy.expand(exponent), var)
    except sympy.PolynomialError:
        return None
    if poly.degree() > 2:
        return None
    a, b, c = (poly.coeff_monomial(var**k) for k in (2, 1, 0))
    if any(x.has(var) for x in (a, b, c, const)):
        return None
    # conditions on real parts only, so that no complex value makes a comparison raise
    real = sympy.And(*(sympy.Eq(sympy.im(x), 0) for x in (a, b, c, const)))
    diverges = [(sympy.Integer(0), sympy.Eq(const, 0)),
                (_diverges(1), sympy.And(real, sympy.re(const) > 0)),
                (_diverges(-1), sympy.And(real, sympy.re(const) < 0)),
                (sympy.nan, True)]
    if a.is_zero:
        return sympy.Piecewise(*diverges)
    value = const * sympy.sqrt(sympy.pi / -a) * sympy.exp(c - b**2 / (4 * a))
    return sympy.Piecewise((value, sympy.re(a) < 0), *diverges)  # converges for Re(a) < 0


def extended_value(value: sympy.Basic) -> sympy.Basic | None:
    """``oo``/``-oo`` for a number that is a divergence (:class:`Diverges`) plus finite real
    terms or times nonzero reals, None for any other use of one (``D - D``, ``1/D``,
    ``0 * D``) or a non-number; a value without divergence is returned as it is."""
    if not value.has(Diverges):
        return value
    if isinstance(value, Diverges):
        sign = value.args[0]
        return sympy.oo * sign if sign in (1, -1) else None
    if not isinstance(value, (sympy.Add, sympy.Mul)):
        return None
    parts = [extended_value(a) for a in value.args]
    if any(p is None or not p.is_number for p in parts):
        return None
    infinite = [p for p in parts if p in (sympy.oo, -sympy.oo)]
    finite = [p for p in parts if p not in (sympy.oo, -sympy.oo)]
    if any(p.is_extended_real is not True for p in finite):
        return None
    if isinstance(value, sympy.Add):
        return infinite[0] if len(set(infinite)) == 1 else None
    if len(infinite) != 1 or any(p.is_zero is not False for p in finite):
        return None
    sign = 1 if infinite[0] == sympy.oo else -1
    for p in finite:
        sign *= 1 if p.is_positive else -1
    return sympy.oo * sign
