"""A difference that is 0 without being written 0 decides no numeric verdict (red team 9, F2 and F3).

``c = log(6*y) - log(2*y) - log(3)`` is 0 for every positive ``y``, and floats, SymPy's
``N`` and its rounded signs cannot tell it from 0: they return a residue of the working
precision. So a strict inequality whose sides differ by such a ``c`` is never accepted
(``numeric``) on points where its sides are told apart at no precision tried, and a
violation at a point where a divisor is such a ``c`` (``0/0`` read as 0) is no
counterexample. The look-alikes keep their verdicts: a true strict inequality that is tight
somewhere, a gap that is tiny but certified, a false claim refuted at a point where its
divisors are certified nonzero.
"""

from __future__ import annotations

import pytest
import sympy

from derivcheck.errors import Span
from derivcheck.expr import objects
from derivcheck.expr.constants import certified_signs
from derivcheck.expr.scope import MatrixDecl, ScalarDecl, Scope
from derivcheck.check.numeric import check_numerically

SPAN = Span("test", 1, 1)
R = objects.Relation


class _Claims:
    def __init__(self) -> None:
        self.scope = Scope("test")
        self.x = self._scalar("x", real=True)
        self.z = self._scalar("z", real=True)
        self.y = self._scalar("y", positive=True)
        self.c = sympy.log(6 * self.y) - sympy.log(2 * self.y) - sympy.log(3)  # 0, not written 0

    def _scalar(self, name: str, **assumptions: bool) -> sympy.Symbol:
        s = sympy.Symbol(name, **assumptions)
        kind = "positive" if assumptions.get("positive") else "real"
        self.scope.names[name] = ScalarDecl(name, s, kind, None, SPAN)
        return s

    def verdict(self, relation: R, hypotheses: list[R] | None = None) -> tuple[str, str]:
        """``(status, detail)`` where float agreement would be the verdict: after its re-check."""
        with certified_signs():  # as while a derivation is checked
            result = check_numerically(relation, self.scope, seed=7, device="cpu", hypotheses=hypotheses or [])
            final = result.rechecked() if result.status == "agree" else result
        return str(final.status), final.detail


@pytest.fixture(scope="module")
def claims() -> _Claims:
    return _Claims()


def test_a_strict_inequality_whose_sides_differ_by_a_hidden_zero_is_not_accepted(claims: _Claims) -> None:
    x, y, c = claims.x, claims.y, claims.c
    log2, log3, log6 = sympy.log(2), sympy.log(3), sympy.log(6)  # (a file may not write this constant)
    t = sympy.tanh(log6 - log2 - log3)
    false_claims = [
        R(x + log6, ">", x + log2 + log3),
        R(sympy.tanh(x + log6) - sympy.tanh(x + log2 + log3), ">", 0),
        R(sympy.exp(x) * log6, ">", sympy.exp(x) * (log2 + log3)),
        R(x + sympy.Max(t, -t), ">", x),  # SymPy's strict N of Max(t, -t) is a residue, not a sign
        R(x ** 2 + 1, ">", 1 + sympy.Max(t, -t)),
    ]
    for claim in false_claims:
        status, detail = claims.verdict(claim)
        assert status == "inconclusive", (claim, status, detail)
        assert "not told apart" in detail or "no interval evaluation decides" in detail, detail
    # with a parameter y, some points make the constant exactly 0 (y = 1/2): refuted there, or unknown
    for claim in (R(x + sympy.log(6 * y), ">", x + sympy.log(2 * y) + sympy.log(3)),
                  R(sympy.exp(x) * sympy.log(6 * y), ">", sympy.exp(x) * (sympy.log(2 * y) + sympy.log(3))),
                  R(x + sympy.Max(sympy.tanh(c), -sympy.tanh(c)), ">", x)):
        assert claims.verdict(claim)[0] != "agree", claim


def test_a_hypothesis_whose_boundary_is_a_hidden_zero_admits_the_equality_case(claims: _Claims) -> None:
    x, c = claims.x, claims.c
    for bound in (c, -c):  # x = 0 satisfies x >= c; floats read c as -2e-16, 0 or 1e-15
        status, detail = claims.verdict(R(x, ">", 0), [R(x, ">=", bound)])
        assert status != "agree", (bound, detail)
        assert claims.verdict(R(x + 1, ">", 1), [R(x, ">=", bound)])[0] != "agree"
        # the claim's equality case exp(x) = 1 is not solved: the hypothesis's boundary decides
        assert claims.verdict(R(sympy.exp(x), ">", 1), [R(x, ">=", bound)])[0] != "agree"
    # a non-strict claim holds at the boundary whatever the constant's sign: not blocked
    assert claims.verdict(R(sympy.exp(x), ">=", sympy.exp(c)), [R(x, ">=", c)])[0] == "agree"
    # the look-alike: a boundary certified positive
    assert claims.verdict(R(x, ">", 0), [R(x, ">=", c + sympy.Rational(1, 10**40))])[0] == "agree"


