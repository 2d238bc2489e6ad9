"""What the declarations of one derivation mean: the names an expression may use.

``expr/declarations.py`` builds a :class:`Scope` from a
:class:`~derivcheck.model.Derivation`; ``expr/parser.py`` reads expressions
against it; the checkers read the same scope to know each symbol's domain
(assumptions, interval, matrix qualifiers, randomness, independence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy

from ..errors import Span
from .objects import Relation

INTEGER_KINDS = ("integer", "natural", "dimension")
"""The scalar kinds whose values are integers (``dimension``: an integer >= 1 usable as a shape)."""

REAL_KINDS = ("real", "positive", "nonnegative", "negative")
"""The scalar kinds whose values are real numbers, not only integers."""

IMPLIED_QUALIFIERS: dict[str, frozenset[str]] = {
    "pd": frozenset({"psd", "symmetric", "invertible"}),
    "psd": frozenset({"symmetric"}),
    "orthogonal": frozenset({"invertible"}),
}
"""What a matrix qualifier implies (closed: pd's row already holds psd's)."""


def implied_qualifiers(qualifiers: frozenset[str] | set[str]) -> frozenset[str]:
    """``qualifiers`` with everything they imply: ``{"pd"}`` -> pd, psd, symmetric, invertible."""
    return frozenset(qualifiers).union(*(IMPLIED_QUALIFIERS.get(q, frozenset()) for q in qualifiers))


@dataclass(frozen=True)
class Interval:
    """``in (lo, hi)`` / ``in [lo, hi]``; ``None`` for an unbounded end."""

    lo: sympy.Expr | None
    hi: sympy.Expr | None
    lo_open: bool = True
    hi_open: bool = True


@dataclass(frozen=True)
class ScalarDecl:
    """A scalar: ``kind`` is real, positive, nonnegative, negative, integer, natural,
    complex or dimension (an integer >= 1 usable as a shape)."""

    name: str
    symbol: sympy.Symbol
    kind: str
    interval: Interval | None
    span: Span

    @property
    def is_integer(self) -> bool:
        """Whether the kind is one of :data:`INTEGER_KINDS`."""
        return self.kind in INTEGER_KINDS

    def bounds_on(self, value: Any) -> list[Relation]:
        """What the declaration's sign and interval say of ``value`` (the value a real scalar
        is solved for, say), as relations: ``value > 0`` for ``positive``, and so on."""
        zero = sympy.Integer(0)
        out = {"positive": [Relation(value, ">", zero)], "nonnegative": [Relation(value, ">=", zero)],
               "negative": [Relation(value, "<", zero)]}.get(self.kind, [])
        if self.interval is not None:
            if self.interval.lo is not None:
                out.append(Relation(value, ">" if self.interval.lo_open else ">=", self.interval.lo))
            if self.interval.hi is not None:
                out.append(Relation(value, "<" if self.interval.hi_open else "<=", self.interval.hi))
        return out

    def value_set(self) -> sympy.Set:
        """The values a real or integer kind allows, within the interval, as a SymPy set
        (``positive in (0, 1]``: ``Interval.Lopen(0, 1)``)."""
        return _value_set(self.kind, self.interval)


@dataclass(frozen=True)
class MatrixDecl:
    """``matrix[r, c]``, ``vector[n]`` (r x 1) or ``rowvector[n]`` (1 x n).

    ``qualifiers`` is a subset of symmetric, psd, pd, orthogonal, diagonal,
    invertible, complex.
    """

    name: str
    symbol: sympy.MatrixSymbol
    rows: sympy.Expr
    cols: sympy.Expr
    qualifiers: frozenset[str]
    span: Span

    def has_qualifier(self, qualifier: str) -> bool:
        """Whether the matrix is declared ``qualifier`` or something that implies it
        (:data:`IMPLIED_QUALIFIERS`: a pd matrix is psd, symmetric and invertible)."""
        return qualifier in implied_qualifiers(self.qualifiers)


@dataclass(frozen=True)
class SequenceDecl:
    """``sequence``: an indexed family ``x[i]`` of scalars (``random sequence``:
    of random variables). ``kind`` as in :class:`ScalarDecl` for the elements."""

    name: str
    base: sympy.IndexedBase
    kind: str
    interval: Interval | None
    random: bool
    distribution: tuple[str, tuple[sympy.Expr, ...]] | None
    span: Span

    @property
    def is_integer(self) -> bool:
        """Whether the elements' kind is one of :data:`INTEGER_KINDS`."""
        return self.kind in INTEGER_KINDS

    def value_set(self) -> sympy.Set:
        """The values an element of a real or integer kind allows, within the interval, as a SymPy set
        (``positive in (0, 1]``: ``Interval.Lopen(0, 1)``)."""
        return _value_set(self.kind, self.interval)


