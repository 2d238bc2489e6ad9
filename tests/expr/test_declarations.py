"""Declarations, independence, definitions and hypotheses -> Scope."""

from __future__ import annotations

import pytest
import sympy

from derivcheck.errors import InputError, InputErrors, Span
from derivcheck.expr import objects
from derivcheck.expr.declarations import assumptions, build_scope, parse_declaration
from derivcheck.expr.parser import parse_expression
from derivcheck.expr.scope import FunctionDecl, Interval, MatrixDecl, RandomDecl, ScalarDecl, SequenceDecl
from derivcheck.model import Declaration, Definition, Derivation, Hypothesis, Text

FILE = "d.deriv.yaml"


def text(value: str, line: int = 1, col: int = 1) -> Text:
    return Text(value, Span(FILE, line, col))


def derivation(symbols: dict[str, str], define: dict[str, str] | None = None, given: dict[str, str] | None = None,
               independent: tuple[tuple[str, ...], ...] = ()) -> Derivation:  # fmt: skip
    """Line i + 1 holds the i-th declaration: names at column 3, kind at column 20."""
    decls = tuple(
        Declaration(tuple(text(n.strip(), i + 1, 3) for n in names.split(",")), text(kind, i + 1, 20))
        for i, (names, kind) in enumerate(symbols.items())
    )
    return Derivation(
        path=FILE,
        id=text("d"),
        title=text("d"),
        symbols=decls,
        span=Span(FILE, 1, 1),
        independent=tuple(tuple(text(n, 40, 5) for n in group) for group in independent),
        define=tuple(Definition(text(h, 50 + i, 3), text(b, 50 + i, 20)) for i, (h, b) in enumerate((define or {}).items())),
        given=tuple(Hypothesis(text(h, 80 + i, 3), text(r, 80 + i, 20)) for i, (h, r) in enumerate((given or {}).items())),
    )


def errors_of(*args: object, **kwargs: object) -> list[InputError]:
    with pytest.raises(InputErrors) as info:
        build_scope(derivation(*args, **kwargs))  # type: ignore[arg-type]
    return info.value.errors


def kind(words: str):  # noqa: ANN201
    return parse_declaration(text(words, 3, 20))


def kind_error(words: str) -> InputError:
    with pytest.raises(InputError) as info:
        kind(words)
    return info.value


# --- words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, expected",
    [
        ("real", {"real": True}),
        ("positive", {"positive": True, "real": True}),
        ("nonnegative", {"nonnegative": True, "real": True}),
        ("negative", {"negative": True, "real": True}),
        ("integer", {"integer": True, "real": True}),
        ("natural", {"integer": True, "positive": True, "real": True}),
        ("positive integer", {"integer": True, "positive": True, "real": True}),
        ("dimension", {"integer": True, "positive": True, "real": True}),
        ("complex", {"complex": True}),
        ("real in (0, 1)", {"real": True, "positive": True}),
        ("real in [0, 1]", {"real": True, "nonnegative": True}),
        ("real in (-1, 0]", {"real": True, "nonpositive": True}),
        ("in [-2, -1]", {"real": True, "negative": True}),
        ("integer in [0, 10]", {"integer": True, "real": True, "nonnegative": True}),
    ],
)
def test_scalar_words_give_assumptions(words: str, expected: dict[str, bool]) -> None:
    parsed = kind(words)
    assert parsed.category == "scalar"
    assert assumptions(parsed.kind, parsed.interval) == expected


def test_intervals_are_exact_and_restricted_by_the_kind() -> None:
    assert kind("real in [0, 1/2)").interval == Interval(0, sympy.Rational(1, 2), False, True)
    assert kind("real in (0.1, oo)").interval == Interval(sympy.Rational(1, 10), None, True, True)
    assert kind("positive in (-1, 1)").interval == Interval(0, 1, True, True)
    assert kind("natural in [0, 5]").interval == Interval(1, 5, False, False)
    assert "empty" in kind_error("positive in (-2, -1)").message
    assert "empty" in kind_error("real in (1, 0)").message
    assert "must be a number" in kind_error("real in (0, a)").message
    assert "no interval" in kind_error("complex in (0, 1)").message


