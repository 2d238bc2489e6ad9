"""Case splits on Abs, Max, Min, sign, Heaviside and Piecewise: the Huber, hinge and
log-sum-exp identities they prove, and the false look-alikes they must never prove."""

from __future__ import annotations

import sympy

from derivcheck.check.symbolic.cases import prove_by_cases
from derivcheck.check.symbolic.strategies import prove
from derivcheck.expr.objects import Relation
from symbolic_helpers import scope_with

Abs, Max, Min, sign, exp, log = sympy.Abs, sympy.Max, sympy.Min, sympy.sign, sympy.exp, sympy.log


def _huber(u, m):
    return Min(Abs(u), m) * (2 * Abs(u) - Min(Abs(u), m))


def _split(relation: Relation, scope, hypotheses=()):
    """The case split strategy alone (an earlier strategy may prove a relation first)."""
    from derivcheck.check.symbolic.strategies import STRATEGIES

    (strategy,) = [s for s in STRATEGIES if s.name == "case split"]
    return strategy.attempt(relation, scope, list(hypotheses))


def _method(relation: Relation, scope, hypotheses=()) -> str | None:
    proof = prove(relation, scope, list(hypotheses), simplify=False)
    return None if proof is None else proof.method


def test_huber_regions_and_derivative_are_proved_cell_by_cell() -> None:
    scope, s = scope_with(u="real", M="positive")
    u, m = s["u"], s["M"]
    inner, outer = Relation(Abs(u), "<=", m), Relation(Abs(u), ">=", m)
    assert _method(Relation(_huber(u, m), "=", u**2), scope, [inner]) == "case split"
    assert _method(Relation(_huber(u, m), "=", m * (2 * Abs(u) - m)), scope, [outer]) == "case split"
    derivative = sympy.Derivative(_huber(u, m), u)
    assert _method(Relation(derivative, "=", 2 * Max(-m, Min(m, u))), scope) == "case split"


def test_huber_look_alikes_are_not_proved() -> None:
    scope, s = scope_with(u="real", M="positive")
    u, m = s["u"], s["M"]
    inner, outer = Relation(Abs(u), "<=", m), Relation(Abs(u), ">=", m)
    # the threshold on the wrong side: each region's formula under the other's hypothesis
    assert _method(Relation(_huber(u, m), "=", u**2), scope, [outer]) is None
    assert _method(Relation(_huber(u, m), "=", m * (2 * Abs(u) - m)), scope, [inner]) is None
    # no hypothesis at all: the quadratic formula holds only inside
    assert _method(Relation(_huber(u, m), "=", u**2), scope) is None
    derivative = sympy.Derivative(_huber(u, m), u)
    assert _method(Relation(derivative, "=", 2 * Max(-m, Min(m, 2 * u))), scope) is None
    assert _method(Relation(derivative, "=", 2 * Min(m, u)), scope) is None  # misses the clip below -M


def test_hinge_gradient_with_heaviside_and_sign() -> None:
    scope, s = scope_with(a="real", b="real")
    a, b = s["a"], s["b"]
    hinge = Max(0, b - a + 1)
    assert _method(Relation(sympy.Derivative(hinge, b), "=", (1 + sign(b - a + 1)) / 2), scope) == "case split"
    # at a zero margin Heaviside is 1/2 and sign 0: (1 + sign)/2 only; sign alone is wrong there
    assert _method(Relation(sympy.Derivative(hinge, b), "=", sign(b - a + 1)), scope) is None
    assert _method(Relation(sympy.Derivative(hinge, b), "=", (1 - sign(b - a + 1)) / 2), scope) is None
    assert _method(Relation(sympy.Heaviside(a), "=", (1 + sign(a)) / 2), scope) == "case split"
    assert _method(Relation(sympy.Heaviside(a, 1), "=", (1 + sign(a)) / 2), scope) is None


def test_a_split_that_misses_a_case_is_no_proof() -> None:
    scope, s = scope_with(x="real", y="real")
    x, y = s["x"], s["y"]
    assert _method(Relation(Max(x, y) + Min(x, y), "=", x + y), scope) == "case split"
    assert _method(Relation(Max(x, y), "=", x), scope) is None
    assert _method(Relation(Max(x, y) - Min(x, y), "=", x - y), scope) is None
    assert _method(Relation(Abs(x), "=", x), scope) is None
    # a Piecewise with no branch for x < 0 has no value there
    partial = sympy.Piecewise((x, x >= 0))
    assert prove_by_cases(Relation(partial, "=", Abs(x)), scope, [], lambda r, h: prove(r, scope, h)) is None
    piecewise = sympy.Piecewise((x, x >= 0), (-x, True))
    assert _method(Relation(piecewise, "=", Abs(x)), scope) == "case split"
    assert _method(Relation(sympy.Piecewise((x, x > 0), (x, True)), "=", Abs(x)), scope) is None


