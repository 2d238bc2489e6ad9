"""Determinants and inverses left for the numeric back end to compute.

Written out symbolically, ``det`` and ``inv`` of a product of 3x3 matrices with
symbolic entries swell into expressions that take minutes to build. For numeric
evaluation they are kept as opaque functions of the matrix entries: the numeric
evaluator computes them with its back end's ``linalg`` (numpy or torch), and once every entry is a number
(high-precision confirmation, exact evaluation) they evaluate themselves exactly.
"""

from __future__ import annotations

from typing import Any

import sympy


def _matrix(n: sympy.Integer, entries: tuple[sympy.Basic, ...]) -> sympy.ImmutableMatrix:
    size = int(n)
    return sympy.ImmutableMatrix(size, size, list(entries))


class LazyDet(sympy.Function):
    """det of the n x n matrix whose row-major entries follow ``n``."""

    @classmethod
    def eval(cls, n: sympy.Basic, *entries: sympy.Basic) -> sympy.Basic | None:
        if all(e.is_number for e in entries):
            return _matrix(n, entries).det(method="bareiss")
        return None


class LazyInverseEntry(sympy.Function):
    """Entry (i, j), 0-based, of the inverse of the n x n matrix whose entries follow."""

    @classmethod
    def eval(cls, n: sympy.Basic, i: sympy.Basic, j: sympy.Basic, *entries: sympy.Basic) -> sympy.Basic | None:
        if all(e.is_number for e in entries):
            m = _matrix(n, entries)
            if m.det(method="bareiss") == 0:
                return sympy.nan
            return m.inv()[int(i), int(j)]
        return None


def lazy_det(m: sympy.ImmutableMatrix) -> sympy.Basic:
    return LazyDet(sympy.Integer(m.rows), *list(m))


def lazy_inverse(m: sympy.ImmutableMatrix) -> sympy.ImmutableMatrix:
    n = m.rows
    entries = list(m)
    return sympy.ImmutableMatrix(
        n, n, lambda i, j: LazyInverseEntry(sympy.Integer(n), sympy.Integer(i), sympy.Integer(j), *entries)
    )


def evaluate_lazy(e: Any, evaluate: Any, arrays: Any, inverses: dict) -> Any:
    """Evaluate a lazy node on batched complex arrays; ``evaluate`` evaluates an argument,
    ``arrays`` is the numeric back end (``stack``, ``det``, ``inverse``: NaN where singular)."""
    n = int(e.args[0])
    offset = 1 if isinstance(e, LazyDet) else 3
    entries = e.args[offset:]
    if isinstance(e, LazyDet):
        stacked = arrays.stack([evaluate(a) for a in entries], -1)
        return arrays.det(stacked.reshape(stacked.shape[0], n, n))
    key = tuple(entries)
    inverse = inverses.get(key)
    if inverse is None:
        stacked = arrays.stack([evaluate(a) for a in entries], -1)
        inverse = arrays.inverse(stacked.reshape(stacked.shape[0], n, n))
        inverses[key] = inverse
    return inverse[:, int(e.args[1]), int(e.args[2])]
