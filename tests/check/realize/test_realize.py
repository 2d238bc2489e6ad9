"""Explicit realisation (derivcheck/check/realize/realizer.py, relations.py, realize_calculus.py, replacements.py,
symbolic_matrices.py) and finite probability spaces (finite_space.py)."""

from __future__ import annotations

import pytest
import sympy

from derivcheck.errors import Span
from derivcheck.expr import objects
from derivcheck.expr.scope import MatrixDecl, RandomDecl, Scope, SequenceDecl
from derivcheck.check.realize.realizer import Realization, RealizeError, realize
from derivcheck.check.realize.relations import realize_relation
from derivcheck.check.realize.replacements import substitute_functions
from derivcheck.check.realize.entries import entry_symbol, realize_symbolic, symbolic_matrix
from derivcheck.check.realize.finite_space import build_space
from derivcheck.check.numeric.domains import exact_matrix

SPAN = Span("test", 1, 1)
n = sympy.Symbol("n", integer=True, positive=True)
k = sympy.Symbol("k", integer=True, positive=True)


def explicit(m: sympy.MatrixSymbol, rows: int, cols: int) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(rows, cols, lambda i, j: entry_symbol(m.name, i, j, cols))


def test_quadratic_form_is_its_scalar_and_trace_of_1x1_is_the_entry() -> None:
    z, a = sympy.MatrixSymbol("z", n, 1), sympy.MatrixSymbol("A", n, n)
    env = Realization(integers={n: 2}, matrices={z: sympy.ImmutableMatrix([1, 2]),
                                                 a: sympy.ImmutableMatrix([[1, 2], [3, 4]])})
    assert realize(sympy.Trace(z.T @ a @ z), env) == 1 + 2 * 2 + 3 * 2 + 4 * 4
    assert realize(a @ z + sympy.OneMatrix(n, 1), env) == sympy.ImmutableMatrix([6, 12])
    assert realize(sympy.Determinant(a), env) == -2
    assert realize(sympy.Inverse(a) @ a, env) == sympy.eye(2)
    assert realize(a[1, 0], env) == 3  # the parser's X[2, 1] is MatrixElement(X, 1, 0)


def test_symbolic_entries_transpose_of_product() -> None:
    a, b = sympy.MatrixSymbol("A", n, k), sympy.MatrixSymbol("B", k, n)
    env = Realization(integers={n: 2, k: 3}, matrices={a: explicit(a, 2, 3), b: explicit(b, 3, 2)})
    assert sympy.expand(realize((a @ b).T, env) - realize(b.T @ a.T, env)) == sympy.zeros(2, 2)
    with pytest.raises(RealizeError, match="cannot multiply 2x3 by 2x3"):
        realize(sympy.MatMul(a, b.T, a), env)
    with pytest.raises(RealizeError, match="square"):
        realize(a @ a, env)  # SymPy builds A**2 for a non-square A


def test_missing_matrix_and_wrong_shape_are_errors() -> None:
    a = sympy.MatrixSymbol("A", n, n)
    with pytest.raises(RealizeError, match="no explicit value"):
        realize(a, Realization(integers={n: 2}))
    with pytest.raises(RealizeError, match="2x2"):
        realize(a, Realization(integers={n: 2}, matrices={a: sympy.ImmutableMatrix([[1]])}))


def test_sums_and_products_expand_and_are_bounded() -> None:
    i = sympy.Symbol("i", integer=True)
    alpha = sympy.IndexedBase("alpha", positive=True)
    env = Realization(integers={n: 3})
    assert realize(sympy.Sum(i**2, (i, 1, n)), env) == 14
    assert realize(sympy.Product(alpha[i], (i, 1, n)), env) == alpha[1] * alpha[2] * alpha[3]
    assert realize(sympy.Sum(i, (i, 1, 0)), env) == 0
    j = sympy.Symbol("j", integer=True)
    assert realize(sympy.Sum(i * j, (j, 1, i - 1), (i, 1, n)), env) == 2 + 3 + 6  # inner bound uses i
    with pytest.raises(RealizeError, match="more than 10000 terms"):
        realize(sympy.Sum(i, (i, 1, 10**9)), env)
    x = sympy.MatrixSymbol("x", n, 1)
    env.matrices[x] = explicit(x, 3, 1)
    total = realize(sympy.Sum(x[i - 1, 0], (i, 1, n)), env)  # a symbolic index, bound per term
    assert total == sum(explicit(x, 3, 1))


