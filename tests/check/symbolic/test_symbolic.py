"""The symbolic strategies: what they prove, and what they must never prove."""

from __future__ import annotations

import sympy

from derivcheck.check.symbolic.moments import to_moments
from derivcheck.check.symbolic.strategies import prove
from derivcheck.check.symbolic.sums import telescope
from derivcheck.expr.objects import Covariance, Expectation, Gradient, Relation, Variance
from symbolic_helpers import scope_with


def test_gram_form_is_nonnegative():
    scope, o = scope_with(n="dimension", k="dimension", X="matrix n k", z="matrix k 1")
    X, z = o["X"], o["z"]
    assert prove(Relation(sympy.Trace((X * z).T * (X * z)), ">=", 0), scope) is not None
    assert prove(Relation(sympy.Trace(z.T * X.T * X * z), "=", sympy.Trace((X * z).T * (X * z))), scope)


def test_quadratic_form_of_general_matrix_is_not_nonnegative():
    scope, o = scope_with(n="dimension", A="matrix n n", z="matrix n 1")
    assert prove(Relation(sympy.Trace(o["z"].T * o["A"] * o["z"]), ">=", 0), scope) is None


def test_psd_quadratic_form_is_nonnegative():
    scope, o = scope_with(n="dimension", S="psd matrix n n", z="matrix n 1")
    assert prove(Relation(sympy.Trace(o["z"].T * o["S"] * o["z"]), ">=", 0), scope) is not None


def test_transpose_of_product_is_not_product_of_transposes():
    scope, o = scope_with(n="dimension", A="matrix n n", B="matrix n n")
    A, B = o["A"], o["B"]
    assert prove(Relation((A * B).T, "=", A.T * B.T), scope) is None
    assert prove(Relation((A * B).T, "=", B.T * A.T), scope) is not None
    assert prove(Relation(A * B, "=", B * A), scope) is None


def test_trace_is_invariant_under_transpose_and_rotation():
    scope, o = scope_with(n="dimension", A="matrix n n", x="matrix n 1")
    A, x = o["A"], o["x"]
    assert prove(Relation(sympy.Trace(x.T * A * x), "=", sympy.Trace(x.T * A.T * x)), scope)
    assert prove(Relation(sympy.Trace(x.T * A * x), "=", sympy.Trace(A * x * x.T)), scope)


def test_branch_cuts_are_not_proved():
    scope, o = scope_with(x="real", a="real", b="real", p="positive")
    x, a, b, p = o["x"], o["a"], o["b"], o["p"]
    assert prove(Relation(sympy.sqrt(x**2), "=", x), scope) is None
    assert prove(Relation(sympy.log(a * b), "=", sympy.log(a) + sympy.log(b)), scope) is None
    assert prove(Relation(sympy.sqrt(p**2), "=", p), scope) is not None


def test_gradient_by_matrix_calculus():
    scope, o = scope_with(n="dimension", A="matrix n n", x="matrix n 1")
    A, x = o["A"], o["x"]
    assert prove(Relation(Gradient(sympy.Trace(x.T * A * x), x), "=", (A + A.T) * x), scope)
    assert prove(Relation(Gradient(sympy.Trace(x.T * A * x), x), "=", 2 * A * x), scope) is None
    sym, s = scope_with(n="dimension", A="symmetric matrix n n", x="matrix n 1")
    assert prove(Relation(Gradient(sympy.Trace(s["x"].T * s["A"] * s["x"]), s["x"]), "=", 2 * s["A"] * s["x"]), sym)


def test_covariance_bilinearity_without_independence():
    scope, o = scope_with(a="real", b="real", c="real", X="random", Y="random", Z="random")
    a, b, c, X, Y, Z = (o[k] for k in "abcXYZ")
    assert prove(Relation(Covariance(a * X + b * Y, c * Z), "=", a * c * Covariance(X, Z) + b * c * Covariance(Y, Z)), scope)
    assert prove(Relation(Covariance(a * X + b * Y, c * Z), "=", a * c * Covariance(X, Z) + b * c * Covariance(Z, Y)), scope)
    assert prove(Relation(Covariance(a * X + b * Y, c * Z), "=", a * c * Covariance(X, Z)), scope) is None


