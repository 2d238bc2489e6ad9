"""Matrices singular for every value: their inverses exist nowhere."""

from __future__ import annotations

import pytest
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



@pytest.mark.parametrize("written", ["inv(z @ z.T)", "(z @ z.T)**-1", "(z @ z.T)**-2", "inv(z @ z.T)**2"])
def test_inv_and_a_negative_power_of_a_nowhere_invertible_matrix_are_the_same_error(written: str, tmp_path) -> None:
    from derivcheck.errors import InputError, Span
    from derivcheck.expr.declarations import build_scope
    from derivcheck.expr.parser import parse_expression
    from derivcheck.format.loader import load_derivation
    from derivcheck.model import Text

    path = tmp_path / "d.deriv.yaml"
    path.write_text("derivation: d\ntitle: t\nsymbols:\n  n: dimension\n  z: vector[3]\n  w: vector[n]\n"
                    "steps:\n  - claim: z.T @ z >= 0\n", encoding="utf-8")
    scope = build_scope(load_derivation(str(path)))
    with pytest.raises(InputError) as info:
        parse_expression(Text(written + " @ z", Span("f", 1, 1)), scope)
    assert info.value.message.startswith("inv(z @ z.T) exists nowhere: its rank is at most 1, below its size 3: `")
    assert info.value.hint.startswith("a matrix singular for every value has no inverse: neither inv(M) nor M**-k")
    # of a size that may be 1 (w @ w.T is w**2 there): both read, each needing w @ w.T invertible
    conditions: list = []
    parse_expression(Text(written.replace("z", "w") + " @ w", Span("f", 1, 1)), scope, conditions)
    assert {c.kind for c in conditions} == {"invertible"}