def test_true_strict_inequalities_tight_somewhere_stay_accepted(claims: _Claims) -> None:
    x, y = claims.x, claims.y
    true_claims = [
        R(x ** 2 + 1, ">", 0),
        R(sympy.exp(x), ">", 0),  # below 1e-300 in float64 at large negative x
        R(1 / (1 + x ** 2), ">", 0),  # 1e-12 at x = 1e6: within the float slack
        R(x + sympy.log(7 * y), ">", x + sympy.log(2 * y) + sympy.log(3)),
        R(x + sympy.log(6 * y) + sympy.Rational(1, 10**40), ">", x + sympy.log(2 * y) + sympy.log(3)),
        R(sympy.exp(x) * sympy.log(6 * y), ">=", sympy.exp(x) * sympy.log(6 * y) - sympy.exp(-x ** 2)),
    ]
    for claim in true_claims:
        status, detail = claims.verdict(claim)
        assert status == "agree", (claim, detail)
    # an equality whose sides differ by the hidden zero holds (agreement to every precision)
    assert claims.verdict(R(claims.x + sympy.log(6 * y), "=", claims.x + sympy.log(2 * y) + sympy.log(3)))[0] == "agree"


def test_a_hidden_zero_denominator_gives_no_counterexample(claims: _Claims) -> None:
    x, y, c = claims.x, claims.y, claims.c
    true_where_defined = [
        R(x / (x + c), "=", 1),  # x = 0: 0/0, which SymPy reads as 0 once x = 0 is in
        R(x ** 2 / (x ** 2 + c), "=", 1),
        R((x ** 2 + x) / (x + c), "=", x + 1),
        R(x / (x - sympy.tanh(c)), "=", 1),
        R(x * sympy.log(x ** 2 + c) / sympy.log(x ** 2 + c), "=", x),
        R(sympy.sign(x - sympy.tanh(c)), "=", sympy.sign(x)),  # sign of a residue at x = 0
    ]
    for claim in true_where_defined:
        status, detail = claims.verdict(claim)
        assert status != "disagree", (claim, detail)


def test_false_claims_with_certified_denominators_stay_refuted(claims: _Claims) -> None:
    x, y = claims.x, claims.y
    near = sympy.log(7 * y) - sympy.log(2 * y) - sympy.log(3)  # log(7/6): certified positive
    false_claims = [
        R(x / (x + near), "=", 1),  # 0 at x = 0
        R(x / (x + 1), "=", 1),
        R(sympy.sign(x - 1), "=", sympy.sign(x)),
        R(x ** 2 / (x ** 2 + sympy.Rational(1, 10**40)), "=", 1),
    ]
    for claim in false_claims:
        status, detail = claims.verdict(claim)
        assert status == "disagree", (claim, detail)


def test_hypotheses_on_a_hidden_zero_are_not_called_inconsistent(claims: _Claims) -> None:
    from derivcheck.check.symbolic.consistency import inconsistency

    x, z, c = claims.x, claims.z, claims.c
    sympy.core.cache.clear_cache()  # no sign SymPy rounded earlier in this process
    # x = z = 0 satisfies it (tanh(c) = 0), though a rounded tanh(c) is negative
    assert inconsistency([R(x ** 2 + z ** 2, "<=", sympy.tanh(c))], ["k"], claims.scope) is None
    assert inconsistency([R(x ** 2 + z ** 2, "<=", -1 - sympy.Abs(sympy.tanh(c)))], ["k"], claims.scope) is not None


def test_a_claimed_gradient_with_a_hidden_zero_denominator_gives_no_counterexample() -> None:
    from derivcheck.check.numeric.gradient import check_gradient
    from derivcheck.check.runtime.limits import Deadline

    scope = Scope("test")
    n = sympy.Symbol("n", integer=True, positive=True)
    t = sympy.Symbol("t", real=True)
    scope.names["n"] = ScalarDecl("n", n, "dimension", None, SPAN)
    scope.names["t"] = ScalarDecl("t", t, "real", None, SPAN)
    v = sympy.MatrixSymbol("v", n, 1)
    scope.names["v"] = MatrixDecl("v", v, n, 1, frozenset(), SPAN)
    c = sympy.log(2) + sympy.log(3) - sympy.log(6)  # 2e-16 in float64: 0/c reads 0 at t = 0
    grad = objects.Gradient(sympy.Trace(v.T @ v), v)
    with certified_signs():
        for claimed, refutable in ((2 * v * t / (t + c), False), (2 * v * t / (t + 1), True)):
            result, _ = check_gradient(R(grad, "=", claimed), scope, seed=3, points=24, device="cpu",
                                       deadline=Deadline(30))
            assert (result.status == "disagree") is refutable, (claimed, result.detail)


