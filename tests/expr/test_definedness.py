"""Rule 32: what an expression needs to have a value is recorded before SymPy cancels it,
and a relation whose conditions hold nowhere its hypotheses hold is never accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from derivcheck.check.pipeline.derivation import check_derivation
from derivcheck.check.symbolic import declared_invertible, divergence, nonzero_at
from derivcheck.expr.parser import parse_expression, parse_relation
from derivcheck.format.loader import load_derivation
from derivcheck.model import Options, Verdict
from test_parser import make_scope, text

SCOPE = make_scope({"x, y": "real", "p": "positive", "m": "natural", "C, D": "matrix[3, 3]",
                    "G": "invertible matrix[3, 3]"},
                   define={"r(u)": "u/(u - 1)", "s": "x/(y - 1)"})


def conditions(value: str) -> list[tuple[str, str]]:
    found: list = []
    parse_expression(text(value), SCOPE, found)
    return [(c.kind, sympy.sstr(c.expr)) for c in found]


def test_denominators_are_recorded_before_sympy_cancels_them() -> None:
    assert parse_expression(text("(x - y)/(x - y)"), SCOPE) == 1
    assert conditions("(x - y)/(x - y)") == [("nonzero", "x - y")]
    assert conditions("trace(C - C.T)/trace(C - C.T)") == [("nonzero", "Trace(C - C.T)")]
    assert conditions("(x - y)**-2 * (x - y)**2") == [("nonzero", "x - y")]
    assert conditions("inv(C @ D) @ (C @ D)") == [("invertible", "C*D")]
    assert conditions("Sum(1/i, (i, 1, oo)) - Sum(1/j, (j, 1, oo))") == [
        ("convergent", "Sum(1/i, (i, 1, oo))"), ("convergent", "Sum(1/j, (j, 1, oo))")]


def test_trivial_and_bound_conditions_are_not_recorded() -> None:
    assert conditions("x/2 + x/p + x**2 + 2**x") == []
    assert conditions("Sum(1/i, (i, 1, m))") == []  # a term's condition (rule 18), not the point's
    assert conditions("Integral(1/(t**2 + 1), (t, 0, 1))") == []


def test_definitions_carry_their_conditions_with_arguments_put_in() -> None:
    assert conditions("r(x + 1)") == [("nonzero", "x")]
    assert conditions("s") == [("nonzero", "y - 1")]


def test_a_relation_records_each_side() -> None:
    found: list = []
    parse_relation(text("x/x = y/y"), SCOPE, conditions=found)
    assert [(c.side, sympy.sstr(c.expr)) for c in found] == [("left", "x"), ("right", "y")]


def test_divergence_of_infinite_sums() -> None:
    i = sympy.Symbol("i", integer=True)
    assert divergence(sympy.Sum(1 / i**2, (i, 1, sympy.oo))) is None
    assert divergence(sympy.Sum((-1) ** i / i, (i, 1, sympy.oo))) is None
    assert divergence(sympy.Sum(1 / i, (i, 1, sympy.oo))) is not None
    assert divergence(sympy.Product(2, (i, 1, sympy.oo))) is not None


def test_exact_points_and_declared_invertibility() -> None:
    x, y = (SCOPE.names[n].symbol for n in ("x", "y"))
    assert nonzero_at(x - y, (), SCOPE) is not None
    assert nonzero_at(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1, (), SCOPE) is None
    h = parse_relation(text("x = y"), SCOPE)
    assert nonzero_at(x - y, (h,), SCOPE) is None
    G, C = SCOPE.names["G"].symbol, SCOPE.names["C"].symbol
    assert declared_invertible(G.T * sympy.Inverse(G) * 2, SCOPE)
    assert not declared_invertible(G * C, SCOPE)


def _outcome(tmp_path: Path, body: str, options: Options = Options()):
    path = tmp_path / "t.deriv.yaml"
    path.write_text("derivation: t\ntitle: t\n" + body, encoding="utf-8")
    (outcome,) = check_derivation(load_derivation(str(path)), options).outcomes
    return outcome


@pytest.mark.slow
@pytest.mark.parametrize("numeric", [True, False])
def test_valueless_relations_are_unknown_and_thin_zeros_are_not(tmp_path: Path, numeric: bool) -> None:
    options = Options(numeric=numeric)
    skew = _outcome(tmp_path, "symbols:\n  C: matrix[3, 3]\nsteps:\n  - claim: trace(C - C.T)/trace(C - C.T) = 1\n",
                    options)
    assert skew.verdict is Verdict.UNKNOWN and "no value" in skew.detail
    hyp = _outcome(tmp_path, "symbols:\n  x, y: real\ngiven:\n  h: x = y\n"
                   "steps:\n  - claim: (x - y)/(x - y) = 1\n    using: [h]\n", options)
    assert hyp.verdict is Verdict.UNKNOWN and "x - y" in hyp.detail
    thin = _outcome(tmp_path, "symbols:\n  x, y: real\nsteps:\n  - claim: (x - y)/(x - y) = 1\n", options)
    assert thin.verdict is Verdict.PROVED, thin.detail


def test_conditions_inside_a_derivative_in_a_closed_domain_are_the_declared_variables() -> None:
    scope = make_scope({"w": "nonnegative", "x": "real"})
    found: list = []
    parse_expression(text("diff(w*(w - 1)/(w - 1), w)"), scope, found)
    assert [sympy.sstr(c.expr) for c in found] == ["w - 1"]
    assert found[0].expr.free_symbols == {scope.names["w"].symbol}


def test_exact_points_respect_declared_intervals() -> None:
    scope = make_scope({"a, b": "real in (0, 1)", "c": "real in [2, oo)"})
    a, b, c = (scope.names[n].symbol for n in ("a", "b", "c"))
    point = nonzero_at((1 - a) * (1 - b) * (c - 2), (), scope)
    assert point is not None and "a = 1/3" in point and "c = 7/3" in point


def test_convergence_is_judged_where_the_declarations_allow() -> None:
    from derivcheck.check.symbolic import declared_value

    i = sympy.Symbol("i", integer=True)
    wide, narrow = make_scope({"x": "real in [2, 3]"}), make_scope({"x": "real in (-1/2, 1/2)"})
    for scope, diverges in ((wide, True), (narrow, False)):
        x = scope.names["x"].symbol
        why = divergence(sympy.Sum(x**i, (i, 0, sympy.oo)), declared_value(scope))
        assert (why is not None) is diverges, why


def test_the_sampled_test_takes_the_least_size_not_a_product_that_may_cancel() -> None:
    import sympy

    from derivcheck.check.pipeline.definedness import _least_size

    n = sympy.Symbol("n", integer=True, positive=True)
    z = sympy.MatrixSymbol("z", n, 1)
    s = sympy.OneMatrix(1, n) @ z  # a 1x1 divisor counts as its entry
    x = sympy.Symbol("x")
    least = _least_size([s, x, 1 / x])
    assert least.has(sympy.Trace) and isinstance(least, sympy.Min)
    assert least.xreplace({x: 2}).has(sympy.Trace)  # no cancellation of x against 1/x
    assert _least_size([x]) == x
