"""The safe expression parser: each construct, each refusal with its exact column."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import sympy

from derivcheck.errors import InputError, InputErrors, Span
from derivcheck.expr import objects
from derivcheck.expr.declarations import build_scope
from derivcheck.expr.parser import UndeclaredName, parse_expression, parse_relation
from derivcheck.expr.scope import Scope
from derivcheck.model import Declaration, Definition, Derivation, Hypothesis, Text
from repo_paths import REPO

LINE, COL = 7, 10


def text(value: str, line: int = LINE, col: int = COL) -> Text:
    return Text(value, Span("t.deriv.yaml", line, col))


def make_scope(symbols: dict[str, str], define: dict[str, str] | None = None, given: dict[str, str] | None = None,
               independent: tuple[tuple[str, ...], ...] = ()) -> Scope:  # fmt: skip
    decls = tuple(
        Declaration(tuple(text(n.strip(), i + 1, 3) for n in names.split(",")), text(kind, i + 1, 20))
        for i, (names, kind) in enumerate(symbols.items())
    )
    derivation = Derivation(
        path="t.deriv.yaml",
        id=text("t"),
        title=text("t"),
        symbols=decls,
        span=Span("t.deriv.yaml", 1, 1),
        independent=tuple(tuple(text(n) for n in group) for group in independent),
        define=tuple(Definition(text(h, 50 + i, 3), text(b, 50 + i, 20)) for i, (h, b) in enumerate((define or {}).items())),
        given=tuple(Hypothesis(text(h, 80 + i, 3), text(r, 80 + i, 20)) for i, (h, r) in enumerate((given or {}).items())),
    )
    return build_scope(derivation)


SCOPE = make_scope(
    {
        "a, b, c": "real",
        "sigma": "positive",
        "t": "natural",
        "i": "integer",
        "n, k, N, d": "dimension",
        "X": "matrix[N, d]",
        "W": "matrix[d, k]",
        "r": "rowvector[k]",
        "z, bb": "vector[k]",
        "v3": "vector[3]",
        "A": "symmetric matrix[k, k]",
        "P": "matrix[k, k]",
        "alpha": "sequence in (0, 1)",
        "X1, X2": "random",
        "eps": "random sequence normal(0, 1)",
        "f": "function(x)",
        "g": "function(x, y)",
        "L": "function(matrix[N, k])",
        "ε, λ": "positive",
    },
    define={
        "q(z)": "z.T @ A @ z + z.T @ bb + c",
        "h(u)": "u**2 + 1",
        "alpha_bar[t]": "Product(alpha[j], (j, 1, t))",
        "Y": "X @ W + ones(N, 1) @ r",
    },
)
S = {name: getattr(decl, "symbol", None) for name, decl in SCOPE.names.items()}


def parse(value: str) -> object:
    return parse_expression(text(value), SCOPE)


def error_of(value: str, relation: bool = False) -> InputError:
    with pytest.raises(InputError) as info:
        parse_relation(text(value), SCOPE, allow_law=True) if relation else parse(value)
    return info.value


# --- accepted constructs -----------------------------------------------------------


def test_arithmetic_and_exact_numbers() -> None:
    a, b = S["a"], S["b"]
    assert parse("0.1") == sympy.Rational(1, 10)
    assert parse("1e-3") == sympy.Rational(1, 1000)
    assert parse("2.5e2") == 250
    assert parse("1/3") == sympy.Rational(1, 3)
    assert parse("a + 2*b - a/2") == a / 2 + 2 * b
    assert parse("-a ** 2") == -(a**2)
    assert parse("pi + oo") == sympy.oo
    assert parse("exp(1)") == sympy.E
    assert parse("(a + b)**2") == (a + b) ** 2


def test_builtin_functions() -> None:
    a, b = S["a"], S["b"]
    assert parse("sqrt(a) + exp(a) + log(a) + sin(a) + cos(a) + tanh(a)") == (
        sympy.sqrt(a) + sympy.exp(a) + sympy.log(a) + sympy.sin(a) + sympy.cos(a) + sympy.tanh(a)
    )
    assert parse("Abs(a) * sign(b)") == sympy.Abs(a) * sympy.sign(b)
    assert parse("Min(a, b) + Max(a, b, 1)") == sympy.Min(a, b) + sympy.Max(a, b, 1)
    assert parse("log(a, 2)") == sympy.log(a, 2)


def test_unicode_names() -> None:
    assert parse("ε * λ") == S["ε"] * S["λ"]


def test_sequences_and_bound_variables() -> None:
    t, alpha = S["t"], SCOPE.names["alpha"].base
    assert parse("alpha[t - 1]") == alpha[t - 1]
    assert parse("alpha[t]").is_positive
    total = parse("Sum(alpha[a_idx], (a_idx, 1, t))")
    bound = sympy.Symbol("a_idx", integer=True)
    assert total == sympy.Sum(alpha[bound], (bound, 1, t))
    # a bound name shadows a declared one
    shadow = parse("Sum(a, (a, 1, 3))")
    assert shadow == sympy.Sum(sympy.Symbol("a", integer=True), (sympy.Symbol("a", integer=True), 1, 3))
    x = sympy.Symbol("x", real=True)
    assert parse("Integral(x**2, (x, 0, 1))") == sympy.Integral(x**2, (x, 0, 1))
    assert parse("Product(alpha[j], (j, 1, t))") == sympy.Product(alpha[sympy.Symbol("j", integer=True)], (sympy.Symbol("j", integer=True), 1, t))


def test_matrix_entries_are_one_based() -> None:
    X, z, r = S["X"], S["z"], S["r"]
    assert parse("X[1, 2]") == X[0, 1]
    assert parse("z[2]") == z[1, 0]
    assert parse("r[3]") == r[0, 2]
    assert parse("(P.T @ z)[i]").dummy_eq((S["P"].T @ z)[S["i"] - 1, 0])
    assert error_of("v3[4]").span.col == COL + 3
    assert "1-based" in error_of("v3[0]").hint


def test_transpose_matmul_and_constants() -> None:
    X, W, z = S["X"], S["W"], S["z"]
    assert parse("(X @ W).T") == (X * W).T
    assert parse("2 * A @ z") == 2 * S["A"] * z
    assert parse("inv(A) @ A") == sympy.Identity(S["k"])
    assert parse("det(A) * trace(P)") == sympy.Determinant(S["A"]) * sympy.Trace(S["P"])
    assert parse("eye(k) + zeros(k, k)") == sympy.Identity(S["k"])
    assert parse("ones(N, 1)") == sympy.OneMatrix(S["N"], 1)
    assert parse("P**2") == sympy.MatPow(S["P"], 2)


def test_one_by_one_matrix_is_a_scalar_in_scalar_context() -> None:
    z, A = S["z"], S["A"]
    quad = z.T * A * z
    assert parse("z.T @ A @ z") == quad  # alone it stays a matrix
    assert parse("z.T @ A @ z + 1") == sympy.Trace(quad) + 1
    assert parse("2 * (z.T @ z)") == 2 * sympy.Trace(z.T * z)
    assert parse("exp(z.T @ z)") == sympy.exp(sympy.Trace(z.T * z))
    relation = parse_relation(text("z.T @ A @ z >= 0"), SCOPE)
    assert relation == objects.Relation(sympy.Trace(quad), ">=", 0)
    both = parse_relation(text("z.T @ A @ z = z.T @ P @ z"), SCOPE)
    assert both.lhs == sympy.Trace(quad) and both.rhs == sympy.Trace(z.T * S["P"] * z)


def test_probability_operators() -> None:
    X1, X2 = S["X1"], S["X2"]
    eps = SCOPE.names["eps"].base
    assert parse("E(X1 + X2)") == objects.Expectation(X1 + X2)
    assert parse("Var(eps[t])") == objects.Variance(eps[S["t"]])
    assert parse("Cov(X1, 2*X2)") == objects.Covariance(X1, 2 * X2)


def test_calculus() -> None:
    a, z, A = S["a"], S["z"], S["A"]
    f = SCOPE.names["f"].cls
    assert parse("diff(f(a**2), a)") == sympy.Derivative(f(a**2), a)
    assert parse("diff(a**3, a, 2)") == sympy.Derivative(a**3, (a, 2))
    assert parse("grad(z.T @ A @ z, z)") == objects.Gradient(sympy.Trace(z.T * A * z), z)
    assert parse("hessian(z.T @ A @ z, z)") == objects.HessianMatrix(sympy.Trace(z.T * A * z), z)
    Y = S["X"] * S["W"] + sympy.OneMatrix(S["N"], 1) * S["r"]
    L = SCOPE.names["L"].cls
    assert parse("grad(L, Y) @ W.T") == objects.FunctionGradient(L(Y)) * S["W"].T
    assert parse("L(Y)") == L(Y)
    assert parse("g(a, 1)") == SCOPE.names["g"].cls(a, 1)


def test_definitions_expand() -> None:
    z, A, bb, c, t = S["z"], S["A"], S["bb"], S["c"], S["t"]
    v = S["v3"]
    assert parse("q(z)") == c + sympy.Trace(z.T * A * z + z.T * bb)
    assert parse("q(A @ z)").has(A * z)
    assert parse("h(a + 1)") == (S["a"] + 1) ** 2 + 1
    alpha, j = SCOPE.names["alpha"].base, sympy.Symbol("j", integer=True)
    assert parse("alpha_bar[t - 1]") == sympy.Product(alpha[j], (j, 1, t - 1))
    assert "takes a k x 1 matrix" in error_of("q(v3)").message
    assert "integer" in error_of("alpha_bar[a]").message
    assert "takes arguments" in error_of("q + 1").message


def test_a_defined_derivative_is_taken_before_its_argument_goes_in() -> None:
    scope = make_scope({"z": "real", "k": "dimension", "X": "matrix[k, k]", "w": "vector[k]",
                        "f, g": "function(x)"},
                       define={"fp(u)": "diff(f(u), u)", "sig(u)": "1 / (1 + exp(-u))",
                               "h1(u, v)": "diff(f(u) * g(v), u)"})
    z = scope.names["z"].symbol
    g = scope.names["g"].cls(z)
    fp_of_g = parse_expression(text("fp(g(z))"), scope)  # f' at g(z), not d/d(g(z)) of f(g(z))
    assert fp_of_g == objects.declared_function("f__d1", 1)(g)
    assert parse_expression(text("fp(3 * z)"), scope) == objects.declared_function("f__d1", 1)(3 * z)
    assert parse_expression(text("fp(z)"), scope) == objects.declared_function("f__d1", 1)(z)
    # a partial stays partial when the arguments share a symbol (not the total derivative in z)
    f1 = objects.declared_function("f__d1", 1)
    assert parse_expression(text("h1(z, z**2)"), scope) == f1(z) * scope.names["g"].cls(z**2)
    assert parse_expression(text("sig((X @ w)[1])"), scope).has(sympy.exp)  # an entry of a real product is real


def test_entries_of_gradients_and_hessians_can_be_read() -> None:
    entry = parse("(grad(q(z), z))[1]")
    assert isinstance(entry, sympy.matrices.expressions.matexpr.MatrixElement)
    assert isinstance(entry.parent, objects.Gradient) and (entry.i, entry.j) == (0, 0)
    assert isinstance(parse("(hessian(q(z), z))[1, 2]").parent, objects.HessianMatrix)


# --- relations -----------------------------------------------------------------------


@pytest.mark.parametrize("source, op", [("a = b", "="), ("a == b", "="), ("a <= b", "<="), ("a < b", "<"),
                                        ("a >= b", ">="), ("a > b", ">")])  # fmt: skip
def test_relation_operators(source: str, op: str) -> None:
    assert parse_relation(text(source), SCOPE) == objects.Relation(S["a"], op, S["b"])


def test_distribution_relation() -> None:
    eps, t = SCOPE.names["eps"].base, S["t"]
    relation = parse_relation(text("eps[t] ~ Normal(0, sigma**2)"), SCOPE, allow_law=True)
    assert relation == objects.Relation(eps[t], "~", objects.NormalLaw(0, S["sigma"] ** 2))
    with pytest.raises(InputError, match="only allowed in distribution checks") as info:
        parse_relation(text("eps[t] ~ Normal(0, 1)"), SCOPE)
    assert info.value.span.col == COL + 7
    assert "right of `~`" in error_of("Normal(0, 1)").message
    assert "must be Normal" in error_of("a ~ b", relation=True).message


def test_matrix_relations() -> None:
    relation = parse_relation(text("2 * A @ z + bb = 0"), SCOPE)
    assert relation.rhs == sympy.ZeroMatrix(S["k"], 1)
    assert "compares scalars" in error_of("A <= P", relation=True).message
    assert "cannot relate" in error_of("A = 1", relation=True).message


def test_relation_shape_errors() -> None:
    err = error_of("a = b = c", relation=True)
    assert err.span.col == COL + 6
    assert "exactly one" in error_of("a < b < c", relation=True).message
    assert "unsupported relation" in error_of("a != b", relation=True).message
    assert "expected a relation" in error_of("a + b", relation=True).message
    assert error_of(" = b", relation=True).message.startswith("missing left side")


# --- refusals, with exact columns ---------------------------------------------------


@pytest.mark.parametrize(
    "source, col, fragment",
    [
        ("__import__('os').system('x')", 17, "attribute `.system`"),
        ("(1).__class__", 4, "attribute `.__class__`"),
        ("x.shape", 2, "attribute `.shape`"),
        ("a + X.shape", 6, "attribute `.shape`"),
        ("lambda: 1", 0, "a lambda"),
        ("[x for x in y]", 0, "a list comprehension"),
        ("a + 's'", 4, "a string"),
        ("'s'", 0, "a string"),
        ("a if b else c", 0, "a conditional"),
        ("a and b", 0, "`and`/`or`"),
        ("(a := 1)", 1, "assignment expression"),
        ("f'{a}'", 0, "f-string"),
        ("b'x'", 0, "bytes"),
        ("1j", 0, "complex literal"),
        ("True", 0, "a boolean"),
        ("a + {1: 2}", 4, "a dict"),
        ("X[1:2, 1]", 2, "a slice"),
        ("(a, b)", 0, "a tuple"),
        ("sqrt(x=1)", 5, "keyword arguments"),
        ("sqrt(*a)", 5, "starred"),
        ("a % b", 0, "operator not allowed"),
        ("~a", 0, "operator not allowed"),
        ("__x + 1", 0, "containing `__`"),
        ("a + _y", 4, "starting with `_`"),
        ("ε + xx", 4, "undeclared name `xx`"),
        ("Sum(a, (a, 1, 2), (b__c, 1, 2))", 19, "containing `__`"),
    ],
)
def test_refused_constructs_report_exact_column(source: str, col: int, fragment: str) -> None:
    err = error_of(source)
    assert fragment in err.message
    assert err.span == Span("t.deriv.yaml", LINE, COL + col)


def test_undeclared_name_suggests_a_declared_one() -> None:
    err = error_of("sigam + 1")
    assert isinstance(err, UndeclaredName) and err.name == "sigam"
    assert err.hint == "did you mean sigma?"
    assert "exp(1)" in error_of("e").hint
    assert "expectation" in error_of("E + 1").message
    assert "did you mean sqrt" in error_of("sqrtt(a)").hint


def test_wrong_arity_names_the_signature() -> None:
    assert error_of("sqrt(a, b)").hint == "write sqrt(x)"
    assert error_of("Sum(a)").hint == "write Sum(f, (i, a, b))"
    assert error_of("Cov(X1)").hint == "write Cov(x, y)"
    assert "takes 2 argument(s)" in error_of("g(a)").message
    assert "a limit of Sum" in error_of("Sum(a, (j, 1))").message
    assert "its own limits" in error_of("Sum(alpha[i], (i, 1, i))").message


def test_right_side_positions() -> None:
    err = error_of("a = b + 's'", relation=True)
    assert err.span.col == COL + 8
    err = error_of("a <= b + 's'", relation=True)
    assert err.span.col == COL + 9


def test_shape_errors() -> None:
    assert "inner dimensions d and k differ" in error_of("X @ A").message
    assert "cannot add" in error_of("A + z").message
    assert "cannot add a scalar" in error_of("A + 1").message
    assert "use `@`" in error_of("A * P").hint
    assert "`@` multiplies matrices" in error_of("a @ A").message
    assert "square" in error_of("det(X)").message
    assert "expected a scalar" in error_of("exp(A)").message
    assert "scalar" in error_of("a.T").message
    assert "declared matrix or vector" in error_of("grad(a**2, a)").message
    assert "two indices" in error_of("A[1]").message


def test_numeric_guards_fail_fast() -> None:
    for source in ("10**10**10", "9**9**9**9", "(2**1000)**1000", "2**(-10**5)"):
        start = time.perf_counter()
        err = error_of(source)
        assert time.perf_counter() - start < 0.5
        assert "power" in err.message
    assert "too long" in error_of("1" * 1001).message
    assert "exponent of a number literal" in error_of("1e100000").message
    assert parse("10**1000") == sympy.Integer(10) ** 1000
    assert "division by zero" in error_of("a / 0").message
    assert "undefined" in error_of("oo - oo").message
    assert "undefined" in error_of("log(0)").message


def test_size_limits_fail_fast() -> None:
    for source in ("(" * 150 + "a" + ")" * 150, "-" * 4900 + "a", "a" * 5001, "+".join(["a"] * 300)):
        start = time.perf_counter()
        err = error_of(source)
        assert time.perf_counter() - start < 1.0
        assert err.span.line == LINE
    assert parse("+".join(["a"] * 150)) == 150 * S["a"]


def test_multiline_text_positions() -> None:
    err = error_of("a +\n  b + 's'")
    assert (err.span.line, err.span.col) == (LINE + 1, 7)


# --- the source never evaluates text -----------------------------------------------

# ``def eval(`` is SymPy's evaluation hook of a Function subclass, not a call
_FORBIDDEN = re.compile(r"(?<!def )\b(eval|exec|parse_expr|__import__)\s*\(|(?<![\w.])compile\s*\(|\bS\s*\(\s*[\"']")
_LOOSE_SYMPIFY = re.compile(r"sympify\s*\((?![^)]*strict\s*=\s*True)")


def _code_lines(source: str) -> list[str]:
    lines, in_doc = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.count('"""') == 1:
            in_doc = not in_doc
            continue
        if in_doc or stripped.startswith('"""'):
            continue
        lines.append(line.split("#", 1)[0])
    return lines


