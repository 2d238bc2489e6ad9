"""The words of one declaration: ``symmetric psd matrix[k, k]``,
``random sequence normal(0, 1)``, ``real in [0, 1]``, ``function(matrix[n, k])``.

:func:`parse_declaration` reads them into a :class:`DeclarationKind`; shapes stay
text until :mod:`derivcheck.expr.declarations` resolves them against the scope.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import sympy

from ..errors import InputError, Span
from ..model import Text
from . import shapes
from .laws import LAWS, law_problem
from .names import normalize
from .parser import UndeclaredName, parse_expression
from .scope import IMPLIED_QUALIFIERS, Interval, Scope

SCALAR_WORDS = ("real", "positive", "nonnegative", "negative", "integer", "natural", "complex", "dimension")
SHAPE_WORDS = ("matrix", "vector", "rowvector")
QUALIFIERS = ("symmetric", "psd", "pd", "orthogonal", "diagonal", "invertible")
DISTRIBUTIONS = LAWS
ACCEPTED_WORDS = SCALAR_WORDS + SHAPE_WORDS + QUALIFIERS + ("sequence", "random", "function", "in") + tuple(DISTRIBUTIONS)
_REAL_QUALIFIERS = ("symmetric", "psd", "pd", "orthogonal")
_ACCEPTED_HINT = "accepted words: " + ", ".join(ACCEPTED_WORDS)


@dataclass(frozen=True)
class DeclarationKind:
    """What one declaration's words say, before shapes are resolved.

    ``category`` is scalar, matrix, sequence, random or function; ``kind`` the
    scalar kind (of a scalar or of a sequence's elements); ``shape`` the texts of
    rows and columns; ``arguments`` per function argument None (scalar) or the
    texts of its shape.
    """

    category: str
    kind: str
    span: Span
    interval: Interval | None = None
    shape: tuple[Text, Text] | None = None
    qualifiers: frozenset[str] = frozenset()
    distribution: tuple[str, tuple[sympy.Expr | Text, ...]] | None = None  # a Text: resolved against the scalars
    random: bool = False
    arguments: tuple[tuple[Text, Text] | None, ...] = ()


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    group: tuple[str, str, int, int] | None = None  # open, close, inner start, inner end


def _tokens(kind: Text) -> list[_Token]:
    text, tokens, i = kind.value, [], 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif word := re.match(r"[A-Za-z_]\w*", text[i:]):
            tokens.append(_Token(word.group(), i))
            i += word.end()
        elif char in "([":
            depth, j = 0, i
            while j < len(text):
                depth += text[j] in "(["
                depth -= text[j] in ")]"
                if depth == 0:
                    break
                j += 1
            if j == len(text):
                raise InputError(f"unclosed `{char}`", kind.span.shifted(i), _ACCEPTED_HINT)
            tokens.append(_Token(text[i : j + 1], i, (char, text[j], i + 1, j)))
            i = j + 1
        else:
            raise InputError(f"unexpected character `{char}`", kind.span.shifted(i), _ACCEPTED_HINT)
    return tokens


def _items(kind: Text, token: _Token) -> list[Text]:
    """The comma-separated pieces inside a bracket group, each with its span."""
    assert token.group is not None
    _, _, start, end = token.group
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end + 1):
        char = kind.value[i] if i < end else ","
        depth += char in "(["
        depth -= char in ")]"
        if char == "," and depth == 0:
            raw = kind.value[piece_start:i]
            lead = len(raw) - len(raw.lstrip())
            pieces.append(Text(raw.strip(), kind.span.shifted(piece_start + lead)))
            piece_start = i + 1
    if any(not p.value for p in pieces):
        raise InputError(f"empty item in `{token.text}`", kind.span.shifted(token.start))
    return pieces


def _number(text: Text, what: str) -> sympy.Expr:
    try:
        value = parse_expression(text, Scope(text.span.file))
    except UndeclaredName:
        raise InputError(f"{what} must be a number: `{text.value}`", text.span, "numbers are exact: 0.5, 1/3, pi, oo") from None
    if shapes.is_matrix(value) or not (value.is_number and value.is_extended_real):
        raise InputError(f"{what} must be a real number: `{text.value}`", text.span)
    return value


def _interval(kind: Text, token: _Token) -> Interval:
    assert token.group is not None
    opening, closing, _, _ = token.group
    items = _items(kind, token)
    if len(items) != 2:
        raise InputError("an interval has two bounds", kind.span.shifted(token.start), "write in (lo, hi) or in [lo, hi]")
    lo, hi = (_number(item, "an interval bound") for item in items)
    if lo == sympy.oo or hi == -sympy.oo or lo.is_infinite and hi.is_infinite and lo == hi:
        raise InputError("interval bounds are in the wrong order", kind.span.shifted(token.start))
    return Interval(
        None if lo == -sympy.oo else lo, None if hi == sympy.oo else hi,
        lo_open=opening == "(" or lo == -sympy.oo, hi_open=closing == ")" or hi == sympy.oo,
    )  # fmt: skip


def _scalar_kind(words: dict[str, int], kind: Text) -> str:
    present = set(words)
    if len(present) > 1:
        present.discard("real")
    if present in ({"integer", "positive"}, {"natural", "integer"}, {"natural", "positive"}, {"natural", "integer", "positive"}):
        return "natural"
    if len(present) == 1:
        return present.pop()
    if not present:
        return "real"
    first, second = sorted(present, key=words.__getitem__)[:2]
    raise InputError(
        f"cannot combine `{first}` and `{second}`",
        kind.span.shifted(words[second]),
        "for a bounded integer write e.g. integer in [0, 10]",
    )


_KIND_BOUNDS: dict[str, tuple[sympy.Expr, bool]] = {
    "positive": (sympy.Integer(0), True),
    "nonnegative": (sympy.Integer(0), False),
    "natural": (sympy.Integer(1), False),
    "dimension": (sympy.Integer(1), False),
}


def _restrict(kind_name: str, interval: Interval, where: Span) -> Interval:
    """The interval intersected with what the kind already says (positive: > 0, ...)."""
    lo, lo_open, hi, hi_open = interval.lo, interval.lo_open, interval.hi, interval.hi_open
    if kind_name in _KIND_BOUNDS:
        bound, is_open = _KIND_BOUNDS[kind_name]
        if lo is None or bool(lo < bound):
            lo, lo_open = bound, is_open
        elif lo == bound:
            lo_open = lo_open or is_open
    if kind_name == "negative" and (hi is None or bool(hi >= 0)):
        hi, hi_open = sympy.Integer(0), True
    empty = lo is not None and hi is not None and (bool(lo > hi) or (lo == hi and (lo_open or hi_open)))
    if empty:
        raise InputError(f"the interval is empty for a `{kind_name}` symbol", where)
    return Interval(lo, hi, lo_open, hi_open)


def _word_error(word: str, where: Span) -> InputError:
    close = difflib.get_close_matches(word, ACCEPTED_WORDS, n=1, cutoff=0.6)
    hint = (f"did you mean `{close[0]}`? " if close else "") + _ACCEPTED_HINT
    return InputError(f"unknown word `{word}` in a declaration", where, hint)


def _function_arguments(kind: Text, token: _Token) -> tuple[tuple[Text, Text] | None, ...]:
    arguments: list[tuple[Text, Text] | None] = []
    for item in _items(kind, token):
        shape = re.fullmatch(r"(matrix|vector|rowvector)\s*\[(.*)\]", item.value)
        if shape is None:
            if not normalize(item.value).isidentifier():
                raise InputError(f"a function argument is a name or matrix[r, c]: `{item.value}`", item.span)
            arguments.append(None)
            continue
        inner = _Token(item.value[shape.start(2) - 1 : shape.end(2) + 1], 0, ("[", "]", shape.start(2), shape.end(2)))
        dims = _items(item, inner)
        arguments.append(_shape(shape.group(1), dims, item.span))
    if len(arguments) > 1 and any(a is not None for a in arguments):
        raise InputError("a matrix argument must be a function's only argument", kind.span.shifted(token.start))
    return tuple(arguments)


def _shape(word: str, dims: list[Text], where: Span) -> tuple[Text, Text]:
    expected = 2 if word == "matrix" else 1
    if len(dims) != expected:
        raise InputError(f"`{word}` takes {expected} size(s)", where, "write matrix[r, c], vector[n] or rowvector[n]")
    one = Text("1", where)
    return (dims[0], dims[1]) if word == "matrix" else (dims[0], one) if word == "vector" else (one, dims[0])


def parse_declaration(kind: Text) -> DeclarationKind:
    """Read the words of one declaration (contract section 3).

    >>> from derivcheck.errors import Span
    >>> parse_declaration(Text("sequence in (0, 1)", Span("f", 1, 1))).kind
    'positive'
    """
    tokens = _tokens(kind)
    if not tokens:
        raise InputError("empty declaration", kind.span, _ACCEPTED_HINT)
    words: dict[str, int] = {}
    scalar_words: dict[str, int] = {}
    shape: tuple[Text, Text] | None = None
    interval: Interval | None = None
    distribution: tuple[str, tuple[sympy.Expr | Text, ...]] | None = None
    arguments: tuple[tuple[Text, Text] | None, ...] = ()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        where = kind.span.shifted(token.start)
        if token.group is not None:
            raise InputError(f"unexpected `{token.text}`", where, _ACCEPTED_HINT)
        word = token.text
        if word not in ACCEPTED_WORDS:
            raise _word_error(word, where)
        if word in words:
            raise InputError(f"`{word}` appears twice", where)
        words[word] = token.start
        group = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1].group is not None else None
        needs_group = word in SHAPE_WORDS or word in DISTRIBUTIONS or word in ("function", "in")
        if needs_group and group is None:
            form = {"matrix": "matrix[r, c]", "vector": "vector[n]", "rowvector": "rowvector[n]", "in": "in (lo, hi)",
                    "function": "function(x)"}.get(word, DISTRIBUTIONS.get(word, word))  # fmt: skip
            raise InputError(f"`{word}` needs its brackets", where, f"write {form}")
        if needs_group:
            assert group is not None
            i += 1
        if word in SCALAR_WORDS:
            scalar_words[word] = token.start
        elif word in SHAPE_WORDS:
            if shape is not None:
                raise InputError("only one of matrix, vector, rowvector", where)
            shape = _shape(word, _items(kind, group), where)  # type: ignore[arg-type]
        elif word == "in":
            interval = _interval(kind, group)  # type: ignore[arg-type]
        elif word in DISTRIBUTIONS:
            if distribution is not None:
                raise InputError("only one distribution", where)
            params = tuple(_parameter(item) for item in _items(kind, group))  # type: ignore[arg-type]
            distribution = (word, params)
            _check_distribution(word, params, where)
        elif word == "function":
            arguments = _function_arguments(kind, group)  # type: ignore[arg-type]
        i += 1
    return _combine(kind, words, scalar_words, shape, interval, distribution, arguments)


def _parameter(text: Text) -> sympy.Expr | Text:
    """A law's parameter: an exact number now, or its text, which the declarations read
    against the declared scalars (``normal(mu, s2)``)."""
    try:
        return _number(text, "a distribution parameter")
    except InputError:
        return text


def _check_distribution(word: str, params: tuple[sympy.Expr | Text, ...], where: Span) -> None:
    """The checks that need no scope: the count, and the conditions on numeric parameters."""
    if len(params) != 2:
        raise InputError(f"`{word}` takes two parameters", where, f"write {DISTRIBUTIONS[word]}")
    if not any(isinstance(p, Text) for p in params):
        problem = law_problem(word, params)  # type: ignore[arg-type]
        if problem is not None:
            raise InputError(problem, where)


def _combine(
    kind: Text,
    words: dict[str, int],
    scalar_words: dict[str, int],
    shape: tuple[Text, Text] | None,
    interval: Interval | None,
    distribution: tuple[str, tuple[sympy.Expr | Text, ...]] | None,
    arguments: tuple[tuple[Text, Text] | None, ...],
) -> DeclarationKind:
    def refuse(word: str, message: str, hint: str | None = None) -> InputError:
        return InputError(message, kind.span.shifted(words[word]), hint)

    qualifiers = {w for w in words if w in QUALIFIERS}
    if "function" in words:
        other = next((w for w in words if w != "function"), None)
        if other is not None:
            raise refuse(other, f"`function(...)` cannot be combined with `{other}`")
        return DeclarationKind("function", "real", kind.span, arguments=arguments)
    if distribution is not None and "random" not in words:
        raise refuse(distribution[0], f"`{distribution[0]}(...)` describes a random variable", "write random normal(0, 1)")
    if shape is not None:
        for word in words:
            if word in ("sequence", "random", "in") or word in SCALAR_WORDS and word not in ("real", "complex"):
                raise refuse(word, f"`{word}` does not apply to a matrix", "matrix entries are real, or complex")
        real_only = [w for w in words if w in _REAL_QUALIFIERS]
        if "complex" in words and real_only:
            # no Hermitian reading: these qualifiers are defined for real matrices only
            raise refuse(real_only[0], f"`{real_only[0]}` qualifies a real matrix, not a complex one",
                         "drop `complex`, or the qualifier; complex matrices may be diagonal or invertible")
        for qualifier in list(qualifiers):
            qualifiers |= IMPLIED_QUALIFIERS.get(qualifier, frozenset())
        if "complex" in words:
            qualifiers.add("complex")
        return DeclarationKind("matrix", "real", kind.span, shape=shape, qualifiers=frozenset(qualifiers))
    if qualifiers:
        word = min(qualifiers, key=words.__getitem__)
        raise refuse(word, f"`{word}` qualifies a matrix", f"write {word} matrix[n, n]")
    if "random" in words:
        for word in list(scalar_words) + (["in"] if interval else []):
            if word != "real":
                raise refuse(word, f"`{word}` does not apply to a random variable", "give a distribution: random normal(0, 1)")
        category = "sequence" if "sequence" in words else "random"
        return DeclarationKind(category, "real", kind.span, distribution=distribution, random=True)
    scalar_kind = _scalar_kind(scalar_words, kind)
    if "sequence" in words and scalar_kind == "dimension":
        raise refuse("dimension", "a sequence's elements cannot be dimensions")
    if interval is not None:
        if scalar_kind == "complex":
            raise refuse("in", "a complex symbol has no interval")
        interval = _restrict(scalar_kind, interval, kind.span.shifted(words["in"]))
        if scalar_kind == "real" and interval.lo is not None and interval.lo >= 0:
            scalar_kind = "positive" if interval.lo > 0 or interval.lo_open else "nonnegative"
        elif scalar_kind == "real" and interval.hi is not None and (interval.hi < 0 or interval.hi == 0 and interval.hi_open):
            scalar_kind = "negative"
    if not scalar_words and "sequence" not in words and interval is None:
        raise InputError("empty declaration", kind.span, _ACCEPTED_HINT)
    category = "sequence" if "sequence" in words else "scalar"
    return DeclarationKind(category, scalar_kind, kind.span, interval=interval)
