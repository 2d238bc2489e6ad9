"""Inequalities by exact certificates (sums of squares, factor signs) and by the table of
standard bounds: what they prove, and the false look-alikes they must never prove."""

from __future__ import annotations

import sympy

from derivcheck.check.symbolic.bounds import BOUNDS, prove_by_bounds
from derivcheck.check.symbolic.certificates import domain_substitution, gap_certificate
from derivcheck.check.symbolic.sos import _psd, is_sum_of_squares
from derivcheck.check.symbolic.strategies import prove
from derivcheck.expr.objects import Relation
from derivcheck.expr.scope import Interval, ScalarDecl
from symbolic_helpers import HERE, scope_with

x, y, z = sympy.symbols("x y z", real=True)
R = sympy.Rational


def _with_interval(scope, name: str, lo, lo_open: bool = True) -> sympy.Symbol:
    symbol = sympy.Symbol(name, real=True)
    scope.names[name] = ScalarDecl(name, symbol, "real", Interval(sympy.sympify(lo), None, lo_open, True), HERE)
    return symbol


def _proof(relation: Relation, scope) -> str | None:
    proof = prove(relation, scope)
    return None if proof is None else proof.method


def test_sums_of_squares_are_found_and_checked_exactly() -> None:
    for poly in (x**2 + y**2 + z**2 - x*y - y*z - z*x, x**4 - 2*x**3 + 2*x**2 - 2*x + 1,
                 x**6 + y**6 + z**6 - 3*x**2*y**2*z**2,
                 (x**2 + y**2 + z**2)**2 - 3*(x**2*y**2 + y**2*z**2 + z**2*x**2)):
        assert is_sum_of_squares(sympy.Poly(poly, x, y, z)), poly
    assert is_sum_of_squares(sympy.Poly(x**4 + x**2 + 1, x), strict=True)
    assert not is_sum_of_squares(sympy.Poly(x**2 - 2*x + 1, x), strict=True)  # 0 at x = 1


def test_no_certificate_for_polynomials_negative_somewhere_or_not_sos() -> None:
    motzkin = x**4*y**2 + x**2*y**4 - 3*x**2*y**2 + 1
    assert not is_sum_of_squares(sympy.Poly(motzkin, x, y))  # non-negative, but no sum of squares
    assert not is_sum_of_squares(sympy.Poly(motzkin - R(1, 100), x, y))  # -1/100 at x = y = 1
    assert not is_sum_of_squares(sympy.Poly((x - 1)**2 - R(1, 10**6), x))
    assert not is_sum_of_squares(sympy.Poly(x**3 - x, x))
    assert not is_sum_of_squares(sympy.Poly(x**2 - x*y, x, y))


def test_exact_psd_test() -> None:
    F = R
    assert _psd([[F(1), F(-1)], [F(-1), F(1)]], strict=False)
    assert not _psd([[F(1), F(-1)], [F(-1), F(1)]], strict=True)
    assert not _psd([[F(1), F(2)], [F(2), F(1)]], strict=False)
    assert not _psd([[F(0), F(1)], [F(1), F(5)]], strict=False)  # a zero pivot beside a non-zero entry


def test_polynomial_and_rational_inequalities_are_proved() -> None:
    scope, s = scope_with(a="real", b="real", c="real", p="positive", q="positive")
    a, b, c, p, q = (s[k] for k in "abcpq")
    for relation in (Relation(a**2 + b**2 + c**2, ">=", a*b + b*c + c*a),
                     Relation(a*b, "<=", a**2/2 + b**2/2),
                     Relation(sympy.sqrt(p*q), "<=", (p + q)/2),
                     Relation(2*a/(1 + a**2), "<=", 1),
                     Relation(p**3 + 1, ">=", p**2 + p),
                     Relation(a**4 + 1, ">", a**2)):
        assert _proof(relation, scope) is not None, relation


def test_false_look_alikes_of_polynomial_inequalities_are_not_proved() -> None:
    scope, s = scope_with(a="real", b="real", p="positive")
    a, b = s["a"], s["b"]
    for relation in (Relation(a + 1/a, ">=", 2),  # AM-GM without a > 0
                     Relation(a**3, ">=", a),  # needs a >= 1
                     Relation(sympy.sqrt(a*b), "<=", (a + b)/2),  # not real without signs
                     Relation(a**4*b**2 + a**2*b**4 - 3*a**2*b**2 + 1 - R(1, 100), ">=", 0),
                     Relation(a**2 + b**2, ">", 2*a*b),  # equal at a = b
                     Relation(a*b, "<=", a**2/3 + b**2/3)):
        assert _proof(relation, scope) is None, relation


