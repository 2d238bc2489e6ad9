"""Integrals over the whole real line that have a closed form: Gaussian ones.

The numeric checker evaluates finite integrals by quadrature; over an infinite
range quadrature cannot be trusted (a narrow peak far from the origin is easily
missed), so there it knows only the Gaussian integral, exactly:

    Integral(C * exp(a*x**2 + b*x + c), (x, -oo, oo)) = C * sqrt(pi / -a) * exp(c - b**2 / (4*a))

for a < 0, with C, a, b, c free of x. Where a >= 0 the integral diverges and the
value is left undefined (``nan``): such points are not evidence either way.
"""

from __future__ import annotations

import sympy


def gaussian_integral(body: sympy.Basic, var: sympy.Symbol) -> sympy.Basic | None:
    """The closed form of ``Integral(body, (var, -oo, oo))``, or None when ``body`` is not
    a constant times the exponential of a quadratic in ``var``."""
    const, rest = body.as_independent(var, as_Add=False)
    exponent = sympy.Integer(0)
    for factor in sympy.Mul.make_args(rest):
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
    if poly.degree() != 2:
        return None
    a, b, c = (poly.coeff_monomial(var**k) for k in (2, 1, 0))
    if any(x.has(var) for x in (a, b, c, const)):
        return None
    value = const * sympy.sqrt(sympy.pi / -a) * sympy.exp(c - b**2 / (4 * a))
    return sympy.Piecewise((value, a < 0), (sympy.nan, True))
