"""Constants that are 0 without being written 0 (derivcheck/expr/constants.py and
``provably_nonzero`` in inequalities.py), and the places that divide by, pivot on or solve
through a coefficient: a hypothesis ``c*x = 0`` with ``c = log(6) - log(2) - log(3)`` is
``0 = 0`` and says nothing of ``x``.

Built directly from SymPy objects and a hand-made Scope (as in ``test_consistency.py``).
"""

from __future__ import annotations

import pytest
import sympy

from derivcheck.check.symbolic import trusted_closed_form
from derivcheck.check.symbolic.conditions import Condition, eliminate
from derivcheck.expr.constants import certified_signs, constant_sign, enclosable, number_sign, settled_number
from derivcheck.check.symbolic.defined_at import declared_invertible, declared_nonzero, uncertified_constant
from derivcheck.check.symbolic.hypotheses import solve_for_entry, solve_for_lone_factor, solve_for_lone_symbol
from derivcheck.check.symbolic.inequalities import positive, provably_nonzero
from derivcheck.errors import Span
from derivcheck.expr.scope import MatrixDecl, ScalarDecl, Scope

SPAN = Span("test", 1, 1)
t, i = sympy.symbols("t i", integer=True)
ZERO = sympy.log(6) - sympy.log(2) - sympy.log(3)
HIDDEN_ZEROS = [
    ZERO, sympy.Abs(ZERO), sympy.sqrt(ZERO), sympy.sin(ZERO), sympy.tanh(ZERO), sympy.exp(ZERO) - 1,
    ZERO**3, sympy.Integral(t, (t, -1, 1)), sympy.Sum((-1) ** i, (i, 1, 2)), sympy.sign(ZERO),
    sympy.asin(ZERO), sympy.erf(ZERO), sympy.sqrt(2) * sympy.sqrt(3) - sympy.sqrt(6) + ZERO,
]
NONZEROS = [sympy.log(6) - sympy.log(2), sympy.Integer(2), sympy.Rational(-1, 3), sympy.sqrt(2), sympy.pi - 3,
            sympy.exp(sympy.pi * sympy.sqrt(163)) - 640320**3 - 744, sympy.Integral(t, (t, 0, 1)), 2**sympy.pi,
            sympy.Abs(sympy.log(2) - 1)]


def scope_with(matrix: tuple[int, int] | None = None, **kinds: str) -> tuple[Scope, dict[str, sympy.Basic]]:
    scope, symbols = Scope("test"), {}
    for name, kind in kinds.items():
        s = sympy.Symbol(name, real=True) if kind == "real" else sympy.Symbol(name, positive=True)
        scope.names[name] = ScalarDecl(name, s, kind, None, SPAN)
        symbols[name] = s
    if matrix is not None:
        a = sympy.MatrixSymbol("A", *matrix)
        scope.names["A"] = MatrixDecl("A", a, sympy.Integer(matrix[0]), sympy.Integer(matrix[1]), frozenset(), SPAN)
        symbols["A"] = a
    return scope, symbols


@pytest.mark.parametrize("constant", HIDDEN_ZEROS, ids=str)
def test_a_hidden_zero_has_no_certified_sign(constant: sympy.Expr) -> None:
    assert constant_sign(constant) in (None, 0)
    assert not provably_nonzero(constant)


@pytest.mark.parametrize("constant", NONZEROS, ids=str)
def test_a_nonzero_constant_is_certified(constant: sympy.Expr) -> None:
    with certified_signs(trusted_closed_form):  # integrals take the checker's trusted closed forms
        assert constant_sign(constant) in (1, -1)
        assert provably_nonzero(constant)
        assert constant_sign(-constant) == -constant_sign(constant)


def test_sympy_itself_misjudges_such_a_constant() -> None:
    # why the enclosure is needed: SymPy calls tanh(0) "negative" when 0 is written log(6) - log(2) - log(3)
    assert sympy.tanh(ZERO).is_zero is False
    scope, _ = scope_with()
    assert not positive(-sympy.tanh(ZERO), scope) and not positive(sympy.tanh(ZERO), scope)


def test_within_a_check_sympy_reads_a_constant_sign_only_as_certified() -> None:
    # a strategy can make such a constant at any point (logs split over a positive y, a
    # substitution): while a derivation is checked SymPy's own sign of it is withheld
    x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", positive=True)
    with certified_signs():
        sympy.core.cache.clear_cache()
        made = sympy.tanh(sympy.expand_log(sympy.log(6*y) - sympy.log(2*y) - sympy.log(3), force=True))
        assert made.is_negative is None and made.is_zero is None
        assert (x**2 - made).is_positive is None
        assert not isinstance(made > 0, sympy.logic.boolalg.BooleanAtom)
        # what can be told stays told: a certified sign, an exact algebraic zero, a complex number
        assert (sympy.pi - 3).is_positive and (sympy.sqrt(2) > 1) is sympy.true
        assert (sympy.sqrt(3 + 2*sympy.sqrt(2)) - sympy.sqrt(2) - 1).is_zero
        assert (1 + sympy.I).is_positive is False and (sympy.atan(2) - 1).is_positive
        # a constant outside the enclosure keeps SymPy's sign only when 30 digits confirm it
        assert (sympy.atan(2) + sympy.atan(sympy.Rational(1, 2)) - sympy.pi/2).is_positive is None
    sympy.core.cache.clear_cache()
    assert sympy.tanh(ZERO).is_negative  # SymPy's own behaviour is back outside