def test_gradient_of_quadratic_form_entrywise() -> None:
    x, a = sympy.MatrixSymbol("x", n, 1), sympy.MatrixSymbol("A", n, n)
    env = Realization(integers={n: 2}, matrices={x: explicit(x, 2, 1), a: explicit(a, 2, 2)})
    grad = realize(objects.Gradient(sympy.Trace(x.T @ a @ x), x), env)
    assert sympy.expand(grad - realize((a + a.T) @ x, env)) == sympy.zeros(2, 1)
    assert sympy.expand(grad - realize(2 * a @ x, env)) != sympy.zeros(2, 1)
    # numeric values for the variable: differentiated with fresh symbols, then substituted
    env.matrices[x] = sympy.ImmutableMatrix([1, -1])
    assert realize(objects.Gradient(sympy.Trace(x.T @ x), x), env) == sympy.ImmutableMatrix([2, -2])
    hess = realize(objects.HessianMatrix(sympy.Trace(x.T @ a @ x), x), env)
    assert hess == realize(a + a.T, env)


def test_function_gradient_is_structural_and_accepts_a_replacement() -> None:
    x, w = sympy.MatrixSymbol("X", n, k), sympy.MatrixSymbol("W", k, n)
    big_l = objects.declared_function("L", 1)
    env = Realization(integers={n: 1, k: 2}, matrices={x: explicit(x, 1, 2), w: explicit(w, 2, 1)})
    value = realize(objects.FunctionGradient(big_l(x @ w)), env)
    arg = realize(x @ w, env)[0, 0]
    assert value == sympy.ImmutableMatrix([[objects.declared_function("L__d1", 1)(arg)]])
    chain = realize(objects.Gradient(big_l(x @ w), x), env)
    assert sympy.expand(chain - realize(objects.FunctionGradient(big_l(x @ w)) @ w.T, env)) == sympy.zeros(1, 2)
    u = sympy.Dummy("u")
    square = sympy.Lambda((u,), u**2)
    env.functions["L"] = square
    assert realize(objects.FunctionGradient(big_l(x @ w)), env) == sympy.ImmutableMatrix([[2 * arg]])
    # realising undefined, then substituting, gives the same
    undefined = realize(objects.FunctionGradient(big_l(x @ w)), Realization(env.integers, env.matrices))
    assert substitute_functions(undefined, {"L": square}) == sympy.ImmutableMatrix([[2 * arg]])


def test_derivative_of_declared_function() -> None:
    f = objects.declared_function("f", 1)
    x = sympy.Symbol("x", real=True)
    assert realize(sympy.Derivative(f(x**2), x), Realization()) == 2 * x * objects.declared_function("f__d1", 1)(x**2)


def test_symbolic_matrix_qualifiers() -> None:
    decl = MatrixDecl("S", sympy.MatrixSymbol("S", n, n), n, n, frozenset({"symmetric", "psd"}), SPAN)
    made = symbolic_matrix(decl, {n: 3})
    assert made.matrix == made.matrix.T
    assert made.encoded == {"symmetric"} and made.dropped == {"psd"}
    diag = MatrixDecl("D", sympy.MatrixSymbol("D", n, n), n, n, frozenset({"diagonal"}), SPAN)
    assert symbolic_matrix(diag, {n: 2}).matrix[0, 1] == 0


def test_realize_symbolic_uses_the_scope() -> None:
    scope = Scope("t")
    s = sympy.MatrixSymbol("S", n, n)
    scope.names["S"] = MatrixDecl("S", s, n, n, frozenset({"symmetric"}), SPAN)
    assert realize_symbolic(s - s.T, scope, {n: 2}) == sympy.zeros(2, 2)


def test_orthogonal_generator_is_exactly_orthogonal() -> None:
    g = sympy.ImmutableMatrix([[1, 2, sympy.Rational(1, 3)], [0, 1, 5], [3, 1, -2]])
    q = exact_matrix("orthogonal", g)
    assert q * q.T == sympy.eye(3)
    assert q.det() == -1  # g[2, 2] < 0: a reflection
    assert exact_matrix("pd", sympy.zeros(2, 2)) == sympy.eye(2) / 10**40  # pd, not the identity
    assert exact_matrix("orthogonal", -sympy.eye(3)) == -sympy.eye(3)  # eigenvalue -1 on every column


