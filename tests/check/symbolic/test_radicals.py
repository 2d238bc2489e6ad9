"""Inequalities under order hypotheses (linear substitution, exact simplex) and with Abs and
roots (sign cases, powers): what they prove, and the false look-alikes they must never prove."""

from __future__ import annotations

import sympy

from derivcheck.check.symbolic.conditions import Condition, certify_under, in_cone
from derivcheck.check.symbolic.strategies import prove
from derivcheck.expr.objects import Relation
from derivcheck.expr.scope import Interval, ScalarDecl
from symbolic_helpers import HERE, scope_with

R = sympy.Rational


def _with_interval(scope, name: str, lo=None, hi=None, lo_open: bool = False, hi_open: bool = False) -> sympy.Symbol:
    symbol = sympy.Symbol(name, real=True)
    interval = Interval(None if lo is None else sympy.sympify(lo), None if hi is None else sympy.sympify(hi),
                        lo_open, hi_open)
    scope.names[name] = ScalarDecl(name, symbol, "real", interval, HERE)
    return symbol


def _method(relation: Relation, scope, hypotheses=()) -> str | None:
    proof = prove(relation, scope, hypotheses)
    return None if proof is None else proof.method.split(";")[0]


def test_order_hypotheses_prove_rearrangement_bernoulli_and_the_schur_criterion() -> None:
    scope, s = scope_with(a1="real", a2="real", b1="real", b2="real", p="positive", q="real", r="real",
                          x="real", y="real", n="natural")
    a1, a2, b1, b2, p, q, r, x, y, n = (s[k] for k in ("a1", "a2", "b1", "b2", "p", "q", "r", "x", "y", "n"))
    ordered = [Relation(a1, "<=", a2), Relation(b1, "<=", b2)]
    assert _method(Relation((a2 - a1) * (b2 - b1), ">=", sympy.Integer(0)), scope, ordered) == "order hypotheses"
    schur = [Relation(p * r - q**2, ">=", sympy.Integer(0))]
    quadratic = p * x**2 + 2 * q * x * y + r * y**2
    assert _method(Relation(quadratic, ">=", sympy.Integer(0)), scope, schur) == "order hypotheses"
    t = _with_interval(scope, "t", lo=-1)
    ih = [Relation((1 + t) ** n, ">=", 1 + n * t)]
    assert _method(Relation((1 + t) * (1 + t) ** n, ">=", (1 + t) * (1 + n * t)), scope, ih) == "order hypotheses"


def test_order_hypotheses_never_prove_false_look_alikes() -> None:
    scope, s = scope_with(a1="real", a2="real", b1="real", b2="real", p="real", q="real", r="real",
                          x="real", y="real", n="natural")
    a1, a2, b1, b2, p, q, r, x, y, n = (s[k] for k in ("a1", "a2", "b1", "b2", "p", "q", "r", "x", "y", "n"))
    # oppositely ordered pairs: the product is <= 0
    opposite = [Relation(a1, "<=", a2), Relation(b1, ">=", b2)]
    assert prove(Relation((a2 - a1) * (b2 - b1), ">=", sympy.Integer(0)), scope, opposite) is None
    # strict where only >= follows
    same = [Relation(a1, "<=", a2), Relation(b1, "<=", b2)]
    assert prove(Relation((a2 - a1) * (b2 - b1), ">", sympy.Integer(0)), scope, same) is None
    # the Schur criterion without p > 0: p = r = -1, q = 0 gives -x**2 - y**2
    schur = [Relation(p * r - q**2, ">=", sympy.Integer(0))]
    assert prove(Relation(p * x**2 + 2 * q * x * y + r * y**2, ">=", sympy.Integer(0)), scope, schur) is None
    # Bernoulli's step for x < -1 (x only real): (1 + x) < 0 turns the hypothesis round
    ih = [Relation((1 + x) ** n, ">=", 1 + n * x)]
    assert prove(Relation((1 + x) * (1 + x) ** n, ">=", (1 + x) * (1 + n * x)), scope, ih) is None
    # Bernoulli at n = 3 holds for x >= -3 (the gap is x**2*(x + 3)), not below
    t = _with_interval(scope, "t", lo=-3)
    assert prove(Relation((1 + t) ** 3, ">=", 1 + 3 * t), scope) is not None
    v = _with_interval(scope, "v", lo=-4)
    assert prove(Relation((1 + v) ** 3, ">=", 1 + 3 * v), scope) is None  # v = -4: -27 < -11
    u = _with_interval(scope, "u", hi=-3)
    assert prove(Relation((1 + u) ** 3, ">=", 1 + 3 * u), scope) is None  # u = -4: -27 < -11
    assert prove(Relation((1 + x) ** 4, ">=", 1 + 4 * x), scope) is not None  # even n: true for every real x