def test_matrix_words() -> None:
    parsed = kind("symmetric psd matrix[k, k]")
    assert parsed.category == "matrix" and parsed.qualifiers == {"symmetric", "psd"}
    assert [t.value for t in parsed.shape] == ["k", "k"]
    assert kind("pd matrix[n, n]").qualifiers == {"pd", "psd", "symmetric", "invertible"}
    assert kind("orthogonal matrix[n, n]").qualifiers == {"orthogonal", "invertible"}
    assert kind("complex matrix[n, n]").qualifiers == {"complex"}
    assert [t.value for t in kind("vector[n]").shape] == ["n", "1"]
    assert [t.value for t in kind("rowvector[n + 1]").shape] == ["1", "n + 1"]


def test_sequence_random_and_function_words() -> None:
    seq = kind("sequence in (0, 1)")
    assert (seq.category, seq.kind, seq.random) == ("sequence", "positive", False)
    noise = kind("random sequence normal(0, 1)")
    assert (noise.category, noise.random, noise.distribution) == ("sequence", True, ("normal", (0, 1)))
    assert kind("random").category == "random"
    assert kind("random normal(0, 0.5)").distribution == ("normal", (0, sympy.Rational(1, 2)))
    assert kind("random uniform(-1, 1)").distribution == ("uniform", (-1, 1))
    assert kind("positive sequence").kind == "positive"
    assert kind("function(x, y)").arguments == (None, None)
    (shape,) = kind("function(matrix[n, k])").arguments
    assert [t.value for t in shape] == ["n", "k"]
    assert [t.value for t in kind("function(vector[n])").arguments[0]] == ["n", "1"]


@pytest.mark.parametrize(
    "words, col, fragment",
    [
        ("matrx[n, n]", 0, "unknown word `matrx`"),
        ("real positve", 5, "unknown word `positve`"),
        ("symmetric", 0, "qualifies a matrix"),
        ("random positive", 7, "does not apply to a random variable"),
        ("random normal(0, -1)", 7, "variance must be positive"),
        ("normal(0, 1)", 0, "describes a random variable"),
        ("matrix[n]", 0, "takes 2 size(s)"),
        ("vector", 0, "needs its brackets"),
        ("negative integer", 9, "cannot combine"),
        ("positive negative", 9, "cannot combine"),
        ("function(x) real", 12, "cannot be combined"),
        ("function(x, matrix[n, n])", 8, "only argument"),
        ("real real", 5, "appears twice"),
        ("real; drop", 4, "unexpected character"),
        ("matrix[n, n", 6, "unclosed"),
        ("positive matrix[n, n]", 0, "does not apply to a matrix"),
        ("dimension sequence", 0, "cannot be dimensions"),
        ("", 0, "empty declaration"),
    ],
)
def test_bad_words_name_word_and_position(words: str, col: int, fragment: str) -> None:
    err = kind_error(words)
    assert fragment in err.message
    assert err.span == Span(FILE, 3, 20 + col)


def test_unknown_word_hint_suggests_and_lists() -> None:
    hint = kind_error("matrx[n, n]").hint
    assert hint.startswith("did you mean `matrix`?")
    assert "accepted words: real, positive" in hint


# --- scope ---------------------------------------------------------------------------