@dataclass(frozen=True)
class RandomDecl:
    """``random`` (optionally ``random normal(0, 1)``): a real random variable."""

    name: str
    symbol: sympy.Symbol
    distribution: tuple[str, tuple[sympy.Expr, ...]] | None
    span: Span


@dataclass(frozen=True)
class FunctionDecl:
    """``function(x)``, ``function(x, y)``, ``function(matrix[n, k])``.

    ``arguments`` holds, per argument, ``None`` for a scalar or ``(rows, cols)``
    for a matrix argument. ``cls`` is made by ``objects.declared_function``.
    """

    name: str
    cls: Any
    arguments: tuple[tuple[sympy.Expr, sympy.Expr] | None, ...]
    span: Span


@dataclass(frozen=True)
class DefinitionDecl:
    """A ``define`` entry. ``params`` are the dummy symbols of ``q(x)`` or the index
    of ``alpha_bar[t]``; ``indexed`` tells which of the two forms; a plain name has
    no params. Uses substitute the arguments for ``params`` in ``body``."""

    name: str
    params: tuple[Any, ...]
    body: Any
    indexed: bool
    span: Span
    conditions: tuple[Any, ...] = ()  # what the body needs to have a value (expr/definedness.py)


def _value_set(kind: str, interval: Interval | None) -> sympy.Set:
    region = {"positive": sympy.Interval.open(0, sympy.oo), "nonnegative": sympy.Interval(0, sympy.oo),
              "negative": sympy.Interval.open(-sympy.oo, 0), "integer": sympy.S.Integers,
              "natural": sympy.S.Naturals, "dimension": sympy.S.Naturals}.get(kind, sympy.S.Reals)
    if interval is not None:
        lo = interval.lo if interval.lo is not None else -sympy.oo
        hi = interval.hi if interval.hi is not None else sympy.oo
        region = sympy.Intersection(region, sympy.Interval(lo, hi, interval.lo_open, interval.hi_open))
    return region


Declared = ScalarDecl | MatrixDecl | SequenceDecl | RandomDecl | FunctionDecl


@dataclass
class Scope:
    """Every name of one derivation, and the facts the checkers need about them."""

    path: str
    names: dict[str, Declared] = field(default_factory=dict)
    definitions: dict[str, DefinitionDecl] = field(default_factory=dict)
    hypotheses: dict[str, Any] = field(default_factory=dict)  # name -> objects.Relation
    independent: list[frozenset[str]] = field(default_factory=list)

    def random_names(self) -> set[str]:
        """Names of random variables and random sequences."""
        return {
            n
            for n, d in self.names.items()
            if isinstance(d, RandomDecl) or (isinstance(d, SequenceDecl) and d.random)
        }

    def dimensions(self) -> list[sympy.Symbol]:
        return [d.symbol for d in self.names.values() if isinstance(d, ScalarDecl) and d.kind == "dimension"]

    def integer_parameters(self) -> list[sympy.Symbol]:
        """Integer scalars (natural, integer, dimension): the ones ``for`` may instantiate."""
        return [
            d.symbol
            for d in self.names.values()
            if isinstance(d, ScalarDecl) and d.is_integer
        ]


def may_be_complex(value: Any, scope: Scope) -> bool:
    """True unless every name in ``value`` is real: no complex scalar, no complex
    matrix, and ``value`` itself not known to be non-real.

    Only the names are looked at: ``sqrt(x)`` for x real passes (its realness is
    the domain's business, not the declaration's).
    """
    if not isinstance(value, sympy.Basic):
        return False
    if value.is_real is False and not getattr(value, "is_Matrix", False):  # a matrix is never "real" to SymPy
        return True
    labels = {atom.base.label for atom in value.atoms(sympy.Indexed)}
    # the index of a sum (an entry of a matrix product is one) is an integer, whatever its assumptions
    labels |= {limit[0] for node in value.atoms(sympy.Sum, sympy.Product) for limit in node.limits}
    # the variable of an elementwise function stands for the entries of its (real) argument
    labels |= {v for function in value.atoms(sympy.Lambda) for v in function.variables}
    for atom in value.atoms(sympy.Symbol, sympy.Indexed, sympy.MatrixSymbol):
        if isinstance(atom, sympy.MatrixSymbol):
            decl = scope.names.get(str(atom.name))
            if isinstance(decl, MatrixDecl) and "complex" in decl.qualifiers:
                return True
        elif atom not in labels and atom.is_real is not True:
            return True
    return False
