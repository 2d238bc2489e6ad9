"""Gradient relations against torch autograd (derivcheck/check/numeric/gradient.py).

True gradients agree under autograd at several shapes (non-square included);
false ones are refuted only after a 60-digit central difference confirms them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from derivcheck.check.numeric.gradient import AutogradTrial, check_gradient, gradient_parts
from derivcheck.check.pipeline.items import build_items
from derivcheck.check.runtime.limits import Deadline
from derivcheck.check.numeric.sampling import point_at
from derivcheck.expr import objects
from derivcheck.expr.declarations import build_scope
from derivcheck.expr.parser import parse_expression, parse_relation
from derivcheck.format.loader import load_derivation
from test_numeric import Decls, R
from repo_paths import REPO



def autograd(d: Decls, relation: R, seed: int = 3):  # type: ignore[no-untyped-def]
    result, disputed = check_gradient(relation, d.scope, seed=seed, points=24, device="cpu",
                                      deadline=Deadline(30))
    assert not disputed
    return result


@pytest.fixture()
def quadratic() -> tuple[Decls, sympy.MatrixSymbol, sympy.MatrixSymbol, sympy.MatrixSymbol]:
    d = Decls()
    n = d.scalar("n", "dimension")
    return d, d.matrix("x", n, 1), d.matrix("A", n, n), d.matrix("S", n, n, "symmetric")


def test_gradient_parts_finds_either_side(quadratic) -> None:  # type: ignore[no-untyped-def]
    d, x, a, _ = quadratic
    g = objects.Gradient(sympy.Trace(x.T @ a @ x), x)
    assert gradient_parts(R(g, "=", a @ x)) == (g, a @ x)
    assert gradient_parts(R(a @ x, "=", g)) == (g, a @ x)
    assert gradient_parts(R(a @ x, "=", 2 * a @ x)) is None


def test_quadratic_form_gradient_agrees_and_its_symmetric_shortcut_is_refuted(quadratic) -> None:  # type: ignore[no-untyped-def]
    d, x, a, s = quadratic
    grad = lambda m: objects.Gradient(sympy.Trace(x.T @ m @ x), x)  # noqa: E731
    good = autograd(d, R(grad(a), "=", (a + a.T) @ x))
    assert good.status == "agree" and good.evidence.startswith("torch autograd at 96 points, n = ")
    assert "1e-7" in good.evidence and "1e-9" in good.evidence
    wrong = autograd(d, R(grad(a), "=", 2 * a @ x))
    assert wrong.status == "disagree" and "central difference" in wrong.detail
    ce = wrong.counterexample
    assert ce.values["n"] == "2" and ce.lhs != ce.rhs
    assert set(ce.values["A"]) <= set("[], -0123/")  # shrunk to small numbers
    assert autograd(d, R(grad(s), "=", 2 * s @ x)).status == "agree"  # true for a symmetric matrix


def test_gradient_with_respect_to_a_matrix_on_non_square_shapes() -> None:
    d = Decls()
    n, k = d.scalar("n", "dimension"), d.scalar("k", "dimension")
    x, y, b = d.matrix("x", n, 1), d.matrix("y", k, 1), d.matrix("B", n, k)
    f = sympy.Trace(x.T @ b @ y)
    result = autograd(d, R(objects.Gradient(f, b), "=", x @ y.T))
    assert result.status == "agree" and "n, k = (1, 1), (3, 4)," in result.evidence  # non-square
    wrong = autograd(d, R(objects.Gradient(f, b), "=", 2 * x @ y.T))
    assert wrong.status == "disagree"


FC = REPO / "derivations" / "s4-1-fc-layer-gradients.deriv.yaml"


def _fc_items():  # type: ignore[no-untyped-def]
    derivation = load_derivation(str(FC))
    scope = build_scope(derivation)
    items = [i for i in build_items(derivation, scope, parse_expression, parse_relation) if i.key.startswith("check")]
    return scope, items


def test_fc_layer_gradients_agree_under_autograd() -> None:
    scope, items = _fc_items()
    assert len(items) == 3
    for item in items:
        result, disputed = check_gradient(item.relation, scope, seed=0, points=24, device="cpu",
                                          deadline=Deadline(30))
        assert not disputed
        assert result.status == "agree", (item.label, result.detail)
        assert "N, D, M = (1, 1, 1), (2, 3, 4)" in result.evidence  # the smallest, then distinct sizes


def test_fc_layer_with_w_instead_of_its_transpose_is_refuted() -> None:
    d = Decls()
    n, m = d.scalar("N", "dimension"), d.scalar("M", "dimension")
    x, w, b = d.matrix("X", n, m), d.matrix("W", m, m), d.matrix("b", 1, m)
    loss = d.function("L", (n, m))
    y = x @ w + sympy.OneMatrix(n, 1) @ b
    lhs = objects.Gradient(loss(y), x)
    assert autograd(d, R(lhs, "=", objects.FunctionGradient(loss(y)) @ w.T)).status == "agree"
    wrong = autograd(d, R(lhs, "=", objects.FunctionGradient(loss(y)) @ w))
    assert wrong.status == "disagree" and int(wrong.counterexample.values["M"]) >= 2
    assert "central difference" in wrong.detail


def test_confirmation_rejects_a_point_where_the_claim_holds(quadratic) -> None:  # type: ignore[no-untyped-def]
    d, x, a, _ = quadratic
    g = objects.Gradient(sympy.Trace(x.T @ a @ x), x)
    n = next(iter(d.scope.names.values())).symbol
    good = AutogradTrial.build(g, (a + a.T) @ x, d.scope, {n: 2}, 0, "cpu")
    bad = AutogradTrial.build(g, 2 * a @ x, d.scope, {n: 2}, 0, "cpu")
    for trial in (good, bad):
        trial.run(8, 1)
    point = point_at(bad.params, bad.batch, bad.failing[0])
    assert good.failing == [] and good.confirm(point, 0) is None
    assert bad.confirm(point, 0) is not None


def test_pipeline_routes_gradient_relations_through_autograd(quadratic) -> None:  # type: ignore[no-untyped-def]
    d, x, a, _ = quadratic
    g = objects.Gradient(sympy.Trace(x.T @ a @ x), x)
    result = d.check(R(g, "=", (a + a.T) @ x))
    assert result.status == "agree" and result.evidence.startswith("torch autograd")
    assert "realised by SymPy diff: ε ≤ " in result.evidence  # the exact evidence of the realised side
    # with hypotheses, only the realised check runs
    c = d.scalar("c")
    assert "autograd" not in d.check(R(g, "=", (a + a.T) @ x), hypotheses=[R(c, "=", sympy.Integer(1))]).evidence


@pytest.mark.slow
def test_quadratic_gradient_file_and_mutant_end_to_end() -> None:
    from derivcheck.check.pipeline.derivation import check_derivation
    from derivcheck.model import Options, Verdict

    report = check_derivation(load_derivation(str(REPO / "derivations" / "s2-5-1-quadratic-gradient.deriv.yaml")),
                              Options())
    outcomes = {o.item: o for o in report.outcomes}
    assert all(o.passed for o in report.outcomes)
    assert "cross-checked: torch autograd" in outcomes["check-1"].detail
    assert outcomes["check-3"].verdict is Verdict.REFUTED
    mutant = check_derivation(load_derivation(str(
        REPO / "tests" / "data" / "mutants" / "s2-5-1-quadratic-gradient--symmetric-assumed.deriv.yaml")), Options())
    first = {o.item: o for o in mutant.outcomes}["check-1"]
    assert first.verdict is Verdict.REFUTED and first.counterexample.values["d"] == "2"