def test_scope_symbols() -> None:
    scope = build_scope(derivation({
        "a": "real", "n, k": "dimension", "X": "matrix[n, k]", "z": "vector[k]", "A": "symmetric matrix[k, k]",
        "alpha": "sequence in (0, 1)", "X1, X2": "random", "eps": "random sequence normal(0, 1)",
        "f": "function(x)", "L": "function(matrix[n, k])", "w": "complex", "ﬁx": "real",
    }))  # fmt: skip
    names = scope.names
    assert isinstance(names["a"], ScalarDecl) and names["a"].symbol == sympy.Symbol("a", real=True)
    assert names["n"].symbol.is_integer and names["n"].symbol.is_positive
    X = names["X"]
    assert isinstance(X, MatrixDecl) and X.symbol == sympy.MatrixSymbol("X", names["n"].symbol, names["k"].symbol)
    assert names["z"].symbol.shape == (names["k"].symbol, 1)
    alpha = names["alpha"]
    assert isinstance(alpha, SequenceDecl) and alpha.base[1].is_positive and not alpha.random
    assert isinstance(names["X1"], RandomDecl) and names["X1"].symbol.is_real
    assert names["eps"].random and names["eps"].distribution == ("normal", (0, 1))
    assert isinstance(names["L"], FunctionDecl) and names["L"].arguments == ((names["n"].symbol, names["k"].symbol),)
    assert names["f"].cls is objects.declared_function("f", 1)
    assert names["w"].symbol.is_complex and names["w"].symbol.is_real is None
    assert "fix" in names  # NFKC, as Python reads identifiers
    assert scope.random_names() == {"X1", "X2", "eps"}


def test_shapes_are_checked() -> None:
    ok = build_scope(derivation({"n": "dimension", "t": "natural", "X": "matrix[n + 1, 2*t]", "Y": "matrix[3, 1000000]"}))
    assert ok.names["X"].rows == ok.names["n"].symbol + 1
    errors = errors_of({"n": "dimension", "i": "integer", "A": "matrix[m, n]", "B": "matrix[n - 1, 2]",
                        "C": "matrix[1000001, 1]", "D": "matrix[i, i]", "E2": "matrix[n/2, 1]", "F": "symmetric matrix[n, 2]"})  # fmt: skip
    messages = [e.message for e in errors]
    assert messages[0] == "undeclared dimension `m`" and errors[0].hint == "declare it: m: dimension"
    assert errors[0].span == Span(FILE, 3, 27)
    assert "not provably a positive integer" in messages[1]
    assert "out of range" in messages[2]
    assert "not provably a positive integer" in messages[3]
    assert "not provably a positive integer" in messages[4]
    assert "must be square" in messages[5]


def test_names_are_validated_and_all_errors_collected() -> None:
    errors = errors_of({"a": "real", "a ": "positive", "pi": "real", "lambda": "real", "_x": "real", "x__y": "real",
                        "E": "real", "good": "relal"})  # fmt: skip
    assert [e.message for e in errors] == [
        "`a` is declared twice",
        "`pi` is reserved (a built-in function or constant)",
        "`lambda` is a Python keyword and cannot be a name",
        "names starting with `_` or containing `__` are not allowed (`_x`)",
        "names starting with `_` or containing `__` are not allowed (`x__y`)",
        "`E` is reserved (a built-in function or constant)",
        "unknown word `relal` in a declaration",
    ]
    assert errors[-1].span == Span(FILE, 8, 20)


def test_independent_groups() -> None:
    scope = build_scope(derivation({"X1, X2, Y": "random", "eps": "random sequence"}, independent=(("X1", "X2"), ("eps",))))
    assert scope.independent == [frozenset({"X1", "X2"}), frozenset({"eps"})]
    errors = errors_of({"X1": "random", "a": "real"}, independent=(("X1", "a", "X11"),))
    assert [e.message for e in errors] == ["`a` is not random", "undeclared name `X11` in independent"]
    assert errors[1].hint == "did you mean X1?"