def test_independence_is_never_assumed():
    scope, o = scope_with(X="random", Y="random")
    X, Y = o["X"], o["Y"]
    assert prove(Relation(Variance(X + Y), "=", Variance(X) + Variance(Y)), scope) is None
    assert prove(Relation(Expectation(X * Y), "=", Expectation(X) * Expectation(Y)), scope) is None
    scope.independent.append(frozenset({"X", "Y"}))
    assert prove(Relation(Variance(X + Y), "=", Variance(X) + Variance(Y)), scope) is not None
    assert prove(Relation(Expectation(X * Y), "=", Expectation(X) * Expectation(Y)), scope) is not None


def test_sequence_elements_with_unknown_indices_are_not_split():
    scope, o = scope_with(X="random sequence", i="integer", j="integer")
    scope.independent.append(frozenset({"X"}))
    X, i, j = o["X"], o["i"], o["j"]
    assert prove(Relation(Expectation(X[i] * X[j]), "=", Expectation(X[i]) * Expectation(X[j])), scope) is None
    assert prove(Relation(Expectation(X[i] * X[i + 1]), "=", Expectation(X[i]) * Expectation(X[i + 1])), scope)


def test_covariance_definition_as_centred_moment():
    scope, o = scope_with(X="random", Y="random")
    X, Y = o["X"], o["Y"]
    centred = Expectation((X - Expectation(X)) * (Y - Expectation(Y)))
    assert sympy.expand(to_moments(Covariance(X, Y) - centred, scope)) == 0


def test_telescoping_sum_for_general_bound():
    scope, o = scope_with(t="natural", alpha="sequence")
    alpha, t = o["alpha"], o["t"]
    i, tau = sympy.symbols("i tau", integer=True)
    lhs = sympy.Sum(
        sympy.Product(alpha[i], (i, tau + 2, t)) - sympy.Product(alpha[i], (i, tau + 1, t)), (tau, 0, t - 2)
    ) + (1 - alpha[t])
    assert prove(Relation(lhs, "=", 1 - sympy.Product(alpha[i], (i, 1, t))), scope) is not None
    assert prove(Relation(lhs, "=", 1 - sympy.Product(alpha[i], (i, 1, t - 1))), scope) is None
    k, n = sympy.symbols("k n", integer=True)
    assert sympy.simplify(telescope(sympy.Sum(1 / k - 1 / (k + 1), (k, 1, n))) - (1 - 1 / (n + 1))) == 0


def test_off_by_one_sum_is_not_proved():
    scope, o = scope_with(n="natural")
    n = o["n"]
    i = sympy.Symbol("i", integer=True)
    assert prove(Relation(sympy.Sum(i, (i, 1, n)), "=", n * (n + 1) / 2), scope) is not None
    assert prove(Relation(sympy.Sum(i, (i, 0, n + 1)), "=", n * (n + 1) / 2), scope) is None


def test_orthogonal_and_determinant_identities():
    scope, o = scope_with(n="dimension", P="matrix n n", L="matrix n n", A="symmetric matrix n n", z="matrix n 1")
    P, L, z = o["P"], o["L"], o["z"]
    # without the qualifier nothing cancels
    assert prove(Relation(P.T * L * P * P.T, "=", P.T * L), scope) is None
    assert prove(Relation(sympy.Determinant(P * L * P.I), "=", sympy.Determinant(L)), scope) is not None
    from derivcheck.expr.scope import MatrixDecl

    scope.names["P"] = MatrixDecl("P", P, P.shape[0], P.shape[1], frozenset({"orthogonal", "invertible"}), scope.names["P"].span)
    assert prove(Relation(P.T * L * P * P.T, "=", P.T * L), scope) is not None
    assert prove(Relation(sympy.Trace(z.T * P * L * P.T * P * z), "=", sympy.Trace((P.T * z).T * L * (P.T * P * z))), scope)
    assert prove(Relation(P.I, "=", P.T), scope) is not None
    assert prove(Relation(P * L, "=", L * P), scope) is None