def test_a_constant_whose_float_value_is_a_magnified_residue_decides_nothing(claims: _Claims) -> None:
    # red team 12: atan(2) + atan(3) - 3*pi/4 is 0; under a root and a factor 10**70 floats make
    # the constant -1 a huge positive number at every point, so float agreement is no evidence
    x, t = claims.x, sympy.Symbol("t", real=True)
    zero = sympy.Abs(sympy.Integral(1 / (1 + t**2), (t, 0, 2)) + sympy.Integral(1 / (1 + t**2), (t, 0, 3))
                     - 3 * sympy.pi / 4)
    minus_one = 10**70 * sympy.sqrt(zero) - 1
    from derivcheck.check.symbolic import trusted_closed_form

    with certified_signs(trusted_closed_form):
        for claim in (R(x**2 * minus_one, ">=", 0), R(minus_one * sympy.exp(x), ">", 0),
                      R(x**2 + sympy.sign(minus_one), ">", 0), R(sympy.sign(minus_one), "=", -1)):
            result = check_numerically(claim, claims.scope, seed=7, device="cpu")
            assert str(result.status) == "inconclusive" and "no settled value" in result.detail, (claim, result)
        # a constant that settles keeps its evidence: atan(2) is 1.107...
        kept = check_numerically(R(x**2 + 10**70 * sympy.sqrt(sympy.Integral(1 / (1 + t**2), (t, 0, 2))), ">", 1),
                                 claims.scope, seed=7, device="cpu")
        assert str(kept.status) == "agree", kept.detail


def test_an_equality_gap_of_a_power_of_a_tiny_quantity_is_not_agreement(claims: _Claims) -> None:
    # red team 17: sin(u) and u differ by u**3/6, log(1 + t) and t by t**2/2; with u tiny at
    # every point (1e-218) the gap (1e-652) lay below every precision tried, and the equality
    # "held": the precision now reaches past order * (digits of the tiniest quantity)
    x, y = claims.x, claims.y
    u = sympy.exp(-500 - y**2)
    t = (2 + y**2) ** -500
    for claim in (R(x * (1 + sympy.sin(u)), "=", x * (1 + u)),
                  R(x * (1 + sympy.log(1 + t)), "=", x * (1 + t)),
                  R(x * (2 + sympy.tanh(u)), "=", x * (2 + u)),
                  R(x * (1 + sympy.sin(sympy.Integer(10)**-250 * (1 + y))), "=", x * (1 + 10**-250 * (1 + y)))):
        status, detail = claims.verdict(claim)
        assert status != "agree", (claim, detail)
    # a true identity with such a quantity is never refuted, but no precision here reaches
    # past 1e-218 times the order: unknown, honestly
    status, detail = claims.verdict(R(x * (1 + sympy.sin(u)**2 + sympy.cos(u)**2), "=", 2 * x))
    assert status == "inconclusive", detail
    # with a quantity that is only small (1e-8), the precision reaches past it: agreement
    small = sympy.Integer(10)**-8 * (1 + y)
    for claim in (R(x * (1 + sympy.sin(small)**2 + sympy.cos(small)**2), "=", 2 * x),
                  R(x * sympy.exp(sympy.log(1 + small)), "=", x * (1 + small))):
        status, detail = claims.verdict(claim)
        assert status == "agree", (claim, detail)


def test_a_hypothesis_with_a_hidden_gap_admits_no_point(claims: _Claims) -> None:
    # red team 17: h: x*(1 + sin(u)) = x*(1 + u) holds only at x = 0, so the claim x = 0 is
    # true; h was taken to hold at x = 1 (gap 1e-652) and the claim refuted there
    x, y = claims.x, claims.y
    u = sympy.exp(-500 - y**2)
    status, detail = claims.verdict(R(x, "=", sympy.Integer(0)), [R(x * (1 + sympy.sin(u)), "=", x * (1 + u))])
    assert status != "disagree", detail


def test_tiny_digits_count_the_tiniest_quantity_times_the_order() -> None:
    from derivcheck.check.numeric.absorption import tiny_digits
    from derivcheck.check.numeric.point_values import PointValues

    x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
    at = PointValues({x: sympy.Rational(1, 10**300), y: sympy.Rational(1, 2)}, {})
    plain = PointValues({x: sympy.Rational(1, 3), y: sympy.Rational(1, 2)}, {})
    entry = [sympy.exp(x), 1 + x]
    assert tiny_digits(entry, at) >= 3 * 300  # exp(x) - 1 - x is x**2/2: 600 digits and more
    assert tiny_digits(entry, plain) == 0  # 1/3 hides nothing
    # a cancellation is no tiny quantity: sin**2 + cos**2 - 1 reads as its largest term
    assert tiny_digits([sympy.sin(y)**2 + sympy.cos(y)**2 - 1, sympy.Integer(0)], plain) == 0
    # a tiny quantity that nothing absorbs hides nothing: log(x**2) against 2*log(x) at 1e-300
    assert tiny_digits([sympy.log(x**2), 2 * sympy.log(x)], at) == 0
    assert tiny_digits([1 + sympy.sin(x), 1 + x], at) >= 3 * 300  # 1 + ... absorbs x
