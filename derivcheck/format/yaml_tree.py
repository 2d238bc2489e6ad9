"""Bytes -> a YAML node tree whose scalars stay text, each node with its span.

PyYAML's ``yaml.compose`` (SafeLoader) reads the file into nodes; nothing is ever
constructed, so ``yes``, ``1e3`` and ``0.10`` stay exactly as written. Before
composing, one pass over the event stream rejects what the format does not
allow (anchors, aliases, tags, several documents, nesting deeper than
:data:`MAX_DEPTH`), so composing cannot blow up. Duplicate and non-text keys are
collected as ordinary problems, so the loader can go on and report the rest.
:class:`TreeReader` reads parts of the tree in an expected shape and records
each mismatch with what would have been accepted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml

from ..errors import InputError, InputErrors, Span
from ..model import Text

MAX_BYTES = 1 << 20
MAX_DEPTH = 50


@dataclass(frozen=True)
class Scalar:
    """A scalar node: its text exactly as YAML read it, and where its content starts."""

    text: str
    span: Span

    def as_text(self) -> Text:
        return Text(self.text, self.span)


@dataclass(frozen=True)
class Mapping:
    """A mapping node; ``items`` in file order, keys unique (later duplicates dropped)."""

    items: tuple[tuple[Scalar, "Node"], ...]
    span: Span
    flow: bool = False  # written as `{a: 1, b: 2}`, where a comma ends an entry

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]

    def get(self, key: str) -> "Node | None":
        for k, v in self.items:
            if k.text == key:
                return v
        return None

    def key(self, key: str) -> Scalar | None:
        for k, _ in self.items:
            if k.text == key:
                return k
        return None


@dataclass(frozen=True)
class Sequence:
    """A sequence node."""

    items: tuple["Node", ...]
    span: Span


Node = Scalar | Mapping | Sequence


def describe(node: Node) -> str:
    """What a node is, in words for an error message: ``a mapping``, ``a list``, ``text``."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "empty" if not node.text.strip() else f"text '{_short(node.text)}'"


class TreeReader:
    """Reads parts of a tree in an expected shape; each mismatch is appended to ``errors``
    (with what would have been accepted) and the part is skipped (``None``)."""

    def __init__(self, path: str, errors: list[InputError]) -> None:
        self.path = path
        self.errors = errors

    def error(self, message: str, span: Span, hint: str | None = None) -> None:
        self.errors.append(InputError(message, span, hint))

    def known_keys(self, node: Mapping, allowed: tuple[str, ...], where: str) -> None:
        for key, _ in node.items:
            if key.text not in allowed:
                hint = suggest(key.text, allowed)
                if node.flow:
                    hint += ("; inside `{...}` a comma ends an entry, so quote expressions that contain "
                             "commas: `{of: \"f(x, y)\"}`")
                self.error(f"unknown key '{key.text}' {where}", key.span, hint)

    def text(self, node: Node | None, what: str, hint: str) -> Text | None:
        """A non-empty scalar, or an error saying what was expected."""
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self.error(f"{what} must be text, not {describe(node)}", node.span, hint)
            return None
        if not node.text.strip():
            self.error(f"{what} is empty", node.span, hint)
            return None
        return node.as_text()

    def mapping(self, node: Node | None, what: str, hint: str) -> Mapping | None:
        if node is None:
            return None
        if not isinstance(node, Mapping):
            self.error(f"{what} must be a mapping, not {describe(node)}", node.span, hint)
            return None
        return node

    def sequence(self, node: Node | None, what: str, hint: str) -> Sequence | None:
        if node is None:
            return None
        if not isinstance(node, Sequence):
            self.error(f"{what} must be a list, not {describe(node)}", node.span, hint)
            return None
        return node