def test_definitions() -> None:
    scope = build_scope(derivation(
        {"k": "dimension", "z, b": "vector[k]", "A": "matrix[k, k]", "c": "real", "t": "natural",
         "alpha": "sequence in (0, 1)"},
        define={"q(z)": "z.T @ A @ z + z.T @ b + c", "alpha_bar[t]": "Product(alpha[i], (i, 1, t))",
                "r(u, v)": "u * v", "Y": "A @ z", "Y2": "q(Y) + alpha_bar[2]"},
    ))  # fmt: skip
    q = scope.definitions["q"]
    # a matrix parameter is a placeholder of the declared shape, never the declared symbol
    assert q.params[0].shape == scope.names["z"].symbol.shape and q.params[0] != scope.names["z"].symbol
    assert not q.indexed
    bar = scope.definitions["alpha_bar"]
    assert bar.indexed and bar.params[0].is_integer and bar.params[0] != scope.names["t"].symbol
    r = scope.definitions["r"]
    assert all(isinstance(p, sympy.Dummy) and p.is_real for p in r.params)
    A, z = scope.names["A"].symbol, scope.names["z"].symbol
    assert scope.definitions["Y"].body == A * z
    assert str(scope.definitions["Y2"].body) == "c + Product(alpha[i], (i, 1, 2)) + Trace((A*z).T*A*(A*z) + (A*z).T*b)"
    alpha = scope.names["alpha"].base
    assert parse_expression(text("r(c, 2)"), scope) == 2 * scope.names["c"].symbol
    assert parse_expression(text("alpha_bar[2]"), scope).dummy_eq(sympy.Product(alpha[sympy.Symbol("i", integer=True)], (sympy.Symbol("i", integer=True), 1, 2)))


def test_definition_parameters_do_not_carry_signs() -> None:
    # sqrt(s**2) would simplify to s for a positive s; the parameter is only real, so it stays |s|.
    scope = build_scope(derivation({"s": "positive", "w": "complex"}, define={"g(s)": "sqrt(s**2)"}))
    assert parse_expression(text("g(-1)"), scope) == 1
    with pytest.raises(InputError, match="may be complex"):
        parse_expression(text("g(w)"), scope)


def test_definition_expansion_is_capture_avoiding() -> None:
    scope = build_scope(derivation(
        {"x": "real", "n": "dimension", "w, z": "vector[n]"},
        define={"q(k)": "Sum(k*i, (i, 1, 2))", "s[t]": "Sum(t*j, (j, 1, 2))", "h(b)": "diff(b*x, x)",
                "u": "w.T @ w", "p(w)": "u + w.T @ w", "g(a)": "grad(a * w.T @ w, w)"},
    ))  # fmt: skip
    x, w, z = (scope.names[name].symbol for name in ("x", "w", "z"))
    assert parse_expression(text("Sum(q(i), (i, 1, 1))"), scope).doit() == 3
    assert parse_expression(text("Sum(s[j], (j, 1, 2))"), scope).doit() == 9
    assert parse_expression(text("h(x)"), scope) == x
    # the parameter w is replaced, the declared w inside u is not
    assert parse_expression(text("p(z)"), scope) == w.T @ w + z.T @ z
    with pytest.raises(InputError, match="which would capture it"):
        parse_expression(text("g(w.T @ w)"), scope)


def test_definition_errors() -> None:
    errors = errors_of(
        {"a": "real", "f": "function(x)"},
        define={"a": "1", "q(x, x)": "x", "3 + y": "1", "p(f)": "1", "s(u)": "u + nope", "t2": "s(1)", "pi": "1"},
    )
    messages = [e.message for e in errors]
    assert messages == [
        "`a` is already declared: `a`",
        "parameter `x` appears twice: `x`",
        "cannot read this definition head: `3 + y`",
        "parameter `f` is declared as a function: `f`",
        "undeclared name `nope`",
        "`pi` is reserved (a built-in function or constant): `pi`",
    ]  # `t2` uses the failed `s`: not reported again


