"""SymPy's case splits of sums and series decided from the declared domains: a branch is
taken or dropped only where its condition is proved for every declared value."""

from __future__ import annotations

import sympy

from derivcheck.check.symbolic.canonical import canonical
from derivcheck.check.symbolic.declared_branches import decide, decided_branches
from derivcheck.check.symbolic.series import clean_value
from derivcheck.check.symbolic.strategies import prove
from derivcheck.expr.objects import Relation
from derivcheck.expr.scope import Interval, ScalarDecl, Scope
from symbolic_helpers import HERE

R = sympy.Rational
oo = sympy.oo
t = sympy.Symbol("t", integer=True, positive=True)
i = sympy.Symbol("i", integer=True)
k = sympy.Symbol("k", integer=True)


def _scope(name: str, lo=None, hi=None, lo_open: bool = True, hi_open: bool = True) -> tuple[Scope, sympy.Symbol]:
    """A scope declaring ``name`` real in the interval (no interval when both ends are None) and ``t`` natural."""
    positive = lo is not None and sympy.sympify(lo) >= 0 and (lo_open or sympy.sympify(lo) > 0)
    symbol = sympy.Symbol(name, real=True, positive=True) if positive else sympy.Symbol(name, real=True)
    interval = None if lo is None and hi is None else Interval(
        sympy.sympify(lo) if lo is not None else -oo, sympy.sympify(hi) if hi is not None else oo, lo_open, hi_open)
    scope = Scope("test.deriv.yaml")
    scope.names[name] = ScalarDecl(name, symbol, "real", interval, HERE)
    scope.names["t"] = ScalarDecl("t", t, "natural", None, HERE)
    return scope, symbol


def _proved(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> bool:
    return prove(Relation(lhs, "=", rhs), scope) is not None


def test_conditions_are_decided_only_when_proved_for_every_declared_value() -> None:
    scope, b = _scope("b", 0, 1)
    assert decide(sympy.Eq(1 / b, 1), scope) is False
    assert decide(b < 1, scope) is True
    assert decide(sympy.Abs(b - 1) < 1, scope) is True
    assert decide(sympy.Abs(b - 1) >= 1, scope) is False
    assert decide(sympy.Ne(b, 1), scope) is True
    wide, c = _scope("c", 0, 2)
    assert decide(sympy.Eq(1 / c, 1), wide) is None  # c = 1 is declared
    assert decide(c < 1, wide) is None
    assert decide(sympy.Abs(c - 1) < 1, wide) is True  # exactly the open interval (0, 2)
    assert decide(sympy.Abs(c - 1) < R(1, 2), wide) is None
    bare, x = _scope("x")
    assert decide(sympy.Eq(x, 1), bare) is None and decide(x < 1, bare) is None
    closed, d = _scope("d", 0, 1, hi_open=False)
    assert decide(d < 1, closed) is None and decide(d <= 1, closed) is True
    # a symbol that is not a declared scalar decides nothing, whatever its assumptions
    free = sympy.Symbol("u", positive=True)
    assert decide(sympy.Gt(free, -1, evaluate=False), scope) is None


def test_a_piecewise_keeps_its_undecided_branches_in_order() -> None:
    scope, b = _scope("b", 0, 1)
    other = sympy.Symbol("x", real=True)
    split = sympy.Piecewise((1, other > 0), (2, b > 1), (3, b < 1), (4, True))
    assert decided_branches(split, scope) == sympy.Piecewise((1, other > 0), (3, True))
    assert decided_branches(sympy.Piecewise((1, b > 1), (2, True)), scope) == 2
    kept = sympy.Piecewise((1, b > 1), (2, True))
    assert decided_branches(kept, scope, frozenset({kept})) == kept


def test_a_finite_geometric_sum_with_its_ratio_declared_away_from_1_is_proved() -> None:
    scope, b = _scope("b", 0, 1)
    g = sympy.Symbol("g", real=True)
    total = (1 - b) * sympy.Sum(b**(t - i) * g, (i, 1, t))
    assert not canonical(total, scope).has(sympy.Piecewise)
    assert _proved(total, (1 - b**t) * g, scope)
    assert _proved(total / (1 - b**t), g, scope)


def test_the_same_sum_is_not_proved_where_the_ratio_may_be_1_or_is_not_bounded() -> None:
    g = sympy.Symbol("g", real=True)
    for scope, b in (_scope("b", R(1, 2), 2, lo_open=False, hi_open=False), _scope("b")):
        assert canonical(sympy.Sum(b**(t - i), (i, 1, t)), scope).has(sympy.Piecewise)
        assert not _proved(sympy.Sum(b**(t - i) * g, (i, 1, t)), (1 - b**t) * g / (1 - b), scope)
        assert not _proved(sympy.Sum(b**(t - i), (i, 1, t)), t, scope)  # the branch b = 1 only


def test_a_series_is_summed_where_its_ratio_is_declared_inside_the_disc() -> None:
    scope, g = _scope("g", 0, 1)
    assert clean_value(sympy.Sum(g**k, (k, 0, oo)), scope) == 1 / (1 - g)
    assert _proved(sympy.Sum(g**k * 3, (k, 0, oo)), 3 / (1 - g), scope)
    p_scope, p = _scope("p", 0, 1)
    assert _proved(sympy.Sum(k * p * (1 - p)**(k - 1), (k, 1, oo)), 1 / p, p_scope)
    assert not _proved(sympy.Sum(g**k, (k, 1, oo)), 1 / (1 - g), scope)  # off by the k = 0 term


def test_a_series_is_not_summed_where_the_declarations_reach_divergence() -> None:
    for scope, g in (_scope("g", 0, 2), _scope("g"), _scope("g", -1, R(1, 2), lo_open=False)):
        series = sympy.Sum(g**k, (k, 0, oo))
        assert clean_value(series, scope) is None
        assert not _proved(series, 1 / (1 - g), scope)


def test_a_decided_series_is_checked_at_distinct_points_inside_the_declared_interval() -> None:
    from derivcheck.check.symbolic.declared_branches import declared_choice

    scope, g = _scope("g", 0, 1)
    choose = declared_choice(scope)
    values = [choose(g, k) for k in range(3)]
    assert len(set(values)) == 3 and all(0 < v < 1 for v in values)
    assert choose(t, 0) is None and choose(sympy.Symbol("y", real=True), 0) is None
    half, h = _scope("h", 1, None)
    assert all(choose_h > 1 for choose_h in (declared_choice(half)(h, k) for k in range(4)))
    # with |h| > 1 the split is decided the other way: no closed form is taken
    assert clean_value(sympy.Sum(h**k, (k, 0, oo)), half) is None