def unsafe_calls(source: str) -> tuple[list[str], list[str]]:
    """Lines calling eval/exec/compile/parse_expr/S("..."), and lines with non-strict sympify."""
    code = _code_lines(source)
    return [l for l in code if _FORBIDDEN.search(l)], [l for l in code if _LOOSE_SYMPIFY.search(l)]


def test_scanner_notices_violations() -> None:
    sample = (
        'x = eval(text)\ny = sympy.sympify(s)\nz = sympy.S("1")\n# eval(x) in a comment\n'
        'w = sympify(v, strict=True)\nr = re.compile("a")\nc = compile(t, "f", "eval")\n'
        '    def eval(cls, x):\n'
    )
    forbidden, loose = unsafe_calls(sample)
    assert forbidden == ["x = eval(text)", 'z = sympy.S("1")', 'c = compile(t, "f", "eval")']
    assert loose == ["y = sympy.sympify(s)"]


def test_no_module_evaluates_text() -> None:
    root = REPO / "derivcheck"
    for path in sorted(root.rglob("*.py")):
        forbidden, loose = unsafe_calls(path.read_text(encoding="utf-8"))
        assert forbidden == [], f"{path}: {forbidden}"
        # sympify(..., strict=True) refuses strings, so no text can reach SymPy's parser
        assert loose == [], f"{path}: non-strict sympify {loose}"


