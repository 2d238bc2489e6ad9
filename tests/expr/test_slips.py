"""Hints for the usual slips (``^``, ``np.exp``, unicode, ``2ab``, a relation in a chain step,
an undeclared function, bad indentation), through ``derivcheck lint`` as an author meets them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from derivcheck.cli import main

HEAD = "derivation: slip\ntitle: t\nsymbols:\n  x, a, b: real\nsteps:\n"

CASES = {
    "caret": ('  - claim: "x^2 = x*x"\n', "6:13: `^` is not a power here: `x^2` (did you mean `**`? write x**2)"),
    "numpy": ('  - claim: "np.exp(x) = exp(x)"\n', "6:13: `np.exp` is array code (write `exp(...)`, without `np.`"),
    "math": ('  - claim: "math.exp(x) = exp(x)"\n', "6:13: `math.exp` is array code (write `exp(...)`, without `math.`"),
    "alpha": ('  - claim: "α = x"\n', "6:13: undeclared name `α` (write `alpha` instead of `α`, and declare it"),
    "root": ('  - claim: "√x = x"\n', "6:13: syntax error: invalid character '√' (U+221A) (write `sqrt(...)` instead of `√`)"),
    "square": ('  - claim: "x² = x*x"\n', "6:14: syntax error: invalid character '²' (U+00B2) (write `**2` instead of `²`)"),
    "le": ('  - claim: "x ≤ x + 1"\n', "6:15: syntax error: invalid character '≤' (U+2264) (write `<=` instead of `≤`)"),
    "dot": ('  - claim: "2·x = x + x"\n', "6:14: syntax error: invalid character '·' (U+00B7) (write `*` instead of `·`)"),
    # Python would read `x·y` as one name and fold `aᵀ` into the name `aT`, `aⁿ` into `an`: refused first
    "dot-in-name": ('  - claim: "a·b = b*a"\n', "6:14: syntax error: invalid character '·' (U+00B7) (write `*` instead of `·`)"),
    "transpose": ('  - claim: "aᵀ = a"\n', "6:14: syntax error: invalid character 'ᵀ' (U+1D40) (write `.T` instead of `ᵀ`)"),
    "superscript-letter": ('  - claim: "aⁿ = a"\n', "6:14: syntax error: invalid character 'ⁿ' (U+207F) (write `**n` instead of `ⁿ`)"),
    "subscript": ('  - claim: "xₐ = x"\n', "6:14: syntax error: invalid character 'ₐ' (U+2090) (write an index `[a]` or a "
                                          "plain name instead of `ₐ`)"),
    "juxtaposed": ('  - claim: "2ab = 2*a*b"\n', "(a number times a name needs `*`: write `2*a*b`)"),
    "relation-in-chain": ("  - start: x\n  - eq: x = x\n",
                          "7:11: a relation where an expression belongs (this takes an expression: a chain step "
                          "`- eq: EXPR` means previous = EXPR; use `claim:` for a relation)"),
    "function": ('  - claim: "f(x) = x"\n', "6:13: undeclared name `f` (declare it under `symbols:` as a function, "
                                            "e.g. `f: function(x)`, or define it under `define:`"),
    "not-comparable": ('  - claim: "Min(Integral(t, (t, 0, 1)) - 1/2, x) <= x"\n',
                       "a constant argument must have a value SymPy can compare"),
    "indentation": ("- start: x\n  - eq: x\n", "7:3: YAML syntax error: bad indentation of `- eq: x`: YAML expected "
                                                "the block above to end here"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_slip_gets_the_hint_that_fixes_it(name: str, tmp_path: Path) -> None:
    body, expected = CASES[name]
    path = tmp_path / f"{name}.deriv.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 2, result.output
    assert expected in result.output, result.output
    if expected[0].isdigit():
        assert f"{path}:{expected}" in result.output


def test_the_fixed_spellings_are_accepted(tmp_path: Path) -> None:
    fixed = ('  - claim: "x**2 = x*x"\n  - claim: "exp(x) = exp(x)"\n  - claim: "sqrt(x**2) = Abs(x)"\n'
             '  - claim: "x <= x + 1"\n  - claim: "2*a*b = 2*b*a"\n  - start: x\n  - eq: x\n')
    path = tmp_path / "fixed.deriv.yaml"
    path.write_text(HEAD + fixed, encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 0, result.output


def test_a_misspelt_builtin_still_gets_did_you_mean() -> None:
    from derivcheck.errors import InputError, Span
    from derivcheck.expr.parser import parse_expression
    from derivcheck.expr.scope import Scope
    from derivcheck.model import Text

    with pytest.raises(InputError) as info:
        parse_expression(Text("sqr(2)", Span("f", 1, 1)), Scope("f"))
    assert info.value.hint.startswith("did you mean sqrt?") and "function(x)" in info.value.hint


def test_a_declared_greek_name_is_a_name(tmp_path: Path) -> None:
    path = tmp_path / "greek.deriv.yaml"
    path.write_text("derivation: greek\ntitle: t\nsymbols:\n  α, x: real\nsteps:\n  - claim: α*x = x*α\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 0, result.output


def test_a_function_of_a_matrix_points_at_elementwise(tmp_path: Path) -> None:
    # exp(A) is not the matrix exponential here: the error says how to take exp of each entry
    path = tmp_path / "entrywise.deriv.yaml"
    path.write_text("derivation: entrywise\ntitle: t\nsymbols:\n  n: dimension\n  A: matrix[n, n]\n  z: vector[n]\n"
                    "steps:\n  - claim: exp(A - A) = ones(n, n)\n  - claim: sqrt(z.T @ z) >= 0\n"
                    "  - claim: elementwise(exp, A - A) = ones(n, n)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0] == (
        f"{path}:8:16: expected a scalar, got a n x n matrix: `A - A` (for exp of each entry write "
        "elementwise(exp, A - A); only 1 x 1 matrix expressions (like z.T @ A @ z) act as scalars)")
    assert "1 error" in result.output  # sqrt of a 1 x 1 product and elementwise(exp, ...) are read
