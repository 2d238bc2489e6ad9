"""Matrices singular for every value: their inverses exist nowhere."""

from __future__ import annotations

import sympy

from derivcheck.expr.singular import nowhere_invertible, rank_bound

n = sympy.Symbol("n", integer=True, positive=True)
k = sympy.Symbol("k", integer=True, positive=True)


def test_rank_bounds() -> None:
    z = sympy.MatrixSymbol("z", 3, 1)
    P, R = sympy.MatrixSymbol("P", n, k), sympy.MatrixSymbol("R", k, n)
    assert rank_bound(z * z.T) == 1
    w = sympy.MatrixSymbol("w", 3, 1)
    assert rank_bound(z * z.T + w * w.T) == 2
    assert rank_bound(P * R) == sympy.Min(n, k)


def test_nowhere_invertible_and_its_limits() -> None:
    z = sympy.MatrixSymbol("z", 3, 1)
    A = sympy.MatrixSymbol("A", 3, 3)
    B = sympy.MatrixSymbol("B", 4, 4)
    P, R = sympy.MatrixSymbol("P", n, k), sympy.MatrixSymbol("R", k, n)
    assert "rank is at most 1" in nowhere_invertible(sympy.Inverse(z * z.T))
    assert "skew-symmetric of odd size 3" in nowhere_invertible(sympy.Inverse(A - A.T))
    w = sympy.MatrixSymbol("w", 3, 1)
    assert "rank is at most 2" in nowhere_invertible(1 / sympy.Determinant(z * z.T + w * w.T))
    # invertible somewhere: not refused
    assert nowhere_invertible(sympy.Inverse(A)) is None
    assert nowhere_invertible(sympy.Inverse(B - B.T)) is None  # even size: skew and invertible
    assert nowhere_invertible(sympy.Inverse(P * R)) is None  # singular only where k < n
    assert nowhere_invertible(sympy.Inverse(z * z.T + A)) is None
