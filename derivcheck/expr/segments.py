"""Where an expression's text is, and reading it into an ``ast`` within limits.

Size limits hold before any work: :data:`MAX_LENGTH` characters,
:data:`MAX_NESTING` levels of brackets, and after ``ast.parse`` :data:`MAX_DEPTH`
levels of syntax nodes and :data:`MAX_NODES` nodes. Parser errors (including
``RecursionError`` and ``MemoryError`` from ``ast.parse``) become input errors.
"""

from __future__ import annotations

import ast

from ..errors import InputError, Span
from .slips import RELATION_HINT, syntax_hint, unicode_slip
from ..model import Text

MAX_LENGTH = 5000
MAX_NESTING = 100
MAX_DEPTH = 200
MAX_NODES = 5000


class Source:
    """The full text of one expression or relation, for turning offsets into spans."""

    def __init__(self, text: Text) -> None:
        self.text = text.value
        self.span = text.span

    def span_at(self, index: int) -> Span:
        """The span of the character at ``index`` (0-based) of the text."""
        before = self.text[:index]
        line = before.count("\n")
        if line == 0:
            return self.span.shifted(index)
        return Span(self.span.file, self.span.line + line, index - before.rfind("\n"))

    def error(self, index: int, message: str, hint: str | None = None) -> InputError:
        return InputError(message, self.span_at(index), hint)


def _check_nesting(source: Source, start: int, segment: str) -> None:
    depth = 0
    for i, char in enumerate(segment):
        if char in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise source.error(start + i, f"brackets nested more than {MAX_NESTING} levels deep")
        elif char in ")]}":
            depth -= 1


def _check_size(source: Source, start: int, tree: ast.AST) -> None:
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise source.error(start, f"expression too large (more than {MAX_NODES} syntax nodes)")
        if depth > MAX_DEPTH:
            raise source.error(start, f"expression nested more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def read_segment(source: Source, start: int, end: int, hint: str | None = None) -> tuple[ast.expr, int, str]:
    """Parse ``source.text[start:end]``: its ``ast`` node, where it starts, the text parsed.

    Leading blanks are skipped (their width counted), line breaks read as blanks,
    and the size limits are checked before and after ``ast.parse``.
    """
    raw = source.text[start:end]
    stripped = raw.lstrip()
    start += len(raw) - len(stripped)
    segment = stripped.rstrip().replace("\r", " ").replace("\n", " ")
    if not segment:
        raise source.error(min(start, max(len(source.text) - 1, 0)), "missing expression")
    if len(segment) > MAX_LENGTH:
        raise source.error(start, f"expression longer than {MAX_LENGTH} characters")
    _check_nesting(source, start, segment)
    slip = unicode_slip(segment)  # before Python folds `xᵀ` into the name `xT` or reads `x·y` as one name
    if slip is not None:
        char = segment[slip[0]]
        raise source.error(start + slip[0], f"syntax error: invalid character '{char}' (U+{ord(char):04X})", slip[1])
    try:
        tree = ast.parse(segment, mode="eval")
    except SyntaxError as exc:
        offset = max((exc.offset or 1) - 1, 0)
        slip = syntax_hint(segment, min(offset, len(segment) - 1), exc.msg)  # x², 2ab, a = b: say the fix
        what = "a relation where an expression belongs" if slip == RELATION_HINT else f"syntax error: {exc.msg}"
        raise source.error(start + min(offset, len(segment) - 1), what, slip or hint) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise source.error(start, f"expression cannot be read ({type(exc).__name__})") from None
    _check_size(source, start, tree)
    return tree.body, start, segment