def suggest(word: str, choices: list[str] | tuple[str, ...], what: str = "valid keys") -> str:
    """``did you mean 'x'? valid keys: a, b`` for an unknown word."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    head = f"did you mean '{close[0]}'? " if close else ""
    listed = ", ".join(choices) if choices else "none"
    return f"{head}{what}: {listed}"


def decode_source(data: bytes, path: str) -> str:
    """The file's bytes as text: UTF-8, at most 1 MiB, not binary; a leading BOM is dropped.

    >>> decode_source(b"title: x\\n", "a.deriv.yaml")
    'title: x\\n'
    """
    start = Span(path, 1, 1)
    if len(data) > MAX_BYTES:
        raise InputErrors([InputError(
            "file is larger than 1 MiB", start,
            f"derivation files may hold at most {MAX_BYTES} bytes (1 MiB)")])
    if b"\x00" in data:
        raise InputErrors([InputError(
            "file is binary (it contains a NUL byte)", _byte_span(data, data.index(b"\x00"), path),
            "a derivation file is UTF-8 YAML text")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputErrors([InputError(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})", _byte_span(data, exc.start, path),
            "save the file as UTF-8")]) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_tree(text: str, path: str) -> tuple[Mapping, list[InputError]]:
    """Read one YAML document whose top level is a mapping.

    Returns the tree and the non-fatal problems (duplicate keys, keys that are
    not text); raises :class:`InputErrors` when the file cannot be read at all.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InputErrors([InputError(
            "file is larger than 1 MiB", Span(path, 1, 1),
            f"derivation files may hold at most {MAX_BYTES} bytes (1 MiB)")])
    if "\x00" in text:
        raise InputErrors([InputError("file is binary (it contains a NUL character)",
                                      _char_span(text, text.index("\x00"), path),
                                      "a derivation file is UTF-8 YAML text")])
    try:
        _scan_events(text, path)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InputErrors([_yaml_error(exc, text, path)]) from None
    except RecursionError:  # pragma: no cover - the event scan bounds the depth first
        raise InputErrors([InputError("file is nested too deeply", Span(path, 1, 1),
                                      f"at most {MAX_DEPTH} levels")]) from None
    if root is None or (isinstance(root, yaml.ScalarNode) and not root.value.strip()):
        raise InputErrors([InputError("file is empty", Span(path, 1, 1),
                                      "a derivation starts with `derivation: <id>` and `title: ...`")])
    problems: list[InputError] = []
    tree = _convert(root, text, path, problems)
    if not isinstance(tree, Mapping):
        raise InputErrors([InputError(
            f"the top level of a derivation must be a mapping, not {describe(tree)}", tree.span,
            "write `key: value` lines: derivation, title, symbols, steps, ...")])
    return tree, problems


def _scan_events(text: str, path: str) -> None:
    """Reject anchors, aliases, tags, extra documents and deep nesting, before composing."""
    depth = 0
    documents = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        span = _mark_span(event.start_mark, path)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise InputErrors([InputError("a file holds one YAML document, found a second", span,
                                              "put each derivation in its own file; remove `---`")])
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise InputErrors([InputError("anchors and aliases are not supported", span,
                                          "write each value out in full (no `&name` or `*name`)")])
        if getattr(event, "tag", None) is not None:
            raise InputErrors([InputError(f"tags are not supported ('{event.tag}')", span,
                                          "remove the `!` tag; every value is read as text")])
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputErrors([InputError("file is nested too deeply", span,
                                              f"at most {MAX_DEPTH} levels of lists and mappings")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _convert(node: yaml.Node, text: str, path: str, problems: list[InputError]) -> Node:
    span = _mark_span(node.start_mark, path)
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, _content_span(node, text, path))
    if isinstance(node, yaml.SequenceNode):
        return Sequence(tuple(_convert(n, text, path, problems) for n in node.value), span)
    items: list[tuple[Scalar, Node]] = []
    first: dict[str, Span] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, text, path, problems)
        value = _convert(value_node, text, path, problems)
        if not isinstance(key, Scalar):
            problems.append(InputError(f"a key must be text, not {describe(key)}", key.span,
                                       "write `name: value`"))
            continue
        if key.text in first:
            earlier = first[key.text]
            where = (f"first at line {earlier.line}, again at line {key.span.line}" if earlier.line != key.span.line
                     else f"twice on line {key.span.line}, at columns {earlier.col} and {key.span.col}")
            problems.append(InputError(f"duplicate key '{_short(key.text)}' ({where})", key.span,
                                       "each key may appear once in a mapping; merge the two entries"))
            continue
        first[key.text] = key.span
        items.append((key, value))
    return Mapping(tuple(items), span, bool(node.flow_style))


