"""Exact random-point evidence (derivcheck/check/numeric/exact.py): degree bounds, exact evaluation,
the Schwartz–Zippel bound in the outcome, and exact counterexamples, shrunk."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy

from derivcheck.check.numeric.exact import (SET_SIZE, ExactEvidence, NotRational, degree_bound, draw_point,
                                    evaluate_exact)
from derivcheck.check.numeric.domains import Domain
from derivcheck.check.numeric.sampling import Param
from derivcheck.expr import objects
from test_numeric import Decls, R

x, y = sympy.symbols("x y", real=True)


@pytest.fixture()
def d() -> Decls:
    return Decls()


def test_degree_bound_of_rational_expressions() -> None:
    leaves = {x: (1, 0), y: (1, 0)}
    assert degree_bound(x**2 * y + 3, leaves) == (3, 0)
    assert degree_bound(x / (y + 1), leaves) == (1, 1)
    assert degree_bound(x**2 / (x + 1) - 1, leaves) == (2, 1)  # (x**2 - (x + 1)) / (x + 1)
    assert degree_bound((x + y) ** -2, leaves) == (0, 2)
    assert degree_bound(x, {x: (2, 0)}) == (2, 0)  # an entry of G G^T is quadratic in G
    for bad in (sympy.sin(x), sympy.sqrt(x), x ** sympy.Rational(1, 3), sympy.pi * x, sympy.Float(0.5) * x):
        with pytest.raises(NotRational):
            degree_bound(bad, leaves)


def test_exact_evaluation_and_vanishing_denominators() -> None:
    values = {x: Fraction(1, 3), y: Fraction(-1)}
    assert evaluate_exact(x**2 / (y + 2) - x, values) == Fraction(1, 9) - Fraction(1, 3)
    with pytest.raises(ZeroDivisionError):
        evaluate_exact(x / (y + 1), values)


def test_points_are_drawn_inside_their_domains() -> None:
    rng = random.Random(0)
    params = [Param("u", "scalar", (x,), Domain(Fraction(0), Fraction(1))),
              Param("p", "scalar", (y,), Domain(Fraction(0), None))]
    for _ in range(200):
        point = draw_point(params, rng)
        assert 0 < point["u"] < 1 and point["u"].denominator <= SET_SIZE + 1
        assert point["p"] >= 1 and point["p"].denominator == 1


def test_evidence_text_states_the_bound() -> None:
    text = ExactEvidence(points=8, configurations=1, degree=4, epsilon=(4 / SET_SIZE) ** 8).text()
    assert (4 / SET_SIZE) ** 8 == pytest.approx(5.7e-73, rel=0.01)
    assert text.startswith("ε ≤ 6e-73, exact evaluation at 8 points (Schwartz–Zippel: degree ≤ 4")


def test_polynomial_identity_agrees_with_a_stated_bound(d: Decls) -> None:
    a, b = d.scalar("a"), d.scalar("b")
    result = d.check(R((a + b) ** 3, "=", a**3 + 3 * a**2 * b + 3 * a * b**2 + b**3))
    assert result.status == "agree"
    assert result.evidence.startswith("ε ≤ ") and "exact evaluation at 8 points" in result.evidence
    eps = float(result.evidence.split("ε ≤ ")[1].split(",")[0])
    assert (3 / SET_SIZE) ** 8 <= eps <= (3 / SET_SIZE) ** 8 * 10


def test_matrix_identity_over_configurations_and_transcendental_fallback(d: Decls) -> None:
    n = d.scalar("n", "dimension")
    a, s = d.matrix("A", n, n), d.matrix("S", n, n, "psd")
    result = d.check(R(sympy.Trace(a @ s), "=", sympy.Trace(s @ a)))
    assert result.status == "agree" and "configurations" in result.evidence
    assert "degree ≤ 3" in result.evidence  # A entries degree 1, G G^T entries degree 2
    t = d.scalar("t")
    trig = d.check(R(sympy.sin(t) ** 2 + sympy.cos(t) ** 2, "=", sympy.Integer(1)))
    assert trig.status == "agree" and trig.evidence.startswith("float64 at ") and "1e-8" in trig.evidence


def test_rational_function_identity_skips_poles(d: Decls) -> None:
    a, b = d.scalar("a"), d.scalar("b")
    result = d.check(R(1 / (a - b) - 1 / (a + b), "=", 2 * b / (a**2 - b**2)))
    assert result.status == "agree" and result.evidence.startswith("ε ≤ ")


def test_float_blind_spot_is_refuted_exactly_and_shrunk(d: Decls) -> None:
    # 1e-12 * a**2 is below the float tolerance at every sampled point, so float64 agrees;
    # exact evaluation does not, and the counterexample is shrunk to a = 1.
    a = d.scalar("a")
    tiny = sympy.Rational(1, 10**12)
    result = d.check(R(a**2 + tiny * a**2, "=", a**2))
    assert result.status == "disagree"
    assert result.detail.startswith("counterexample by exact rational evaluation")
    ce = result.counterexample
    assert ce.values == {"a": "1"}
    assert (ce.lhs, ce.rhs) == ("1000000000001/1000000000000", "1")


def test_false_matrix_identity_is_refuted(d: Decls) -> None:
    n = d.scalar("n", "dimension")
    a, b = d.matrix("A", n, n), d.matrix("B", n, n)
    result = d.check(R(a @ b, "=", b @ a))
    assert result.status == "disagree" and result.counterexample.values["n"] == "2"


def test_gradient_relations_keep_exact_evidence_for_the_realised_side(d: Decls) -> None:
    n = d.scalar("n", "dimension")
    v, a = d.matrix("x", n, 1), d.matrix("A", n, n)
    result = d.check(R(objects.Gradient(sympy.Trace(v.T @ a @ v), v), "=", (a + a.T) @ v))
    assert result.status == "agree" and "ε ≤ " in result.evidence