# --- bounds of sums, products and integrals ----------------------------------------

BOUND_HINT = ("a Sum or Product bound is an integer expression: integer literals, integer, natural or dimension "
              "names, enclosing bound variables, elements of integer sequences, and their sums, differences and "
              "products; or oo, -oo")


@pytest.mark.parametrize(
    ("source", "col", "message", "hint"),
    [
        ("Sum(sin(pi*j), (j, a, a + 2))", 19, "the bound of `j` in Sum is not provably an integer: `a`",
         BOUND_HINT + "; declare `a` integer or natural"),
        ("Sum(j, (j, 1, t/2))", 14, "the bound of `j` in Sum is not provably an integer: `t/2`", BOUND_HINT),
        ("Product(j, (j, 1/2, t - 1/2))", 15, "the bound of `j` in Product is not provably an integer: `1/2`",
         BOUND_HINT),
        ("Sum(j, (j, 1, alpha[t]))", 14, "the bound of `j` in Sum is not provably an integer: `alpha[t]`",
         BOUND_HINT + "; declare `alpha` an integer sequence"),
        ("Sum(j, (j, 1, n), (m, 0, j + a))", 25, "the bound of `m` in Sum is not provably an integer: `j + a`",
         BOUND_HINT + "; declare `a` integer or natural"),
        ("Integral(x, (x, 0, sqrt(a)))", 19, "the bound of `x` in Integral is not provably real: `sqrt(a)`",
         "an Integral bound is provably real (no complex names, no sqrt or log of what may be negative), "
         "or oo, -oo"),
    ],
)
def test_a_bound_that_is_not_provably_an_integer_is_refused(source: str, col: int, message: str, hint: str) -> None:
    err = error_of(source)
    assert err.message == message
    assert err.hint == hint
    assert err.span == Span("t.deriv.yaml", LINE, COL + col)


