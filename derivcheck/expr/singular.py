"""Inverses that exist nowhere: matrices singular for every value of their symbols.

``inv(z @ z.T) @ (z @ z.T) = eye(3)`` for a vector ``z`` is no theorem: ``z @ z.T`` has
rank 1, so its inverse never exists, and a rule that cancels ``inv(M) @ M`` would prove
a relation that has no value anywhere. A relation holding ``inv(M)`` (or a negative
power of ``det(M)``) with such an ``M`` is not proved. ``M`` is singular for every value
when

* a bound on its rank is provably below its size: the rank of a ``p x q`` symbol is at
  most ``min(p, q)``, of a product at most the least of its factors', of a sum at most
  the sum of its terms', of a transpose or a power its argument's; or
* it is provably skew-symmetric (``M + M.T`` is 0) of provably odd size.

Not finding one shows nothing: ``inv(P @ R)`` with ``P: matrix[n, k]`` is singular
only where ``k < n``, and a relation true wherever it is defined is proved there.
"""

from __future__ import annotations

import sympy

from .pretty import plain_text


NO_INVERSE = "a matrix singular for every value has no inverse: neither inv(M) nor M**-k"
"""The hint of the input error for ``inv(M)`` or ``M**-k`` with such an ``M`` (the same for both)."""


def nowhere_invertible(expr: sympy.Basic) -> str | None:
    """Why an inverse in ``expr`` exists for no value of its symbols, or None."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Inverse, sympy.MatPow, sympy.Determinant):
        return None
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Inverse):
            matrix = node.arg
        elif isinstance(node, sympy.MatPow) and node.exp.is_negative:
            matrix = node.base
        elif (isinstance(node, sympy.Pow) and isinstance(node.base, sympy.Determinant)
              and node.exp.is_negative):
            matrix = node.base.arg
        else:
            continue
        why = always_singular(matrix)
        if why is not None:
            return f"inv({plain_text(matrix)}) exists nowhere: {why}"
    return None


def always_singular(matrix: sympy.Basic) -> str | None:
    """Why ``matrix`` is singular for every value of its symbols, or None."""
    rows, cols = getattr(matrix, "shape", (None, None))
    if rows is None or rows != cols:
        return None
    bound = rank_bound(matrix)
    if (rows - bound).is_positive is True:
        return f"its rank is at most {plain_text(bound)}, below its size {plain_text(rows)}"
    try:
        skew = (matrix + matrix.T).doit()
    except Exception:  # noqa: BLE001 - no canonical sum: not known to be skew
        return None
    if (isinstance(skew, sympy.ZeroMatrix) or skew == 0) and sympy.sympify(rows, strict=True).is_odd is True:
        return f"it is skew-symmetric of odd size {plain_text(rows)}"
    return None


def rank_bound(matrix: sympy.Basic) -> sympy.Expr:
    """An upper bound on the rank of a matrix expression, for every value of its symbols."""
    rows, cols = matrix.shape
    full = sympy.Min(rows, cols)
    if isinstance(matrix, sympy.ZeroMatrix):
        return sympy.Integer(0)
    if isinstance(matrix, (sympy.MatrixSymbol, sympy.Identity, sympy.Inverse)):
        return full
    if isinstance(matrix, sympy.Transpose):
        return rank_bound(matrix.arg)
    if isinstance(matrix, sympy.MatPow) and matrix.exp.is_positive is True:
        return rank_bound(matrix.base)
    if isinstance(matrix, sympy.MatMul):
        factors = [a for a in matrix.args if getattr(a, "is_Matrix", False)]
        return sympy.Min(full, *(rank_bound(a) for a in factors)) if factors else full
    if isinstance(matrix, sympy.MatAdd):
        return sympy.Min(full, sympy.Add(*(rank_bound(a) for a in matrix.args)))
    return full
