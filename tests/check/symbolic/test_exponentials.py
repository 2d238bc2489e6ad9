"""The exponential normal form: logistic, tanh, softplus and Gaussian identities, and
the false look-alikes it must never prove."""

from __future__ import annotations

import dataclasses

import sympy

from derivcheck.check.symbolic.exponentials import equal_by_exponential_form, gaussian_integrals
from derivcheck.check.symbolic.strategies import prove
from derivcheck.expr.objects import Relation
from symbolic_helpers import scope_with

exp, log, sqrt, pi, oo = sympy.exp, sympy.log, sympy.sqrt, sympy.pi, sympy.oo


def sigmoid(t):
    return 1 / (1 + exp(-t))


def softplus(t):
    return log(1 + exp(t))


def density(t, mean, variance):
    return exp(-(t - mean) ** 2 / (2 * variance)) / sqrt(2 * pi * variance)


def _method(relation: Relation, scope) -> str | None:
    proof = prove(relation, scope, simplify=False)
    return None if proof is None else proof.method


def test_logistic_tanh_and_softplus_identities() -> None:
    scope, s = scope_with(x="real")
    x = s["x"]
    for lhs, rhs in ((sigmoid(-x), 1 - sigmoid(x)),
                     (sympy.tanh(x), 2 * sigmoid(2 * x) - 1),
                     (sympy.tanh(x / 2), 2 * sigmoid(x) - 1),
                     (1 - sympy.tanh(x) ** 2, 4 * sigmoid(2 * x) * sigmoid(-2 * x)),
                     (softplus(x) - softplus(-x), x),
                     (sympy.diff(sigmoid(x), x), sigmoid(x) * (1 - sigmoid(x))),
                     (sigmoid(x) / sigmoid(-x), exp(x))):
        assert _method(Relation(lhs, "=", rhs), scope) is not None, (lhs, rhs)


def test_false_logistic_look_alikes_are_not_proved() -> None:
    scope, s = scope_with(x="real", c="complex")
    x = s["x"]
    for lhs, rhs in ((sigmoid(-x), sigmoid(x) - 1),
                     (sympy.tanh(x), 2 * sigmoid(x) - 1),
                     (softplus(x) - softplus(-x), 2 * x),
                     (sympy.tanh(x), 2 * sigmoid(2 * x) + 1),
                     (log(sigmoid(x)), softplus(-x))):
        assert _method(Relation(lhs, "=", rhs), scope) is None, (lhs, rhs)
    c = s["c"]
    assert not equal_by_exponential_form(log(exp(c)), c, scope)  # false off the real line


def test_logs_split_only_on_proved_positives() -> None:
    scope, s = scope_with(a="real", b="real", p="positive", q="positive", x="real")
    a, b, p, q, x = (s[k] for k in "abpqx")
    assert equal_by_exponential_form(log(p * exp(x) / q), log(p) + x - log(q), scope)
    assert equal_by_exponential_form(log((1 + x**2) * exp(x)), log(1 + x**2) + x, scope)
    assert not equal_by_exponential_form(log(a * b), log(a) + log(b), scope)
    assert not equal_by_exponential_form(log(a**2), 2 * log(a), scope)


def test_product_of_gaussian_densities_completes_the_square() -> None:
    scope, s = scope_with(x="real", m="real", n="real", u="positive", v="positive")
    x, m, n, u, v = (s[k] for k in "xmnuv")
    mean, variance = (m * v + n * u) / (u + v), u * v / (u + v)
    product = density(x, m, u) * density(x, n, v)
    assert _method(Relation(product, "=", density(m, n, u + v) * density(x, mean, variance)), scope)
    assert _method(Relation(product, "=", density(m, n, u * v) * density(x, mean, variance)), scope) is None
    assert _method(Relation(product, "=", density(m, n, u + v) * density(x, mean, u + v)), scope) is None


def test_gaussian_integrals_over_the_real_line() -> None:
    scope, s = scope_with(x="real", m="real", n="real", u="positive", v="positive", a="real")
    x, m, n, u, v, a = (s[k] for k in "xmnuva")
    joint = sympy.Integral(density(x, m, u) * density(x, n, v), (x, -oo, oo))
    assert _method(Relation(joint, "=", density(m, n, u + v)), scope) == "exponential form"
    assert _method(Relation(joint, "=", density(m, n, u * v)), scope) is None
    assert _method(Relation(sympy.Integral(density(x, m, u), (x, -oo, oo)), "=", 1), scope)
    # the width must be proved negative: a real a may be >= 0, and the integral then diverges
    divergent = sympy.Integral(exp(a * x**2), (x, -oo, oo))
    assert gaussian_integrals(divergent, scope) == divergent
    assert _method(Relation(divergent, "=", sqrt(pi / (-a))), scope) is None
    half_line = sympy.Integral(exp(-x**2), (x, 0, oo))
    assert gaussian_integrals(half_line, scope) == half_line


def test_log_det_of_a_diagonal_matrix_splits_only_with_positive_entries() -> None:
    scope, s = scope_with(D="diagonal matrix 3 3", M="diagonal matrix 2 2")
    scope.names["D"] = dataclasses.replace(scope.names["D"], qualifiers=frozenset({"diagonal", "pd"}))
    D, M = s["D"], s["M"]
    assert _method(Relation(log(sympy.Determinant(D)), "=", sum(log(D[i, i]) for i in range(3))), scope)
    assert _method(Relation(log(sympy.Determinant(M)), "=", log(M[0, 0]) + log(M[1, 1])), scope) is None