def test_eigen_hypotheses_rewrite_inside_products_and_their_transposes():
    from derivcheck.check.symbolic.hypotheses import apply_hypotheses

    scope, o = scope_with(n="dimension", A="symmetric matrix n n", v="matrix n 1", w="matrix n 1", li="real", lj="real")
    A, v, w, li, lj = (o[k] for k in ("A", "v", "w", "li", "lj"))
    on_v, on_w = Relation(A * v, "=", li * v), Relation(A * w, "=", lj * w)
    left = sympy.Trace(w.T * A * v)
    assert prove(apply_hypotheses(Relation(left, "=", li * sympy.Trace(w.T * v)), [on_v], scope), scope)
    assert prove(apply_hypotheses(Relation(left, "=", lj * sympy.Trace(w.T * v)), [on_w], scope), scope)
    # the wrong eigenvalue is not proved
    assert prove(apply_hypotheses(Relation(left, "=", lj * sympy.Trace(w.T * v)), [on_v], scope), scope) is None


def test_goal_following_from_equality_hypotheses():
    from derivcheck.check.symbolic.ideal import follows_from

    scope, o = scope_with(w="positive sequence", x="real", y="real")
    w, x, y = o["w"], o["x"], o["y"]
    h = Relation(w[1] / (w[1] + w[2]), "=", w[3] / (w[3] + w[4]))
    assert prove(Relation(w[1] * w[4], "=", w[2] * w[3]), scope, [h]) is not None
    assert prove(Relation(w[1] * w[4], "=", w[2] * w[4]), scope, [h]) is None
    assert prove(Relation(w[1] * w[4], "=", w[2] * w[3]), scope) is None  # not without the hypothesis
    assert follows_from(x**3 - y**3, [x - y])
    assert not follows_from(x**2 - y**2 - 1, [x - y])


def test_diagonal_matrices_commute_and_determinants_have_signs():
    scope, o = scope_with(n="dimension", L="matrix n n", S="matrix n n", Q="matrix n n")
    L, S, Q = o["L"], o["S"], o["Q"]
    assert prove(Relation(Q * L * S, "=", Q * S * L), scope) is None
    from derivcheck.expr.scope import MatrixDecl

    span = scope.names["L"].span
    scope.names["L"] = MatrixDecl("L", L, L.shape[0], L.shape[1], frozenset({"diagonal", "symmetric"}), span)
    scope.names["S"] = MatrixDecl("S", S, S.shape[0], S.shape[1], frozenset({"diagonal", "symmetric"}), span)
    assert prove(Relation(Q * L * S, "=", Q * S * L), scope) is not None
    assert prove(Relation(L * Q * S, "=", S * Q * L), scope) is None
    assert prove(Relation(sympy.Determinant(Q), ">", 0), scope) is None
    scope.names["Q"] = MatrixDecl("Q", Q, Q.shape[0], Q.shape[1], frozenset({"pd", "psd", "symmetric", "invertible"}), span)
    assert prove(Relation(sympy.Determinant(Q), ">", 0), scope) is not None
    assert prove(Relation(sympy.Determinant(L), ">=", 0), scope) is None


def test_a_quantified_hypothesis_rewrites_only_inside_its_index_domain():
    from derivcheck.check.symbolic.hypotheses import rewrite_with
    from derivcheck.expr.scope import Interval, ScalarDecl

    scope, o = scope_with(k="natural", t="natural", n="natural", x="real sequence", X="random sequence")
    k, t, n, x, X = (o[name] for name in ("k", "t", "n", "x", "X"))
    rule = Relation(x[k], "=", k)
    assert rewrite_with(x[t + 1], rule, scope) == t + 1
    assert rewrite_with(x[0], rule, scope) == x[0]  # k: natural says nothing of x[0]
    assert rewrite_with(x[t - 1], rule, scope) == x[t - 1]  # t - 1 may be 0
    i, j = sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True)
    assert rewrite_with(sympy.Sum(x[i], (i, 1, n)), rule, scope) == sympy.Sum(i, (i, 1, n))
    assert rewrite_with(sympy.Sum(x[i], (i, 0, n)), rule, scope) == sympy.Sum(x[i], (i, 0, n))
    # limits innermost first: j runs over 1..i, i over 1..n
    nested = sympy.Sum(x[j], (j, 1, i), (i, 1, n))
    assert rewrite_with(nested, rule, scope) == sympy.Sum(j, (j, 1, i), (i, 1, n))
    scope.names["k"] = ScalarDecl("k", k, "natural", Interval(sympy.Integer(1), sympy.Integer(3), False, False),
                                  scope.names["k"].span)
    law = Relation(Variance(X[k]), "=", sympy.Integer(1))
    assert rewrite_with(Variance(X[2]) + Variance(X[5]), law, scope) == 1 + Variance(X[5])
    assert rewrite_with(sympy.Sum(Variance(X[i]), (i, 1, 3)), law, scope) == sympy.Sum(1, (i, 1, 3))
    assert rewrite_with(sympy.Sum(Variance(X[i]), (i, 1, n)), law, scope) == sympy.Sum(Variance(X[i]), (i, 1, n))
    # an inner sum over a variable of the same name shadows the outer one: j runs over
    # 1..i for the OUTER i (1..n), so the inner i in 1..3 must not bound j
    shadowed = sympy.Sum(sympy.Sum(sympy.Sum(Variance(X[j]), (i, 1, 3)), (j, 1, i)), (i, 1, n))
    assert rewrite_with(shadowed, law, scope) == shadowed
    # x[2k] = ... does not reach x[5] (k would be 5/2)
    assert rewrite_with(x[5], Relation(x[2 * k], "=", sympy.Integer(0)), scope) == x[5]