def test_orders_by_cases() -> None:
    scope, s = scope_with(x="real", y="real")
    x, y = s["x"], s["y"]
    assert _method(Relation(log(exp(x) + exp(y)), ">=", Max(x, y)), scope) == "case split"
    assert _method(Relation(log(exp(x) + exp(y)), "<=", Max(x, y)), scope) is None
    assert _method(Relation(Abs(x) + Abs(y), ">=", Abs(x + y)), scope) is not None
    assert _method(Relation(Abs(x) - Abs(y), ">=", Abs(x - y)), scope) is None


def test_complex_arguments_are_not_split() -> None:
    scope, s = scope_with(c="complex")
    c = s["c"]
    assert _method(Relation(Abs(c), "=", Max(c, -c)), scope) is None


def test_declared_intervals_close_cells() -> None:
    from derivcheck.expr.scope import Interval, ScalarDecl
    from symbolic_helpers import HERE

    scope, _ = scope_with(y="real")
    declared = {}
    for name, hi in (("p", 1), ("q", 2)):
        symbol = sympy.Symbol(name, real=True)
        scope.names[name] = ScalarDecl(name, symbol, "real", Interval(sympy.Integer(0), sympy.Integer(hi), True, True),
                                       HERE)
        declared[name] = symbol
    p, q = declared["p"], declared["q"]
    assert _method(Relation(Max(p, 1), "=", 1), scope) == "case split"
    assert _method(Relation(Abs(p - 1), "=", 1 - p), scope) in ("case split", "radical identity")
    assert _split(Relation(Abs(p - 1), "=", 1 - p), scope) is not None  # the case split alone, too
    assert _split(Relation(Abs(q - 1), "=", 1 - q), scope) is None
    assert _method(Relation(Max(q, 1), "=", 1), scope) is None  # q in (1, 2) exceeds 1
    assert _method(Relation(Abs(q - 1), "=", 1 - q), scope) is None


def test_no_split_inside_an_expectation_or_on_a_random_variable() -> None:
    """A case is a condition at a point: ``E(Abs(X))`` is neither ``E(X)`` nor ``E(-X)``, and
    a random variable outside ``E`` has no one value to split on (red-team F1)."""
    from derivcheck.expr.objects import Covariance, Expectation, Variance

    scope, s = scope_with(X="random", Y="random", S="random sequence", t="natural", a="real", b="real")
    X, Y, t, a, b = s["X"], s["Y"], s["t"], s["a"], s["b"]
    S = s["S"][t]
    E, Var, Cov = Expectation, Variance, Covariance
    false = [
        Relation(Var(Abs(X)), "=", Var(X)),  # each cell's Var(+-X) is Var(X); Var|X| < Var X
        Relation(Cov(Abs(X), Abs(X)), "=", Var(X)),
        Relation(Var(Max(X, -X)), "=", Var(X)),
        Relation(Var(Abs(S)), "=", Var(S)),  # a sequence element
        Relation(E(Abs(X))**2, "<=", E(X)**2),  # X = +-1: 1 <= 0
        Relation(Var(Abs(X) + Abs(Y)), "=", Var(X + Y)),
        Relation(E(Abs(X - Y))**2, "=", E(X - Y)**2),
        Relation(Var(sympy.Piecewise((X, X >= 0), (-X, True))), "=", Var(X)),
        Relation(Var(Min(X, -X)), "<=", Var(X) * sign(a)**2),  # beside a split that is allowed
    ]
    for relation in false:
        assert _split(relation, scope) is None, relation
        assert _method(relation, scope) is None, relation
    # a node of a random variable outside E is not split either, however true the relation
    assert _split(Relation(Max(X, Y) + Min(X, Y), "=", X + Y), scope) is None
    assert _split(Relation(Abs(X) * E(X**2), ">=", X * E(X**2)), scope) is None
    # a split on one number (a mean, a declared scalar) beside or outside E stays exact
    assert _split(Relation(Abs(E(X)), ">=", E(X)), scope) is not None
    assert _split(Relation(E(X**2) * Max(a, b) + E(X**2) * Min(a, b), "=", (a + b) * E(X**2)), scope) is not None
