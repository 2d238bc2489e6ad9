"""A validated node tree -> :class:`~derivcheck.model.Derivation`.

Every problem in a file is collected (unknown keys with "did you mean", missing
keys, wrong value types, chain rules, unknown hypotheses, bad instances) and
raised together as one :class:`~derivcheck.errors.InputErrors`, sorted by
position. Expression and declaration texts are NOT parsed here: ``expr/`` reads
them, starting at each :class:`~derivcheck.model.Text`'s span.

The reader is one class made of the file's sections: :mod:`.sections` (what every
section shares), :mod:`.section_symbols` (``symbols``, ``independent``,
``define``, ``given``), :mod:`.section_steps` (``steps``, ``using``, ``for``) and
:mod:`.section_checks` (``checks``).
"""

from __future__ import annotations

import re

from ..errors import InputError, InputErrors, Span
from ..model import Derivation, Text
from .section_checks import CHECK_FIELDS, MAX_COUNT_DIGITS, ChecksSection
from .section_steps import MAX_INSTANCE_VALUE, MAX_INSTANCES, RELATION_KEYS, STEP_KEYS, StepsSection
from .section_symbols import RESERVED, SymbolsSection, valid_name
from .sections import EXPECTATIONS
from .yaml_tree import MAX_BYTES, Mapping, Node, decode_source, read_tree

TOP_KEYS = ("derivation", "title", "source", "symbols", "independent", "define", "given",
            "claim", "using", "steps", "checks", "for", "expect")

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def load_derivation(path: str) -> Derivation:
    """Read and validate one ``.deriv.yaml`` file; raises ``InputErrors`` listing every problem."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # enough to tell that a file is too large
    except OSError as exc:
        raise InputErrors([InputError(f"cannot read the file: {exc.strerror or exc}", Span(path, 1, 1),
                                      "give the path of a readable .deriv.yaml file")]) from None
    return load_text(decode_source(data, path), path)


def load_text(text: str, path: str) -> Derivation:
    """Validate derivation text; ``path`` is only used in spans and messages.

    >>> d = load_text("derivation: one\\ntitle: t\\nsymbols: {a: real}\\nsteps:\\n- claim: a = a\\n", "x")
    >>> d.steps[0].expr.value, str(d.steps[0].expr.span)
    ('a = a', 'x:5:10')
    """
    tree, problems = read_tree(text, path)
    derivation = _Loader(path, problems).derivation(tree)
    if problems:
        errors = InputErrors(sorted(problems, key=lambda e: (e.span.line, e.span.col) if e.span else (0, 0)))
        errors.partial = derivation  # built despite problems of its name alone (see _Loader.derivation)
        raise errors
    assert derivation is not None
    return derivation


def _stand_in_id(path: str) -> str:
    """A kebab-case id from a file name, for a derivation whose own id is missing or bad."""
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
    return "-".join(re.findall(r"[a-z0-9]+", stem.lower())) or "unnamed"


class _Loader(SymbolsSection, StepsSection, ChecksSection):
    """Walks one derivation's tree, appending every problem to ``errors``: the top level
    here, each other section of the file in its own module (``section_*.py``)."""

    # -- the top level --------------------------------------------------------------

    def derivation(self, root: Mapping) -> Derivation | None:
        """The derivation, or None when a problem leaves its meaning unclear. Problems of
        its name alone (``derivation``, ``title``, ``source``, an unknown top-level key) do
        not: the derivation is still built, with a stand-in id and title, so that the rest
        of the file is read and checked and its own errors are not hidden behind these."""
        hard = len(self.errors)  # YAML problems found while reading the tree
        self.known_keys(root, TOP_KEYS, "at the top level")
        for key, hint in (("derivation", "add `derivation: my-derivation-id` (kebab-case)"),
                          ("title", "add `title: <one line>`")):
            if root.get(key) is None:
                self.error(f"missing required key '{key}'", root.span, hint)
        ident = self.identifier(root.get("derivation"))
        title = self.text(root.get("title"), "`title`", "one line of text")
        if title is not None and "\n" in title.value.strip():
            self.error("`title` must be one line", title.span, "move details to `source`")
        source = self.text(root.get("source"), "`source`", "a citation: document, section, equation numbers")
        soft = len(self.errors) - hard
        if root.get("symbols") is None:
            self.error("missing required key 'symbols'", root.span,
                       "add `symbols:` with `names: kind` lines, e.g. `a, b: real`")
        if root.get("steps") is None and root.get("checks") is None:
            self.error("a derivation needs `steps` or `checks`", root.span,
                       "add `steps:` starting with `- start: EXPR`, or `checks:`")
        symbols = self.declarations(root.get("symbols"))
        independent = self.independent(root.get("independent"))
        define = self.definitions(root.get("define"))
        given = self.given(root.get("given"))
        claim = self.text(root.get("claim"), "`claim`", "a relation, e.g. `a + b = b + a`")
        using = self.using(root.get("using"), "the top-level `using`", "the claim")
        if root.get("using") is not None and claim is None:
            self.error("the top-level `using` applies to nothing: there is no top-level `claim`",
                       root.key("using").span,  # type: ignore[union-attr]
                       "it names the hypotheses the top-level `claim` holds under; put `using` on a step instead")
        steps = self.steps(root.get("steps"))
        checks = self.checks(root.get("checks"))
        instances = self.instances(root.get("for"), "top-level `for`")
        expect = self.expect(root.get("expect"), "top-level `expect`")
        if claim is not None and steps is not None and not any(s.relation == "start" for s in steps):
            self.error("the top-level `claim` has no chain to be linked to", claim.span,
                       "a claim is checked against the first chain: add steps beginning with `- start: EXPR`")
        if expect is not None and expect.value.strip() == "refuted" and claim is None and not checks:
            self.error("top-level `expect: refuted` applies to nothing", expect.span,
                       "it applies to the top-level `claim`, or to `checks` when there is no claim; "
                       "put `expect: refuted` on the step instead")
        if len(self.errors) > hard + soft or symbols is None:
            return None
        ident = ident or Text(_stand_in_id(self.path), root.span)
        title = title or Text("(no title)", root.span)
        return Derivation(
            path=self.path, id=ident, title=title, symbols=symbols, span=root.span, source=source,
            independent=independent, define=define, given=given, claim=claim, steps=steps or (),
            checks=checks or (), instances=instances, expect=expect, using=using)

    def identifier(self, node: Node | None) -> Text | None:
        ident = self.text(node, "`derivation`", "a kebab-case id such as `gaussian-integral`")
        if ident is not None and not _ID.match(ident.value):
            self.error(f"derivation id '{ident.value}' is not kebab-case", ident.span,
                       "lower-case letters and digits in words joined by '-', e.g. `ols-normal-equations`")
            return None
        return ident


__all__ = ["CHECK_FIELDS", "EXPECTATIONS", "MAX_COUNT_DIGITS", "MAX_INSTANCES", "MAX_INSTANCE_VALUE",
           "RELATION_KEYS", "RESERVED", "STEP_KEYS", "TOP_KEYS", "load_derivation", "load_text", "valid_name"]