def test_integer_bounds_are_read() -> None:
    t, i, n = S["t"], S["i"], S["n"]
    j = sympy.Symbol("j", integer=True)
    assert parse("Sum(j, (j, i, i + 2))") == sympy.Sum(j, (j, i, i + 2))
    assert parse("Sum(j, (j, t - 1, 2*n*t))") == sympy.Sum(j, (j, t - 1, 2 * n * t))
    assert parse("Sum(1/j**2, (j, 1, oo))") == sympy.Sum(1 / j**2, (j, 1, sympy.oo))
    x = sympy.Symbol("x", real=True)
    assert parse("Integral(x, (x, -oo, a))") == sympy.Integral(x, (x, -sympy.oo, S["a"]))
    labels = make_scope({"m": "natural", "y": "integer sequence"})
    y, m = labels.names["y"].base, labels.names["m"].symbol
    assert parse_expression(text("Sum(j, (j, y[1], y[m] + m))"), labels) == sympy.Sum(j, (j, y[1], y[m] + m))


def test_several_limits_are_listed_outermost_first() -> None:
    n = S["n"]
    u, w = sympy.Symbol("u", integer=True), sympy.Symbol("w", integer=True)
    # w runs over 1..u for each u in 1..n: SymPy lists the inner limit first
    triangle = parse("Sum(1, (u, 1, n), (w, 1, u))")
    assert triangle == sympy.Sum(1, (w, 1, u), (u, 1, n))
    assert triangle.free_symbols == {n}
    assert sympy.simplify(triangle.doit() - n * (n + 1) / 2) == 0