def test_a_jump_or_an_integral_never_takes_a_rounded_sign() -> None:
    # sign() of an integral that is 0 evaluates to sign(3.5e-220) = 1: a rounded value a whole
    # unit off, and SymPy's quadrature besides; such a constant takes only a certified sign
    x, t = sympy.Symbol("x", real=True), sympy.Symbol("t", real=True)
    zero = sympy.Integral(sympy.tanh(t + sympy.log(6)) - sympy.tanh(t + sympy.log(2) + sympy.log(3)), (t, 0, 1))
    nonzero = sympy.Integral(sympy.tanh(t + sympy.log(6)) - sympy.tanh(t + sympy.log(5)), (t, 0, 1))
    with certified_signs(trusted_closed_form):
        sympy.core.cache.clear_cache()
        jump = sympy.sign(zero)
        assert jump.is_positive is None and jump.is_zero is None
        assert (x**2 + jump).is_positive is None
        assert number_sign(jump, 1) is None and number_sign(sympy.atan(2) + sympy.sign(ZERO), 1) is None
        assert sympy.sign(nonzero) == 1 and (x**2 + sympy.sign(nonzero)).is_positive
    sympy.core.cache.clear_cache()


def test_a_wrong_closed_form_gives_no_sign() -> None:
    # SymPy's doit says 0 for this series of positive terms (log(2)/2) and 0 for the smooth
    # integral (1.69): a constant's sign takes only the closed forms the checker trusts
    i, t = sympy.Symbol("i", integer=True), sympy.Symbol("t", real=True)
    series = sympy.Sum(1 / (4*i - 3) + 1 / (4*i - 1) - 1 / (2*i - 1), (i, 1, sympy.oo))
    integral = sympy.Integral(sympy.exp(-t**4), (t, -1, 1))
    assert series.doit() == 0 and integral.doit() == 0
    with certified_signs(trusted_closed_form):
        sympy.core.cache.clear_cache()
        assert constant_sign(series) is None and constant_sign(integral) is None
        assert series.is_zero is None and (series <= 0) not in (sympy.true, sympy.false)
        assert constant_sign(sympy.Sum(1 / i**2, (i, 1, sympy.oo))) == 1  # pi**2/6, agreeing with its partial sums
        assert constant_sign(sympy.Sum(i, (i, 1, 10)) - 55) == 0
    sympy.core.cache.clear_cache()


def test_a_magnified_residue_is_no_sign() -> None:
    # atan(2) + atan(3) - 3*pi/4 is 0; SymPy's 30-digit value of 10**70*sqrt(|that|) - 1 is 3.1e9,
    # its 90-digit value near -1: a sign outside the enclosure needs the two to agree (red team 12)
    minus_one = 10**70 * sympy.sqrt(sympy.Abs(sympy.atan(2) + sympy.atan(3) - 3 * sympy.pi / 4)) - 1
    assert number_sign(minus_one, 1) is None and settled_number(minus_one) is None
    with certified_signs():
        sympy.core.cache.clear_cache()
        assert minus_one.is_positive is None and sympy.sign(minus_one).is_positive is None
        assert (sympy.atan(2) - 1).is_positive  # a sign that two precisions agree on is kept
    sympy.core.cache.clear_cache()
    assert abs(settled_number(sympy.atan(2)) - sympy.Float("1.10714871779409050301706546018", 30)) < 1e-25


def test_a_flattened_residue_is_no_value_and_a_long_sum_no_closed_form() -> None:
    # red team 13: tanh(10**1000*c) for the 0 c = |atan(2) + atan(3) - 3*pi/4| is 1 at 30 and at
    # 90 digits; each sum inside a constant must settle clear of a cancellation itself
    c = sympy.Abs(sympy.atan(2) + sympy.atan(3) - 3 * sympy.pi / 4)
    assert settled_number(sympy.tanh(10**1000 * c)) is None and settled_number(c**sympy.Rational(1, 10**30)) is None
    assert settled_number(sympy.tanh(sympy.atan(2) + 1)) is not None
    k = sympy.Symbol("k", integer=True)
    assert trusted_closed_form(sympy.Sum(1 / k, (k, 1, 10**20))) is None  # harmonic(10**20) never ends
    assert trusted_closed_form(sympy.Sum(1 / k, (k, 1, 4))) == sympy.Rational(25, 12)