def test_given_hypotheses() -> None:
    scope = build_scope(derivation(
        {"k": "dimension", "A": "matrix[k, k]", "x_star, b": "vector[k]", "X": "random sequence", "i": "integer", "s": "positive"},
        given={"critical": "2 * A @ x_star + b = 0", "var": "Var(X[i]) = s**2"},
    ))  # fmt: skip
    critical = scope.hypotheses["critical"]
    assert critical.op == "=" and critical.rhs == sympy.ZeroMatrix(scope.names["k"].symbol, 1)
    assert scope.hypotheses["var"] == objects.Relation(
        objects.Variance(scope.names["X"].base[scope.names["i"].symbol]), "=", scope.names["s"].symbol ** 2
    )
    errors = errors_of({"a": "real"}, given={"h": "a ~ Normal(0, 1)", "h2": "a", "h3": "b = 1"})
    assert [e.span.line for e in errors] == [80, 81, 82]
    assert errors[2].message == "undeclared name `b`"


def test_failed_declaration_does_not_cascade() -> None:
    errors = errors_of({"a": "rael", "b": "real"}, define={"c": "a + b"}, given={"h": "a = b"})
    assert len(errors) == 1 and "did you mean `real`?" in errors[0].hint


def test_real_only_qualifiers_refuse_complex_matrices() -> None:
    """symmetric, psd, pd and orthogonal are defined for real matrices only (no Hermitian reading)."""
    for word in ("symmetric", "psd", "pd", "orthogonal"):
        error = kind_error(f"complex {word} matrix[n, n]")
        assert "real matrix" in error.message and word in error.message
    assert kind("complex diagonal invertible matrix[n, n]").qualifiers == {"complex", "diagonal", "invertible"}


def test_declared_functions_refuse_complex_arguments() -> None:
    """A declared function is a real function of real arguments."""
    scope = build_scope(derivation({"f": "function(x)", "c": "complex", "x": "real", "n": "dimension",
                                    "L": "function(matrix[n, n])", "C": "complex matrix[n, n]",
                                    "A": "matrix[n, n]"}))
    for bad in ("f(c)", "f(x + c)", "L(C)", "L(A + C)", "f(trace(C))"):
        with pytest.raises(InputError, match="real function"):
            parse_expression(text(bad), scope)
    parse_expression(text("f(x**2) + L(A.T)"), scope)


def test_declaration_knowledge_has_one_source(repo) -> None:
    # The integer kinds and the qualifier implications live in expr/scope.py only.
    import re

    from derivcheck.expr.scope import INTEGER_KINDS, IMPLIED_QUALIFIERS, implied_qualifiers

    assert INTEGER_KINDS == ("integer", "natural", "dimension")
    assert implied_qualifiers({"pd"}) == {"pd", "psd", "symmetric", "invertible"}
    assert implied_qualifiers({"orthogonal", "diagonal"}) == {"orthogonal", "invertible", "diagonal"}
    for qualifier, implied in IMPLIED_QUALIFIERS.items():  # the table is closed: one step implies all
        assert implied_qualifiers(implied_qualifiers({qualifier})) == implied_qualifiers({qualifier}) == implied | {qualifier}
    restated = re.compile(r'"integer", "natural", "dimension"|\{"psd", "pd"\}|\{"symmetric", "psd", "pd"')
    offenders = [str(path.relative_to(repo)) for path in (repo / "derivcheck").rglob("*.py")
                 if path.name != "scope.py" and restated.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_declarations_answer_what_their_kind_implies() -> None:
    import sympy

    from derivcheck.errors import Span
    from derivcheck.expr.scope import MatrixDecl, ScalarDecl

    here = Span("t.deriv.yaml", 1, 1)
    n = ScalarDecl("n", sympy.Symbol("n"), "dimension", None, here)
    x = ScalarDecl("x", sympy.Symbol("x"), "real", None, here)
    assert n.is_integer and not x.is_integer
    A = MatrixDecl("A", sympy.MatrixSymbol("A", 2, 2), sympy.Integer(2), sympy.Integer(2), frozenset({"pd"}), here)
    assert A.has_qualifier("symmetric") and A.has_qualifier("invertible") and not A.has_qualifier("orthogonal")