def test_the_cone_checks_its_weights_exactly() -> None:
    scope, s = scope_with(a="real", b="real")
    a, b = s["a"], s["b"]
    conditions = [Condition(a, False), Condition(-b, False), Condition(b - a, False)]
    assert in_cone(-2 * a, False, conditions, scope) is not None  # a <= b <= 0 <= a: -2a = 2(b - a) + 2(-b)
    assert in_cone(2 * a, False, [Condition(a - b, False), Condition(-b, False)], scope) is None  # a = -1, b = -2
    assert certify_under(a * b, False, [Condition(a, False)], scope) is None  # b may be negative
    assert in_cone(a, True, [Condition(a, False)], scope) is None  # a >= 0 does not give a > 0
    assert in_cone(a, True, [Condition(a, True)], scope) is not None


def test_abs_and_roots_prove_the_triangle_inequalities_and_cauchy_schwarz() -> None:
    scope, s = scope_with(a="real", b="real", a1="real", a2="real", b1="real", b2="real")
    a, b, a1, a2, b1, b2 = (s[k] for k in ("a", "b", "a1", "a2", "b1", "b2"))
    assert _method(Relation(sympy.Abs(a + b), "<=", sympy.Abs(a) + sympy.Abs(b)), scope) == "radical elimination"
    assert _method(Relation(sympy.Abs(sympy.Abs(a) - sympy.Abs(b)), "<=", sympy.Abs(a - b)), scope) \
        == "radical elimination"
    norm_a, norm_b = sympy.sqrt(a1**2 + a2**2), sympy.sqrt(b1**2 + b2**2)
    assert _method(Relation(sympy.Abs(a1 * b1 + a2 * b2), "<=", norm_a * norm_b), scope) == "radical elimination"
    minkowski = sympy.sqrt((a1 + b1) ** 2 + (a2 + b2) ** 2)
    assert _method(Relation(minkowski, "<=", norm_a + norm_b), scope) == "radical elimination"
    assert _method(Relation(sympy.Abs(a + b), "=", sympy.sqrt(sympy.expand((a + b) ** 2))), scope) \
        == "radical identity"


def test_abs_and_roots_never_prove_false_look_alikes() -> None:
    scope, s = scope_with(a="real", b="real", a1="real", a2="real", b1="real", b2="real", c="positive",
                          d="positive", e="positive")
    a, b, a1, a2, b1, b2, c, d, e = (s[k] for k in ("a", "b", "a1", "a2", "b1", "b2", "c", "d", "e"))
    false = [
        Relation(sympy.Abs(a + b), ">=", sympy.Abs(a) + sympy.Abs(b)),  # a = 1, b = -1
        Relation(sympy.Abs(a - b), "<=", sympy.Abs(a) - sympy.Abs(b)),  # a = 0, b = 1
        Relation(sympy.Abs(a + b), "<", sympy.Abs(a) + sympy.Abs(b)),  # a = b = 1
        Relation(sympy.Abs(a) - sympy.Abs(b), ">=", sympy.Abs(a - b)),  # a = 0, b = 1
        Relation(sympy.sqrt(c), ">=", c),  # c = 4
        Relation(sympy.sqrt(c), "<=", c),  # c = 1/4
        Relation(sympy.sqrt(c + d), ">=", sympy.sqrt(c) + sympy.sqrt(d)),  # c = d = 1
        Relation((c + d + e) / 3, "<=", (c * d * e) ** R(1, 3)),  # c = 1, d = e = 8
        Relation((c + d) / 2, ">", sympy.sqrt(c * d)),  # c = d
        Relation(sympy.Abs(a1 * b1 + a2 * b2), "<", sympy.sqrt(a1**2 + a2**2) * sympy.sqrt(b1**2 + b2**2)),
        Relation(sympy.Abs(a + b), "=", sympy.Abs(a) + sympy.Abs(b)),
        Relation(sympy.sqrt(a**2), "=", a),  # a = -1
    ]
    for relation in false:
        assert prove(relation, scope) is None, relation
    # AM-GM needs signs: sqrt(a*b) is no real number for a = -1, b = 1
    assert prove(Relation((a + b) / 2, ">=", sympy.sqrt(a * b)), scope) is None
    assert prove(Relation((c + d + e) / 3, ">=", (c * d * e) ** R(1, 3)), scope) is not None


