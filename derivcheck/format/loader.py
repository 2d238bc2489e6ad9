"""A validated node tree -> :class:`~derivcheck.model.Derivation`.

Every problem in a file is collected (unknown keys with "did you mean", missing
keys, wrong value types, chain rules, unknown hypotheses, bad instances) and
raised together as one :class:`~derivcheck.errors.InputErrors`, sorted by
position. Expression and declaration texts are NOT parsed here: ``expr/`` reads
them, starting at each :class:`~derivcheck.model.Text`'s span.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from ..errors import InputError, InputErrors, Span
from ..model import Check, Declaration, Definition, Derivation, Hypothesis, Instance, Step, Text
from .yaml_tree import MAX_BYTES, Mapping, Node, Scalar, Sequence, TreeReader, decode_source, describe, read_tree, suggest

TOP_KEYS = ("derivation", "title", "source", "symbols", "independent", "define", "given",
            "claim", "using", "steps", "checks", "for", "expect")
RELATION_KEYS = ("start", "eq", "le", "lt", "ge", "gt", "claim")
STEP_KEYS = RELATION_KEYS + ("by", "using", "latex", "expect", "for")
CHECK_FIELDS = {
    "gradient": (("of", "wrt", "equals"), ()),
    "distribution": (("process", "claim"), ("start", "steps", "samples")),
}
EXPECTATIONS = ("holds", "refuted")
RESERVED = frozenset((
    "E Var Cov Sum Product Integral diff grad hessian det trace inv eye ones zeros Normal "
    "sqrt exp log sin cos tanh Abs sign Min Max pi oo").split())
MAX_INSTANCES = 64
MAX_INSTANCE_VALUE = 10_000
MAX_COUNT_DIGITS = 9

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_HYPOTHESIS = re.compile(r"[^\W\d][\w-]*\Z")
_RANGE = re.compile(r"\s*([+-]?\d+)\s*\.\.\s*([+-]?\d+)\s*\Z")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*\Z")
_HEAD = re.compile(r"\s*([^\W\d]\w*)\s*(?:([(\[])(.*)([)\]]))?\s*\Z", re.DOTALL)
_CHAIN_DIRECTION = {"le": "<=", "lt": "<=", "ge": ">=", "gt": ">="}


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
        raise InputErrors(sorted(problems, key=lambda e: (e.span.line, e.span.col) if e.span else (0, 0)))
    assert derivation is not None
    return derivation


def valid_name(name: str) -> bool:
    """A name the expression language can use: an identifier, not starting with ``_``,
    without ``__``, not a Python keyword (after NFKC normalisation)."""
    norm = unicodedata.normalize("NFKC", name)
    return norm.isidentifier() and not keyword.iskeyword(norm) and not norm.startswith("_") and "__" not in norm


def _norm(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


class _Loader(TreeReader):
    """Walks one derivation's tree, appending every problem to ``errors``."""

    def __init__(self, path: str, errors: list[InputError]) -> None:
        super().__init__(path, errors)
        self.symbols: dict[str, Text] = {}
        self.hypotheses: dict[str, Text] = {}

    def expect(self, node: Node | None, what: str) -> Text | None:
        value = self.text(node, what, "`holds` or `refuted`")
        if value is not None and value.value.strip() not in EXPECTATIONS:
            self.error(f"{what} must be `holds` or `refuted`, not '{value.value}'", value.span,
                       suggest(value.value.strip(), EXPECTATIONS, "accepted"))
            return None
        return value

    # -- the top level --------------------------------------------------------------

    def derivation(self, root: Mapping) -> Derivation | None:
        self.known_keys(root, TOP_KEYS, "at the top level")
        for key, hint in (("derivation", "add `derivation: my-derivation-id` (kebab-case)"),
                          ("title", "add `title: <one line>`"),
                          ("symbols", "add `symbols:` with `names: kind` lines, e.g. `a, b: real`")):
            if root.get(key) is None:
                self.error(f"missing required key '{key}'", root.span, hint)
        if root.get("steps") is None and root.get("checks") is None:
            self.error("a derivation needs `steps` or `checks`", root.span,
                       "add `steps:` starting with `- start: EXPR`, or `checks:`")
        ident = self.identifier(root.get("derivation"))
        title = self.text(root.get("title"), "`title`", "one line of text")
        if title is not None and "\n" in title.value.strip():
            self.error("`title` must be one line", title.span, "move details to `source`")
        source = self.text(root.get("source"), "`source`", "a citation: document, section, equation numbers")
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
        if self.errors or ident is None or title is None or symbols is None:
            return None
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

    # -- symbols, independent, define, given -------------------------------------------

    def declarations(self, node: Node | None) -> tuple[Declaration, ...] | None:
        symbols = self.mapping(node, "`symbols`", "`names: kind` lines, e.g. `a, b: real` or `X: matrix[n, k]`")
        if symbols is None:
            return None
        result = []
        for key, value in symbols.items:
            names = self.names(key)
            kind = self.text(value, f"the kind of '{key.text}'", "a kind such as `real`, `positive`, `vector[n]`")
            for name in names:
                first = self.symbols.get(_norm(name.value))
                if first is not None:
                    self.error(f"symbol '{name.value}' is declared twice (first at line {first.span.line})",
                               name.span, "declare each name once")
                else:
                    self.symbols[_norm(name.value)] = name
            if names and kind is not None:
                result.append(Declaration(tuple(names), kind))
        return tuple(result)

    def names(self, key: Scalar) -> list[Text]:
        """``a, b, c`` -> one Text per name, each with its own column."""
        names: list[Text] = []
        offset = 0
        for part in key.text.split(","):
            stripped = part.strip()
            span = key.span.shifted(offset + len(part) - len(part.lstrip()))
            offset += len(part) + 1
            if not stripped:
                self.error(f"empty name in '{key.text}'", span, "names separated by commas, e.g. `a, b, c`")
            elif not valid_name(stripped):
                self.error(f"'{stripped}' is not a valid name", span,
                           "an identifier such as `x`, `alpha_1` or `ε`; not starting with '_', "
                           "without '__', not a Python keyword")
            elif _norm(stripped) in RESERVED:
                self.error(f"'{stripped}' is reserved and cannot be declared", span,
                           f"choose another name; reserved: {', '.join(sorted(RESERVED))}")
            else:
                names.append(Text(stripped, span))
        return names

    def declared(self, node: Node, what: str) -> Text | None:
        """A scalar that must name a declared symbol."""
        name = self.text(node, what, "the name of a symbol declared under `symbols`")
        if name is None:
            return None
        value = name.value.strip()
        if _norm(value) not in self.symbols:
            self.error(f"{what} names '{value}', which is not declared under `symbols`", name.span,
                       suggest(value, list(self.symbols), "declared"))
            return None
        return Text(value, name.span)

    def independent(self, node: Node | None) -> tuple[tuple[Text, ...], ...]:
        hint = "a list of groups of random variables, e.g. `[[X1, X2], [Y]]`"
        groups = self.sequence(node, "`independent`", hint)
        if groups is None:
            return ()
        result = []
        for group in groups.items:
            members = self.sequence(group, "each group of `independent`", hint)
            if members is None:
                continue
            names = [self.declared(m, "`independent`") for m in members.items]
            result.append(tuple(n for n in names if n is not None))
        return tuple(result)

    def definitions(self, node: Node | None) -> tuple[Definition, ...]:
        entries = self.mapping(node, "`define`", "`name: expression`, `q(x): expression` or `a[t]: expression`")
        if entries is None:
            return ()
        result = []
        defined: dict[str, int] = {}
        for key, value in entries.items:
            name = self.definition_head(key)
            body = self.text(value, f"the definition of '{key.text}'", "an expression")
            if name is not None:
                norm = _norm(name)
                if norm in self.symbols:
                    self.error(f"'{name}' is both declared under `symbols` and defined", key.span,
                               "rename the definition or drop the declaration")
                elif norm in defined:
                    self.error(f"'{name}' is defined twice (first at line {defined[norm]})", key.span,
                               "define each name once")
                defined.setdefault(norm, key.span.line)
            if name is not None and body is not None:
                result.append(Definition(key.as_text(), body))
        return tuple(result)

    def definition_head(self, key: Scalar) -> str | None:
        """The defined name of ``Y``, ``q(x, y)`` or ``alpha_bar[t]``; None (and an error) if malformed."""
        hint = "`Y`, `q(x)`, `q(x, y)` or `alpha_bar[t]`"
        match = _HEAD.match(key.text)
        if match is None or (match.group(2) and (match.group(2) + match.group(4)) not in ("()", "[]")):
            self.error(f"cannot read the definition head '{key.text}'", key.span, hint)
            return None
        name = match.group(1)
        params = match.group(3)
        bad = [p.strip() for p in params.split(",")] if match.group(2) else []
        bad = [p for p in bad if not valid_name(p) or _norm(p) in RESERVED]
        if not valid_name(name) or _norm(name) in RESERVED:
            self.error(f"'{name}' cannot be defined (invalid or reserved name)", key.span, hint)
            return None
        if bad:
            self.error(f"invalid parameter '{bad[0]}' in the definition head '{key.text}'", key.span, hint)
            return None
        return name

    def given(self, node: Node | None) -> tuple[Hypothesis, ...]:
        entries = self.mapping(node, "`given`", "`name: relation`, e.g. `critical: 2 * A @ x + b = 0`")
        if entries is None:
            return ()
        result = []
        for key, value in entries.items:
            relation = self.text(value, f"hypothesis '{key.text}'", "a relation, e.g. `x > 0`")
            if not _HYPOTHESIS.match(key.text):
                self.error(f"'{key.text}' is not a valid hypothesis name", key.span,
                           "letters, digits, '_' and '-', starting with a letter")
                continue
            self.hypotheses[key.text] = key.as_text()
            if relation is not None:
                result.append(Hypothesis(key.as_text(), relation))
        return tuple(result)

    # -- steps ----------------------------------------------------------------------

    def steps(self, node: Node | None) -> tuple[Step, ...] | None:
        items = self.sequence(node, "`steps`", "a list of steps, each `- start: EXPR`, `- eq: EXPR`, ...")
        if items is None:
            return None
        if not items.items:
            self.error("`steps` is empty", items.span, "list at least one step, beginning with `- start: EXPR`")
        result: list[Step] = []
        chain_start: int | None = None  # index of the open chain's start step
        chain_end: int | None = None  # index of the claim step that closed the last chain
        direction: tuple[str, int, str] | None = None  # (<= or >=, step index, relation key)
        for index, item in enumerate(items.items, start=1):
            entry = self.mapping(item, f"step {index}", "`- start: EXPR`, `- eq: EXPR`, ... or `- claim: A = B`")
            if entry is None:
                continue
            self.known_keys(entry, STEP_KEYS, f"in step {index}")
            relations = [(k, v) for k, v in entry.items if k.text in RELATION_KEYS]
            if not relations:
                self.error(f"step {index} has no relation key", entry.span,
                           "give exactly one of: " + ", ".join(RELATION_KEYS))
                continue
            if len(relations) > 1:
                self.error(f"step {index} has several relation keys ({', '.join(k.text for k, _ in relations)})",
                           relations[1][0].span, "give exactly one of: " + ", ".join(RELATION_KEYS))
                continue
            key, value = relations[0]
            relation = key.text
            if relation == "start":
                chain_start, direction = index, None
                for extra in ("using", "expect", "for"):
                    if entry.key(extra) is not None:
                        self.error(f"step {index} is a `start` and cannot have `{extra}`",
                                   entry.key(extra).span,  # type: ignore[union-attr]
                                   f"put `{extra}` on the step that states the relation")
            elif relation == "claim":
                chain_start, chain_end, direction = None, index, None
            elif chain_start is None:
                after = f"; the `claim` at step {chain_end} ended the chain" if chain_end else ""
                self.error(f"step {index} continues a chain but no `start` came before{after}", key.span,
                           "begin a chain with `- start: EXPR`, or state a separate fact with `- claim: A = B`")
            elif relation in _CHAIN_DIRECTION:
                way = _CHAIN_DIRECTION[relation]
                if direction is None:
                    direction = (way, index, relation)
                elif direction[0] != way:
                    self.error(f"step {index} uses `{relation}` but step {direction[1]} of the same chain used "
                               f"`{direction[2]}`: mixing <= and >= in one chain is not allowed", key.span,
                               "a chain may mix `eq` with `le`/`lt`, or `eq` with `ge`/`gt`; start a new chain")
            what = "a relation, e.g. `A = B`" if relation == "claim" else "an expression"
            expr = self.text(value, f"`{relation}` in step {index}", what)
            step = Step(
                index=index, relation=relation, expr=expr or Text("", key.span), span=entry.span,
                by=self.text(entry.get("by"), f"`by` in step {index}", "free text: the reason for the step"),
                using=self.using(entry.get("using"), f"`using` in step {index}", f"step {index}"),
                latex=self.text(entry.get("latex"), f"`latex` in step {index}", "LaTeX text"),
                expect=self.expect(entry.get("expect"), f"`expect` in step {index}"),
                instances=self.instances(entry.get("for"), f"`for` in step {index}"))
            result.append(step)
        return tuple(result)

    def using(self, node: Node | None, what: str, user: str) -> tuple[Text, ...]:
        """The hypothesis names of a ``using`` list (``what`` names the list, ``user`` who uses them)."""
        hint = "a list of names from `given`, e.g. `using: [critical]`"
        names = self.sequence(node, what, hint)
        if names is None:
            return ()
        result: list[Text] = []
        for item in names.items:
            name = self.text(item, what, hint)
            if name is None:
                continue
            if name.value.strip() not in self.hypotheses:
                self.error(f"{user} uses '{name.value}', which is not a hypothesis under `given`",
                           name.span, suggest(name.value.strip(), list(self.hypotheses), "hypotheses"))
                continue
            if any(n.value == name.value.strip() for n in result):
                self.error(f"{what} lists '{name.value.strip()}' twice", name.span, "list each hypothesis once")
                continue
            result.append(Text(name.value.strip(), name.span))
        return tuple(result)

    # -- instances ------------------------------------------------------------------

    def instances(self, node: Node | None, what: str) -> tuple[Instance, ...]:
        entries = self.mapping(node, what, "`{t: 1..12, n: [1, 2, 3]}`")
        if entries is None:
            return ()
        result = []
        for key, value in entries.items:
            name = self.declared(key, what)
            values = self.instance_values(value, f"{what} for '{key.text}'")
            if name is not None and values is not None:
                result.append(Instance(name, values))
        return tuple(result)

    def instance_values(self, node: Node, what: str) -> tuple[int, ...] | None:
        hint = (f"`a..b` (inclusive), a list `[1, 2, 3]` or one integer; at most {MAX_INSTANCES} values, "
                f"each between -{MAX_INSTANCE_VALUE} and {MAX_INSTANCE_VALUE}")
        if isinstance(node, Mapping):
            self.error(f"{what} must be a range, a list or an integer, not a mapping", node.span, hint)
            return None
        if isinstance(node, Sequence):
            values: list[int] = []
            for item in node.items:
                value = self.integer(item, what, hint)
                if value is None:
                    return None
                values.append(value)
            span = node.span
        else:
            span = node.span
            match = _RANGE.match(node.text)
            if match is not None:
                lo, hi = (self.bounded(match.group(i), node.span, what, hint) for i in (1, 2))
                if lo is None or hi is None:
                    return None
                if lo > hi:
                    self.error(f"{what}: the range {node.text.strip()} is empty", span, hint)
                    return None
                if hi - lo + 1 > MAX_INSTANCES:
                    self.error(f"{what}: {node.text.strip()} has {hi - lo + 1} values, more than "
                               f"{MAX_INSTANCES}", span, hint)
                    return None
                return tuple(range(lo, hi + 1))
            value = self.integer(node, what, hint)
            return None if value is None else (value,)
        if not values:
            self.error(f"{what} is an empty list", span, hint)
            return None
        if len(values) > MAX_INSTANCES:
            self.error(f"{what} has {len(values)} values, more than {MAX_INSTANCES}", span, hint)
            return None
        if len(set(values)) != len(values):
            self.error(f"{what} lists a value twice", span, hint)
            return None
        return tuple(values)

    def integer(self, node: Node, what: str, hint: str) -> int | None:
        if not isinstance(node, Scalar) or not _INTEGER.match(node.text):
            self.error(f"{what}: cannot read {describe(node)} as instances", node.span, hint)
            return None
        return self.bounded(node.text, node.span, what, hint)

    def bounded(self, digits: str, span: Span, what: str, hint: str) -> int | None:
        digits = digits.strip()
        if len(digits.lstrip("+-")) > 6 or abs(int(digits)) > MAX_INSTANCE_VALUE:
            self.error(f"{what}: {digits} is out of range", span, hint)
            return None
        return int(digits)

    # -- checks ---------------------------------------------------------------------

    def checks(self, node: Node | None) -> tuple[Check, ...] | None:
        items = self.sequence(node, "`checks`", "a list of `- gradient: {of, wrt, equals}` or "
                              "`- distribution: {process, start, claim, steps, samples}`")
        if items is None:
            return None
        if not items.items:
            self.error("`checks` is empty", items.span, "list at least one check, or remove `checks`")
        result = []
        for index, item in enumerate(items.items, start=1):
            check = self.check(item, index)
            if check is not None:
                result.append(check)
        return tuple(result)

    def check(self, item: Node, index: int) -> Check | None:
        kinds = tuple(CHECK_FIELDS)
        entry = self.mapping(item, f"check {index}", "`- gradient: {...}` or `- distribution: {...}`")
        if entry is None:
            return None
        self.known_keys(entry, kinds + ("expect", "by"), f"in check {index}")
        present = [k for k in entry.keys() if k in kinds]
        if len(present) != 1:
            self.error(f"check {index} must have exactly one of `gradient`, `distribution`"
                       + (f" (found {', '.join(present)})" if present else ""), entry.span,
                       "e.g. `- gradient: {of: EXPR, wrt: NAME, equals: EXPR}`")
            return None
        kind = present[0]
        required, optional = CHECK_FIELDS[kind]
        body = self.mapping(entry.get(kind), f"`{kind}` in check {index}",
                            f"a mapping with {', '.join(required + optional)}")
        if body is None:
            return None
        allowed = required + optional + ("expect", "by")
        self.known_keys(body, allowed, f"in the `{kind}` of check {index}")
        for key in required:
            if body.get(key) is None:
                self.error(f"check {index} ({kind}) is missing '{key}'", body.span,
                           f"a {kind} check needs {', '.join(required)}")
        fields: dict[str, Text] = {}
        for key, value in body.items:
            if key.text not in allowed or key.text == "expect":
                continue
            if key.text == "wrt":
                text = self.declared(value, f"`wrt` in check {index}")
            elif key.text in ("steps", "samples"):
                text = self.count(value, f"`{key.text}` in check {index}")
            else:
                text = self.text(value, f"`{key.text}` in check {index}", "an expression or relation")
            if text is not None:
                fields[key.text] = text
        expect = self.expect(entry.get("expect"), f"`expect` in check {index}")
        inner = self.expect(body.get("expect"), f"`expect` in check {index}")
        by = self.text(entry.get("by"), f"`by` in check {index}", "free text: the reason")
        for outer, nested, name in ((entry.get("expect"), body.get("expect"), "expect"),
                                    (entry.get("by"), body.get("by"), "by")):
            if outer is not None and nested is not None:
                self.error(f"check {index} gives `{name}` twice", nested.span, f"give `{name}` once")
        if by is not None:
            fields.setdefault("by", by)
        return Check(index=index, kind=kind, fields=fields, span=entry.span, expect=expect or inner)

    def count(self, node: Node, what: str) -> Text | None:
        hint = f"a positive integer with at most {MAX_COUNT_DIGITS} digits"
        value = self.text(node, what, hint)
        if value is None:
            return None
        digits = value.value.strip()
        if not digits.isdigit() or not digits.isascii() or len(digits) > MAX_COUNT_DIGITS or int(digits) < 1:
            self.error(f"{what} must be a positive integer, not '{digits}'", value.span, hint)
            return None
        return Text(digits, value.span)

