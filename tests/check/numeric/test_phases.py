"""Phases (derivcheck/check/numeric/phases.py): integer configurations where an argument
``a*n + b`` of sin/cos comes nearest a quarter period (trust rule 7, red team 9 F4).

Claims false only where an integer comes within 1e-6 of a multiple of pi/2 are refuted,
each counterexample confirmed in 50 digits with the integer taken exactly; true look-alikes
as tight as 1.5e-11 are not; the candidates are the integers the exact arithmetic names.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy

from derivcheck.check.evidence import Status
from derivcheck.check.numeric.confirm import settle
from derivcheck.check.numeric.nonlinear_phases import (POLYNOMIAL_SCAN, exponential_arguments,
                                                      exponential_phase_integers, polynomial_arguments,
                                                      polynomial_phase_integers)
from derivcheck.check.numeric.phases import EXHAUSTIVE, FAR, periodic_arguments, phase_integers
from derivcheck.check.realize import RealizedRelation
from derivcheck.expr.scope import Interval
from test_numeric import Decls, R

TEN = sympy.Integer(10)
UP_TO_A_MILLION = Interval(sympy.Integer(1), sympy.Integer(10**6), False, False)


def _check(claim, kind: str = "natural", interval: Interval | None = None):  # type: ignore[no-untyped-def]
    d = Decls()
    n = d.scalar("n", kind, interval)
    return d.check(claim(n), points=6)


@pytest.mark.parametrize("claim", [
    lambda n: R(sympy.cos(n), "<", 1 - TEN**-11),  # first false at 312689
    lambda n: R(sympy.sin(n), ">", -1 + TEN**-11),  # at 1406923
    lambda n: R(sympy.Abs(sympy.sin(n / 2)), ">", TEN**-6),  # at 1980127
    lambda n: R(sympy.cos(n), "<", 1 - TEN**-20),  # past the scan: a convergent of 2 pi
    lambda n: R(sympy.cos(n + sympy.pi / 3), "<", 1 - TEN**-20),  # shifted by a rational multiple of pi
    lambda n: R(n * sympy.Abs(sympy.sin(n)), ">", sympy.Rational(1, 50)),  # 355*|sin(355)| = 0.0107
], ids=["cos-near-one", "sin-near-minus-one", "half-angle", "beyond-the-scan", "shifted", "scaled-by-n"])
def test_a_claim_false_only_near_a_quarter_period_is_refuted(claim) -> None:
    evidence = _check(claim)
    assert evidence.status is Status.DISAGREE, evidence.detail
    n = int(evidence.counterexample.values["n"])
    assert abs(n) > 7  # past the small configurations


def test_an_integer_parameter_and_its_only_failing_value_in_an_interval() -> None:
    evidence = _check(lambda n: R(sympy.cos(n), "<", 1 - 5 * TEN**-12), interval=UP_TO_A_MILLION)
    assert evidence.status is Status.DISAGREE and evidence.counterexample.values == {"n": "312689"}
    signed = _check(lambda m: R(sympy.cos(m), "<=", 1 - TEN**-11 * m**2 / (m**2 + 1)), kind="integer")
    assert signed.status is Status.DISAGREE, signed.detail


@pytest.mark.parametrize(("claim", "kind", "interval"), [
    (lambda n: R(sympy.cos(n), "<", sympy.Integer(1)), "natural", None),  # pi is irrational
    (lambda n: R(sympy.cos(n + sympy.pi / 3), "<", sympy.Integer(1)), "integer", None),
    (lambda n: R(sympy.Abs(sympy.sin(n)), ">", 2 * TEN**-6), "natural", UP_TO_A_MILLION),  # least 2.3129e-6
    (lambda n: R(sympy.cos(n), "<", 1 - 4 * TEN**-12), "natural", UP_TO_A_MILLION),  # least gap 4.207e-12
    (lambda n: R(1 + sympy.sin(n), ">", TEN**-11), "natural", UP_TO_A_MILLION),  # least 1.5166e-11
], ids=["cos-below-one", "shifted-below-one", "sine-interval", "cosine-interval", "sine-plus-one"])
def test_true_look_alikes_are_not_refuted(claim, kind, interval) -> None:
    evidence = _check(claim, kind, interval)
    assert evidence.status is Status.AGREE, evidence.detail
    assert "quarter periods" in evidence.evidence  # the evidence says what was covered


@pytest.mark.parametrize("claim", [
    lambda n, m: R(sympy.cos(n) + sympy.cos(m), ">", -2 + TEN**-9),  # both near pi: n = m = 355
    lambda n, m: R(sympy.cos(n) * sympy.cos(m), ">", -1 + TEN**-9),  # one near 0, one near pi
    lambda n, m: R(sympy.sin(n) + sympy.sin(m), "<", 2 - TEN**-12),  # both near pi/2
    lambda n, m, k: R(sympy.sin(n) + sympy.sin(m) + sympy.sin(k), ">", -3 + TEN**-4),  # all near 3 pi/2
    lambda n, m, k, l: R(sympy.cos(n) + sympy.cos(m) + sympy.cos(k) + sympy.cos(l), ">", -4 + TEN**-8),
    # red team 17: each at a different quarter period; an argument in two integers
    lambda n, m, k, l: R(sympy.sin(n) - sympy.sin(m) + sympy.cos(k) - sympy.cos(l), ">", -4 + TEN**-10),
    lambda n, m: R(sympy.cos(n) + sympy.cos(n + m), ">", -2 + TEN**-8),
], ids=["cosine-sum", "cosine-product", "sine-sum", "three-sines", "four-cosines", "four-targets", "shared-argument"])
def test_a_claim_false_only_with_integers_near_their_quarter_periods_at_once_is_refuted(claim) -> None:
    # red teams 14 and 15: each configuration moved one integer, so none reached both phases
    # at once; then three integers never reached 3 pi/2 together, four never pi
    import inspect

    d = Decls()
    names = list(inspect.signature(claim).parameters)
    symbols = [d.scalar(name, "natural") for name in names]
    evidence = d.check(claim(*symbols), points=6)
    assert evidence.status is Status.DISAGREE, evidence.detail
    assert min(int(evidence.counterexample.values[k]) for k in names) > 7


def test_two_integers_true_look_alike_is_not_refuted() -> None:
    d = Decls()
    n, m = d.scalar("n", "natural"), d.scalar("m", "natural")
    evidence = d.check(R(sympy.cos(n) + sympy.cos(m), ">", sympy.Integer(-2)), points=6)  # pi is irrational
    assert evidence.status is Status.AGREE, evidence.detail
    evidence = d.check(R(sympy.cos(n) + sympy.cos(n + m), ">", sympy.Integer(-2)), points=6)
    assert evidence.status is Status.AGREE, evidence.detail


def test_a_dimension_that_sizes_no_matrix_is_scanned_as_an_integer() -> None:
    # red team 14: dimensions were never scanned, so cos(n) < 1 - 10**-11 was numeric
    evidence = _check(lambda n: R(sympy.cos(n), "<", 1 - TEN**-11), kind="dimension")
    assert evidence.status is Status.DISAGREE, evidence.detail


def test_float_rounding_at_a_wide_real_does_not_hide_the_phases() -> None:
    # float64 agrees only within its slack at x = 10**6: the ordinary configurations "fail",
    # the failures are rounding, and the integers near a quarter period are tried after them
    d = Decls()
    n, x = d.scalar("n", "natural"), d.scalar("x")
    evidence = d.check(R(x**2 + sympy.cos(n), "<", x**2 + 1 - TEN**-11), points=6)
    assert evidence.status is Status.DISAGREE and int(evidence.counterexample.values["n"]) > 7
    d = Decls()
    n, x = d.scalar("n", "natural", UP_TO_A_MILLION), d.scalar("x")
    held = d.check(R(x**2 + 1 + sympy.sin(n), ">", x**2 + TEN**-11), points=6)
    assert held.status is Status.AGREE and "quarter periods" in held.evidence


def test_the_candidates_are_the_integers_nearest_each_quarter_period() -> None:
    n = sympy.Symbol("n", integer=True, positive=True)
    ((a, b),) = periodic_arguments([sympy.cos(n)], n, {})
    assert (a, b) == (1, 0)
    within = phase_integers(a, b, 1, 10**6)
    assert 312689 in within and 833719 in within and 52174 in within  # 1 - cos, |sin|, 1 + sin least there
    everywhere = phase_integers(a, b, 1, None)
    assert all(1 <= v <= FAR for v in everywhere)
    with mpmath.workdps(60):
        gaps = sorted(1 - mpmath.cos(v) for v in everywhere)
    assert gaps[0] < mpmath.mpf(10)**-28  # a convergent of 2 pi near 10**15
    assert max(v for v in everywhere if v <= EXHAUSTIVE) > 10**6  # the exhaustive range reaches 10**7
    assert phase_integers(a, b, 1, 10) == [v for v in phase_integers(a, b, 1, 10) if 1 <= v <= 10]


def test_arguments_that_are_not_linear_in_one_integer_give_no_candidates() -> None:
    n, x = sympy.Symbol("n", integer=True), sympy.Symbol("x", real=True)
    assert periodic_arguments([sympy.sin(n**2), sympy.sin(n * x), sympy.exp(n)], n, {}) == []
    m = sympy.Symbol("m", integer=True)
    assert periodic_arguments([sympy.sin(m * n)], n, {m: 3}) == [(3, 0)]  # the other integer put in


@pytest.mark.parametrize("claim", [
    lambda n: R(sympy.sin(n**2), ">", -1 + TEN**-8),  # fails at 14785 (and nearer at 97184)
    lambda n: R(sympy.cos(n * (n + 1) / 2), "<", 1 - TEN**-8),  # 13512
    lambda n: R(sympy.sin(n**3), ">", -1 + TEN**-6),  # 2119
    lambda n: R(sympy.sin(2**n), ">", -1 + TEN**-5),  # 315
    lambda n: R(sympy.Abs(sympy.sin(sympy.sqrt(2) * n**2 + 1)), ">", TEN**-5),
    lambda n: R(sympy.sin(n**5), ">", -1 + TEN**-6),  # 1504 (red team 12)
    lambda n: R(sympy.sin(n * sympy.log(n)), ">", -1 + TEN**-8),  # 13446, in float64
    lambda n: R(sympy.sin(sympy.sqrt(n)), ">", -1 + TEN**-8),  # 8589, in float64
    lambda n: R(sympy.sin(4**n / 2**n), ">", -1 + TEN**-5),  # 2**n once the powers are combined
], ids=["square", "triangle", "cube", "power-of-two", "irrational-square", "fifth-power", "n-log-n", "root",
        "power-ratio"])
def test_a_claim_false_only_near_a_quarter_period_of_a_polynomial_or_exponential_is_refuted(claim) -> None:
    # red team 11: random and small integers never reach these
    evidence = _check(claim)
    assert evidence.status is Status.DISAGREE, evidence.detail
    assert int(evidence.counterexample.values["n"]) > 7  # past the small configurations


def test_polynomial_and_exponential_candidates_are_the_nearest_integers() -> None:
    n = sympy.Symbol("n", integer=True)
    (square,) = polynomial_arguments([sympy.sin(n**2)], n, {})
    picked = polynomial_phase_integers(square, 1, None)
    assert all(1 <= v <= POLYNOMIAL_SCAN for v in picked)
    # the pick for the target -1 of sin is the nearest of the whole range, in 50 digits
    with mpmath.workdps(50):
        gap = {v: 1 + mpmath.sin(mpmath.mpf(v)**2) for v in range(1, 20001)}
    assert min(gap, key=gap.get) in polynomial_phase_integers(square, 1, 20000)
    assert polynomial_arguments([sympy.sin(n), sympy.sin(n**9), sympy.exp(n**2)], n, {}) == []  # linear, degree 9
    assert exponential_arguments([sympy.cos(3**n / 7 + 1)], n, {}) == [(3, sympy.Rational(1, 7), 1)]
    (power,) = exponential_arguments([sympy.sin(2**n)], n, {})
    assert 315 in exponential_phase_integers(*power, 1, 400)


@pytest.mark.parametrize("size", [10**6 + 3, 10**9 + 7, 10**15 + 37])
@pytest.mark.parametrize("argument", [lambda n: n, lambda n: n / 3, lambda n: sympy.sqrt(2) * n / 7],
                         ids=["n", "n/3", "sqrt2-n/7"])
def test_the_50_digit_confirmation_resolves_1e_12_at_large_integers(size, argument) -> None:
    # float64 rounds n/3 near 10**15 by 0.03: only an exact argument tells these apart
    value = sympy.sin(argument(sympy.Integer(size)))
    exact = sympy.Rational(str(sympy.N(value, 60)))
    for offset, holds in ((TEN**-12, True), (-TEN**-12, False)):
        relation = RealizedRelation("<", ((value, exact + offset),), None)
        verdict, found = settle(relation, [], [], {}, {}, 0)
        assert verdict is holds and (found is not None) == (not holds)


def _derivation_outcomes(body: str) -> dict:  # type: ignore[type-arg]
    from derivcheck.check.pipeline.derivation import check_derivation
    from derivcheck.format.loader import load_text
    from derivcheck.model import Options

    report = check_derivation(load_text("derivation: t\ntitle: t\n" + body, "t.deriv.yaml"), Options())
    assert not report.errors, report.errors
    return {o.item: o for o in report.outcomes}


def test_integer_sequence_elements_near_their_quarter_periods_are_refuted() -> None:
    # an element is a coordinate of a point, drawn at random: the candidates are computed
    # for it as for a parameter, alone and several at once (element_phases.py)
    from derivcheck.model import Verdict

    out = _derivation_outcomes(
        "symbols:\n  k: natural sequence\n  j: integer sequence in [-10**6, 0]\n  x: real\nsteps:\n"
        "  - claim: x**2 + cos(k[1]) < x**2 + 1 - 10**-11\n"
        "  - claim: cos(k[1]) + cos(k[2]) > -2 + 10**-9\n"
        "  - claim: sin(j[1]) > -1 + 10**-10\n"
        "  - claim: x**2 + cos(k[1]) <= x**2 + 1\n"
        "  - claim: cos(k[1]) + cos(k[2]) > -2\n")
    for key in ("step-1", "step-2", "step-3"):
        assert out[key].verdict is Verdict.REFUTED, (key, out[key].detail)
        assert all(abs(int(v)) > 7 for k, v in out[key].counterexample.values.items() if "[" in k)
    assert -10**6 <= int(out["step-3"].counterexample.values["j[1]"]) <= 0  # inside the declared bounds
    for key in ("step-4", "step-5"):  # true look-alikes: pi is irrational
        assert out[key].verdict is Verdict.NUMERIC, (key, out[key].detail)
        assert "quarter periods" in out[key].detail, out[key].detail
