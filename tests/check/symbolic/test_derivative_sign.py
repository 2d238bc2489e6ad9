"""One-variable inequalities through the sign of a derivative: what the strategy proves, and
the false look-alikes (a pole, the wrong side of a point, a strict claim touching 0) it must
never prove."""

from __future__ import annotations

import sympy

from derivcheck.check.symbolic.strategies import prove, prove_order
from derivcheck.expr.objects import Relation
from symbolic_helpers import scope_with

E1 = sympy.exp(-1)


def _method(relation: Relation, scope) -> str | None:
    proof = prove(relation, scope)
    return None if proof is None else proof.method


def test_one_variable_bounds_are_proved_from_a_point_and_the_derivative() -> None:
    scope, o = scope_with(x="real", t="positive")
    y = sympy.Symbol("y", real=True)
    from derivcheck.expr.scope import Interval, ScalarDecl
    from symbolic_helpers import HERE
    scope.names["y"] = ScalarDecl("y", y, "real", Interval(sympy.Integer(0), None, False, True), HERE)
    x, t = o["x"], o["t"]
    assert _method(Relation(sympy.exp(y), ">=", 1 + y + y**2/2), scope) == "derivative sign"
    assert _method(Relation(sympy.log(1 + y), ">=", y - y**2/2), scope) == "derivative sign"
    assert _method(Relation(sympy.tanh(y), "<=", y), scope) == "derivative sign"
    assert _method(Relation(x*sympy.exp(-x), "<=", E1), scope) == "derivative sign"  # at the root x = 1
    assert _method(Relation(sympy.log(t), "<=", t*E1), scope) == "derivative sign"  # at the root t = e


def test_false_look_alikes_are_not_proved() -> None:
    scope, o = scope_with(x="real", t="positive")
    from derivcheck.expr.scope import Interval, ScalarDecl
    from symbolic_helpers import HERE
    y = sympy.Symbol("y", real=True)
    scope.names["y"] = ScalarDecl("y", y, "real", Interval(sympy.Integer(0), None, False, True), HERE)
    w = sympy.Symbol("w", real=True)
    scope.names["w"] = ScalarDecl("w", w, "real", Interval(sympy.Integer(-1), None, True, True), HERE)
    x, t = o["x"], o["t"]
    assert prove(Relation(sympy.exp(y), ">=", 1 + y + y**2), scope) is None  # false at y = 1
    assert prove(Relation(sympy.log(1 + w), ">=", w - w**2/2), scope) is None  # false for w in (-1, 0)
    assert prove(Relation(sympy.tanh(x), "<=", x), scope) is None  # false for x < 0
    assert prove(Relation(x*sympy.exp(-x), "<", E1), scope) is None  # equality at x = 1
    assert prove(Relation(sympy.log(t), "<=", t*E1 - sympy.Rational(1, 10)), scope) is None  # false at t = e


def test_a_pole_inside_the_domain_refuses_the_derivative() -> None:
    # g(y) = exp(y) - 2 - 1/(y - 1) on y >= 0: g(0) = 0 and g' = exp(y) + 1/(y - 1)**2 >= 0 are
    # both provable, yet g(11/10) < 0: the base y - 1 has no sign on the domain, so no proof
    scope, _ = scope_with()
    from derivcheck.expr.scope import Interval, ScalarDecl
    from symbolic_helpers import HERE
    y = sympy.Symbol("y", real=True)
    scope.names["y"] = ScalarDecl("y", y, "real", Interval(sympy.Integer(0), None, False, True), HERE)
    g = sympy.exp(y) - 2 - 1/(y - 1)
    assert prove_order(Relation(sympy.Integer(0), "<=", g.subs(y, 0)), scope) is not None
    assert prove_order(Relation(sympy.Integer(0), "<=", sympy.diff(g, y)), scope) is not None
    assert g.subs(y, sympy.Rational(11, 10)).evalf() < 0
    assert prove(Relation(g, ">=", 0), scope) is None
    assert prove(Relation(-sympy.log(y) + y, ">=", 1), scope) is None  # log(y) at the closed end y = 0


def test_a_degenerate_interval_is_no_domain_to_differentiate_on() -> None:
    # red team 16: x in [1, 1] is SymPy's FiniteSet(1), which has no ends; the strategy raised
    # AttributeError and ended the whole symbolic attempt
    scope, _ = scope_with(t="positive")
    from derivcheck.expr.scope import Interval, ScalarDecl
    from symbolic_helpers import HERE
    x = sympy.Symbol("x", real=True)
    scope.names["x"] = ScalarDecl("x", x, "real", Interval(sympy.Integer(1), sympy.Integer(1), False, False), HERE)
    assert prove(Relation(sympy.exp(x), ">", 3), scope) is None
