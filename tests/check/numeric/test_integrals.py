"""Integrals over the real line: closed forms, divergences, and what a divergence may decide."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcheck.check.realize.integrals import (Diverges, extended_value, gaussian_integral, half_line_integral,
                                                untrusted_integrals)
from derivcheck.expr import objects

from test_numeric import Decls, agrees

R = objects.Relation
oo = sympy.oo
x = sympy.Dummy("x", real=True)


def whole(body: sympy.Expr, var: sympy.Symbol = x) -> sympy.Integral:
    return sympy.Integral(body, (var, -oo, oo))


@pytest.fixture()
def d() -> Decls:
    return Decls()


def value(closed: sympy.Basic, **at: float) -> sympy.Basic:
    symbols = {s.name: s for s in closed.free_symbols}
    return extended_value(closed.xreplace({symbols[k]: sympy.nsimplify(v) for k, v in at.items()}))


def test_the_closed_form_is_the_gaussian_integral_where_it_converges() -> None:
    a = sympy.Symbol("a", real=True)
    closed = gaussian_integral(sympy.exp(-a * x**2 + x), x)
    for at in (sympy.Rational(1, 3), 1, 5):
        exact = sympy.integrate(sympy.exp(-at * x**2 + x), (x, -oo, oo))
        assert abs(sympy.N(value(closed, a=at) - exact, 30)) < 1e-25


@pytest.mark.parametrize("body, expected", [
    (sympy.Integer(1), oo), (sympy.Integer(-3), -oo), (sympy.exp(x), oo), (-2 * sympy.exp(-x), -oo),
    (sympy.exp(x**2 / 2), oo), (sympy.exp(x**2 - 7 * x) / 5, oo), (sympy.Integer(0), 0),
])
def test_a_divergent_integral_has_the_sign_of_its_integrand(body: sympy.Expr, expected: sympy.Basic) -> None:
    assert extended_value(gaussian_integral(body, x)) == expected


def test_integrands_of_unknown_or_complex_sign_have_no_value() -> None:
    a, c = sympy.Symbol("a", real=True), sympy.Symbol("c", real=True)
    closed = gaussian_integral(c * sympy.exp(a * x**2), x)
    assert value(closed, a=1, c=2) == oo and value(closed, a=1, c=-2) == -oo
    assert value(closed, a=1, c=0) == 0
    assert value(closed, a=-1, c=2) == 2 * sympy.sqrt(sympy.pi)
    z = sympy.Symbol("z")  # complex: a complex integrand has no sign
    assert value(gaussian_integral(z * sympy.exp(x), x), z=1 + 1j) in (None, sympy.nan)
    assert gaussian_integral(x * sympy.exp(-x**2), x) is None  # not a constant times exp(quadratic)
    assert gaussian_integral(sympy.exp(-x**4), x) is None


def test_arithmetic_keeps_a_divergence_only_where_its_value_is_certain() -> None:
    a, b = (gaussian_integral(sympy.Integer(1), x) for _ in range(2))
    assert isinstance(a, Diverges) and a != b  # two divergences never cancel
    assert extended_value(3 * a + 1) == oo and extended_value(1 - sympy.sqrt(2) * a) == -oo
    for undefined in (a - b, 1 / a, a * b, sympy.exp(-a), sympy.I * a, a + sympy.I, a + gaussian_integral(-x**0, x)):
        assert extended_value(undefined) is None, undefined
    assert extended_value(sympy.Integer(5)) == 5


def test_a_divergent_integral_is_no_finite_number(d: Decls) -> None:
    s, mu = d.scalar("s", "positive"), d.scalar("mu")
    e = sympy.Symbol("e", real=True)
    result = d.check(R(whole(sympy.exp(e**2 / 2) / sympy.sqrt(2 * sympy.pi), e), "=", 1))
    assert result.status == "disagree"
    assert result.counterexample.lhs.startswith("oo") and result.counterexample.rhs == "1"
    assert d.check(R(whole(s, e), "=", s)).status == "disagree"
    assert d.check(R(whole(sympy.exp(-(mu - mu) ** 2), e), "=", 1)).status == "disagree"
    assert d.check(R(whole(-s * sympy.exp(e), e), ">=", 0)).status == "disagree"


def test_a_relation_that_a_divergence_satisfies_is_no_evidence(d: Decls) -> None:
    s = d.scalar("s", "positive")
    e = sympy.Symbol("e", real=True)
    assert d.check(R(whole(-s * sympy.exp(e), e), "<=", 0)).status == "inconclusive"
    assert d.check(R(whole(s, e), ">=", 1)).status == "inconclusive"
    # two divergences: oo = oo is not evidence, and oo - oo has no value
    assert d.check(R(whole(s, e), "=", whole(2 * s, e))).status == "inconclusive"
    assert d.check(R(whole(s, e) - whole(2 * s, e), "=", 0)).status == "inconclusive"
    assert d.check(R(1 / whole(s, e), "=", 1)).status == "inconclusive"


def test_a_gaussian_integral_that_diverges_for_some_parameters_is_refuted_there(d: Decls) -> None:
    a, s = d.scalar("a"), d.scalar("s", "positive")
    e = sympy.Symbol("e", real=True)
    assert agrees(d.check(R(whole(sympy.exp(-s * e**2), e), "=", sympy.sqrt(sympy.pi / s))))
    wrong = d.check(R(whole(sympy.exp(-a * e**2), e), "=", sympy.sqrt(sympy.pi / a)))  # a may be <= 0
    assert wrong.status == "disagree"
    assert sympy.Rational(wrong.counterexample.values["a"]) <= 0


@pytest.mark.slow
@settings(max_examples=20, deadline=None, derandomize=True)
@given(c=st.integers(-3, 3), a=st.fractions(-2, 2, max_denominator=3), b=st.integers(-3, 3), k=st.integers(-2, 2))
def test_the_value_is_sympys_integral(c: int, a: Fraction, b: int, k: int) -> None:
    """Cross-check against SymPy's own integrate, for real coefficients: the same
    infinity where the integral diverges, the same number where it converges."""
    a = sympy.Rational(a.numerator, a.denominator)
    mine = extended_value(gaussian_integral(c * sympy.exp(a * x**2 + b * x + k), x))
    theirs = sympy.integrate(c * sympy.exp(a * x**2 + b * x + k), (x, -oo, oo))
    if theirs in (oo, -oo) or mine in (oo, -oo):
        assert mine == theirs
    else:
        assert abs(sympy.N(mine - theirs, 30)) < 1e-20


# -- which closed forms of SymPy are trusted (red-team class D) --

_x = sympy.Symbol("x", real=True)
_r = sympy.Symbol("r", real=True)
_p = sympy.Symbol("p", positive=True)
_s = sympy.Symbol("s", real=True)


@pytest.mark.parametrize("integral", [
    sympy.Integral(1 / _x**2, (_x, -_p, 1)),  # a pole inside
    sympy.Integral(1 / (_x - _p), (_x, 0, 2 * _p)),
    sympy.Integral(1 / (_x**2 + _r), (_x, 0, 1)),  # a pole inside for r < 0
    sympy.Integral(sympy.sin(_x) / sympy.cos(_x), (_x, 0, _r)),
    sympy.Integral(sympy.Abs(sympy.sin(_x)), (_x, 0, _r)),  # kinks
    sympy.Integral(sympy.sign(sympy.sin(_x)), (_x, 0, _r)),
    sympy.Integral(sympy.Max(sympy.sin(_x), 0), (_x, 0, _r)),
    sympy.Integral(sympy.exp(-_x**2), (_x, 0, sympy.oo)),  # a half-line: a Gaussian tail (erf) is not trusted
    sympy.Integral(_x * sympy.exp(-_r * _x), (_x, 0, sympy.oo)),  # diverges for r <= 0
    sympy.Integral(sympy.exp(-_p * _x), (_x, -sympy.oo, 0)),  # decays the wrong way
    sympy.Integral(sympy.exp(-_p * _x) / (1 + _x), (_x, 0, sympy.oo)),  # not a polynomial factor (Ei)
    sympy.Integral(sympy.exp(-_p * _x + sympy.sin(_x)), (_x, 0, sympy.oo)),  # not a linear exponent
    sympy.Integral(sympy.exp(-_p * _x) + 1, (_x, 0, sympy.oo)),  # one term does not decay
    sympy.Integral(sympy.exp(_x**2), (_x, -sympy.oo, sympy.oo)),  # diverges
    sympy.Integral(_x**2 * sympy.exp(_x**2 - _x), (_x, -sympy.oo, sympy.oo)),  # a moment of a divergent one
    sympy.Integral(sympy.exp(-_x**2) / (1 + _x**2), (_x, -sympy.oo, sympy.oo)),  # not a polynomial factor
    sympy.Integral(sympy.exp(-_x**2) + 1, (_x, -sympy.oo, sympy.oo)),  # one term does not decay
    sympy.Integral(sympy.sqrt(_x), (_x, -1, 1)),
    sympy.Integral(sympy.exp(-_x**4), (_x, -1, 1)),  # smooth, but SymPy 1.14 says 0 (uppergamma's branch)
    sympy.Integral(sympy.exp(-_r * _x**4), (_x, -1, 1)),
    sympy.Integral(sympy.exp(_x) / (_x + 2), (_x, 0, 1)),  # through Ei
    # a parameter beside a division: SymPy 1.14 drops the log and atan terms (4*r for the first)
    sympy.Integral(_x**3 / ((_x - _r)**2 + sympy.Rational(1, 10**4)), (_x, -1, 1)),
    sympy.Integral((_x - _r)**3 / (_x**2 + 1), (_x, -1, 1)),
    sympy.Integral(1 / (_x**2 + _p), (_x, _r, 1)),
    # what the outer level integrates is the inner closed form, exp(-x**4) - 1 (red team 12)
    sympy.Integral(sympy.Integral(sympy.exp(_s), (_s, 0, -_x**4)), (_x, -1, 1)),
])
def test_closed_forms_at_poles_kinks_and_infinite_ranges_are_not_trusted(integral: sympy.Integral) -> None:
    assert untrusted_integrals(2 * integral + 1) == [integral]


@pytest.mark.parametrize("integral", [
    sympy.Integral(_x * sympy.exp(-_x) + sympy.sin(3 * _x)**2, (_x, 0, _r)),
    sympy.Integral(1 / (_x + 1), (_x, 0, _p)),  # the pole at -1 is outside [0, p]
    sympy.Integral(1 / (_x**2 + 2), (_x, _r, 1)),  # no real pole
    sympy.Integral(sympy.Function("f")(_x) * 2**_x, (_x, _r, 1)),  # declared functions are smooth
    sympy.Integral(sympy.exp(-(_x - _r)**2 / (2 * _p**2)), (_x, -sympy.oo, sympy.oo)),  # a convergent Gaussian
    sympy.Integral((_x - _r)**4 * sympy.exp(-(_x - _r)**2 / (2 * _p**2)), (_x, -sympy.oo, sympy.oo)),  # its moments
    sympy.Integral(_x * sympy.exp(-_x**2) + sympy.exp(-2 * _x**2 + _x), (_x, -sympy.oo, sympy.oo)),
    sympy.Integral(sympy.Integral(sympy.exp(_s), (_s, 0, _x)), (_x, 0, 1)),  # inner closed form exp(x) - 1
    sympy.Integral(_x**3 * _p * sympy.exp(-_p * _x), (_x, 0, sympy.oo)),  # moments of the exponential law
    sympy.Integral((_x - _r)**2 * sympy.exp(-2 * _x - _r), (_x, _r, sympy.oo)),
    sympy.Integral(_x * sympy.exp(_p * _x), (_x, -sympy.oo, _r)),  # toward -oo, c > 0
])
def test_closed_forms_of_smooth_integrands_are_trusted(integral: sympy.Integral) -> None:
    assert untrusted_integrals(integral) == []


def test_an_untrusted_integral_constant_is_settled_only_clear_of_cancellation() -> None:
    # red team 14: the difference of two integrals of sin(t**3) is 0 (an odd integrand over
    # [-1, 1]) and 1e-17 by quadrature; magnified, floats read 1e61 at every point
    from derivcheck.check.numeric.entry import _quadrature_settled

    t = sympy.Symbol("t", real=True)
    zero = sympy.Integral(sympy.sin(t**3), (t, -1, 2)) - sympy.Integral(sympy.sin(t**3), (t, 1, 2))
    assert not _quadrature_settled(10**70 * sympy.sqrt(sympy.Abs(zero)) - 1)
    assert not _quadrature_settled(sympy.tanh(10**30 * sympy.Abs(zero)))
    assert not _quadrature_settled(sympy.Integral(t * sympy.exp(-t**2), (t, -1, 1)))  # cancels inside
    # an amplified but clean value disagrees with 30 digits: sin(1.69e20) in floats is noise
    clean = sympy.Integral(sympy.exp(-t**4), (t, -1, 1))
    assert not _quadrature_settled(sympy.sin(10**20 * clean))
    assert _quadrature_settled(sympy.exp(sympy.Integral(sympy.exp(-t**2) * sympy.cos(t), (t, 0, 1))))
    # red team 15: a peak of width 1e-5 that both quadratures miss; SymPy's closed form sees it
    assert not _quadrature_settled(sympy.Integral(1 + sympy.exp(-10**10 * (t - 1 / sympy.pi) ** 2), (t, 0, 1)))


@pytest.mark.parametrize("k", [0, 1, 2, 5])
@pytest.mark.parametrize("c, end, toward", [(sympy.Rational(-3, 2), sympy.Rational(1, 3), 1),
                                            (-2, -1, 1), (sympy.Rational(5, 2), sympy.Rational(-1, 2), -1)])
def test_the_half_line_closed_form_is_the_integral(k: int, c, end, toward: int) -> None:
    # derivcheck's own antiderivative, checked against 30-digit quadrature (mpmath's tanh-sinh)
    import mpmath

    body = 3 * x**k * sympy.exp(c * x + 1)
    lo, hi = (end, oo) if toward == 1 else (-oo, end)
    mine = half_line_integral(body, x, lo, hi)
    with mpmath.workdps(30):
        f = sympy.lambdify(x, body, "mpmath")
        quad = mpmath.quad(f, [mpmath.mpf(sympy.N(lo, 40)) if lo != -oo else -mpmath.inf,
                               mpmath.mpf(sympy.N(hi, 40)) if hi != oo else mpmath.inf])
        assert abs(mpmath.mpf(sympy.N(mine, 40)) - quad) < mpmath.mpf(10)**-20 * (1 + abs(quad))


@pytest.mark.parametrize("body, lo, hi, expected", [
    (x**2 * sympy.exp(x), 0, oo, oo),  # grows
    (-x * sympy.exp(0 * x), 1, oo, -oo),  # a polynomial alone
    (x**3 * sympy.exp(-x), -oo, 0, -oo),  # an odd power toward -oo is negative there
    (x**2 * sympy.exp(-x), -oo, 0, oo),
])
def test_a_divergent_half_line_integral_has_the_sign_of_its_tail(body, lo, hi, expected) -> None:
    assert extended_value(half_line_integral(body, x, lo, hi)) == expected


def test_half_line_integrands_of_other_forms_have_no_closed_form() -> None:
    for body in (sympy.exp(-x**2), sympy.exp(-x) / (1 + x), x**sympy.Rational(1, 2) * sympy.exp(-x),
                 sympy.sin(x) * sympy.exp(-x)):
        assert half_line_integral(body, x, 0, oo) is None
    assert half_line_integral(sympy.exp(-x), x, 0, 1) is None  # not a half-line


def test_exponential_moments_are_proved_and_their_misprints_refuted() -> None:
    from derivcheck.check.pipeline.derivation import check_derivation
    from derivcheck.format.loader import load_text
    from derivcheck.model import Options, Verdict

    text = ("derivation: t\ntitle: t\nsymbols:\n  lam: positive\n  a, x: real\nsteps:\n"
            "  - claim: Integral(x**2*lam*exp(-lam*x), (x, 0, oo)) = 2/lam**2\n"
            "  - claim: Integral(x**2*exp(-x), (x, a, oo)) = exp(-a)*(a**2 + 2*a + 2)\n"
            "  - claim: Integral(x*exp(-lam*x), (x, 0, oo)) = 1/lam\n"  # misprint: 1/lam**2
            "  - claim: Integral(exp(-a*x), (x, 0, oo)) = 1/a\n")  # diverges for a <= 0
    report = check_derivation(load_text(text, "t.deriv.yaml"), Options())
    verdicts = [o.verdict for o in report.outcomes]
    assert verdicts == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED, Verdict.REFUTED], report.outcomes