def test_max_min_and_sign_are_enclosed() -> None:
    # so a hidden zero made with Max is refused where it is written (rule 35), like one made with log
    big = sympy.Max(sympy.log(6), sympy.log(2) + sympy.log(3))
    assert enclosable(big - sympy.log(6)) and constant_sign(big - sympy.log(6)) is None
    assert constant_sign(sympy.Max(sympy.log(6), sympy.log(2) + sympy.log(3) + sympy.Rational(1, 10)) - sympy.log(6)) == 1
    assert constant_sign(sympy.Min(sympy.log(5), sympy.pi) - sympy.log(6)) == -1
    assert constant_sign(sympy.sign(ZERO) + 2) == 1 and constant_sign(sympy.sign(ZERO)) is None
    exact_zero = sympy.Add(sympy.sign(sympy.log(5) - sympy.log(6), evaluate=False), 1, evaluate=False)
    assert constant_sign(exact_zero) is None  # 0, which an interval never certifies


def test_a_hidden_zero_coefficient_is_never_solved_for() -> None:
    scope, s = scope_with(matrix=(2, 2), x="real", y="real")
    x, a = s["x"], s["A"]
    for coefficient in HIDDEN_ZEROS:
        assert solve_for_lone_symbol(coefficient * x, sympy.Integer(0)) is None
        assert solve_for_entry(coefficient * a[0, 0], sympy.Integer(0), scope) is None
    m, v = sympy.MatrixSymbol("M", 2, 2), sympy.MatrixSymbol("V", 2, 2)
    assert solve_for_lone_factor(ZERO * m * v, sympy.ZeroMatrix(2, 2), {v}) is None
    assert solve_for_lone_factor(x * m * v, sympy.ZeroMatrix(2, 2), {v}) is None  # x may be 0


def test_a_nonzero_coefficient_is_still_solved_for() -> None:
    scope, s = scope_with(matrix=(2, 2), x="real", p="positive")
    x, a = s["x"], s["A"]
    assert solve_for_lone_symbol(sympy.sqrt(2) * x, sympy.Integer(1)) == (x, 1 / sympy.sqrt(2))
    assert solve_for_lone_symbol(2 * x + 1, sympy.Integer(0)) == (x, sympy.Rational(-1, 2))
    for coefficient in (sympy.Integer(2), sympy.sqrt(3), sympy.exp(sympy.pi)):
        solved = solve_for_entry(coefficient * a[0, 0], sympy.Integer(0), scope)
        assert solved is not None and solved[1][0, 0] == 0
    m, v = sympy.MatrixSymbol("M", 2, 2), sympy.MatrixSymbol("V", 2, 2)
    assert solve_for_lone_factor(s["p"] * m * v, sympy.ZeroMatrix(2, 2), {v}) is not None  # p > 0 declared


def test_an_order_hypothesis_never_pivots_on_a_hidden_zero() -> None:
    # Abs(c)*x + y >= y is 0 >= 0: it must not become x = G/Abs(c) with G >= 0
    scope, s = scope_with(x="real", y="real")
    x = s["x"]
    for coefficient in (sympy.Abs(ZERO), sympy.sqrt(ZERO), sympy.tanh(ZERO), -sympy.tanh(ZERO)):
        _, _, used = eliminate(x, [Condition(sympy.expand(coefficient * x), False)], scope)
        assert used == []
    _, _, used = eliminate(x, [Condition((sympy.log(6) - sympy.log(2)) * x, False)], scope)
    assert used and used[0].startswith("x = ")


def test_declared_nonzero_and_invertible_need_certified_scalars() -> None:
    a = sympy.MatrixSymbol("B", 2, 2)
    scope = Scope("test")
    scope.names["B"] = MatrixDecl("B", a, sympy.Integer(2), sympy.Integer(2), frozenset({"invertible"}), SPAN)
    assert declared_invertible(sympy.sqrt(2) * a, scope) and not declared_invertible(ZERO * a, scope)
    assert declared_nonzero(sympy.pi * sympy.Determinant(a), scope)
    assert not declared_nonzero(sympy.Abs(ZERO) * sympy.Determinant(a), scope)


def test_a_constant_denominator_must_be_certified() -> None:
    x = sympy.Symbol("x", real=True)
    assert uncertified_constant(ZERO * x) == (ZERO, None)
    assert uncertified_constant(sympy.Abs(ZERO)) == (sympy.Abs(ZERO), None)
    with certified_signs(trusted_closed_form):
        assert uncertified_constant(sympy.Integral(t, (t, -1, 1))) == (sympy.Integral(t, (t, -1, 1)), 0)
    assert uncertified_constant(sympy.Integral(t, (t, -1, 1))) == (sympy.Integral(t, (t, -1, 1)), None)  # no closed forms
    assert uncertified_constant(sympy.sqrt(2) * x) is None and uncertified_constant(3 * x) is None