def test_gaussian_moments_over_the_real_line() -> None:
    scope, s = scope_with(x="real", m="real", u="positive")
    x, m, u = (s[k] for k in "xmu")
    moments = {x: m, x**2: m**2 + u, (x - m)**3: 0, (x - m)**4: 3 * u**2, x**3: m**3 + 3 * m * u}
    for power, value in moments.items():
        integral = sympy.Integral(power * density(x, m, u), (x, -oo, oo))
        assert equal_by_exponential_form(gaussian_integrals(integral, scope), value, scope), power
    wrong = {x**2: u, (x - m)**4: u**2, x: 0}
    for power, value in wrong.items():
        integral = sympy.Integral(power * density(x, m, u), (x, -oo, oo))
        assert not equal_by_exponential_form(gaussian_integrals(integral, scope), value, scope), power
        assert prove(Relation(integral, "=", value), scope) is None, power


def _bounded(scope, name: str, lo, hi, lo_open: bool, hi_open: bool) -> sympy.Symbol:
    from derivcheck.expr.scope import Interval, ScalarDecl
    from symbolic_helpers import HERE

    symbol = sympy.Symbol(name, real=True)
    scope.names[name] = ScalarDecl(name, symbol, "real", Interval(sympy.sympify(lo), sympy.sympify(hi),
                                                                  lo_open, hi_open), HERE)
    return symbol


def test_logs_split_on_factors_positive_on_a_bounded_interval() -> None:
    scope, s = scope_with(y="integer")
    y = s["y"]
    th = _bounded(scope, "th", 0, 1, True, True)
    a = _bounded(scope, "a", 0, 1, True, True)
    b = _bounded(scope, "b", 0, 1, False, True)
    assert _method(Relation(log((1 - th) ** (1 - y)), "=", (1 - y) * log(1 - th)), scope) == "exponential form"
    assert _method(Relation(log(a * th / (1 - a * th)), "=", log(a) + log(th) - log(1 - a * th)),
                   scope) == "exponential form"
    assert _method(Relation(log((1 - b) ** 3), "=", 3 * log(1 - b)), scope) == "exponential form"


def test_logs_do_not_split_where_a_factor_can_be_zero_or_negative() -> None:
    scope, s = scope_with(y="integer")
    y = s["y"]
    wide = _bounded(scope, "w", 0, 2, True, True)  # 1 - w < 0 for w > 1
    closed = _bounded(scope, "c", 0, 1, True, False)  # 1 - c = 0 at c = 1
    both = _bounded(scope, "k", 0, 1, False, False)
    assert _method(Relation(log((1 - wide) ** 2), "=", 2 * log(1 - wide)), scope) is None
    assert _method(Relation(log((1 - closed) ** (1 - y)), "=", (1 - y) * log(1 - closed)), scope) is None
    assert _method(Relation(log(both * (1 - both)), "=", log(both) + log(1 - both)), scope) is None


def test_gradients_whose_coefficients_agree_in_exponential_form() -> None:
    from derivcheck.expr.objects import Gradient

    scope, s = scope_with(n="dimension", t="real", w="matrix n 1", x="matrix n 1")
    w, x, t = s["w"], s["x"], s["t"]
    a = sympy.Trace(w.T * x)
    loss = -(t * log(sigmoid(a)) + (1 - t) * log(1 - sigmoid(a)))
    assert _method(Relation(Gradient(loss, w), "=", (sigmoid(a) - t) * x), scope) == "matrix calculus"
    assert _method(Relation(Gradient(softplus(a), w), "=", sigmoid(a) * x), scope) == "matrix calculus"
    # look-alikes: the sigmoid of -a, the sign of t, 1 - sigma, a transposed factor
    for wrong in ((sigmoid(-a) - t) * x, (sigmoid(a) + t) * x, (1 - sigmoid(a) - t) * x):
        assert _method(Relation(Gradient(loss, w), "=", wrong), scope) is None, wrong
    assert _method(Relation(Gradient(softplus(a), w), "=", sigmoid(-a) * x), scope) is None


def test_written_out_matrices_equal_entry_by_entry() -> None:
    scope, s = scope_with(t="real", w0="real", w1="real", x0="real", x1="real")
    a = s["w0"] * s["x0"] + s["w1"] * s["x1"]
    x = sympy.Matrix([s["x0"], s["x1"]])
    hessian = sympy.ImmutableMatrix(2, 2, lambda i, j: sympy.diff(softplus(a), s[f"w{i}"], s[f"w{j}"]))
    right = sympy.ImmutableMatrix(sigmoid(a) * (1 - sigmoid(a)) * x * x.T)
    assert _method(Relation(hessian, "=", right), scope) == "exponential form"
    # look-alikes: sigma**2 for sigma (1 - sigma), one entry off by a sign, the outer product transposed wrong
    assert _method(Relation(hessian, "=", sympy.ImmutableMatrix(sigmoid(a) ** 2 * x * x.T)), scope) is None
    flipped = right.as_mutable()
    flipped[0, 1] = -flipped[0, 1]
    assert _method(Relation(hessian, "=", sympy.ImmutableMatrix(flipped)), scope) is None
    assert _method(Relation(hessian, "=", sympy.ImmutableMatrix(sigmoid(a) * x * x.T)), scope) is None