def test_a_root_bound_false_on_part_of_the_domain_is_not_proved() -> None:
    scope, _ = scope_with()
    x = _with_interval(scope, "x", lo=0)
    assert prove(Relation(sympy.sqrt(x), "<=", (1 + x) / 2), scope) is not None  # AM-GM with 1
    assert prove(Relation(sympy.sqrt(x), "<=", x / 2), scope) is None  # x = 1
    y = _with_interval(scope, "y", lo=1)
    assert prove(Relation(sympy.sqrt(y), "<=", y), scope) is not None
    w = _with_interval(scope, "w", lo=R(1, 4))
    assert prove(Relation(sympy.sqrt(w), "<=", w), scope) is None  # w = 1/2


def test_written_out_vectors_prove_cauchy_schwarz_and_not_its_look_alikes() -> None:
    scope, s = scope_with(u="matrix 3 1", v="matrix 3 1", t="real")
    u, v, t = s["u"], s["v"], s["t"]
    dot = lambda p, q: sympy.Trace(p.T * q)  # noqa: E731 (the parser's form of a 1x1 product)
    assert _method(Relation(dot(u, v) ** 2, "<=", dot(u, u) * dot(v, v)), scope) == "written out"
    assert _method(Relation(t**2 * dot(v, v) - 2 * t * dot(u, v) + dot(u, u), ">=", sympy.Integer(0)), scope) \
        == "written out"
    for relation in (Relation(dot(u, v) ** 2, "<=", dot(u, u) ** 2),  # u = 0 or v = 2u
                     Relation(dot(u, v), "<=", dot(u, u)),
                     Relation(dot(u, v) ** 2, "<", dot(u, u) * dot(v, v)),  # v = u
                     Relation(t**2 * dot(v, v) + 2 * t * dot(u, v) - dot(u, u), ">=", sympy.Integer(0))):
        assert prove(relation, scope) is None, relation


def test_the_moment_matrix_proves_covariance_bounds_and_not_their_look_alikes() -> None:
    from derivcheck.expr.objects import Covariance, Expectation as E, Variance

    scope, s = scope_with(X="random", Y="random", t="real", a="real")
    X, Y, t, a = s["X"], s["Y"], s["t"], s["a"]
    assert _method(Relation(Covariance(X, Y) ** 2, "<=", Variance(X) * Variance(Y)), scope) == "moment matrix"
    quadratic = t**2 * Variance(X) + 2 * t * Covariance(X, Y) + Variance(Y)
    assert _method(Relation(quadratic, ">=", sympy.Integer(0)), scope) == "moment matrix"
    false = [
        Relation(Covariance(X, Y) ** 2, "<=", Variance(X) ** 2),  # Y = 2X
        Relation(E(X) ** 2, ">=", E(X**2)),
        Relation(Variance(X), ">", sympy.Integer(0)),  # a constant X
        Relation(E(X * Y), "<=", E(X) * E(Y)),  # Y = X: E(X**2) >= E(X)**2
        Relation(t**2 * Variance(X) - 2 * t * Covariance(X, Y) - Variance(Y), ">=", sympy.Integer(0)),
        Relation(a * E(X), ">=", sympy.Integer(0)),
    ]
    for relation in false:
        assert prove(relation, scope) is None, relation