def test_sign_rules_need_real_operands():
    """Complex values are never sampled: exp, squares and traces of complex values have no sign."""
    scope, o = scope_with(n="dimension", c="complex", x="real", C="complex matrix n n", A="matrix n n",
                          z="complex matrix n 1")
    c, C, A, z, x = o["c"], o["C"], o["A"], o["z"], o["x"]
    for claim in (
        Relation(sympy.exp(c), ">=", 0),
        Relation(sympy.exp(c), ">", 0),
        Relation(sympy.Trace(C) ** 2, ">=", 0),
        Relation(sympy.Trace(z.T * z) ** 2, ">=", 0),
        Relation(sympy.exp(-sympy.Trace(C) ** 2), "<=", sympy.exp(sympy.Trace(C) ** 2)),
        Relation(c, "<=", c + 1),
        Relation(sympy.exp(c), "<=", sympy.exp(c + 1)),
    ):
        assert prove(claim, scope) is None, claim
    # the real look-alikes keep their proofs
    assert prove(Relation(sympy.exp(x), ">", 0), scope) is not None
    assert prove(Relation(sympy.Trace(A) ** 2, ">=", 0), scope) is not None
    assert prove(Relation(sympy.exp(sympy.Trace(A)), ">", 0), scope) is not None
    assert prove(Relation(sympy.exp(-sympy.Trace(A) ** 2), "<=", sympy.exp(sympy.Trace(A) ** 2)), scope) is not None


def test_qualifiers_of_the_variable_do_not_enter_its_derivative():
    """grad in W differentiates W's entries as independent: W.T -> W is not applied inside it."""
    scope, o = scope_with(n="dimension", S="symmetric matrix n n", B="matrix n n", D="diagonal matrix n n",
                          E="diagonal matrix n n", Q="orthogonal matrix n n")
    S, B, D, E, Q = o["S"], o["B"], o["D"], o["E"], o["Q"]
    assert prove(Relation(Gradient(sympy.Trace(S.T * B), S), "=", Gradient(sympy.Trace(S * B), S)), scope) is None
    assert prove(Relation(Gradient(sympy.Trace(D * E * B), D), "=", Gradient(sympy.Trace(E * D * B), D)), scope) is None
    assert prove(Relation(Gradient(sympy.Trace(Q.T * Q), Q), "=", sympy.ZeroMatrix(*Q.shape)), scope) is None
    # outside the derivative, and for other matrices inside it, the qualifiers still apply
    assert prove(Relation(Gradient(sympy.Trace(S.T * B), B), "=", Gradient(sympy.Trace(S * B), B)), scope) is not None
    assert prove(Relation(Gradient(sympy.Trace(S * B), S) + S.T, "=", Gradient(sympy.Trace(S * B), S) + S), scope)


