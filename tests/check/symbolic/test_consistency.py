"""Hypotheses that hold nowhere (derivcheck/check/symbolic/consistency.py), exact points where they
hold (witness.py), and proofs at instances under them.

Each detection must be sound: consistent hypotheses are never called inconsistent.
Built directly from SymPy objects and a hand-made Scope (see ``tests/check/numeric/test_numeric.py``).
"""

from __future__ import annotations

import sympy

from derivcheck.check.numeric import witness
from derivcheck.check.symbolic.consistency import inconsistency
from derivcheck.check.symbolic.instances import instance_assignments, prove_at_instances
from derivcheck.check.symbolic.strategies import prove
from derivcheck.check.symbolic.witness import exact_witness, find_witness
from derivcheck.errors import Span
from derivcheck.expr import objects
from derivcheck.expr.scope import Interval, MatrixDecl, RandomDecl, ScalarDecl, Scope

SPAN = Span("test", 1, 1)
R = objects.Relation
ASSUMPTIONS = {"real": {"real": True}, "positive": {"positive": True}, "natural": {"integer": True, "positive": True},
               "dimension": {"integer": True, "positive": True}}


def scope_with(**kinds: str) -> tuple[Scope, dict[str, sympy.Basic]]:
    """A scope declaring each name with its kind (``random``, ``normal`` for a standard normal, else a scalar)."""
    scope, symbols = Scope("test"), {}
    for name, kind in kinds.items():
        if kind in ("random", "normal"):
            s = sympy.Symbol(name, real=True)
            law = ("normal", (sympy.Integer(0), sympy.Integer(1))) if kind == "normal" else None
            scope.names[name] = RandomDecl(name, s, law, SPAN)
        else:
            s = sympy.Symbol(name, **ASSUMPTIONS[kind])
            scope.names[name] = ScalarDecl(name, s, kind, None, SPAN)
        symbols[name] = s
    return scope, symbols


def check(hypotheses: list[R], scope: Scope) -> str | None:
    return inconsistency(hypotheses, [f"h{k}" for k in range(1, len(hypotheses) + 1)], scope)


def test_two_values_of_one_symbol_reduce_to_a_false_number() -> None:
    scope, s = scope_with(x="real")
    assert check([R(s["x"], "=", 1), R(s["x"], "=", 2)], scope) == "`h1`, `h2` reduce to 1 = 2, which holds nowhere"


def test_a_solved_value_outside_the_declared_sign_or_interval() -> None:
    scope, s = scope_with(s="positive")
    assert check([R(s["s"], "=", -1)], scope).startswith("`h1`, the declaration of s reduce to -1 > 0")
    scope.names["t"] = ScalarDecl("t", sympy.Symbol("t", real=True), "real", Interval(sympy.Integer(0),
                                                                                       sympy.Integer(1)), SPAN)
    t = scope.names["t"].symbol
    assert "reduce to 2 < 1" in check([R(t, "=", 2)], scope)
    assert check([R(t, "=", sympy.Rational(1, 2))], scope) is None


def test_assumptions_decide_a_hypothesis_false() -> None:
    scope, s = scope_with(x="real", y="real")
    x, y = s["x"], s["y"]
    assert "reduces to x**2 = -1" in check([R(x**2, "=", -1)], scope)
    assert check([R(x**2 + y**2, "<", 0)], scope) is not None
    assert check([R(sympy.exp(x), "=", 0)], scope) is not None
    assert check([R((x - 1) ** 2 + (y + 2) ** 2, "=", -3)], scope) is not None  # positive only as written
    assert check([R(x**2, "=", 2)], scope) is None
    assert check([R(x**2 + y**2, "<=", 0)], scope) is None  # x = y = 0


