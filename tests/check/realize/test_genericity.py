"""Finite probability spaces rich enough for the declared model (check/realize/finite_space.py,
check/realize/genericity.py): exactly the declared independence, and the Jacobian rank test."""

from __future__ import annotations

import sympy

from derivcheck.check.realize import genericity
from derivcheck.check.realize.finite_space import build_space
from derivcheck.check.numeric import check_numerically
from derivcheck.errors import Span
from derivcheck.expr import objects
from derivcheck.expr.scope import RandomDecl, Scope

SPAN = Span("test", 1, 1)
E, Var, Cov = objects.Expectation, objects.Variance, objects.Covariance
R = objects.Relation


def _scope(names: str, independent: list[str] = ()) -> tuple[Scope, list[sympy.Symbol]]:
    scope = Scope("test")
    out = []
    for name in names.split():
        s = sympy.Symbol(name, real=True)
        scope.names[name] = RandomDecl(name, s, None, SPAN)
        out.append(s)
    scope.independent = [frozenset(g.split()) for g in independent]
    return scope, out


def _certify(sides: list, atoms: list, scope: Scope, **kw) -> str | None:  # type: ignore[type-arg]
    moments = genericity.needed_moments(sides, atoms)
    space = build_space(atoms, scope, 3, moments.interactions(), **kw)
    return genericity.certify(space, moments)


def test_pairwise_independence_is_realised_without_mutual_independence() -> None:
    scope, (x, y, z) = _scope("X Y Z", ["X Y", "X Z", "Y Z"])
    space = build_space([x, y, z], scope, 3, [frozenset({x, y, z})])
    for a, b in ((x, y), (x, z), (y, z)):  # each pair factors exactly
        assert sympy.expand(space.expectation(a * b) - space.expectation(a) * space.expectation(b)) == 0
    triple = space.expectation(x * y * z) - space.expectation(x) * space.expectation(y) * space.expectation(z)
    assert sympy.expand(triple) != 0  # the three together are not independent
    # the parity block: X = f(U1, .), Y = g(U2, .), Z = h(U1 + U2 mod 2, .)
    assert sum(1 for f in space.factors if f.uniform) == 2


def test_mutual_independence_where_one_group_holds_the_set() -> None:
    scope, (x, y, z) = _scope("X Y Z", ["X Y Z"])
    space = build_space([x, y, z], scope, 3, [frozenset({x, y, z})])
    triple = space.expectation(x * y * z) - space.expectation(x) * space.expectation(y) * space.expectation(z)
    assert sympy.expand(triple) == 0


def test_members_of_different_groups_may_depend() -> None:
    scope, (x, y, z, w) = _scope("X Y Z W", ["X Y", "Z W"])
    space = build_space([x, y, z, w], scope, 3)
    cov = sympy.expand(space.expectation(y * w) - space.expectation(y) * space.expectation(w))
    assert cov != 0
    assert sympy.expand(space.expectation(x * y) - space.expectation(x) * space.expectation(y)) == 0


def test_rank_test_finds_a_space_too_small_for_the_moments() -> None:
    scope, (x, y, z) = _scope("X Y Z", ["X Y", "X Z", "Y Z"])
    claim = [E(x * y * z), E(x) * E(y) * E(z)]
    # without the parity block the three are mutually independent: E(XYZ) is no coordinate of its own
    moments = genericity.needed_moments(claim, [x, y, z])
    mutual = build_space([x, y, z], scope, 3)
    reason = genericity.certify(mutual, moments)
    assert reason is not None and "4 moments" in reason and "only 3 degrees of freedom" in reason
    assert _certify(claim, [x, y, z], scope) is None  # with it, generic


def test_covariance_matrix_of_five_needs_six_outcomes() -> None:
    scope, xs = _scope("X1 X2 X3 X4 X5")
    covs = [Cov(a, b) for i, a in enumerate(xs) for b in xs[i:]]
    moments = genericity.needed_moments(covs, xs)
    for extra, generic in ((2, False), (3, True)):  # one shared factor of 5, then 6 outcomes
        space = build_space(xs, scope, 3, (), extra)
        assert space.factors[0].size == 3 + extra
        assert (genericity.certify(space, moments) is None) is generic


def test_non_polynomial_moments_are_not_certified() -> None:
    scope, (x, y) = _scope("X Y")
    reason = _certify([E(sympy.exp(x) * y)], [x, y], scope)
    assert reason is not None and "not a polynomial" in reason


def test_agreement_on_a_space_too_small_is_unknown(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    scope, (x, y, z) = _scope("X Y Z", ["X Y", "X Z", "Y Z"])
    claim = R(E(x * y * z), "=", E(x) * E(y) * E(z))
    assert check_numerically(claim, scope, seed=1, device="cpu").status == "disagree"
    # the same claim on spaces without parity blocks (mutual independence): agreement, but no evidence
    monkeypatch.setattr(genericity.Moments, "interactions", lambda self: [])
    result = check_numerically(claim, scope, seed=1, device="cpu")
    assert result.status == "inconclusive" and "degrees of freedom" in result.detail


def test_true_statements_under_pairwise_independence_agree() -> None:
    scope, (x, y, z) = _scope("X Y Z", ["X Y", "X Z", "Y Z"])
    var_sum = R(Var(x + y + z), "=", Var(x) + Var(y) + Var(z))
    result = check_numerically(var_sum, scope, seed=3, device="cpu")
    assert result.status == "agree" and "ε" in result.evidence and "generic" in result.evidence
    assert check_numerically(R(Cov(x * y, z), "=", E(x * y * z) - E(x) * E(y) * E(z)), scope,
                             seed=3, device="cpu").status == "agree"


def test_normal_moments_multiply_only_under_mutual_independence() -> None:
    import pytest

    from derivcheck.check.realize.realizer import RealizeError

    scope = Scope("test")
    zs = []
    for name in ("Z1", "Z2", "Z3"):
        s = sympy.Symbol(name, real=True)
        scope.names[name] = RandomDecl(name, s, ("normal", (sympy.Integer(1), sympy.Integer(2))), SPAN)
        zs.append(s)
    scope.independent = [frozenset({"Z1", "Z2"}), frozenset({"Z1", "Z3"}), frozenset({"Z2", "Z3"})]
    space = build_space(zs, scope, 3)
    assert space.expectation(zs[0] * zs[1] + zs[2]) == 2  # each term within one group
    with pytest.raises(RealizeError, match="in no one group"):
        space.expectation(zs[0] * zs[1] * zs[2])  # pairwise only: E(Z1 Z2 Z3) is not 1
    scope.independent = [frozenset({"Z1", "Z2", "Z3"})]
    assert build_space(zs, scope, 3).expectation(zs[0] * zs[1] * zs[2]) == 1