def test_a_bound_name_that_is_a_declared_symbol_cannot_be_captured() -> None:
    # i: integer is the SymPy symbol Symbol("i", integer=True): the bound i must be another
    i, a, t = S["i"], S["a"], S["t"]
    total = parse("Sum(i, (i, 1, 3)) + i")
    assert total.free_symbols == {i} and total.xreplace({i: t}).doit() == 6 + t
    assert parse("Integral(a*x, (x, 0, 1))").free_symbols == {a}
    shadow = parse("Integral(a, (a, 0, 1))")  # a: real is Symbol("a", real=True), as the variable would be
    assert shadow.free_symbols == set() and shadow.xreplace({a: t}) == shadow


def test_a_define_parameter_bounds_a_sum_only_when_declared_integer() -> None:
    with pytest.raises(InputErrors) as info:
        make_scope({"n": "natural"}, define={"q(x)": "Sum(j, (j, 1, x))"})
    (err,) = info.value.errors
    assert err.message == "the bound of `j` in Sum is not provably an integer: `x`"
    assert err.hint == BOUND_HINT + "; declare `x` integer or natural"
    scope = make_scope({"n": "natural", "m": "natural"}, define={"q(m)": "Sum(j, (j, 1, m))"})
    n, j = scope.names["n"].symbol, sympy.Symbol("j", integer=True)
    assert parse_expression(text("q(n - 3)"), scope) == sympy.Sum(j, (j, 1, n - 3))
    with pytest.raises(InputError, match="takes an integer"):
        parse_expression(text("q(n/2)"), scope)