def test_moments_have_the_signs_and_values_their_laws_give() -> None:
    scope, s = scope_with(X="random", Z="normal", c="real")
    X, Z = s["X"], s["Z"]
    assert "Var(X) = -1" in check([R(objects.Variance(X), "=", -1)], scope)
    assert check([R(objects.Variance(2 * X + 1), "=", -3)], scope) is not None
    assert check([R(objects.Expectation(X**2), "<", 0)], scope) is not None
    assert check([R(objects.Expectation(Z), "=", 1)], scope) is not None
    assert check([R(objects.Variance(Z), "=", 2)], scope) is not None
    assert check([R(objects.Variance(X), "=", 4), R(objects.Expectation(X), "=", -3)], scope) is None
    assert check([R(objects.Expectation(X), "=", -1)], scope) is None  # a mean may be negative
    assert check([R(objects.Variance(Z), "=", 1)], scope) is None


def test_equalities_without_a_common_zero_have_the_groebner_basis_one() -> None:
    scope, s = scope_with(x="real", y="real", z="real")
    x, y, z = s["x"], s["y"], s["z"]
    assert "Groebner basis is [1]" in check([R(x * y, "=", 1), R(x * y * z, "=", z + 1)], scope)
    assert check([R(x * y, "=", 1), R(x * y * z, "=", 2 * z + x)], scope) is None  # x = -z, y = -1/z


def test_the_hypotheses_on_one_symbol_have_no_common_solution() -> None:
    scope, s = scope_with(x="real", n="natural")
    x, n = s["x"], s["n"]
    assert "no common solution for x" in check([R(x, ">", 1), R(x, "<", 0)], scope)
    assert check([R(x, ">=", 1), R(x, "<=", 1)], scope) is None  # x = 1
    assert check([R(x**2, "<", 1), R(x, ">", 0)], scope) is None
    assert "no common solution for n" in check([R(n**2, "=", 2)], scope)
    assert check([R(2 * n, "=", 3)], scope) is not None  # the assumptions already know


def test_a_matrix_hypothesis_is_left_to_the_numeric_check() -> None:
    scope, s = scope_with(n="dimension", lam="real")
    a = sympy.MatrixSymbol("A", s["n"], s["n"])
    v = sympy.MatrixSymbol("v", s["n"], 1)
    scope.names["A"] = MatrixDecl("A", a, s["n"], s["n"], frozenset({"symmetric"}), SPAN)
    scope.names["v"] = MatrixDecl("v", v, s["n"], 1, frozenset(), SPAN)
    assert check([R(a @ v, "=", s["lam"] * v)], scope) is None


def test_a_numeric_witness_is_a_sampled_point_where_every_hypothesis_holds() -> None:
    scope, s = scope_with(x="real", y="real")
    x, y = s["x"], s["y"]
    assert witness([R(x, ">", 1), R(y, "<", x)], scope, seed=0, points=12, device="cpu").points > 0
    assert witness([R(x, ">", 1), R(x, "<", 0)], scope, seed=0, points=12, device="cpu").points == 0


def test_default_shapes_are_named_and_a_proof_at_inconsistent_instances_is_none() -> None:
    scope, s = scope_with(n="dimension", k="natural", x="real")
    n, k, x = s["n"], s["k"], s["x"]
    relation = R(sympy.Trace(sympy.Identity(n)) * k, "<=", 4 * k)
    plan = instance_assignments(relation, scope, {"k": (1, 2)})
    assert plan.defaulted == ("n",) and plan.described == "k in {1, 2}; n in (1); (2) (4 instances)"
    assert instance_assignments(relation, scope, {"k": (1, 2), "n": (1, 2, 3)}).defaulted == ()
    # at k = 2 the hypotheses say x = 2 and x = 4
    proved, why = prove_at_instances(R(x, "=", x + 1), scope, [{k: 2}], [R(x, "=", k), R(x, "=", 2 * k)], ["a", "b"])
    assert not proved and why == "at k = 2 the hypotheses are inconsistent: `a`, `b` reduce to 2 = 4, which holds nowhere"