def test_interval_signs_log_ratios_and_exp_powers_never_prove_false_look_alikes() -> None:
    scope, s = scope_with(c="positive", d="positive", x="real", n="natural", y="positive")
    c, d, x, n, y = (s[k] for k in ("c", "d", "x", "n", "y"))
    w = _with_interval(scope, "w", lo=0, hi=1, lo_open=True, hi_open=True)
    z = _with_interval(scope, "z", lo=0, hi=2)
    k = _with_interval(scope, "k", lo=1, hi=2)
    assert prove(Relation(w * (1 - w) * (c - d) ** 2, ">=", sympy.Integer(0)), scope) is not None
    assert prove(Relation(1 - z, ">=", sympy.Integer(0)), scope) is None  # z = 2
    assert prove(Relation(k - 1, ">", sympy.Integer(0)), scope) is None  # k = 1
    assert prove(Relation(1 - w, ">", sympy.Integer(0)), scope) is not None  # the open end
    jensen = sympy.log(w * c + (1 - w) * d)
    assert prove(Relation(jensen, ">=", w * sympy.log(c) + (1 - w) * sympy.log(d)), scope) is not None
    assert prove(Relation(jensen, "<=", w * sympy.log(c) + (1 - w) * sympy.log(d)), scope) is None
    assert prove(Relation(sympy.log(c + d), ">=", sympy.log(c) + sympy.log(d)), scope) is None  # c = d = 2
    assert prove(Relation(jensen, ">", w * sympy.log(c) + (1 - w) * sympy.log(d)), scope) is None  # c = d
    assert prove(Relation((1 + y / n) ** n, "<=", sympy.exp(y)), scope) is not None
    assert prove(Relation((1 + y / n) ** n, ">=", sympy.exp(y)), scope) is None
    assert prove(Relation(x**2, "<=", sympy.exp(2 * x)), scope) is None  # x = -1: x <= exp(x) but x < 0


def test_no_abs_split_nor_root_elimination_inside_an_expectation() -> None:
    """The cases and powers of radical elimination are exact at a point only: under E, Var, Cov
    or on a random variable they are refused, the node left whole (red-team F1)."""
    from derivcheck.check.symbolic.radicals import prove_nonnegative
    from derivcheck.expr.objects import Covariance, Expectation, Variance

    scope, s = scope_with(X="random", Y="random", a="real")
    X, Y, a = s["X"], s["Y"], s["a"]
    E, Var, Cov = Expectation, Variance, Covariance
    false_gaps = [
        E(X)**2 - E(sympy.Abs(X))**2,  # E|X| >= |E X|, strictly when X takes both signs
        Var(sympy.Abs(X)) - Var(X),
        -Cov(sympy.Abs(X), sympy.Abs(X)) + Var(X) - 1,
        E(X**2 + 1) - E(sympy.sqrt(X**2 + 1))**2 - 1,
        E(sympy.sqrt(X**2))**2 - E(X)**2 - E(Y)**2,
    ]
    for gap in false_gaps:
        assert prove_nonnegative(gap, False, (), scope) is None, gap
        assert prove(Relation(gap, ">=", 0), scope) is None, gap
    assert prove_nonnegative(sympy.Abs(E(X)) - E(X), False, (), scope) is not None  # one number
    assert prove_nonnegative(sympy.Abs(a) - a + E(X)**2, False, (), scope) is not None  # a split beside E


def test_a_condition_on_a_random_quantity_never_rewrites_inside_an_expectation() -> None:
    """``Abs(X) >= 3`` holds at one outcome: substituting its pivot inside ``E(Abs(X))`` would
    read it as holding at every outcome (red-team F1); outside E the substitution stays."""
    from derivcheck.check.symbolic.conditions import eliminate
    from derivcheck.expr.objects import Expectation

    scope, s = scope_with(X="random", a="real")
    X, a = s["X"], s["a"]
    gap, fresh, used = eliminate(Expectation(sympy.Abs(X)) - 3, [Condition(sympy.Abs(X) - 3, False)], scope)
    assert gap == Expectation(sympy.Abs(X)) - 3 and not used
    assert certify_under(Expectation(sympy.exp(X)) - 1, False, [Condition(sympy.exp(X) - 1, False)], scope) is None
    assert eliminate(sympy.Abs(X) - 3, [Condition(sympy.Abs(X) - 3, False)], scope)[2]  # pointwise: kept
    assert eliminate(Expectation(a * X) - 3, [Condition(a - 3, False)], scope)[2]  # a is one number
