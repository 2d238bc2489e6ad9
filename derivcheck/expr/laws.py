"""The declared laws of random variables and their exact moments.

A law is declared after ``random`` (docs/format.md, section 3): ``normal(mean,
variance)`` or ``uniform(low, high)``. Its parameters are exact numbers or
expressions in declared scalars; a declaration is accepted only where the
assumptions prove the variance positive and ``low < high``, so that every value
the declarations allow is a proper law (a normal of variance 0 is a point mass,
with other moments than the closed forms below give at a negative variance).

>>> import sympy
>>> m, v = sympy.symbols("m v", positive=True)
>>> raw_moment("normal", (m, v), 2)
m**2 + v
"""

from __future__ import annotations

import sympy

LAWS = {"normal": "normal(mean, variance)", "uniform": "uniform(low, high)"}

MAX_MOMENT = 64  # E(X**k) in closed form up to this k; a higher power is left as E(...)


def law_problem(kind: str, params: tuple[sympy.Expr, ...]) -> str | None:
    """Why ``kind(params)`` is not a law for every value the assumptions allow, or None.

    >>> law_problem("normal", (sympy.Integer(0), sympy.Symbol("s2", real=True)))
    'a normal variance must be positive: `s2 > 0` does not follow from the declarations (e.g. s2: positive)'
    """
    if len(params) != 2:
        return f"`{kind}` takes two parameters: write {LAWS[kind]}"
    if any(p.is_extended_real is not True or p.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan) for p in params):
        return f"the parameters of `{kind}` must be finite real numbers or real scalars"
    low, high = params
    gap = high if kind == "normal" else high - low
    if gap.is_positive is True:
        return None
    what = "a normal variance must be positive" if kind == "normal" else "uniform(low, high) needs low < high"
    if gap.is_number:
        return what
    hint = "e.g. s2: positive" if kind == "normal" else "e.g. uniform(a, a + w) with w: positive"
    return f"{what}: `{gap} > 0` does not follow from the declarations ({hint})"


def raw_moment(kind: str, params: tuple[sympy.Expr, sympy.Expr], k: int) -> sympy.Expr:
    """E(X**k) for X ~ normal(mean, variance) or uniform(low, high), a polynomial in the parameters.

    Normal: X = m + sqrt(v) Z, E(Z**j) = (j - 1)!! for even j and 0 for odd j.
    Uniform: (b**(k+1) - a**(k+1)) / ((k+1)(b - a)) = sum a**j b**(k-j) / (k + 1).
    """
    p1, p2 = params
    if kind == "normal":
        return sympy.Add(*[sympy.binomial(k, j) * p1 ** (k - j) * p2 ** (j // 2) * sympy.factorial2(j - 1)
                           for j in range(0, k + 1, 2)])
    return sympy.Add(*[p1 ** j * p2 ** (k - j) for j in range(k + 1)]) / (k + 1)


def mean_and_variance(kind: str, params: tuple[sympy.Expr, sympy.Expr]) -> tuple[sympy.Expr, sympy.Expr]:
    """E(X) and Var(X) under the law."""
    if kind == "normal":
        return params[0], params[1]
    low, high = params
    return (low + high) / 2, (high - low) ** 2 / 12


__all__ = ["LAWS", "MAX_MOMENT", "law_problem", "mean_and_variance", "raw_moment"]