def test_an_exact_witness_solves_the_equalities_and_tries_small_values() -> None:
    scope, s = scope_with(x="real", y="real", p="positive", n="natural", X="random")
    x, y, p, n = s["x"], s["y"], s["p"], s["n"]
    found = exact_witness([R(x * y, "=", 1), R(x, ">", 1)], scope)
    assert found is not None and found[x] * found[y] == 1 and found[x] > 1
    circle = exact_witness([R(x**2 + y**2, "=", 1), R(x, ">", 0)], scope)
    assert circle is not None and sympy.simplify(circle[x] ** 2 + circle[y] ** 2) == 1 and circle[x] > 0
    assert exact_witness([R(p**2, "=", 4)], scope) == {p: 2}  # not -2: p is declared positive
    assert exact_witness([R(p, "=", x - 5)], scope) == {p: 1, x: 6}  # solved for x, the unconstrained one
    assert exact_witness([R(x, ">", 1), R(x, "<", 0)], scope) is None
    assert exact_witness([R(x**2, "=", -1)], scope) is None
    assert exact_witness([R(n**2, "=", 2)], scope) is None
    assert exact_witness([R(objects.Variance(s["X"]), "=", 1)], scope) == {}  # a finite law of X: see below


def test_a_witness_gives_moment_hypotheses_a_finite_law_and_never_an_impossible_one() -> None:
    scope, s = scope_with(p="real", M="random", N="random")
    scope.names["p"] = ScalarDecl("p", s["p"], "real", Interval(sympy.Integer(0), sympy.Integer(1)), SPAN)
    p, M, N = s["p"], s["M"], s["N"]
    E, V, C = objects.Expectation, objects.Variance, objects.Covariance
    mask = find_witness([R(E(M), "=", p), R(E(M**2), "=", p)], scope)
    assert mask is not None and mask.scalars == {p: sympy.Rational(1, 2)}
    law = mask.laws[M]  # checked again here, by hand: a law with these two moments
    assert sum(q for _, q in law) == 1 and all(0 < q < 1 for _, q in law)
    assert sum(q * v for v, q in law) == p.subs(mask.scalars) == sum(q * v**2 for v, q in law)
    assert find_witness([R(M**2, "=", M), R(E(M), "=", p)], scope) is not None  # almost surely, at every atom
    # false look-alikes: a negative variance, Var = p**3 - p**2 < 0 on (0, 1), Cov beyond Cauchy-Schwarz
    assert find_witness([R(V(M), "=", -1)], scope) is None
    assert find_witness([R(E(M**2), "<", E(M) ** 2)], scope) is None
    assert find_witness([R(E(M), "=", p), R(E(M**2), "=", p**3)], scope) is None
    assert find_witness([R(V(M), "=", 1), R(V(N), "=", 1), R(C(M, N), "=", 2)], scope) is None
    assert find_witness([R(V(M), "=", 1), R(V(N), "=", 1), R(C(M, N), "=", 1)], scope) is not None
    scope.independent.append(frozenset({"M", "N"}))  # independent: Cov(M, N) = 1 is not realised
    assert find_witness([R(V(M), "=", 1), R(V(N), "=", 1), R(C(M, N), "=", 1)], scope) is None
    assert find_witness([R(E(M * N), "=", 1), R(E(M), "=", 1), R(E(N), "=", 1)], scope) is not None
    normal, t = scope_with(Z="normal")
    assert find_witness([R(E(t["Z"] ** 3), "=", 1)], normal) is None  # a declared law is never replaced