def test_order_needs_real_sides():
    """sqrt(x) <= sqrt(x) + 1 has a real difference, but sqrt(-1) is not real: no proof."""
    scope, o = scope_with(x="real", p="positive")
    x, p = o["x"], o["p"]
    assert prove(Relation(sympy.sqrt(x), "<=", sympy.sqrt(x) + 1), scope) is None
    assert prove(Relation(sympy.exp(sympy.sqrt(x)), "<=", sympy.exp(sympy.sqrt(x) + 1)), scope) is None
    assert prove(Relation(sympy.sqrt(p), "<=", sympy.sqrt(p) + 1), scope) is not None
    assert prove(Relation(1 / (x**2 + 1), "<=", 1 / (x**2 + 1) + x**2), scope) is not None


def test_hypotheses_are_pointwise_never_rewriting_under_derivatives_or_binders():
    from derivcheck.check.symbolic.hypotheses import rewrite_with

    scope, o = scope_with(x="real", y="real", n="dimension", z="matrix n 1")
    x, y, z = o["x"], o["y"], o["z"]
    square = Relation(x**2, "=", sympy.Integer(2))
    assert rewrite_with(sympy.Derivative(x**2, x), square, scope) == sympy.Derivative(x**2, x)
    assert rewrite_with(x**2 + sympy.Derivative(x**2, y), square, scope) == 2 + sympy.Derivative(2, y)
    solved = Relation(y, "=", 2 * x)  # y -> 2*x, but not inside a derivative in x or y
    assert rewrite_with(sympy.Derivative(y, x) + y, solved, scope) == sympy.Derivative(y, x) + 2 * x
    assert rewrite_with(sympy.Integral(y, (y, 0, 1)), solved, scope) == sympy.Integral(y, (y, 0, 1))
    unit = Relation(z.T @ z, "=", sympy.Identity(1))
    assert rewrite_with(Gradient(sympy.Trace(z.T @ z), z), unit, scope) == Gradient(sympy.Trace(z.T @ z), z)
    # a solved symbol that is the variable of diff no longer crashes
    fixed = Relation(x, "=", sympy.Integer(2))
    assert rewrite_with(sympy.Derivative(x**3, x) + x, fixed, scope) == sympy.Derivative(x**3, x) + 2


def test_the_strategy_table_and_docs_trust_md_list_the_same_strategies(repo) -> None:
    from derivcheck.check.symbolic import STRATEGIES

    text = (repo / "docs" / "trust.md").read_text(encoding="utf-8")
    table = text.split("| strategy | trusted answer |", 1)[1].split("\n\n", 1)[0]
    documented = [row.split("|")[1].strip() for row in table.strip().splitlines()[1:]]
    assert documented == [strategy.name for strategy in STRATEGIES]


def test_each_strategy_reports_its_own_name() -> None:
    from derivcheck.check.symbolic import STRATEGIES

    scope, s = scope_with(x="real", y="real")
    x, y = s["x"], s["y"]
    examples = {
        "structural": Relation(x + 1, "=", x + 1),
        "canonical form": Relation((x + 1) ** 2, "=", x**2 + 2 * x + 1),
        "simplify": Relation(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, "=", sympy.Integer(1)),
        "sign of the difference": Relation(sympy.Integer(0), "<=", (x - y) ** 2),
        "monotone map": Relation(sympy.exp(x), "<=", sympy.exp(x + y**2)),
    }
    for name, relation in examples.items():
        proof = prove(relation, scope)
        assert proof is not None and proof.method.split(";")[0] == name, (name, proof)
    assert {name for name in examples} <= {strategy.name for strategy in STRATEGIES}