def test_declared_bounds_are_used_by_exact_substitution() -> None:
    scope, _ = scope_with(y="real")
    w = _with_interval(scope, "w", 1, lo_open=False)
    assert domain_substitution(w**3 - w, scope) == {w: 1 + sympy.Symbol("_w_root", nonnegative=True)**2}
    assert _proof(Relation(w**3, ">=", w), scope) is not None
    half = _with_interval(scope, "h", R(1, 2), lo_open=False)
    assert _proof(Relation(half**3, ">=", half), scope) is None  # false at h = 1/2
    assert gap_certificate(x + 1/x - 2, False, scope) is None


def test_standard_bounds_table_states_side_conditions() -> None:
    assert [b.statement for b in BOUNDS][:1] == ["exp(t) >= 1 + t"]
    assert all(b.side_condition for b in BOUNDS)


def test_standard_bounds_prove_true_bounds_at_any_argument() -> None:
    scope, s = scope_with(a="real", b="real", p="positive")
    a, p = s["a"], s["p"]
    u = _with_interval(scope, "u", -1)
    for relation in (Relation(sympy.exp(a), ">=", 1 + a),
                     Relation(sympy.exp(s["b"]**2), ">=", 1 + s["b"]**2),
                     Relation(1 - a, "<=", sympy.exp(-a)),
                     Relation(sympy.log(1 + u), "<=", u),
                     Relation(u/(1 + u), "<=", sympy.log(1 + u)),
                     Relation(sympy.log(p), "<=", p - 1)):
        assert _proof(relation, scope) is not None, relation


def test_standard_bounds_never_prove_false_look_alikes() -> None:
    scope, s = scope_with(a="real", p="positive")
    a, p = s["a"], s["p"]
    u = _with_interval(scope, "u", -1)
    v = _with_interval(scope, "v", -2)  # log(1 + v) is not even real for v <= -1
    for relation in (Relation(sympy.log(1 + u), ">=", u),
                     Relation(sympy.exp(a), ">=", 1 + a + a**2/2),  # false for a < 0
                     Relation(sympy.exp(a), ">", 1 + a),  # equal at a = 0
                     Relation(sympy.log(p), "<", p - 1),  # equal at p = 1
                     Relation(sympy.log(1 + v), "<=", v),
                     Relation(sympy.exp(-a), "<=", 1 - a),
                     Relation(u/(1 + u), ">=", sympy.log(1 + u))):
        assert _proof(relation, scope) is None, relation
    assert prove_by_bounds(sympy.log(1 + a) - a, False, scope) is None  # side condition 1 + a > 0 not proved


def test_integral_of_nonnegative_integrand_over_a_forward_range() -> None:
    scope, s = scope_with(p="positive", a="real")
    t = sympy.Symbol("t", real=True)
    p = s["p"]
    assert _proof(Relation(sympy.Integral((t - s["a"])**2 * sympy.exp(-t**2), (t, 0, p)), ">=", 0), scope)
    assert _proof(Relation(sympy.Integral(sympy.exp(-t**2) * (t - 1)**2, (t, p, 0)), ">=", 0), scope) is None
    assert _proof(Relation(sympy.Integral(t * sympy.exp(-t**2), (t, -1, p)), ">=", 0), scope) is None


def test_monotone_powers_need_a_nonnegative_base_unless_odd() -> None:
    scope, s = scope_with(a="real", b="real", p="positive", q="positive")
    a, b, p, q = (s[k] for k in "abpq")
    assert _proof(Relation(p**3, "<=", (p + q)**3), scope) is not None
    assert _proof(Relation(a**3, "<=", (a + b**2)**3), scope) is not None
    assert _proof(Relation(sympy.sqrt(p), "<=", sympy.sqrt(p + q)), scope) is not None
    assert _proof(Relation(a**2, "<=", (a + b**2)**2), scope) is None  # false at a = -1, b = 1


def test_numeric_bounds_among_the_hypotheses_narrow_the_domain() -> None:
    scope, s = scope_with(a="real", b="real")
    a, b = s["a"], s["b"]
    one = sympy.Integer(1)
    assert prove(Relation(a**3, ">=", a), scope, [Relation(a, ">=", one)]) is not None
    assert prove(Relation(a**3, ">=", a), scope, [Relation(one, "<=", a)]) is not None
    assert prove(Relation(sympy.log(1 + a), "<=", a), scope, [Relation(a, ">", -one)]) is not None
    # a bound too weak, or on another symbol, proves nothing
    assert prove(Relation(sympy.log(1 + a), "<=", a), scope, [Relation(a, ">", -2 * one)]) is None
    assert prove(Relation(a**3, ">=", a), scope, [Relation(b, ">=", one)]) is None
    assert prove(Relation(a**3, ">=", a), scope, [Relation(a, "<=", one)]) is None


