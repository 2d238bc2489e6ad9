"""What a realisation substitutes (:class:`Realization`), its errors, and the value shapes.

Shared by :mod:`derivcheck.check.realize.realizer` and the modules that realise with it
(calculus, declared-function replacements, symbolic matrices).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

import sympy

from ...errors import DerivcheckError

if TYPE_CHECKING:
    from .finite_space import FiniteSpace

MAX_TERMS = 10_000
MAX_ENTRIES = 1024
"""Entries of one matrix written out (one symbol or value per entry), numerically and at
instances: every size the format accepts (up to 10**6 per dimension) must end quickly,
with a clear refusal where it is larger (see :func:`check_entries`)."""
MAX_PRODUCT_TERMS = 40_000
"""Terms ``a[i, k] * b[k, j]`` of all the matrix products of one realisation written out
entry by entry (the entries of a product of products are sums of products: a 32x32
product of atoms is cheap, a product of three is not)."""
MAX_SYMBOLIC_ORDER = 6
"""The largest determinant or inverse of a matrix with symbolic entries written out
(Berkowitz): 6x6 takes a few seconds, 8x8 minutes. The numeric check's lazy nodes
(:mod:`derivcheck.check.realize.lazy_algebra`) have no such limit."""

MAX_DIFFERENTIATED_INVERSE = 3
"""The largest inverse with symbolic entries written out for a relation that SymPy
differentiates (the numeric check cannot keep it lazy there): the entries of a 4x4
inverse are quotients of 6- and 24-term sums, and products and powers of such (the
claimed ``(inv(X) @ inv(X)).T`` beside ``grad(trace(inv(X)), X)``) take minutes at 6x6,
in-process. Larger sizes are checked by the autograd cross-check, which inverts per point."""

FunctionReplacement = sympy.Lambda | Callable[[int], sympy.Lambda] | None


class RealizeError(DerivcheckError):
    """The expression cannot be written out explicitly: unsupported, too large, or ill-shaped."""


class UndefinedAt(RealizeError):
    """The expression has no value at these sizes: an index outside its matrix, or a
    summation bound that is a number but not an integer."""


@dataclass
class Realization:
    """Everything ``realize`` substitutes.

    ``integers``: values of dimensions and integer parameters. ``matrices``: an
    explicit matrix per ``MatrixSymbol``. ``scalars``: other scalar substitutions.
    ``sequences``: a callable or mapping from a concrete ``Indexed`` to its value
    (``None``/missing keeps the element). ``functions``: per declared function name,
    ``None`` (keep it undefined) or a ``Lambda`` (or ``nargs -> Lambda`` for a
    matrix-argument function, whose Lambda takes the entries row-major).
    ``space``: the finite probability space that evaluates E/Var/Cov (``None``
    keeps them unevaluated).
    """

    integers: dict[sympy.Symbol, int] = field(default_factory=dict)
    matrices: dict[sympy.MatrixSymbol, sympy.ImmutableMatrix] = field(default_factory=dict)
    scalars: dict[sympy.Basic, sympy.Basic] = field(default_factory=dict)
    sequences: Callable[[sympy.Indexed], Any] | Mapping[sympy.Indexed, Any] | None = None
    functions: dict[str, FunctionReplacement] = field(default_factory=dict)
    space: "FiniteSpace | None" = None
    max_terms: int = MAX_TERMS
    lazy_linear_algebra: bool = False  # det/inv as opaque nodes for the numeric back end
    max_symbolic_inverse: int = MAX_SYMBOLIC_ORDER  # larger inverses with symbolic entries are refused


def check_entries(name: str, rows: int, cols: int) -> None:
    """Refuse to write out a ``rows`` x ``cols`` matrix beyond :data:`MAX_ENTRIES` entries.

    >>> check_entries("z", 1000000, 1)
    Traceback (most recent call last):
    ...
    derivcheck.check.realize.base.RealizeError: z is 1000000x1 (1000000 entries): matrices up to 1024 entries are written out
    """
    if rows * cols > MAX_ENTRIES:
        raise RealizeError(f"{name} is {rows}x{cols} ({rows * cols} entries): matrices up to {MAX_ENTRIES} "
                           f"entries are written out")


def is_matrix(value: Any) -> bool:
    """An explicit matrix (a realised matrix expression)."""
    return isinstance(value, sympy.MatrixBase)


def as_scalar(value: Any, what: str) -> sympy.Expr:
    """A realised scalar (a 1 x 1 matrix gives its entry); ``what`` names the place in errors."""
    if is_matrix(value):
        if value.shape == (1, 1):
            return value[0, 0]
        raise RealizeError(f"{what} needs a scalar, got a {value.rows}x{value.cols} matrix")
    return value


def size_value(value: Any, sizes: Mapping[sympy.Symbol, int]) -> int:
    """The concrete integer a size expression takes at ``sizes``."""
    v = sympy.sympify(value, strict=True).xreplace({k: sympy.Integer(x) for k, x in sizes.items()})
    if not v.is_Integer:
        raise RealizeError(f"size {value} has no concrete value (got {v})")
    return int(v)


__all__ = ["MAX_DIFFERENTIATED_INVERSE", "MAX_ENTRIES", "MAX_PRODUCT_TERMS", "MAX_SYMBOLIC_ORDER", "MAX_TERMS", "FunctionReplacement", "RealizeError", "UndefinedAt",
           "Realization", "check_entries", "is_matrix", "as_scalar", "size_value"]
