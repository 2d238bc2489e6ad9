"""The loader: YAML text -> Derivation, and every way a file can be wrong.

Each bad input asserts the message text AND the exact line:col it points at.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcheck.errors import DerivcheckError, InputError, InputErrors
from derivcheck.format import discover, load_derivation, load_library, load_text
from derivcheck.format.yaml_tree import MAX_BYTES, MAX_DEPTH
from repo_paths import DATA

DATA = str(DATA)

GOOD = """\
derivation: quad-form-psd
title: X'X is positive semidefinite
source: "Notes, section 2, eq. (3)"
symbols:
  n, k: dimension
  X: matrix[n, k]
  z: vector[k]
  b: real
  t: natural
  alpha: sequence in (0, 1)
  X1, X2: random
independent: [[X1, X2]]
define:
  q(x): x.T @ x
  alpha_bar[t]: Product(alpha[i], (i, 1, t))
  Y: X @ z
given:
  critical: b = 0
claim: z.T @ (X.T @ X) @ z >= 0
steps:
  - start: z.T @ (X.T @ X) @ z
  - eq: (X @ z).T @ (X @ z)
    by: transpose of a product
    latex: (Xz)^T (Xz)
  - ge: 0
    by: a squared norm is non-negative
    using: [critical]
  - claim: "b + 0.10 = b"
    expect: refuted
    for: {t: 1..3}
checks:
  - gradient: {of: "q(z)", wrt: z, equals: 2 * z}
    by: calculus
  - distribution:
      process: x[t] = sqrt(alpha[t]) * x[t - 1]
      start: x[0] = 1
      claim: x[t] ~ Normal(0, 1)
      steps: 10
      samples: 1000
      expect: refuted