def test_pd_generator_reaches_small_eigenvalues() -> None:
    """G G^T + (1e-6 + g00^2) I: the shift is not a floor of 1 (det(A) >= 1 is false)."""
    g = sympy.ImmutableMatrix([[sympy.Rational(1, 10), 0], [0, sympy.Rational(1, 5)]])
    a = exact_matrix("pd", g)
    assert a.is_positive_definite and a.det() < sympy.Rational(1, 100)
    d = exact_matrix("diagpd", g)
    assert d.is_positive_definite and d[0, 0] < sympy.Rational(1, 10)
    assert exact_matrix("diagpd", sympy.zeros(2, 2)).is_positive_definite


def _random_scope(independent: list[set[str]]) -> tuple[Scope, sympy.Symbol, sympy.Symbol]:
    scope = Scope("t")
    xs = []
    for name in ("X", "Y"):
        s = sympy.Symbol(name, real=True)
        scope.names[name] = RandomDecl(name, s, None, SPAN)
        xs.append(s)
    scope.independent = [frozenset(g) for g in independent]
    return scope, xs[0], xs[1]


def test_variance_of_sum_depends_on_declared_independence() -> None:
    claim = lambda x, y: objects.Relation(objects.Variance(x + y), "=", objects.Variance(x) + objects.Variance(y))
    scope, x, y = _random_scope([])
    dependent = realize_relation(claim(x, y), Realization(), scope)
    lhs, rhs = dependent.cases[0]
    assert sympy.expand(lhs - rhs) != 0  # 2 Cov(X, Y) survives
    scope, x, y = _random_scope([{"X", "Y"}])
    independent = realize_relation(claim(x, y), Realization(), scope)
    lhs, rhs = independent.cases[0]
    probabilities = [s for f in independent.space.factors for s in f.free]
    assert len(independent.space.factors) == 2
    assert sympy.expand(lhs - rhs) == 0 and probabilities


def test_pointwise_relations_enumerate_outcomes() -> None:
    scope, x, y = _random_scope([])
    realized = realize_relation(objects.Relation(x + y, "=", y + x), Realization(), scope)
    assert len(realized.cases) == 3  # one shared factor of 3 atoms
    assert all(sympy.expand(a - b) == 0 for a, b in realized.cases)


def test_normal_moments_and_refusals() -> None:
    scope = Scope("t")
    eps = sympy.IndexedBase("eps", real=True)
    scope.names["eps"] = SequenceDecl("eps", eps, "real", None, True, ("normal", (0, 1)), SPAN)
    z = sympy.Symbol("Z", real=True)
    scope.names["Z"] = RandomDecl("Z", z, ("normal", (sympy.Integer(2), sympy.Integer(3))), SPAN)
    scope.independent = [frozenset({"eps"})]
    space = build_space({eps[1], eps[2], z}, scope)
    assert space.expectation(eps[1] ** 4) == 3
    assert space.expectation((eps[1] + eps[2]) ** 2) == 2
    assert space.expectation(z**2) == 3 + 4
    with pytest.raises(RealizeError, match="not declared independent"):
        space.expectation(eps[1] * z)
    with pytest.raises(RealizeError, match="non-polynomial"):
        space.expectation(sympy.exp(eps[1]))


def test_an_infinite_sum_is_not_written_out_and_is_not_undefined() -> None:
    from derivcheck.check.realize.realizer import UndefinedAt

    r, i = sympy.Symbol("r", real=True), sympy.Symbol("i", integer=True)
    with pytest.raises(RealizeError) as info:
        realize(sympy.Sum(r**i, (i, 0, sympy.oo)), Realization())
    assert not isinstance(info.value, UndefinedAt)  # unknown, not an `error` verdict


