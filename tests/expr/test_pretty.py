"""Expressions shown as a file writes them: ``@`` products, 1 x 1 products, ``inv``/``det``,
no internal names; in plain text, in the Unicode drawing, in LaTeX and in definedness messages."""

from __future__ import annotations

import sympy

from derivcheck.errors import Span
from derivcheck.expr.declarations import build_scope
from derivcheck.expr.latex import latex_relation
from derivcheck.expr.parser import parse_relation
from derivcheck.expr.pretty import plain_text, pretty_relation, relation_text
from derivcheck.format.loader import load_derivation
from derivcheck.model import Text

n = sympy.Symbol("n", integer=True, positive=True)
X, A = sympy.MatrixSymbol("X", n, n), sympy.MatrixSymbol("A", n, n)
z = sympy.MatrixSymbol("z", n, 1)
QUADRATIC = sympy.Trace(z.T * X.T * X * z)  # how the parser reads z.T @ X.T @ X @ z in a scalar place


def test_plain_text_writes_matrix_products_with_at_and_a_1x1_product_as_the_product() -> None:
    assert plain_text(QUADRATIC) == "z.T @ X.T @ X @ z"
    assert relation_text(QUADRATIC, ">=", 0) == "z.T @ X.T @ X @ z >= 0"
    assert plain_text(-2 * X * A.T) == "-2*X @ A.T"
    assert plain_text(X * (X + A)) == "X @ (A + X)"
    assert plain_text(QUADRATIC * X) == "(z.T @ X.T @ X @ z)*X"  # a 1x1 product as a factor is bracketed
    assert plain_text(sympy.Inverse(X) * sympy.Determinant(A) + sympy.Trace(X) * sympy.Identity(n)) \
        == "det(A)*inv(X) + trace(X)*eye(n)"
    assert plain_text(sympy.Trace(A)) == "trace(A)"  # a real trace stays one


def test_plain_text_names_no_internal_variable() -> None:
    i = sympy.Dummy("i", integer=True)
    text = plain_text(sympy.Sum(X[i, i], (i, 0, n - 1)) + sympy.Symbol("_entry"))
    assert "_" not in text and "Sum(X[i + 1, i + 1], (i, 0, n - 1))" in text  # entries 1-based, as files write them


def test_the_drawing_has_at_products_and_no_trace_of_a_1x1_product() -> None:
    drawn = pretty_relation(QUADRATIC, ">=", 0)
    assert "@" in drawn and "tr" not in drawn and "⋅" not in drawn and "*" not in drawn
    drawn = pretty_relation(X * A - 2 * X * A.T, "=", sympy.ZeroMatrix(n, n))
    assert drawn.count("@") == 2 and " - 2⋅X @ A" in drawn
    wide = pretty_relation(QUADRATIC + sum(sympy.Symbol(f"a{k}") for k in range(30)), "=", 0)
    assert "\n" not in wide and "z.T @ X.T @ X @ z" in wide and "*" not in wide  # too wide: plain text


def test_latex_shows_a_1x1_product_as_the_product() -> None:
    assert latex_relation(QUADRATIC, ">=", 0) == r"z^{T} X^{T} X z \ge 0"
    assert "operatorname{tr}" in latex_relation(sympy.Trace(A), "=", 0)


def test_entries_are_shown_with_the_files_1_based_indices(tmp_path) -> None:
    # the parser reads X[i, 1] as SymPy's X[i - 1, 0]; the checked form (-vv, JSON pretty, LaTeX)
    # shows it as written, not (X)[i - 1, 0] nor X₀₀
    path = tmp_path / "e.deriv.yaml"
    text = "Product(X[i, 1], (i, 1, n)) + z[2]**2 >= X[1, 1]"
    path.write_text("derivation: e\ntitle: t\nsymbols:\n  n: dimension\n  X: matrix[n, n]\n  z: vector[n]\n"
                    f"steps:\n  - claim: {text}\n", encoding="utf-8")
    relation = parse_relation(Text(text, Span(str(path), 8, 12)), build_scope(load_derivation(str(path))))
    assert relation_text(relation.lhs, ">=", relation.rhs) == "z[2]**2 + Product(X[i, 1], (i, 1, n)) >= X[1, 1]"
    drawn = pretty_relation(relation.lhs, ">=", relation.rhs)
    assert "X[i, 1]" in drawn and "z[2]" in drawn and "≥ X[1, 1]" in drawn and "(X)" not in drawn, drawn
    assert latex_relation(relation.lhs, ">=", relation.rhs) == r"z_{2}^{2} + \prod_{i=1}^{n} X_{i, 1} \ge X_{1, 1}"


def _relation_conditions(tmp_path, symbols: str, text: str):
    path = tmp_path / "d.deriv.yaml"
    path.write_text(f"derivation: d\ntitle: t\nsymbols:\n{symbols}define:\n  recip(u): 1/(1 + u)\n"
                    f"steps:\n  - claim: {text}\n", encoding="utf-8")
    scope = build_scope(load_derivation(str(path)))
    conditions: list = []
    parse_relation(Text(text, Span(str(path), 8, 12)), scope, conditions=conditions)
    return conditions


def test_definedness_messages_name_an_elementwise_condition_by_its_entry(tmp_path) -> None:
    conditions = _relation_conditions(tmp_path, "  D: diagonal matrix[2, 2]\n",
                                      "elementwise(recip, D) = elementwise(recip, D)")
    shown = {c.describe() for c in conditions}
    assert shown == {"the denominator u + 1 at an entry u of D"}, shown
    conditions = _relation_conditions(tmp_path, "  z: vector[3]\n  B: matrix[3, 3]\n", "1/(z.T @ B @ z) = inv(B)[1, 1]")
    assert {c.describe() for c in conditions} == {"the denominator z.T @ B @ z", "the inverted matrix B"}