# --- elementwise functions ------------------------------------------------------------


def test_elementwise_applies_a_scalar_function_to_each_entry_not_the_matrix_function() -> None:
    value = parse("elementwise(exp, z)")
    assert isinstance(value, objects.Elementwise) and value.shape == SCOPE.names["z"].symbol.shape
    entry = value[1, 0]
    assert entry == sympy.exp(SCOPE.names["z"].symbol[1, 0])  # the entry's exp, not an entry of the matrix exp
    assert str(value) == "elementwise(exp, z)" and str(value.T) == "elementwise(exp, z.T)"
    assert value.free_symbols == {SCOPE.names["z"].symbol}  # the entry variable is bound
    # the same function applied twice is one tree (one shared entry variable)
    assert parse("elementwise(exp, z) - elementwise(exp, z)") == sympy.ZeroMatrix(*value.shape)
    explicit = objects.Elementwise(value.function, sympy.ImmutableMatrix([[0], [1]])).doit()
    assert explicit == sympy.ImmutableMatrix([[1], [sympy.E]])


def test_elementwise_takes_builtins_declared_and_defined_scalar_functions() -> None:
    scope = make_scope({"k": "dimension", "z": "vector[k]", "f": "function(real)", "g": "function(matrix[k, 1])"},
                       define={"sigmoid(u)": "1/(1 + exp(-u))"})
    z = scope.names["z"].symbol
    sig = parse_expression(text("elementwise(sigmoid, z)"), scope)
    assert sig[0, 0] == 1 / (1 + sympy.exp(-z[0, 0]))
    assert str(sig) == "elementwise(lambda entry: 1/(1 + exp(-entry)), z)"
    assert parse_expression(text("elementwise(f, 2*z)"), scope)[0, 0] == scope.names["f"].cls(2 * z[0, 0])
    for source, message in (("elementwise(g, z)", "`g` is not a scalar function of one argument"),
                            ("elementwise(exp, z[1, 1])", "elementwise applies a function to each entry of a "
                                                          "matrix or vector, got a scalar"),
                            ("elementwise(det, z)", "`det` is not a scalar function of one argument"),
                            ("elementwise(exp(1), z)", "the first argument of elementwise is the name of a "
                                                       "scalar function")):
        with pytest.raises(InputError) as info:
            parse_expression(text(source), scope)
        assert info.value.message.startswith(message), (source, info.value.message)
        hint = info.value.hint or ""
        assert hint == "for a scalar write f(x)" if "[1, 1]" in source else ("sigmoid" in hint and "exp" in hint)


def test_the_reserved_names_are_the_builtins() -> None:
    from derivcheck.expr.calls import BUILTINS
    from derivcheck.expr.names import FUNCTION_NAMES, RESERVED
    from derivcheck.format.section_symbols import RESERVED as LOADER_RESERVED

    assert set(BUILTINS) == FUNCTION_NAMES
    assert set(LOADER_RESERVED) == set(RESERVED)


def test_a_bound_variable_renamed_apart_is_printed_primed_not_as_the_name_it_shadows() -> None:
    from derivcheck.expr.latex import latex_side
    from derivcheck.expr.pretty import pretty_relation

    scope = make_scope({"s, t": "natural"})
    value = parse_expression(text("Product(Sum(s, (s, 1, t)), (t, 1, 3))"), scope)
    s = scope.names["s"].symbol
    inner = parse_expression(text("Sum(s, (s, 1, t))"), scope)
    assert inner.free_symbols == {scope.names["t"].symbol} and s not in inner.free_symbols
    assert latex_side(inner + s) == "s + \\sum_{s'=1}^{t} s'"
    assert "s'" in pretty_relation(inner, "=", s) and "s' = 1" in pretty_relation(inner, "=", s)
    assert value.free_symbols == set()
