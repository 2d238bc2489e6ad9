"""The gradient of a scalar in a matrix, by the chain rule over SymPy's trace derivatives.

SymPy's ``Expr.diff(MatrixSymbol)`` is right for a trace of a polynomial matrix
expression (``Trace(X.T*A*X).diff(X) = A*X + A.T*X``), and silently returns 0 for much
else: a sum of traces (``(Trace(X) + Trace(A*X)).diff(X)`` is 0), ``exp``/``log``/
``tanh``/powers of a trace, determinants of products, entries ``X[i, j]``. A 0 there
would prove ``grad(trace(A @ X) + trace(X), X) = 0``. So the derivative is taken here:

* sums, products and powers of scalars by the sum, product and power rules, and
  functions of one argument (``exp``, ``log``, ``tanh``, ...) by the chain rule
  through SymPy's ``fdiff`` of the function alone;
* a leaf is a trace (or a 1x1 matrix product) of a matrix expression built from
  matrix symbols, products, sums, transposes, inverses and integer powers: SymPy's
  derivative of that leaf alone, refused when it is 0 although the leaf depends on
  the variable (SymPy's sign of giving up);
* ``det(X)`` of the variable itself is ``det(X) * inv(X).T``; any other determinant,
  an entry, or any other node depending on the variable makes the derivative None
  (out of reach: no proof by this strategy).
"""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

_MATRIX_NODES = (sympy.MatrixSymbol, sympy.MatMul, sympy.MatAdd, sympy.Transpose, sympy.Inverse, sympy.MatPow,
                 sympy.Identity, sympy.ZeroMatrix, sympy.OneMatrix)


def matrix_gradient(expr: sympy.Basic, wrt: sympy.MatrixSymbol) -> sympy.Basic | None:
    """d expr / d wrt (a matrix of wrt's shape) for a scalar ``expr``, or None when out of reach."""
    if not isinstance(expr, sympy.Basic):
        return None
    if isinstance(expr, MatrixExpr) and expr.shape == (1, 1):
        return _leaf(expr, wrt)
    if isinstance(expr, MatrixExpr):
        return None
    return _scalar(expr, wrt)


def _zero(wrt: sympy.MatrixSymbol) -> sympy.Basic:
    return sympy.ZeroMatrix(*wrt.shape)


def _scalar(e: sympy.Basic, wrt: sympy.MatrixSymbol) -> sympy.Basic | None:
    if not e.has(wrt):
        return _zero(wrt)
    if isinstance(e, sympy.Add):
        parts = [_scalar(a, wrt) for a in e.args]
        return None if any(p is None for p in parts) else sympy.MatAdd(*parts).doit()
    if isinstance(e, sympy.Mul):
        terms = []
        for k, factor in enumerate(e.args):
            if not factor.has(wrt):
                continue
            d = _scalar(factor, wrt)
            if d is None:
                return None
            rest = sympy.Mul(*(a for j, a in enumerate(e.args) if j != k))
            terms.append(rest * d)
        return sympy.MatAdd(*terms).doit() if terms else _zero(wrt)
    if isinstance(e, sympy.Pow):
        if e.exp.has(wrt):
            if e.base.has(wrt):
                return None
            d = _scalar(e.exp, wrt)  # c**g: log(c) c**g dg
            return None if d is None else (e * sympy.log(e.base)) * d
        d = _scalar(e.base, wrt)
        return None if d is None else (e.exp * e.base ** (e.exp - 1)) * d
    if isinstance(e, sympy.Trace) or _is_entry_of_one_by_one(e):
        return _leaf(e, wrt)
    if isinstance(e, sympy.Determinant):
        if e.arg == wrt:
            return e * sympy.Inverse(wrt).T
        return None
    if isinstance(e, sympy.Function) and len(e.args) == 1 and not isinstance(e, sympy.Derivative):
        try:
            outer = e.fdiff(1)
        except (sympy.ArgumentIndexError, NotImplementedError, TypeError, ValueError):
            return None
        if outer.has(sympy.Derivative, sympy.Subs):
            return None  # an undefined function: its derivative is no closed form
        d = _scalar(e.args[0], wrt)
        return None if d is None else outer * d
    return None


def _is_entry_of_one_by_one(e: sympy.Basic) -> bool:
    return isinstance(e, MatrixElement) and getattr(e.parent, "shape", None) == (1, 1)


def _leaf(e: sympy.Basic, wrt: sympy.MatrixSymbol) -> sympy.Basic | None:
    """SymPy's derivative of a trace (or 1x1 product) of a polynomial matrix expression."""
    inner = e.arg if isinstance(e, sympy.Trace) else (e.parent if isinstance(e, MatrixElement) else e)
    if not all(isinstance(n, _MATRIX_NODES) or not isinstance(n, MatrixExpr)
               for n in sympy.preorder_traversal(inner)):
        return None
    if any(isinstance(n, (sympy.Determinant, MatrixElement, sympy.Function, sympy.Trace))
           and n is not inner and n.has(wrt) for n in sympy.preorder_traversal(inner)):
        return None  # a scalar function of the variable inside the leaf: out of reach
    if any(isinstance(n, sympy.MatPow) and not (n.exp.is_Integer) for n in sympy.preorder_traversal(inner)):
        return None
    try:
        out = (sympy.Trace(inner) if isinstance(e, sympy.Trace) else e).diff(wrt)
    except (AttributeError, NotImplementedError, TypeError, ValueError):
        return None
    if getattr(out, "shape", None) != wrt.shape:
        return None
    if out.has(sympy.Derivative) or out == 0 or isinstance(out, sympy.ZeroMatrix):
        return None  # SymPy gave up (a 0 for a leaf that depends on the variable)
    return out