def test_an_entry_hypothesis_is_solved_into_an_explicit_matrix():
    from derivcheck.check.symbolic.hypotheses import apply_hypotheses, solve_for_entry

    scope, o = scope_with(M="matrix 3 3", S="symmetric matrix 2 2", P="psd matrix 2 2", n="dimension",
                          G="matrix n n", x="real")
    M, S, P, G, x = (o[k] for k in ("M", "S", "P", "G", "x"))
    zeros = [Relation(M[1, 0], "=", 0), Relation(M[2, 0], "=", 0), Relation(M[2, 1], "=", 0)]
    triangular = Relation(sympy.Determinant(M), "=", M[0, 0] * M[1, 1] * M[2, 2])
    assert prove(apply_hypotheses(triangular, zeros, scope), scope) is not None
    # false look-alikes: one zero fewer, or three zeros that leave a cycle (det = aei + cdh)
    assert prove(apply_hypotheses(triangular, zeros[1:], scope), scope) is None
    cycle = [Relation(M[0, 1], "=", 0), Relation(M[1, 2], "=", 0), Relation(M[2, 0], "=", 0)]
    assert prove(apply_hypotheses(triangular, cycle, scope), scope) is None
    # an entry of a general matrix says nothing of its mirror; of a symmetric one it does
    assert prove(apply_hypotheses(Relation((M @ M.T)[0, 1], "=", M[0, 0] * M[1, 0] + M[0, 2] * M[1, 2]),
                                  [Relation(M[0, 1], "=", 0)], scope), scope) is not None
    assert prove(apply_hypotheses(Relation((M @ M.T)[0, 1], "=", M[0, 2] * M[1, 2]),
                                  [Relation(M[0, 1], "=", 0)], scope), scope) is None
    mirror = Relation(sympy.Determinant(S), "=", S[0, 0] * S[1, 1] - 1)
    assert prove(apply_hypotheses(mirror, [Relation(S[0, 1], "=", 1)], scope), scope) is not None
    assert prove(apply_hypotheses(mirror, [Relation(S[0, 1], "=", 2)], scope), scope) is None
    # solved for the lone entry, with the rest of the hypothesis as its value
    parent, explicit = solve_for_entry(2 * M[2, 0] - x, M[1, 1], scope)
    assert parent == M and sympy.expand((2 * M[2, 0] - x - M[1, 1]).xreplace({M: explicit})) == 0
    assert sum(explicit[a, b] != M[a, b] for a in range(3) for b in range(3)) == 1
    # not solved: the entry elsewhere in the hypothesis, the whole matrix in it, a qualified
    # matrix other than a symmetric one (a psd matrix with an entry set need not be psd),
    # a symbolic size, a symmetric entry against its own mirror
    assert solve_for_entry(M[2, 0], M[2, 0] ** 2, scope) is None
    assert solve_for_entry(M[2, 0], sympy.Determinant(M), scope) is None
    assert solve_for_entry(P[0, 1], 0, scope) is None
    assert solve_for_entry(G[0, 1], 0, scope) is None
    assert solve_for_entry(S[0, 1], 2 * S[1, 0], scope) is None


def test_the_derivative_of_log_abs_meets_one_over_its_argument():
    from derivcheck.check.symbolic.canonical import canonical

    scope, o = scope_with(x="real", y="real", n="dimension", X="matrix n n", C="complex matrix n n")
    x, y, X, C = o["x"], o["y"], o["X"], o["C"]
    u = x * y - 1
    assert prove(Relation(sympy.Derivative(sympy.log(sympy.Abs(u)), x), "=", y / u), scope) is not None
    assert prove(Relation(Gradient(sympy.log(sympy.Abs(sympy.Determinant(X))), X), "=", sympy.Inverse(X.T)),
                 scope) is not None
    # false look-alikes: 1/|u| for 1/u, the inverse without its transpose, sign(x)**2 = 1 (false at 0)
    assert prove(Relation(sympy.Derivative(sympy.log(sympy.Abs(x)), x), "=", 1 / sympy.Abs(x)), scope) is None
    assert prove(Relation(sympy.sign(x) / sympy.Abs(x), "=", 1 / sympy.Abs(x)), scope) is None
    assert prove(Relation(Gradient(sympy.log(sympy.Abs(sympy.Determinant(X))), X), "=", sympy.Inverse(X)),
                 scope) is None
    assert prove(Relation(sympy.sign(x) ** 2, "=", 1), scope) is None
    # |u|**2 is u**2 only for a real u: not for the determinant of a complex matrix
    assert canonical(sympy.Abs(sympy.Determinant(X)) ** 2, scope) == sympy.Determinant(X) ** 2
    assert canonical(sympy.Abs(sympy.Determinant(C)) ** 2, scope) != sympy.Determinant(C) ** 2


