"""A closed form of an infinite series counts only when the series summed numerically agrees."""

from __future__ import annotations

import pytest
import sympy

from derivcheck.check.symbolic.series import agrees_with_partial_sums

i = sympy.Symbol("i", integer=True, positive=True)
x = sympy.Symbol("x", positive=True)
r = sympy.Symbol("r", real=True)
oo = sympy.oo


@pytest.mark.parametrize("series, value", [
    (sympy.Sum(2 / i**2, (i, 1, oo)), sympy.pi**2 / 3),
    (sympy.Sum((-1) ** (i + 1) / i, (i, 1, oo)), sympy.log(2)),
    (sympy.Sum(1 / (4 * i - 3) + 1 / (4 * i - 1) - 1 / (2 * i - 1), (i, 1, oo)), sympy.log(2) / 2),
    (sympy.Sum(r**i / sympy.factorial(i), (i, 0, oo)), sympy.exp(r)),
    (sympy.Product(1 + 1 / i**2, (i, 1, oo)), sympy.sinh(sympy.pi) / sympy.pi),
    (sympy.Sum(1 / (i * (i + 1)), (i, 1, oo)), sympy.Integer(1)),
])
def test_a_right_closed_form_agrees(series: sympy.Basic, value: sympy.Basic) -> None:
    assert agrees_with_partial_sums(series, value)


@pytest.mark.parametrize("series, value", [
    # SymPy's own doit gives 0: divergent digamma pieces cancelled
    (sympy.Sum(1 / (4 * i - 3) + 1 / (4 * i - 1) - 1 / (2 * i - 1), (i, 1, oo)), sympy.Integer(0)),
    (sympy.Sum(1 / i, (i, 1, oo)), sympy.Integer(5)),  # divergent: never settles
    (sympy.Sum(r**i, (i, 0, oo)), 1 / (1 - r)),  # divergent at r = 7/5 (Shanks would say -5/2)
    (sympy.Sum(x**i / sympy.factorial(i), (i, 1, oo)), sympy.exp(x)),  # off by the i = 0 term
])
def test_a_wrong_closed_form_or_a_divergent_series_does_not(series: sympy.Basic, value: sympy.Basic) -> None:
    assert not agrees_with_partial_sums(series, value)


def test_sympys_wrong_value_no_longer_proves() -> None:
    from derivcheck.check.symbolic.canonical import canonical
    from derivcheck.expr.scope import Scope

    wrong = sympy.Sum(1 / (4 * i - 3) + 1 / (4 * i - 1) - 1 / (2 * i - 1), (i, 1, oo))
    assert wrong.doit() == 0  # SymPy's answer; the true sum is log(2)/2
    assert canonical(wrong, Scope("test.deriv.yaml")) != 0
