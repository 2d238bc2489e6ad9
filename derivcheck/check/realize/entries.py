"""Matrices written out with one real symbol per entry, for symbolic proofs at instances.

``symmetric`` shares mirrored entries and ``diagonal`` puts zeros off the
diagonal; the other qualifiers cannot be encoded in the entries and are listed
as dropped, so that no checker relies on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sympy

from ...expr.scope import MatrixDecl, Scope
from .base import Realization, RealizeError, check_entries, size_value
from .realizer import realize


@dataclass(frozen=True)
class SymbolicMatrix:
    """An explicit matrix of fresh real symbols and which qualifiers it encodes."""

    matrix: sympy.ImmutableMatrix
    encoded: frozenset[str]
    dropped: frozenset[str]


def entry_symbol(name: str, i: int, j: int, cols: int) -> sympy.Symbol:
    """The real symbol for entry (i, j) (0-based) of matrix ``name``: ``X[1,2]`` or ``z[1]``."""
    i, j = int(i), int(j)  # (SymPy integers from a matrix's entry function format slowly)
    label = f"{name}[{i + 1}]" if cols == 1 else f"{name}[{i + 1},{j + 1}]"
    return sympy.Symbol(label, real=True)


def symbolic_matrix(decl: MatrixDecl, sizes: Mapping[sympy.Symbol, int]) -> SymbolicMatrix:
    """An explicit matrix of fresh real symbols for ``decl`` at the given sizes.

    ``symmetric`` shares the entries (i, j) and (j, i); ``diagonal`` puts zeros
    off the diagonal. ``psd``, ``pd``, ``orthogonal``, ``invertible`` are NOT
    encoded (listed in ``dropped``): a checker must not rely on them.
    """
    rows, cols = size_value(decl.rows, sizes), size_value(decl.cols, sizes)
    check_entries(decl.name, rows, cols)
    quals = set(decl.qualifiers) - {"complex"}
    if "complex" in decl.qualifiers:
        raise RealizeError(f"complex matrix {decl.name} is not supported")
    symmetric = decl.has_qualifier("symmetric") and rows == cols
    diagonal = "diagonal" in quals and rows == cols

    def entry(i: int, j: int) -> sympy.Expr:
        if diagonal and i != j:
            return sympy.Integer(0)
        if symmetric and i > j:
            return entry_symbol(decl.name, j, i, cols)
        return entry_symbol(decl.name, i, j, cols)

    matrix = sympy.ImmutableMatrix(rows, cols, lambda i, j: entry(i, j))
    encoded = quals & {"symmetric", "diagonal"}
    return SymbolicMatrix(matrix, frozenset(encoded), frozenset(quals - encoded))


def realize_symbolic(expr: Any, scope: Scope, integers: Mapping[sympy.Symbol, int]) -> Any:
    """``expr`` at one instance of the integer parameters, every matrix written out with
    symbolic entries (see :func:`symbolic_matrix`), functions kept undefined and E/Var/Cov
    kept unevaluated."""
    env = Realization(integers=dict(integers))
    for decl in scope.names.values():
        if isinstance(decl, MatrixDecl):
            try:
                env.matrices[decl.symbol] = symbolic_matrix(decl, integers).matrix
            except RealizeError:
                continue
    written = realize(expr, env)
    if _valueless(written):
        # 1/0 or log(0) in an entry once written out (an elementwise 1/u on a diagonal matrix's
        # zeros, a sum's term at this instance): no value, so no proof may compare it
        raise RealizeError(f"an entry has no value at {dict(integers) or 'these sizes'} (a division by 0)")
    return written


def _valueless(value: Any) -> bool:
    """True when a written-out value holds ``zoo`` or ``nan`` (SymPy's 1/0, log(0), 0/0)."""
    if isinstance(value, sympy.MatrixBase):
        return any(_valueless(x) for x in value)
    return isinstance(value, sympy.Basic) and value.has(sympy.zoo, sympy.nan)


__all__ = ["SymbolicMatrix", "entry_symbol", "symbolic_matrix", "realize_symbolic"]