for: {t: 1..12, n: [1, 2, 3], k: 7}
expect: holds
"""


def load(text: str) -> object:
    return load_text(textwrap.dedent(text), "f.deriv.yaml")


def problems(text: str) -> list[str]:
    """Every error of a bad file, as ``LINE:COL: message (hint)``."""
    with pytest.raises(InputErrors) as info:
        load(text)
    return [e.format().removeprefix("f.deriv.yaml:") for e in info.value.errors]


def only_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def minimal(extra: str = "", steps: str = "steps:\n  - start: a\n") -> str:
    return "derivation: d\ntitle: T\nsymbols:\n  a, b: real\n  t: natural\n" + extra + steps


# -- good files ------------------------------------------------------------------------


def test_good_file_keeps_every_part_as_text_with_spans() -> None:
    d = load(GOOD)
    assert d.id.value == "quad-form-psd" and str(d.id.span) == "f.deriv.yaml:1:13"
    assert [n.value for n in d.symbols[0].names] == ["n", "k"]
    assert [str(n.span) for n in d.symbols[0].names] == ["f.deriv.yaml:5:3", "f.deriv.yaml:5:6"]
    assert d.symbols[5].kind.value == "sequence in (0, 1)"
    assert [[n.value for n in g] for g in d.independent] == [["X1", "X2"]]
    assert [x.head.value for x in d.define] == ["q(x)", "alpha_bar[t]", "Y"]
    assert d.given[0].name.value == "critical" and d.given[0].relation.value == "b = 0"
    assert [s.relation for s in d.steps] == ["start", "eq", "ge", "claim"]
    assert [s.index for s in d.steps] == [1, 2, 3, 4]
    assert d.steps[1].by.value == "transpose of a product"
    assert d.steps[2].using[0].value == "critical"
    # YAML floats stay text exactly; a quoted scalar's span is past the quote.
    assert d.steps[3].expr.value == "b + 0.10 = b"
    assert (d.steps[3].expr.span.line, d.steps[3].expr.span.col) == (28, 13)
    assert d.steps[3].expect.value == "refuted"
    assert d.steps[3].instances[0].values == (1, 2, 3)
    grad, dist = d.checks
    assert (grad.index, grad.kind, dist.index, dist.kind) == (1, "gradient", 2, "distribution")
    assert grad.fields["of"].value == "q(z)" and grad.fields["by"].value == "calculus"
    assert (grad.fields["of"].span.line, grad.fields["of"].span.col) == (32, 21)
    assert dist.fields["samples"].value == "1000" and dist.expect.value == "refuted"
    assert grad.expect is None
    assert {i.name.value: i.values for i in d.instances} == {"t": tuple(range(1, 13)), "n": (1, 2, 3), "k": (7,)}
    assert d.expect.value == "holds"


def test_scalars_are_never_constructed() -> None:
    d = load(minimal("claim: yes\n", "steps:\n  - start: 1e3\n  - eq: 0.1\n  - eq: no\n  - eq: 0x10\n"))
    assert [s.expr.value for s in d.steps] == ["1e3", "0.1", "no", "0x10"]
    assert d.claim.value == "yes"


def test_spans_of_plain_and_block_scalars() -> None:
    d = load(minimal("", "steps:\n  - start: |\n      a + b\n  - eq: 'b + a'\n  - eq:   b+a\n"))
    assert [(s.expr.span.line, s.expr.span.col) for s in d.steps] == [(8, 7), (9, 10), (10, 11)]
    assert d.steps[0].span.line == 7 and d.steps[0].span.col == 5


def test_unicode_names_and_columns() -> None:
    d = load("derivation: u\ntitle: T\nsymbols:\n  ε, λ: positive\nsteps:\n  - start: ε + λ\n  - eq: λ + ε\n")
    assert [n.value for n in d.symbols[0].names] == ["ε", "λ"]
    assert d.symbols[0].names[1].span.col == 6
    assert d.steps[1].expr.span.col == 9


def test_several_chains_and_facts() -> None:
    d = load(minimal("", "steps:\n  - start: a\n  - le: a + 1\n  - claim: a = a\n  - start: b\n  - ge: b - 1\n"))
    assert [s.relation for s in d.steps] == ["start", "le", "claim", "start", "ge"]


def test_checks_only_file() -> None:
    d = load(minimal("", "checks:\n  - gradient: {of: a, wrt: a, equals: '1'}\n"))
    assert d.steps == () and d.checks[0].fields["equals"].value == "1"


def test_load_derivation_from_disk(tmp_path) -> None:
    path = tmp_path / "x.deriv.yaml"
    path.write_bytes(("\ufeff" + minimal()).encode("utf-8"))
    d = load_derivation(str(path))
    assert d.path == str(path) and d.id.span.col == 13


# -- bad files: one problem each ---------------------------------------------------------


def test_unknown_top_level_key_suggests_the_closest() -> None:
    msg = only_problem(minimal("tilte: x\n"))
    assert msg.startswith("6:1: unknown key 'tilte' at the top level (did you mean 'title'? valid keys: derivation,")


def test_unknown_step_key_suggests_the_closest() -> None:
    msg = only_problem(minimal("", "steps:\n  - start: a\n  - eq: a\n    bye: reason\n"))
    assert msg.startswith("9:5: unknown key 'bye' in step 2 (did you mean 'by'?")


def test_unquoted_comma_in_flow_mapping_gets_a_hint() -> None:
    msg = only_problem(minimal("", "checks:\n  - gradient: {of: f(a, b), wrt: a, equals: '1'}\n"))
    assert msg.startswith("7:25: unknown key 'b)' in the `gradient` of check 1")
    assert "quote expressions that contain commas" in msg


@pytest.mark.parametrize("key, line", [("derivation", 1), ("title", 2), ("symbols", 3)])
def test_missing_required_key(key: str, line: int) -> None:
    lines = minimal().splitlines(keepends=True)
    kept = [x for x in lines if not x.startswith(key)]
    if key == "symbols":
        kept = [x for x in kept if not x.startswith("  a") and not x.startswith("  t")]
    msg = only_problem("".join(kept))
    assert msg.startswith(f"1:1: missing required key '{key}'")


def test_steps_or_checks_required() -> None:
    msg = only_problem(minimal("", ""))
    assert msg == "1:1: a derivation needs `steps` or `checks` (add `steps:` starting with `- start: EXPR`, or `checks:`)"


def test_wrong_type_names_the_expected_form() -> None:
    msg = only_problem("derivation: d\ntitle: T\nsymbols: [a, b]\nsteps:\n  - start: a\n")
    assert msg.startswith("3:10: `symbols` must be a mapping, not a list (`names: kind` lines")
    msg = only_problem(minimal("", "steps:\n  start: a\n"))
    assert msg.startswith("7:3: `steps` must be a list, not a mapping")
    msg = only_problem(minimal("", "steps:\n  - start: [a, b]\n"))
    assert msg.startswith("7:12: `start` in step 1 must be text, not a list (an expression)")


def test_duplicate_key_names_both_lines() -> None:
    msg = only_problem(minimal("title: Again\n"))
    assert msg.startswith("6:1: duplicate key 'title' (first at line 2, again at line 6)")


def test_duplicate_key_on_one_line() -> None:
    msg = only_problem(minimal("for: {t: 1, t: 2}\n"))
    assert msg.startswith("6:13: duplicate key 't' (twice on line 6, at columns 7 and 13)")


def test_non_text_key() -> None:
    msg = only_problem(minimal("? [x, y]\n: 1\n"))
    assert msg.startswith("6:3: a key must be text, not a list")


def test_alias_and_anchor_rejected() -> None:
    msg = only_problem(minimal("claim: &c a = a\nsource: *c\n"))
    assert msg.startswith("6:8: anchors and aliases are not supported")


def test_tags_rejected() -> None:
    assert only_problem(minimal("claim: !!str a = a\n")).startswith("6:8: tags are not supported ('tag:yaml.org,2002:str')")


def test_multiple_documents_rejected() -> None:
    assert only_problem(minimal() + "---\nderivation: e\n").startswith("8:1: a file holds one YAML document")


def test_kebab_case_id() -> None:
    assert only_problem(minimal().replace("derivation: d", "derivation: My_Id")).startswith(
        "1:13: derivation id 'My_Id' is not kebab-case")


@pytest.mark.parametrize("value, message", [
    ("5..1", "6:10: top-level `for` for 't': the range 5..1 is empty"),
    ("1..100", "6:10: top-level `for` for 't': 1..100 has 100 values, more than 64"),
    ("[1, x]", "6:14: top-level `for` for 't': cannot read text 'x' as instances"),
    ("[]", "6:10: top-level `for` for 't' is an empty list"),
    ("99999", "6:10: top-level `for` for 't': 99999 is out of range"),
    ("1.5", "6:10: top-level `for` for 't': cannot read text '1.5' as instances"),
    ("[1, 1]", "6:10: top-level `for` for 't' lists a value twice"),
])
def test_bad_for_values(value: str, message: str) -> None:
    assert only_problem(minimal(f"for: {{t: {value}}}\n")).startswith(message)


def test_for_names_an_undeclared_symbol() -> None:
    msg = only_problem(minimal("for: {tt: 1..3}\n"))
    assert msg.startswith("6:7: top-level `for` names 'tt', which is not declared under `symbols` (did you mean 't'?")


def test_bad_expect() -> None:
    msg = only_problem(minimal("", "steps:\n  - start: a\n  - eq: a\n    expect: refute\n"))
    assert msg == ("9:13: `expect` in step 2 must be `holds` or `refuted`, not 'refute' "
                   "(did you mean 'refuted'? accepted: holds, refuted)")


def test_using_an_unknown_hypothesis() -> None:
    msg = only_problem(minimal("given:\n  critical: a = 0\n",
                               "steps:\n  - start: a\n  - eq: 0\n    using: [critcal, ]\n"))
    assert msg.startswith("11:13: step 2 uses 'critcal', which is not a hypothesis under `given` "
                          "(did you mean 'critical'?")


def test_using_must_be_a_list() -> None:
    msg = only_problem(minimal("given:\n  h: a = 0\n", "steps:\n  - start: a\n  - eq: 0\n    using: h\n"))
    assert msg.startswith("11:12: `using` in step 2 must be a list, not text 'h'")


_CLAIMED = "given:\n  critical: a = 0\nclaim: a = 0\n"
_CHAIN = "steps:\n  - start: a\n  - eq: 0\n    using: [critical]\n"


def test_top_level_using_names_the_hypotheses_of_the_claim() -> None:
    d = load(minimal(_CLAIMED + "using: [critical]\n", _CHAIN))
    assert [u.value for u in d.using] == ["critical"] and str(d.using[0].span) == "f.deriv.yaml:9:9"
    assert load(minimal(_CLAIMED, _CHAIN)).using == ()


def test_top_level_using_an_unknown_hypothesis() -> None:
    msg = only_problem(minimal(_CLAIMED + "using: [critcal]\n", _CHAIN))
    assert msg == ("9:9: the claim uses 'critcal', which is not a hypothesis under `given` "
                   "(did you mean 'critical'? hypotheses: critical)")


def test_top_level_using_must_be_a_list_of_distinct_names() -> None:
    msg = only_problem(minimal(_CLAIMED + "using: critical\n", _CHAIN))
    assert msg.startswith("9:8: the top-level `using` must be a list, not text 'critical'")
    msg = only_problem(minimal(_CLAIMED + "using: [critical, critical]\n", _CHAIN))
    assert msg == "9:19: the top-level `using` lists 'critical' twice (list each hypothesis once)"


def test_top_level_using_without_a_claim() -> None:
    msg = only_problem(minimal("given:\n  critical: a = 0\nusing: [critical]\n", _CHAIN))
    assert msg == ("8:1: the top-level `using` applies to nothing: there is no top-level `claim` (it names the "
                   "hypotheses the top-level `claim` holds under; put `using` on a step instead)")


def test_top_level_using_misspelt_key_suggests_using() -> None:
    assert "did you mean 'using'?" in only_problem(minimal(_CLAIMED + "usin: [critical]\n", _CHAIN))


def test_chain_without_start() -> None:
    msg = only_problem(minimal("", "steps:\n  - eq: a\n"))
    assert msg.startswith("7:5: step 1 continues a chain but no `start` came before (begin a chain with")


def test_claim_step_ends_the_chain() -> None:
    msg = only_problem(minimal("", "steps:\n  - start: a\n  - claim: a = a\n  - eq: a\n"))
    assert msg.startswith("9:5: step 3 continues a chain but no `start` came before; the `claim` at step 2")


def test_mixed_directions() -> None:
    msg = only_problem(minimal("", "steps:\n  - start: a\n  - lt: a + 1\n  - eq: a + 1\n  - gt: a\n"))
    assert msg.startswith("10:5: step 4 uses `gt` but step 2 of the same chain used `lt`: mixing <= and >=")


def test_a_new_start_resets_the_direction() -> None:
    d = load(minimal("", "steps:\n  - start: a\n  - le: a + 1\n  - start: b\n  - ge: b - 1\n"))
    assert len(d.steps) == 4


def test_step_relation_keys() -> None:
    assert only_problem(minimal("", "steps:\n  - start: a\n  - by: x\n")).startswith("8:5: step 2 has no relation key")
    assert only_problem(minimal("", "steps:\n  - start: a\n  - eq: a\n    le: a\n")).startswith(
        "9:5: step 2 has several relation keys (eq, le)")
    assert only_problem(minimal("", "steps:\n  - start: a\n    expect: refuted\n")).startswith(
        "8:5: step 1 is a `start` and cannot have `expect`")


def test_claim_needs_a_chain() -> None:
    assert only_problem(minimal("claim: a = a\n", "steps:\n  - claim: a = a\n")).startswith(
        "6:8: the top-level `claim` has no chain to be linked to")


def test_check_problems() -> None:
    msg = only_problem(minimal("", "checks:\n  - gradient: {of: a, wrt: c, equals: '1'}\n"))
    assert msg.startswith("7:28: `wrt` in check 1 names 'c', which is not declared under `symbols`")
    msg = only_problem(minimal("", "checks:\n  - distribution: {process: a = b, claim: a ~ Normal(0 1), steps: 0}\n"))
    assert msg.startswith("7:67: `steps` in check 1 must be a positive integer, not '0'")
    msg = only_problem(minimal("", "checks:\n  - gradient: {of: a, equals: '1'}\n"))
    assert msg.startswith("7:15: check 1 (gradient) is missing 'wrt'")
    msg = only_problem(minimal("", "checks:\n  - gradient: {of: a, wrt: a, equals: '1'}\n    distribution: {}\n"))
    assert msg.startswith("7:5: check 1 must have exactly one of `gradient`, `distribution` (found gradient, distribution)")


def test_symbol_names() -> None:
    assert only_problem(minimal("", "steps: [{start: a}]\n").replace("a, b: real", "a, __b: real")).startswith(
        "4:6: '__b' is not a valid name")
    assert only_problem(minimal("", "steps: [{start: a}]\n").replace("a, b: real", "a, E: real")).startswith(
        "4:6: 'E' is reserved and cannot be declared")
    assert only_problem(minimal("", "steps: [{start: a}]\n").replace("t: natural", "a: natural")).startswith(
        "5:3: symbol 'a' is declared twice (first at line 4)")


def test_definition_heads() -> None:
    assert only_problem(minimal("define:\n  q(x: x\n")).startswith("7:3: cannot read the definition head 'q(x'")
    assert only_problem(minimal("define:\n  a: 1\n")).startswith("7:3: 'a' is both declared under `symbols` and defined")


# -- bad files: the whole file ---------------------------------------------------------


def test_binary_junk() -> None:
    with pytest.raises(InputErrors) as info:
        load_text("derivation: d\n\x00\x01", "f")
    assert info.value.errors[0].format() == "f:2:1: file is binary (it contains a NUL character) (a derivation file is UTF-8 YAML text)"


def test_undecodable_bytes(tmp_path) -> None:
    path = tmp_path / "b.deriv.yaml"
    path.write_bytes(b"derivation: d\ntitle: \xff\xfe\n")
    with pytest.raises(InputErrors) as info:
        load_derivation(str(path))
    assert info.value.errors[0].format() == f"{path}:2:8: file is not valid UTF-8 (byte 0xff) (save the file as UTF-8)"


def test_control_character() -> None:
    assert only_problem("derivation: d\ntitle: a\x07b\n").startswith("2:9: unacceptable character #x0007")


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty_file(text: str) -> None:
    assert only_problem(text).startswith("1:1: file is empty")


def test_top_level_must_be_a_mapping() -> None:
    assert only_problem("- a\n- b\n").startswith("1:1: the top level of a derivation must be a mapping, not a list")


def test_deep_nesting() -> None:
    assert only_problem(minimal("source: " + "[" * 5000 + "]" * 5000 + "\n")).startswith(
        f"6:{9 + MAX_DEPTH - 1}: file is nested too deeply")


def test_huge_file(tmp_path) -> None:
    path = tmp_path / "big.deriv.yaml"
    path.write_text(minimal() + "# " + "x" * MAX_BYTES + "\n")
    with pytest.raises(InputErrors) as info:
        load_derivation(str(path))
    assert info.value.errors[0].format().endswith(":1:1: file is larger than 1 MiB (derivation files may hold at most 1048576 bytes (1 MiB))")


def test_yaml_syntax_error_has_its_mark() -> None:
    assert only_problem(minimal("claim: a: b\n")).startswith("6:9: YAML syntax error: mapping values are not allowed here")
    assert only_problem("derivation: d\n\ttitle: x\n").startswith("2:1: YAML syntax error:")


def test_missing_file() -> None:
    with pytest.raises(InputErrors) as info:
        load_derivation("/nonexistent/x.deriv.yaml")
    assert "cannot read the file" in info.value.errors[0].message


def test_every_problem_is_reported_in_file_order() -> None:
    found = problems("""\
        derivation: Bad Id
        title: T
        symbols: {a: real}
        steps:
          - eq: a
            expect: maybe
        colour: red
        title: Again
        """)
    assert [f.split(" (")[0] for f in found] == [
        "1:13: derivation id 'Bad Id' is not kebab-case",
        "5:5: step 1 continues a chain but no `start` came before",
        "6:13: `expect` in step 1 must be `holds` or `refuted`, not 'maybe'",
        "7:1: unknown key 'colour' at the top level",
        "8:1: duplicate key 'title'",
    ]


def test_three_problems_reported_together() -> None:
    found = problems(minimal("tilte: x\n", "steps:\n  - eq: a\n  - start: a\n    for: {t: 1}\n"))
    assert [f.split(" (")[0] for f in found] == [
        "6:1: unknown key 'tilte' at the top level",
        "8:5: step 1 continues a chain but no `start` came before",
        "10:5: step 2 is a `start` and cannot have `for`",
    ]


def test_format_package_imports_no_sympy() -> None:
    code = "import sys, derivcheck.format; assert 'sympy' not in sys.modules and 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(DATA, "bad", "*.deriv.yaml"))))
def test_bad_fixture_files(path: str) -> None:
    """Each fixture's first line says ``# expect-error: LINE:COL: message prefix``."""
    with open(path, encoding="utf-8") as handle:
        expected = handle.readline().removeprefix("# expect-error: ").strip()
    with pytest.raises(InputErrors) as info:
        load_derivation(path)
    assert [e.format().removeprefix(path + ":") for e in info.value.errors][0].startswith(expected)