def test_large_matrices_are_refused_with_their_size_not_written_out() -> None:
    # every size the format accepts (up to 10**6 per dimension) must end quickly: a matrix
    # beyond MAX_ENTRIES entries is refused, naming it, before anything is built
    from derivcheck.check.numeric.parameters import entry_matrices
    from derivcheck.check.realize.base import MAX_ENTRIES

    big = sympy.MatrixSymbol("z", 10**6, 1)
    with pytest.raises(RealizeError, match=r"z is 1000000x1 \(1000000 entries\): matrices up to"):
        realize(big.T @ big, Realization())
    for huge in (sympy.Identity(10**6), sympy.ZeroMatrix(1000, 1000), sympy.OneMatrix(10**6, 10**6)):
        with pytest.raises(RealizeError, match="entries are written out"):
            realize(huge, Realization())
    scope = Scope("t")
    scope.names["z"] = MatrixDecl("z", big, sympy.Integer(10**6), sympy.Integer(1), frozenset(), SPAN)
    small = sympy.MatrixSymbol("y", 3, 1)
    scope.names["y"] = MatrixDecl("y", small, sympy.Integer(3), sympy.Integer(1), frozenset(), SPAN)
    assert set(entry_matrices(scope, {})) == {small}  # the large one gets no value, and costs nothing
    with pytest.raises(RealizeError, match="z is 1000000x1"):
        symbolic_matrix(scope.names["z"], {})
    with pytest.raises(RealizeError, match="z is 1000000x1"):
        realize_symbolic(big.T @ big, scope, {})
    assert realize_symbolic(small.T @ small, scope, {}) is not None  # an unused large matrix is no obstacle
    side = int(MAX_ENTRIES**0.5)
    assert realize(sympy.Identity(side), Realization()).shape == (side, side)  # the limit itself is allowed


def test_products_and_symbolic_determinants_beyond_their_limits_are_refused() -> None:
    z = sympy.MatrixSymbol("z", 1000, 1)
    env = Realization(matrices={z: explicit(z, 1000, 1)})
    assert realize(z.T @ z, env).shape == (1, 1)
    with pytest.raises(RealizeError, match="matrix product is 1000x1000"):
        realize(z @ z.T, env)  # an outer product of long vectors
    a = sympy.MatrixSymbol("A", 8, 8)
    env = Realization(matrices={a: explicit(a, 8, 8)})
    with pytest.raises(RealizeError, match="det of a 8x8 matrix with symbolic entries"):
        realize(sympy.Determinant(a), env)
    with pytest.raises(RealizeError, match="inv of a 8x8 matrix with symbolic entries"):
        realize(sympy.Inverse(a), env)
    assert realize(sympy.Determinant(sympy.Identity(8)), Realization()) == 1  # numbers: no such limit


def test_matrix_products_are_counted_in_all(monkeypatch: pytest.MonkeyPatch) -> None:
    # the entries of a product of products are sums of products: one product of atoms is
    # cheap, a chain of them is not, so the limit counts the terms of all of them
    from derivcheck.check.realize import realizer as realize_module

    monkeypatch.setattr(realize_module, "MAX_PRODUCT_TERMS", 100)  # 4x4 products: 64 terms each
    a, b, c = (sympy.MatrixSymbol(name, 4, 4) for name in "ABC")
    env = Realization(matrices={m: explicit(m, 4, 4) for m in (a, b, c)})
    assert realize(a @ b, env).shape == (4, 4)
    with pytest.raises(RealizeError, match=r"more than 100 terms in all .* \(reached at 4x4 by 4x4\)"):
        realize(a @ b @ c, env)
    with pytest.raises(RealizeError, match="4x4 to the power 3"):
        realize(a ** 3, env)  # two products per bit of the exponent
    two = sympy.MatrixSymbol("T", 2, 2)
    assert realize(two ** 5, Realization(matrices={two: explicit(two, 2, 2)})).shape == (2, 2)


def test_a_matrix_power_of_symbolic_entries_is_written_out_by_repeated_squaring() -> None:
    # SymPy's own power simplifies each product of symbolic entries: (A + B)**16 at 3x3
    # never ended (red team 5 F6); a second helper named _power once shadowed the squaring one
    from derivcheck.check.runtime.limits import run_bounded

    a, b = sympy.MatrixSymbol("A", 3, 3), sympy.MatrixSymbol("B", 3, 3)
    env = Realization(matrices={a: sympy.ImmutableMatrix(3, 3, sympy.symbols("a0:9")),
                                b: sympy.ImmutableMatrix(3, 3, sympy.symbols("b0:9"))})
    done = run_bounded(lambda: str(realize(sympy.MatPow(a + b, 16), env)[0, 0].count_ops() > 0), 60.0)
    assert done.status == "ok" and done.value == "True"
