"""Where a quantified hypothesis applies: an index provably inside a declared integer domain."""

from __future__ import annotations

import sympy

from derivcheck.check.symbolic.index_domain import declared_range, outside_domain, provably_in_domain, summation_range
from derivcheck.expr.scope import Interval, ScalarDecl, Scope

ONE, THREE = sympy.Integer(1), sympy.Integer(3)


def _scope(**kinds: tuple[str, Interval | None]) -> tuple[Scope, dict[str, sympy.Symbol]]:
    scope, symbols = Scope("t"), {}
    for name, (kind, interval) in kinds.items():
        assumptions = {"integer": True, "positive": True} if kind in ("natural", "dimension") else {"integer": True}
        symbols[name] = sympy.Symbol(name, **assumptions)
        scope.names[name] = ScalarDecl(name, symbols[name], kind, interval, None)  # type: ignore[arg-type]
    return scope, symbols


SCOPE, S = _scope(k=("natural", None), t=("natural", None), m=("integer", None),
                  b=("integer", Interval(ONE, THREE, False, False)), h=("natural", Interval(ONE, THREE, False, True)))
k, t, m, b, h = (S[name] for name in "ktmbh")
i, j = sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True)


def test_a_natural_index_is_at_least_one() -> None:
    assert provably_in_domain(ONE, k, SCOPE) and provably_in_domain(t, k, SCOPE) and provably_in_domain(t + 1, k, SCOPE)
    assert not provably_in_domain(sympy.Integer(0), k, SCOPE)
    assert not provably_in_domain(t - 1, k, SCOPE)  # t = 1 gives 0
    assert not provably_in_domain(m, k, SCOPE)  # an integer may be 0 or negative
    assert provably_in_domain(2 * t - 1, k, SCOPE) and provably_in_domain(t + h - 1, k, SCOPE)
    assert not provably_in_domain(sympy.Rational(5, 2), k, SCOPE)  # not an integer


def test_an_interval_index_stays_inside_its_interval() -> None:
    assert [provably_in_domain(sympy.Integer(v), b, SCOPE) for v in range(0, 5)] == [False, True, True, True, False]
    assert provably_in_domain(b, b, SCOPE) and provably_in_domain(h, b, SCOPE)  # h in [1, 3) is 1 or 2
    assert provably_in_domain(h + 1, b, SCOPE) and not provably_in_domain(h + 2, b, SCOPE)
    assert not provably_in_domain(t, b, SCOPE)  # a natural may exceed 3
    # open ends of an integer interval: (0, 3.5) is 1..3
    assert declared_range("integer", Interval(sympy.Integer(0), sympy.Rational(7, 2), True, True)).lows == ((ONE,),)
    assert declared_range("integer", Interval(sympy.Integer(0), sympy.Rational(7, 2), True, True)).highs == ((THREE,),)


def test_an_integer_index_takes_any_integer_expression() -> None:
    assert provably_in_domain(sympy.Integer(-7), m, SCOPE) and provably_in_domain(t - 5, m, SCOPE)
    assert not provably_in_domain(t / 2, m, SCOPE)


def test_the_variable_of_a_sum_runs_over_its_bounds() -> None:
    one_to_t = {i: summation_range(ONE, t)}
    assert provably_in_domain(i, k, SCOPE, one_to_t)
    assert not provably_in_domain(i, k, SCOPE, {i: summation_range(sympy.Integer(0), t)})
    assert provably_in_domain(i + 1, k, SCOPE, {i: summation_range(sympy.Integer(0), t)})
    # Karr's convention: Sum(f, (i, 1, m)) with m = -2 runs over i = -1, 0
    assert not provably_in_domain(i, k, SCOPE, {i: summation_range(ONE, m)})
    assert provably_in_domain(i, k, SCOPE, {i: summation_range(ONE, t - 1)})  # empty at t = 1
    # nested: j in 1..i, i in 1..t; j in i + 1..t
    assert provably_in_domain(j, k, SCOPE, {**one_to_t, j: summation_range(ONE, i)})
    assert provably_in_domain(j, k, SCOPE, {**one_to_t, j: summation_range(i + 1, t)})
    assert not provably_in_domain(j, k, SCOPE, {**one_to_t, j: summation_range(i - 1, t)})
    # inside 1..3 for the interval symbol, not inside 1..t
    assert provably_in_domain(i, b, SCOPE, {i: summation_range(ONE, THREE)})
    assert not provably_in_domain(i, b, SCOPE, one_to_t)


def test_a_bound_variable_shadows_the_declared_symbol_of_its_name() -> None:
    # m: integer and a sum over a variable named m (the same SymPy symbol) running over 1..3
    assert not provably_in_domain(m, k, SCOPE)
    assert provably_in_domain(m, k, SCOPE, {m: summation_range(ONE, THREE)})


def test_only_declared_integer_symbols_have_a_domain() -> None:
    assert not provably_in_domain(ONE, sympy.Symbol("q", integer=True), SCOPE)


def test_a_for_value_outside_the_declared_domain_is_named() -> None:
    assert outside_domain("k", (1, 2, 3), SCOPE) is None
    assert outside_domain("k", (1, 0), SCOPE) == "`for` gives k = 0, outside its declared domain (k: natural)"
    assert outside_domain("b", (1, 2, 3, 4), SCOPE) == (
        "`for` gives b = 4, outside its declared domain (b: integer in [1, 3])")
    assert outside_domain("m", (-5, 0), SCOPE) is None