def test_a_quantified_moment_hypothesis_is_used_at_the_goals_indices():
    scope, o = scope_with(k="natural", mu="real", s="positive", X="random sequence")
    k, mu, s, X = (o[name] for name in ("k", "mu", "s", "X"))
    given = [Relation(Expectation(X[k]), "=", mu), Relation(Variance(X[k]), "=", s**2)]
    assert prove(Relation(Expectation(X[1] ** 2), "=", s**2 + mu**2), scope, given) is not None
    assert prove(Relation(Expectation(X[1] ** 2) + Expectation(X[3] ** 2), "=", 2 * s**2 + 2 * mu**2),
                 scope, given) is not None
    # false look-alikes: X[0] is outside k's domain; E(X[1]*X[2]) = mu**2 needs declared independence
    assert prove(Relation(Expectation(X[0] ** 2), "=", s**2 + mu**2), scope, given) is None
    pair = Relation(Expectation((X[1] + X[2]) ** 2), "=", 2 * s**2 + 4 * mu**2)
    assert prove(pair, scope, given) is None
    assert prove(Relation(Expectation(X[1] ** 2), "=", s**2), scope, given) is None
    scope.independent.append(frozenset({"X"}))
    assert prove(pair, scope, given) is not None


def test_a_one_by_one_run_of_a_product_is_a_scalar():
    scope, o = scope_with(n="dimension", A="matrix n n", B="matrix n n", u="matrix n 1", v="matrix n 1",
                          w="matrix n 1")
    A, B, u, v, w = (o[k] for k in ("A", "B", "u", "v", "w"))
    s = sympy.Trace(v.T * A.I * u)
    rank_one = u * v.T * A.I
    # the Sherman-Morrison multiplication: u (v.T A^-1 u) v.T A^-1 = (v.T A^-1 u) u v.T A^-1
    left = sympy.Identity(v.shape[0]) + rank_one - (rank_one + u * v.T * A.I * u * v.T * A.I) / (1 + s)
    assert prove(Relation(left, "=", sympy.Identity(v.shape[0])), scope) is not None
    assert prove(Relation(u * v.T * w, "=", sympy.Trace(v.T * w) * u), scope) is not None
    # false look-alikes: the scalar moved to the wrong vector, A^-1 B = B A^-1, x.T A y = y.T A x
    assert prove(Relation(u * v.T * w, "=", sympy.Trace(v.T * u) * w), scope) is None
    assert prove(Relation(A.I * B, "=", B * A.I), scope) is None
    assert prove(Relation(sympy.Trace(u.T * A * v), "=", sympy.Trace(v.T * A * u)), scope) is None
    assert prove(Relation(left, "=", sympy.Identity(v.shape[0]) + rank_one / (1 + s)), scope) is None


def test_replace_shared_is_xreplace_with_each_shared_node_once():
    from derivcheck.check.trees import replace_shared

    x, y = sympy.symbols("x y")
    small = sympy.sin(x + y) * (x + y) ** 2 + x
    assert replace_shared(small, {x: sympy.Integer(2)}) == small.xreplace({x: sympy.Integer(2)})
    assert replace_shared(sympy.ImmutableMatrix([[x, y]]), {y: x}) == sympy.ImmutableMatrix([[x, x]])
    # a DAG of depth 200: a plain walk would visit 2**200 paths
    node = x
    for _ in range(200):
        node = sympy.Mul(node, node + 1, evaluate=False)
    assert replace_shared(node, {x: sympy.Integer(0)}) == 0


def test_free_symbols_answers_as_sympy_each_shared_node_once():
    from derivcheck.check.trees import FreeSymbols, unique_nodes

    x, n = sympy.symbols("x n")
    t, i = sympy.Symbol("t"), sympy.Symbol("i", integer=True)
    a = sympy.IndexedBase("A")
    exprs = [sympy.exp(x) + sympy.Integral(sympy.exp(-t**2) * x, (t, 0, 1)) + sympy.Sum(i * x, (i, 1, n)),
             sympy.Piecewise((x, x > 0), (sympy.tanh(3), True)) + sympy.Integral(t, (t, 0, 1)) * sympy.log(2),
             a[i] + sympy.Sum(a[i], (i, 1, 3)), sympy.Derivative(sympy.Function("f")(x), x) + sympy.Max(x, 2)]
    for expr in exprs:
        free = FreeSymbols()
        assert all(free(node) == bool(node.free_symbols) for node in unique_nodes([expr]))
    # a DAG of depth 200: a walk per node would visit 2**200 paths
    node = sympy.Integer(3)
    for _ in range(200):
        node = sympy.Mul(node, node + 1, evaluate=False)
    free = FreeSymbols()
    assert not free(node) and free(node + x)
