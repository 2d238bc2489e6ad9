"""Declarations -> a :class:`~derivcheck.expr.scope.Scope` of SymPy symbols.

:func:`build_scope` reads a derivation's ``symbols`` (words read by
:func:`~derivcheck.expr.kinds.parse_declaration`), ``independent`` groups,
``define`` entries (in order, each against the scope so far) and ``given``
hypotheses, and reports every error at once as
:class:`~derivcheck.errors.InputErrors`. Errors that only follow from an earlier
one (a use of a name whose declaration failed) are not repeated.

Assumptions: real -> ``real``; positive, nonnegative, negative, integer as named;
natural and dimension -> integer and positive; complex -> ``complex``;
``in (lo, hi)`` adds positive / nonnegative / negative / nonpositive when the
bounds imply it. Sequences carry the element assumptions on their IndexedBase.
"""

from __future__ import annotations

import difflib
import re

import sympy

from ..errors import InputError, InputErrors, Span
from ..model import Derivation, Text
from . import objects, shapes
from .definitions import read_definition, read_hypothesis
from .kinds import DeclarationKind, parse_declaration
from .laws import law_problem
from .names import declaration_problem, normalize
from .parser import UndeclaredName, parse_expression
from .scope import Declared, FunctionDecl, Interval, MatrixDecl, RandomDecl, ScalarDecl, Scope, SequenceDecl

__all__ = ["DeclarationKind", "assumptions", "build_scope", "parse_declaration"]

_KIND_ASSUMPTIONS = {
    "real": {"real": True},
    "positive": {"positive": True},
    "nonnegative": {"nonnegative": True},
    "negative": {"negative": True},
    "integer": {"integer": True},
    "natural": {"integer": True, "positive": True},
    "dimension": {"integer": True, "positive": True},
    "complex": {"complex": True},
}


def assumptions(kind: str, interval: Interval | None) -> dict[str, bool]:
    """SymPy assumptions of a scalar of this kind within this interval."""
    result = dict(_KIND_ASSUMPTIONS[kind])
    if kind != "complex":
        result["real"] = True
    if interval is not None and interval.lo is not None and interval.lo >= 0:
        result["positive" if interval.lo > 0 or interval.lo_open else "nonnegative"] = True
    if interval is not None and interval.hi is not None and interval.hi <= 0:
        result["negative" if interval.hi < 0 or interval.hi_open else "nonpositive"] = True
    if result.get("positive"):
        result.pop("nonnegative", None)
    if result.get("negative"):
        result.pop("nonpositive", None)
    return result


def _dimension(text: Text, scalars: Scope) -> sympy.Expr:
    try:
        value = parse_expression(text, scalars)
    except UndeclaredName as exc:
        raise InputError(f"undeclared dimension `{exc.name}`", exc.span, f"declare it: {exc.name}: dimension") from None
    try:
        return shapes.check_dimension(value)
    except InputError as exc:
        raise InputError(f"{exc.message}: `{text.value}`", text.span, exc.hint) from None


def _declared(name: str, kind: DeclarationKind, span: Span, scalars: Scope) -> Declared:
    if kind.category == "scalar":
        symbol = sympy.Symbol(name, **assumptions(kind.kind, kind.interval))
        return ScalarDecl(name, symbol, kind.kind, kind.interval, span)
    if kind.category == "random":
        return RandomDecl(name, sympy.Symbol(name, real=True), _law(kind, scalars), span)
    if kind.category == "sequence":
        base = sympy.IndexedBase(name, **assumptions(kind.kind, kind.interval))
        return SequenceDecl(name, base, kind.kind, kind.interval, kind.random, _law(kind, scalars), span)
    if kind.category == "matrix":
        assert kind.shape is not None
        rows, cols = (_dimension(text, scalars) for text in kind.shape)
        square_only = kind.qualifiers - {"complex"}
        if square_only and not shapes.same_dimension(rows, cols):
            raise InputError(f"a {', '.join(sorted(square_only))} matrix must be square, got {rows} x {cols}", kind.span)
        return MatrixDecl(name, sympy.MatrixSymbol(name, rows, cols), rows, cols, kind.qualifiers, span)
    arguments = tuple(
        None if shape is None else (_dimension(shape[0], scalars), _dimension(shape[1], scalars))
        for shape in kind.arguments
    )
    return FunctionDecl(name, objects.declared_function(name, len(arguments)), arguments, span)