def test_a_single_log_is_compared_by_exponentiating() -> None:
    scope, s = scope_with(a="real")
    a = s["a"]
    softplus = sympy.log(1 + sympy.exp(a))
    assert _proof(Relation(softplus, ">=", a), scope) is not None
    assert _proof(Relation(softplus, ">", 0), scope) is not None
    assert _proof(Relation(sympy.tanh(a), "<", 1), scope) is not None
    assert _proof(Relation(softplus, "<=", a), scope) is None
    assert _proof(Relation(softplus, ">=", a + 1), scope) is None  # false for large a
    assert _proof(Relation(sympy.tanh(a), "<", R(1, 2)), scope) is None


def _in_box(scope, name: str, lo, hi, lo_open: bool = True, hi_open: bool = True) -> sympy.Symbol:
    symbol = sympy.Symbol(name, real=True)
    scope.names[name] = ScalarDecl(name, symbol, "real",
                                   Interval(sympy.sympify(lo), sympy.sympify(hi), lo_open, hi_open), HERE)
    return symbol


def test_both_ends_of_a_bounded_interval_count() -> None:
    # a half-line keeps one end only: 1 - a*b > 0 needs a, b < 1 as well as a, b > 0
    scope, _ = scope_with()
    a, b, p = _in_box(scope, "a", 0, 1), _in_box(scope, "b", 0, 1), _in_box(scope, "p", 0, 1)
    u, v = sympy.symbols("u v", positive=True)
    assert gap_certificate(1 - a*b, True, scope) is not None
    assert gap_certificate((1 - a) - (1 - a)*(1 - b)/(1 - a*b), False, scope) is not None  # DDPM beta_tilde <= beta
    assert _proof(Relation(p*sympy.log(u) + (1 - p)*sympy.log(v), "<=", sympy.log(p*u + (1 - p)*v)), scope)
    h = _in_box(scope, "h", R(-1, 2), 1, lo_open=False)  # closed at lo, open at hi
    assert gap_certificate(1 - h**2, True, scope) is not None


def test_bounded_intervals_never_prove_false_look_alikes() -> None:
    scope, _ = scope_with(x="real")
    a, b = _in_box(scope, "a", 0, 1), _in_box(scope, "b", 0, 1)
    c = _in_box(scope, "c", 0, 2)
    d = _in_box(scope, "d", 0, 1, lo_open=False, hi_open=False)  # closed at both ends: not substituted
    assert gap_certificate(1 - a*c, False, scope) is None  # a*c reaches 2
    assert gap_certificate(a - b, False, scope) is None
    assert gap_certificate(1 - a - b, False, scope) is None  # a + b reaches 2
    assert gap_certificate(a*b - sympy.Rational(1, 2), False, scope) is None
    assert gap_certificate(1 - a*x, False, scope) is None  # x is unbounded
    assert gap_certificate(1 - a*b, True, scope) is not None
    assert gap_certificate(1 - d, True, scope) is None  # d = 1 is allowed
    p = a
    u, v = sympy.symbols("u v", positive=True)
    # weights that need not sum to one: no Jensen
    assert _proof(Relation(p*sympy.log(u) + p*sympy.log(v), "<=", sympy.log(p*u + p*v)), scope) is None


def test_log_and_exp_against_a_number_by_the_inverse_map() -> None:
    # log(1 - rho**2) <= 0 for rho in (-1, 1): its realness needs rho written over the interval
    # exactly, and the monotone map needs log(u) <= 0 read as u <= exp(0) = 1
    from derivcheck.check.symbolic.strategies import prove
    from derivcheck.expr.objects import Relation
    from derivcheck.expr.scope import Interval, ScalarDecl
    from symbolic_helpers import HERE, scope_with

    scope, o = scope_with(x="real", w="real")
    rho, u = sympy.Symbol("rho", real=True), sympy.Symbol("u", real=True)
    scope.names["rho"] = ScalarDecl("rho", rho, "real", Interval(sympy.Integer(-1), sympy.Integer(1), True, True), HERE)
    scope.names["u"] = ScalarDecl("u", u, "real", Interval(sympy.Integer(0), sympy.Integer(1), True, True), HERE)
    x, w = o["x"], o["w"]
    assert prove(Relation(sympy.log(1 - rho**2), "<=", 0), scope) is not None
    assert prove(Relation(-sympy.log(1 - rho**2) / 2, ">=", 0), scope) is not None
    assert prove(Relation(sympy.exp(-x**2), "<=", 1), scope) is not None
    assert prove(Relation(sympy.Integer(-1), "<=", sympy.log(1 + x**2) - 1), scope) is not None
    # false look-alikes: never proved
    assert prove(Relation(sympy.log(1 + rho**2), "<=", 0), scope) is None  # > 0 for rho != 0
    assert prove(Relation(sympy.log(u), "<=", -1), scope) is None  # false at u = 1/2
    assert prove(Relation(sympy.exp(x), "<=", 1), scope) is None  # false at x = 1
    assert prove(Relation(sympy.log(1 - w**2), "<=", 0), scope) is None  # w real: no value past |w| = 1
    assert prove(Relation(sympy.exp(-x**2), "<", 1), scope) is None  # equal at x = 0
