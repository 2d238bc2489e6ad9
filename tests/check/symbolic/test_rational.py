"""Rational identities at literal sizes (derivcheck/check/symbolic/rational.py): the exact
grid and fraction-free arithmetic prove true identities, and none of their false
look-alikes; the degree bounds the grid rests on are upper bounds."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcheck.check.realize import degree_bound
from derivcheck.check.symbolic import prove
from derivcheck.check.symbolic.rational import _grid_degrees, equal_as_fractions, vanishes_on_grids, written_out
from derivcheck.expr.objects import Relation
from symbolic_helpers import scope_with

x, y, z = sympy.symbols("x y z", real=True)
VARIABLES = (x, y, z)


def _scope():
    return scope_with(x="real", y="real", n="dimension", M="matrix 2 2", A="matrix 3 3", B="matrix 3 3",
                      S="symmetric matrix 3 3", C="matrix n n", N="matrix 4 4", X="random")


def _both(lhs, rhs, scope):
    return vanishes_on_grids(lhs, rhs, scope), equal_as_fractions(lhs, rhs, scope)


# -- the degree bound is an upper bound --------------------------------------------------

def _expressions() -> st.SearchStrategy:
    leaves = st.sampled_from([x, y, z]) | st.integers(-3, 3).map(sympy.Integer)

    def extend(children: st.SearchStrategy) -> st.SearchStrategy:
        pairs = st.tuples(children, children)
        return (pairs.map(lambda p: sympy.Add(*p)) | pairs.map(lambda p: sympy.Mul(*p))
                | pairs.map(lambda p: p[0] - p[1])
                | st.tuples(children, st.integers(-2, 3)).map(lambda p: sympy.Pow(*p)))

    return st.recursive(leaves, extend, max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(_expressions())
def test_per_variable_degree_bounds_bound_the_true_degrees(expr) -> None:
    if expr.has(sympy.zoo, sympy.nan, sympy.oo):
        return  # a power of zero with a negative exponent: no rational function
    numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(expr)))
    for v in VARIABLES:
        leaves = {u: ((1, 0) if u == v else (0, 0)) for u in VARIABLES}
        bound_n, bound_d = degree_bound(expr, leaves)
        assert sympy.Poly(numerator, *VARIABLES).degree(v) <= bound_n, (expr, v)
        assert sympy.Poly(denominator, *VARIABLES).degree(v) <= bound_d, (expr, v)
    # and the bound on lhs - rhs that the grid uses covers the cancelled numerator
    degrees = _grid_degrees(expr, sympy.Integer(1))
    difference = sympy.fraction(sympy.cancel(sympy.together(expr - 1)))[0]
    for v in VARIABLES:
        assert sympy.Poly(difference, *VARIABLES).degree(v) <= degrees.get(v, 0), (expr, v)


def test_a_cubic_with_three_roots_needs_four_values() -> None:
    scope, _ = _scope()
    assert _grid_degrees(x * (x - 1) * (x - 2), sympy.Integer(0)) == {x: 3}
    assert _both(x * (x - 1) * (x - 2), sympy.Integer(0), scope) == (None, None)
    assert _both(x**2, x, scope) == (None, None)
    # zero on {0, 1} x {0, 1}, but of degree 2 in each variable: the grid has 3 x 3 points
    corners = x * y * (x - 1) * (y - 1)
    assert _grid_degrees(corners, sympy.Integer(0)) == {x: 2, y: 2}
    assert _both(corners, sympy.Integer(0), scope) == (None, None)


# -- true identities are proved ------------------------------------------------------------

def test_rational_functions_of_scalars() -> None:
    scope, _ = _scope()
    lhs, rhs = 1 / (x - 1) - 1 / (x + 1), 2 / (x**2 - 1)
    grid, fractions = _both(lhs, rhs, scope)
    assert grid is not None and "points in all" in grid and fractions is not None
    assert prove(Relation(lhs, "=", rhs), scope).method == "exact grid"
    assert _both((x**3 - y**3) / (x - y), x**2 + x * y + y**2, scope)[1] is not None
    # a difference of degree bound 0 is settled at one point
    assert vanishes_on_grids(x / x + y - y, sympy.Integer(1), scope) is not None


def test_matrix_identities_at_literal_sizes() -> None:
    scope, o = _scope()
    M, A, B, N = o["M"], o["A"], o["B"], o["N"]
    eye2 = sympy.Identity(2)
    adjugate = (sympy.Trace(M) * eye2 - M) / sympy.Determinant(M)
    assert all(_both(sympy.Inverse(M), adjugate, scope))
    cayley = M @ M - sympy.Trace(M) * M + sympy.Determinant(M) * eye2
    assert all(_both(cayley, sympy.ZeroMatrix(2, 2), scope))
    assert equal_as_fractions(sympy.Determinant(A @ B), sympy.Determinant(A) * sympy.Determinant(B), scope)
    assert equal_as_fractions(sympy.Inverse(A @ B), sympy.Inverse(B) @ sympy.Inverse(A), scope)
    assert equal_as_fractions((A @ B).T, B.T @ A.T, scope)
    assert equal_as_fractions(sympy.Determinant(A) * sympy.Inverse(A) @ A, sympy.Determinant(A) * sympy.Identity(3),
                              scope)
    assert equal_as_fractions(sympy.Determinant(2 * N), 16 * sympy.Determinant(N), scope)
    # Sherman-Morrison at 3x3: beyond the grid's budget (15 variables), decided as fractions
    scope2, v = scope_with(A="matrix 3 3", u="matrix 3 1", w="matrix 3 1")
    inverse = sympy.Inverse(v["A"])
    update = sympy.Trace(sympy.Identity(1) + v["w"].T @ inverse @ v["u"])
    lhs = sympy.Inverse(v["A"] + v["u"] @ v["w"].T)
    rhs = inverse - inverse @ v["u"] @ v["w"].T @ inverse / update
    assert vanishes_on_grids(lhs, rhs, scope2) is None
    assert prove(Relation(lhs, "=", rhs), scope2).method == "rational arithmetic"
    wrong = inverse - inverse @ v["u"] @ v["w"].T @ inverse / (update + 1)
    assert prove(Relation(lhs, "=", wrong), scope2, simplify=False) is None
    # symmetric matrices are written out with shared entries: true for them, proved
    S = o["S"]
    assert equal_as_fractions(S @ S.T, S.T @ S, scope)


# -- false look-alikes are not -------------------------------------------------------------

def test_false_matrix_identities_are_not_proved() -> None:
    scope, o = _scope()
    A, B = o["A"], o["B"]
    det, inv = sympy.Determinant, sympy.Inverse
    for lhs, rhs in [(A @ A.T, A.T @ A),  # true only for symmetric (normal) matrices
                     (det(A + B), det(A) + det(B)),
                     (inv(A + B), inv(A) + inv(B)),
                     (A @ B, B @ A),
                     (det(A.T @ A), det(A) ** 3)]:
        assert _both(lhs, rhs, scope) == (None, None), (lhs, rhs)
        assert prove(Relation(lhs, "=", rhs), scope) is None, (lhs, rhs)


def test_a_relation_with_no_value_is_not_proved() -> None:
    scope, o = _scope()
    vanishing = (x + 1) ** 2 - x**2 - 2 * x - 1  # the zero polynomial, not written 0
    lhs, rhs = x / vanishing, 2 * x / (2 * vanishing)
    assert lhs != rhs and written_out(lhs, rhs, scope) is None
    assert _both(lhs, rhs, scope) == (None, None)
    # the inverse of a matrix singular everywhere, even where SymPy cancels its determinant
    A = o["A"]
    skew = A - A.T
    lhs = sympy.Determinant(skew) * sympy.Inverse(skew)
    assert written_out(lhs, lhs, scope) is None


def test_out_of_reach_forms_are_left_alone() -> None:
    scope, o = _scope()
    assert _both(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1), scope) == (None, None)
    assert _both(x * sympy.Float(0.5), x / 2, scope) == (None, None)  # floats never
    assert _both(sympy.exp(x) * sympy.exp(y), sympy.exp(x + y), scope) == (None, None)
    big = scope_with(G="matrix 5 5")[1]["G"]  # beyond 4x4: not written out
    assert written_out(sympy.Determinant(big.T), sympy.Determinant(big), scope_with(G="matrix 5 5")[0]) is None
    C = o["C"]  # a symbolic size: only instances could write it out
    assert written_out((C @ C).T, C.T @ C.T, scope) is None
    X = o["X"]  # random variables are left to the moments' canonical forms
    assert written_out(X * (X + 1), X**2 + X, scope) is None
    k = sympy.Symbol("k", integer=True)
    assert written_out(sympy.Sum(k, (k, 1, 3)), sympy.Integer(6), scope) is None


# -- end to end: the corpus files of these strategies ---------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["adjugate-2x2", "cayley-hamilton-2x2", "sherman-morrison-3x3",
                                  "determinant-lemma-3x3", "partial-fractions", "quotient-of-cubes"])
def test_true_files_are_proved_by_the_rational_strategies(name: str, test_data) -> None:
    from derivcheck.check.pipeline.derivation import check_derivation
    from derivcheck.format.loader import load_derivation
    from derivcheck.model import Options, Verdict

    path = test_data / "true" / f"rational-{name}.deriv.yaml"
    (outcome,) = check_derivation(load_derivation(str(path)), Options(numeric=False)).outcomes
    assert outcome.verdict is Verdict.PROVED, outcome.detail
    assert outcome.method in ("exact grid", "rational arithmetic"), outcome.method


def test_the_canonical_form_leaves_written_out_denominators_to_the_fraction_arithmetic() -> None:
    from derivcheck.check.symbolic.rational import rational_with_denominators
    from derivcheck.check.symbolic.strategies import _by_canonical_form

    scope, o = _scope()
    A, B, C = o["A"], o["B"], o["C"]
    inv = sympy.Inverse
    assert rational_with_denominators(inv(A @ B), inv(B) @ inv(A), scope)
    assert _by_canonical_form(inv(A @ B), inv(B) @ inv(A), scope) is None
    assert prove(Relation(inv(A @ B), "=", inv(B) @ inv(A)), scope).method in ("exact grid", "rational arithmetic")
    assert prove(Relation(inv(A @ B), "=", inv(A) @ inv(B)), scope) is None
    assert prove(Relation(inv(A) @ B, "=", B @ inv(A)), scope) is None
    assert prove(Relation(inv(A).T, "=", inv(A)), scope) is None  # true only for symmetric A
    assert prove(Relation(inv(o["S"]).T, "=", inv(o["S"])), scope) is not None
    # polynomial entries, and symbolic sizes, keep the canonical form
    assert not rational_with_denominators((A @ B).T, B.T @ A.T, scope)
    assert not rational_with_denominators(inv(C) @ C, sympy.Identity(C.shape[0]), scope)
    assert _by_canonical_form(inv(C) @ C, sympy.Identity(C.shape[0]), scope) is not None