def _content_span(node: yaml.ScalarNode, text: str, path: str) -> Span:
    """Where a scalar's content starts: past the quote, or on the first line of a block scalar."""
    mark = node.start_mark
    if node.style in ("'", '"'):
        return Span(path, mark.line + 1, mark.column + 2)
    if node.style in ("|", ">"):
        lines = text.splitlines()
        for index in range(mark.line + 1, min(node.end_mark.line + 1, len(lines))):
            stripped = lines[index].lstrip(" ")
            if stripped:
                return Span(path, index + 1, len(lines[index]) - len(stripped) + 1)
    return Span(path, mark.line + 1, mark.column + 1)


_INDENTATION_PROBLEMS = {
    "expected <block end>": "YAML expected the block above to end here (a line indented like one of its keys)",
    "did not find expected key": "YAML expected a key here, indented like the keys beside it",
    "did not find expected '-' indicator": "YAML expected a list item `- ...` here, indented like the items beside it",
    "expected <block mapping start>": "YAML expected a key here",
}
"""PyYAML's words for a misplaced line, and what they mean for the author."""


def _indentation_problem(problem: str) -> str | None:
    """What YAML expected, in words, when ``problem`` is PyYAML's report of a misplaced line."""
    return next((said for words, said in _INDENTATION_PROBLEMS.items() if problem.startswith(words)), None)


def _mark_span(mark: yaml.Mark | None, path: str) -> Span:
    if mark is None:
        return Span(path, 1, 1)
    return Span(path, mark.line + 1, mark.column + 1)


def _yaml_error(exc: yaml.YAMLError, text: str, path: str) -> InputError:
    """Any PyYAML error as an InputError at its mark."""
    if isinstance(exc, yaml.reader.ReaderError):
        return InputError(f"unacceptable character #x{exc.character:04x} in the file",
                          _char_span(text, exc.position, path), "a derivation file is printable UTF-8 text")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "cannot read the YAML"
        context = f" ({exc.context})" if exc.context else ""
        hint = "check the indentation and quote expressions that contain ': ' or ' #'"
        if "\t" in what or "tab" in what:
            hint = "indent with spaces, not tabs"
        expected = _indentation_problem(what)
        if expected is not None and mark is not None:
            lines = text.splitlines()
            line = lines[mark.line].strip() if mark.line < len(lines) else ""
            return InputError(f"YAML syntax error: bad indentation of `{line}`: {expected} ({what})",
                              _mark_span(mark, path),
                              "indent a line like its siblings: the keys of a mapping, and the `- ` items of a "
                              "list, each start at one column")
        return InputError(f"YAML syntax error: {what}{context}", _mark_span(mark, path), hint)
    return InputError(f"YAML error: {exc}", Span(path, 1, 1), None)  # pragma: no cover


def _byte_span(data: bytes, offset: int, path: str) -> Span:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return Span(path, data.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def _char_span(text: str, offset: int, path: str) -> Span:
    line_start = text.rfind("\n", 0, offset) + 1
    return Span(path, text.count("\n", 0, offset) + 1, offset - line_start + 1)


def _short(text: str, limit: int = 40) -> str:
    one_line = text.replace("\n", " ")
    return one_line if len(one_line) <= limit else one_line[: limit - 3] + "..."