def _law(kind: DeclarationKind, scalars: Scope) -> tuple[str, tuple[sympy.Expr, ...]] | None:
    """The declared law with its parameters read against the declared scalars (``normal(mu, s2)``),
    refused unless the declarations make it a law at every value they allow (s2 > 0, low < high)."""
    if kind.distribution is None:
        return None
    word, texts = kind.distribution
    if not any(isinstance(t, Text) for t in texts):
        return word, texts  # type: ignore[return-value]
    params = []
    for text in texts:
        if not isinstance(text, Text):
            params.append(text)
            continue
        try:
            value = parse_expression(text, scalars)
        except UndeclaredName as exc:
            raise InputError(f"undeclared name `{exc.name}` in the law {word}(...)", exc.span,
                             f"a law's parameters are numbers or declared scalars: declare {exc.name}: positive") from None
        if shapes.is_matrix(value):
            raise InputError(f"a parameter of {word}(...) must be a scalar: `{text.value}`", text.span)
        params.append(value)
    problem = law_problem(word, tuple(params))
    if problem is not None:
        where = texts[1] if isinstance(texts[1], Text) else texts[0]
        raise InputError(problem, where.span)  # type: ignore[union-attr]
    return word, tuple(params)


def _independent(derivation: Derivation, scope: Scope, errors: list[InputError], failed: set[str]) -> None:
    randoms = scope.random_names()
    for group in derivation.independent:
        members: set[str] = set()
        for text in group:
            name = normalize(text.value)
            if name in failed:
                continue
            if name not in scope.names:
                close = difflib.get_close_matches(name, sorted(randoms), n=3, cutoff=0.6)
                hint = f"did you mean {', '.join(close)}?" if close else "declare it as random"
                errors.append(InputError(f"undeclared name `{name}` in independent", text.span, hint))
            elif name not in randoms:
                errors.append(InputError(f"`{name}` is not random", text.span, "independence is declared between random variables and random sequences"))  # fmt: skip
            else:
                members.add(name)
        if members:
            scope.independent.append(frozenset(members))


def _head_name(head: Text) -> str:
    match = re.match(r"\s*([^\s(\[]+)", head.value)
    return normalize(match.group(1)) if match else ""


def _declarations(derivation: Derivation, errors: list[InputError], failed: set[str]) -> Scope:
    entries: list[tuple[str, Span, DeclarationKind]] = []
    seen: dict[str, Span] = {}
    for declaration in derivation.symbols:
        try:
            kind: DeclarationKind | None = parse_declaration(declaration.kind)
        except InputError as exc:
            errors.append(exc)
            kind = None
        for text in declaration.names:
            name = normalize(text.value)
            problem = declaration_problem(name)
            if problem is not None:
                errors.append(InputError(problem, text.span))
            elif name in seen:
                errors.append(InputError(f"`{name}` is declared twice", text.span, f"first at {seen[name]}"))
            else:
                seen[name] = text.span
                if kind is None:
                    failed.add(name)
                else:
                    entries.append((name, text.span, kind))
    scalars = Scope(derivation.path)
    for name, span, kind in entries:
        if kind.category == "scalar":
            scalars.names[name] = _declared(name, kind, span, scalars)
    scope = Scope(derivation.path)
    for name, span, kind in entries:
        try:
            scope.names[name] = scalars.names.get(name) or _declared(name, kind, span, scalars)
        except InputError as exc:
            errors.append(exc)
            failed.add(name)
    return scope


def build_scope(derivation: Derivation) -> Scope:
    """The scope of one derivation: symbols, independence, definitions, hypotheses.

    Raises :class:`~derivcheck.errors.InputErrors` listing every problem found.
    """
    errors: list[InputError] = []
    failed: set[str] = set()

    def record(exc: InputError) -> None:
        if not (isinstance(exc, UndeclaredName) and exc.name in failed):
            errors.append(exc)

    scope = _declarations(derivation, errors, failed)
    _independent(derivation, scope, errors, failed)
    for definition in derivation.define:
        try:
            decl = read_definition(definition, scope)
            scope.definitions[decl.name] = decl
        except InputError as exc:
            record(exc)
            failed.add(_head_name(definition.head))
    for hypothesis in derivation.given:
        try:
            name, relation = read_hypothesis(hypothesis, scope)
        except InputError as exc:
            record(exc)
            continue
        if name in scope.hypotheses:
            errors.append(InputError(f"hypothesis `{name}` given twice", hypothesis.name.span))
        scope.hypotheses[name] = relation
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: (e.span.line, e.span.col) if e.span else (0, 0)))
    return scope