YAMLISH = st.lists(st.sampled_from(
    ["derivation: d\n", "title: t\n", "symbols:\n", "  a: real\n", "steps:\n", "  - start: a\n", "  - eq: ",
     "- ", "[", "]", "{", "}", ": ", ",", "&a ", "*a", "!x ", "'", '"', "\t", "\n", "  ", "---\n", "#", "|\n",
     "\x85", "é", "\ufeff", "for: {a: 1..3}\n", "checks:\n", "  - gradient: {of: a}\n"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.one_of(YAMLISH.map("".join), st.text(max_size=80)))
def test_never_a_traceback(text: str) -> None:
    try:
        load_text(text, "f")
    except InputErrors as exc:
        assert exc.errors and all(isinstance(e, InputError) and e.span is not None for e in exc.errors)


# -- the library ---------------------------------------------------------------------------


def write(folder, name: str, ident: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(minimal().replace("derivation: d", f"derivation: {ident}"))
    return str(path)


def test_discover_is_recursive_and_sorted(tmp_path) -> None:
    b = write(tmp_path, "sub/b.deriv.yaml", "b")
    a = write(tmp_path, "a.deriv.yaml", "a")
    write(tmp_path, ".hidden/c.deriv.yaml", "c")
    (tmp_path / "notes.yaml").write_text("x: 1\n")
    assert discover([str(tmp_path), a]) == sorted([a, b])
    with pytest.raises(InputError) as info:
        discover([str(tmp_path / "missing")])
    assert "no such file or folder" in info.value.message and "missing" in info.value.message


def test_load_library_collects_errors_and_duplicate_ids(tmp_path) -> None:
    write(tmp_path, "a.deriv.yaml", "same")
    second = write(tmp_path, "b.deriv.yaml", "same")
    (tmp_path / "c.deriv.yaml").write_text("derivation: c\n")
    write(tmp_path, "d.deriv.yaml", "other")
    derivations, errors = load_library([str(tmp_path), str(tmp_path / "gone")])
    assert [d.id.value for d in derivations] == ["same", "same", "other"]  # the duplicate is still checked
    messages = [e.format() for e in errors]
    assert any("no such file or folder" in m for m in messages)
    assert sum("c.deriv.yaml:1:1: missing required key" in m for m in messages) == 2
    assert any(m.startswith(f"{second}:1:13: duplicate derivation id 'same' (first in ") for m in messages)
    assert all(isinstance(e, DerivcheckError) for e in errors)
