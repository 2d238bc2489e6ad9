"""The shipped derivations and their mutants, read as files (no checker run).

What is checked here is what the files promise, independently of the engine:
they load without errors, every expression is in the expression language
(Python operator syntax, a whitelist of nodes, only `.T` as an attribute),
every mutant says what it mutated and which item must be refuted, and that item
really differs from the original. The verdicts themselves are checked by the
end-to-end tests of the checker.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from derivcheck.format import discover, load_derivation, load_library
from derivcheck.model import Derivation
from repo_paths import REPO

LIBRARY = REPO / "derivations"
MUTANTS = REPO / "tests" / "data" / "mutants"
ORIGINALS = sorted(LIBRARY.glob("*.deriv.yaml"))
MUTANT_FILES = sorted(MUTANTS.glob("*.deriv.yaml"))

# The topics the project must cover, each with at least two mutants.
TOPICS = {
    "2.1 X^T X is PSD": "s2-1-xtx-psd",
    "3.4 covariance": "s3-4-covariance-",
    "3.4 sample-mean variance": "s3-4-sample-mean-variance",
    "4.1 FC gradients": "s4-1-fc-layer-gradients",
    "5.2 telescoping": "s5-2-alpha-bar-telescoping",
}

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant, ast.Subscript,
    ast.Tuple, ast.Attribute, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow,
    ast.MatMult, ast.USub, ast.UAdd,
)
_RELATION = re.compile(r"<=|>=|==|(?<![<>=!])=(?!=)|<|>|~")
_MUTANT_HEADER = re.compile(r"\A# MUTANT of derivations/(?P<original>[\w.-]+\.deriv\.yaml) \((?P<what>[^)]+)\)\.\n")
_MUST = re.compile(r"Must be refuted: (?P<kind>step|check) (?P<index>\d+)")


def _expression_ok(text: str) -> None:
    tree = ast.parse(text.strip(), mode="eval")
    for node in ast.walk(tree):
        assert isinstance(node, _ALLOWED_NODES), f"{type(node).__name__} in {text!r}"
        if isinstance(node, ast.Attribute):
            assert node.attr == "T", f"attribute .{node.attr} in {text!r}"
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float) and not isinstance(node.value, bool), text


def _relation_ok(text: str) -> None:
    parts = _RELATION.split(text)
    assert len(parts) == 2, f"not exactly one relation operator in {text!r}"
    for side in parts:
        _expression_ok(side)


def _texts(d: Derivation) -> tuple[list[str], list[str]]:
    """(expressions, relations) written in the file."""
    exprs = [x.body.value for x in d.define]
    relations = [h.relation.value for h in d.given]
    if d.claim is not None:
        relations.append(d.claim.value)
    for step in d.steps:
        (relations if step.relation == "claim" else exprs).append(step.expr.value)
    for check in d.checks:
        for key in ("of", "equals"):
            if key in check.fields:
                exprs.append(check.fields[key].value)
    return exprs, relations


def test_there_are_six_derivations_and_mutants() -> None:
    assert len(ORIGINALS) >= 6  # the six core files and the rest of the source document
    assert len(MUTANT_FILES) >= 2 * len(TOPICS)


@pytest.mark.parametrize("path", ORIGINALS + MUTANT_FILES, ids=lambda p: p.name)
def test_file_loads_and_uses_only_the_expression_language(path: Path) -> None:
    d = load_derivation(str(path))
    exprs, relations = _texts(d)
    assert exprs or relations
    for text in exprs:
        _expression_ok(text)
    for text in relations:
        _relation_ok(text)


def test_the_helpers_reject_a_foreign_expression() -> None:
    # The helpers above must be able to fail, or the parametrised test proves nothing.
    for bad in ("x.shape", "(lambda: 1)()", "'a'", "[i for i in x]", "__import__('os')"):
        with pytest.raises((AssertionError, SyntaxError)):
            _expression_ok(bad)
            _relation_ok(bad)
    with pytest.raises(AssertionError):
        _relation_ok("a + b")


@pytest.mark.parametrize("path", ORIGINALS, ids=lambda p: p.name)
def test_original_cites_its_source_and_equations(path: Path) -> None:
    d = load_derivation(str(path))
    assert path.name == f"{d.id.value}.deriv.yaml"
    assert d.source is not None and "§" in d.source.value
    assert re.search(r"\(\d\.\d\.\d+\)", d.source.value)
    for step in d.steps:
        if step.relation != "start":
            assert step.by is not None and re.search(r"\d\.\d\.\d+", step.by.value), step.index


def test_library_ids_are_unique_and_readme_lists_every_file() -> None:
    derivations, errors = load_library(discover([str(LIBRARY), str(MUTANTS)]))
    assert not errors
    assert len(derivations) == len(ORIGINALS) + len(MUTANT_FILES)
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    for path in ORIGINALS:
        assert f"`{path.name}`" in readme


@pytest.mark.parametrize("path", MUTANT_FILES, ids=lambda p: p.name)
def test_mutant_names_its_original_and_the_item_to_refute(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = _MUTANT_HEADER.match(text)
    assert header, "a mutant starts with '# MUTANT of derivations/NAME.deriv.yaml (what).'"
    original_path = LIBRARY / header["original"]
    assert path.name.startswith(original_path.name.removesuffix(".deriv.yaml") + "--")
    must = _MUST.search(text)
    assert must, "the comment says 'Must be refuted: step N' or 'check N'"
    mutant, original = load_derivation(str(path)), load_derivation(str(original_path))
    assert mutant.id.value != original.id.value
    assert mutant.expect is None and (original.expect is None)
    index = int(must["index"])
    if must["kind"] == "step":
        changed = mutant.steps[index - 1]
        before = original.steps[index - 1]
        assert changed.index == index and changed.relation == before.relation
        assert changed.expect is None, "the mutated step keeps the default `expect: holds`"
        # The mutation is on the refuted step itself, or on the expression it is compared with.
        pairs = [(mutant.steps[i], original.steps[i]) for i in (index - 1, index - 2) if i >= 0]
        assert any(
            (m.expr.value, m.expect and m.expect.value) != (o.expr.value, o.expect and o.expect.value)
            for m, o in pairs
        )
    else:
        changed_check = mutant.checks[index - 1]
        assert changed_check.expect is None

        def fields(check: object) -> dict[str, str]:
            return {k: v.value for k, v in check.fields.items()}

        def symbols(d: object) -> list[tuple[tuple[str, ...], str]]:
            return [(tuple(n.value for n in s.names), s.kind.value) for s in d.symbols]

        # The mutation is in the check itself, or in a declaration it uses (a distribution's noise law).
        assert fields(changed_check) != fields(original.checks[index - 1]) or symbols(mutant) != symbols(original)


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_has_at_least_two_mutants(topic: str) -> None:
    prefix = TOPICS[topic]
    assert len([p for p in MUTANT_FILES if p.name.startswith(prefix)]) >= 2


def test_printed_error_is_recorded_beside_its_correction() -> None:
    d = load_derivation(str(LIBRARY / "s3-4-covariance-general.deriv.yaml"))
    refuted = [s for s in d.steps if s.expect is not None and s.expect.value == "refuted"]
    assert [s.index for s in refuted] == [3, 5]
    for step in refuted:
        corrected = d.steps[step.index]  # the next step, 1-based index -> 0-based position
        assert corrected.expect is None
        assert "a[n]*b[m]*Cov(X[m], Y[n])" in step.expr.value
        assert corrected.expr.value == step.expr.value.replace("a[n]*b[m]", "a[m]*b[n]")
        assert "AS PRINTED" in step.by.value  # type: ignore[union-attr]


DOCS = REPO / "docs" / "format.md"


def test_format_doc_example_loads(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## 14. A complete example"):]
    example = section[section.index("```yaml\n") + len("```yaml\n"):]
    example = example[: example.index("```")]
    path = tmp_path / "example.deriv.yaml"
    path.write_text(example, encoding="utf-8")
    d = load_derivation(str(path))
    assert [s.relation for s in d.steps] == ["start", "eq", "eq", "ge", "claim"]
    assert d.steps[2].expect is not None and d.steps[2].expect.value == "refuted"


def test_format_doc_names_every_key_and_reserved_word() -> None:
    from derivcheck.format.loader import CHECK_FIELDS, RESERVED, STEP_KEYS, TOP_KEYS

    text = DOCS.read_text(encoding="utf-8")
    words = set(TOP_KEYS) | set(STEP_KEYS) | set(RESERVED) | set(CHECK_FIELDS)
    for fields in CHECK_FIELDS.values():
        words |= set(fields[0]) | set(fields[1])
    missing = sorted(w for w in words if f"`{w}" not in text and f" {w} " not in text)
    assert not missing, f"docs/format.md does not mention: {missing}"
    # a reference, not a design record: every rule stated plainly, choices folded in (issue 14)
    assert "Decision" not in text
    assert len(re.findall(r"\*\*[A-Za-z][^*\n]*\.\*\*", text)) >= 40  # the named rules (**Capture.**, **Gradient checks.**, ...)