def test_a_witness_writes_matrix_hypotheses_out_and_checks_the_qualifiers() -> None:
    scope, s = scope_with(n="dimension")
    for name, rows, cols, quals in (("u", 3, 1, ()), ("v", s["n"], 1, ()), ("A", 2, 2, ("orthogonal",)),
                                    ("P", 2, 2, ("pd",)), ("Q", 2, 2, ("symmetric",))):
        scope.names[name] = MatrixDecl(name, sympy.MatrixSymbol(name, rows, cols), rows, cols, frozenset(quals), SPAN)
    u, v, A, P, Q = (scope.names[k].symbol for k in "uvAPQ")
    unit = find_witness([R(u.T * u, "=", 1)], scope)
    assert unit is not None and (unit.matrices[u].T * unit.matrices[u])[0, 0] == 1
    assert find_witness([R(v.T * v, "=", 1)], scope).scalars == {s["n"]: 1}
    rotation = find_witness([R(A.T * A, "=", sympy.Identity(2))], scope)
    assert rotation is not None and rotation.matrices[A].T * rotation.matrices[A] == sympy.eye(2)
    assert find_witness([R(P * P, "=", P)], scope).matrices[P] == sympy.eye(2)  # pd: not the zero matrix
    # false look-alikes: a negative squared norm, a real symmetric square root of -I, a pd P with P**2 = -P
    assert find_witness([R(u.T * u, "=", -1)], scope) is None
    assert find_witness([R(Q * Q, "=", -sympy.Identity(2))], scope) is None
    assert find_witness([R(P * P, "=", -P)], scope) is None
    assert find_witness([R(A, "=", 2 * sympy.Identity(2))], scope) is None  # not orthogonal


def test_a_matrix_goal_follows_from_written_out_hypotheses_and_an_order_from_moment_values() -> None:
    scope, s = scope_with(p="real", M="random")
    scope.names["u"] = MatrixDecl("u", sympy.MatrixSymbol("u", 3, 1), 3, 1, frozenset(), SPAN)
    u, p, M = scope.names["u"].symbol, s["p"], s["M"]
    unit = [R(u.T * u, "=", 1)]
    assert prove(R(u * u.T * u * u.T, "=", u * u.T), scope, unit).method == "hypotheses"
    assert prove(R(u * u.T * u, "=", u), scope, unit) is not None
    assert prove(R(u * u.T * u * u.T, "=", 2 * u * u.T), scope, unit) is None
    assert prove(R(u * u.T * u * u.T, "=", u * u.T), scope, [R(u.T * u, "=", 2)]) is None
    E, V = objects.Expectation, objects.Variance
    mask = [R(E(M), "=", p), R(E(M**2), "=", p)]
    assert prove(R(V(M), "<=", sympy.Rational(1, 4)), scope, mask) is not None
    assert prove(R(V(M), "<=", sympy.Rational(1, 5)), scope, mask) is None
    assert prove(R(V(M), "<=", sympy.Rational(1, 4)), scope, [R(E(M), "=", p)]) is None


def test_moments_that_make_a_variance_negative_are_inconsistent() -> None:
    # red team 16: E(M) = p, E(M**2) = p**3 with p in (0, 1) give Var(M) = p**3 - p**2 < 0, and
    # E(X**2) = 1, E(X**4) = 1/2 give Var(X**2) < 0 (Jensen); with numeric checks off, a step
    # under them was proved with only a note
    scope, s = scope_with(M="random", X="random", q="real")
    M, X, q = s["M"], s["X"], s["q"]
    p = sympy.Symbol("p", real=True)
    scope.names["p"] = ScalarDecl("p", p, "real", Interval(sympy.Integer(0), sympy.Integer(1), True, True), SPAN)
    E = objects.Expectation
    assert "Var(M) = p**3 - p**2" in check([R(E(M), "=", p), R(E(M**2), "=", p**3)], scope)
    assert "Var(X**2)" in check([R(E(X**2), "=", sympy.Integer(1)), R(E(X**4), "=", sympy.Rational(1, 2))], scope)
    # consistent look-alikes: a Bernoulli mask, and a parameter whose variance may be positive
    assert check([R(E(M), "=", p), R(E(M**2), "=", p)], scope) is None
    assert check([R(E(M), "=", q), R(E(M**2), "=", q**3)], scope) is None  # q = 2: variance 4
    assert check([R(E(X**2), "=", sympy.Integer(1)), R(E(X**4), "=", sympy.Integer(3))], scope) is None  # a standard normal
