"""Exact rational arithmetic on realised expressions: degree bounds and exact values.

A realised expression built from sums, products, integer powers, rational numbers,
symbols and the lazy determinant and inverse nodes is a rational function ``P / Q``
of its symbols. :func:`degree_bound` bounds the degrees of the ``P`` and ``Q`` that the
tree itself defines (each sum over the product of its terms' denominators), and
:func:`evaluate_exact` computes its exact value at rational values (``ZeroDivisionError``
where a denominator vanishes). The numeric check's exact points
(:mod:`derivcheck.check.numeric.exact`) and the symbolic grid proofs
(:mod:`derivcheck.check.symbolic.rational`) rest on both.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import sympy

from ..evidence import NoEvidence
from .lazy_algebra import LazyDet, LazyInverseEntry

MAX_BITS = 100_000
"""The largest power evaluated exactly, in bits of its numerator or denominator (the
reader's own limit on powers of numbers, ``expr/numbers.py``)."""


class NotRational(NoEvidence):
    """The realised relation is not a rational function of the sampled quantities."""


def degree_bound(expr: Any, leaves: dict[sympy.Basic, tuple[int, int]]) -> tuple[int, int]:
    """(n, d): ``expr = P / Q`` with ``deg P <= n``, ``deg Q <= d`` in the sampled variables.

    ``leaves`` gives each symbol's own (numerator, denominator) degrees. Raises
    :class:`NotRational` for anything but sums, products, integer powers, rational
    numbers and known symbols.

    >>> x = sympy.Symbol("x")
    >>> degree_bound(x**2 / (x + 1) - 1, {x: (1, 0)})
    (2, 1)
    """
    memo: dict[sympy.Basic, tuple[int, int]] = {}

    def walk(e: Any) -> tuple[int, int]:
        if not isinstance(e, sympy.Basic):
            raise NotRational(f"not a SymPy expression: {e!r}")
        hit = memo.get(e)
        if hit is not None:
            return hit
        if e in leaves:
            out = leaves[e]
        elif e.is_Rational:
            out = (0, 0)
        elif isinstance(e, sympy.Add):
            parts = [walk(a) for a in e.args]
            total = sum(d for _, d in parts)
            out = (max(n + total - d for n, d in parts), total)
        elif isinstance(e, sympy.Mul):
            parts = [walk(a) for a in e.args]
            out = (sum(n for n, _ in parts), sum(d for _, d in parts))
        elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
            n, d = walk(e.base)
            k = int(e.exp)
            out = (k * n, k * d) if k >= 0 else (-k * d, -k * n)
        elif isinstance(e, (LazyDet, LazyInverseEntry)):
            size = int(e.args[0])
            parts = [walk(a) for a in e.args[(1 if isinstance(e, LazyDet) else 3):]]
            top, below = max(n for n, _ in parts), sum(d for _, d in parts)
            det = (size * top + below, below)
            out = det if isinstance(e, LazyDet) else ((size - 1) * top + 2 * below, below + det[0])
        else:
            raise NotRational(f"{type(e).__name__} is not rational: {e}")
        memo[e] = out
        return out

    return walk(expr)


def evaluate_exact(expr: Any, values: dict[sympy.Basic, Fraction],
                   memo: dict[sympy.Basic, Fraction] | None = None) -> Fraction:
    """The exact value of a rational expression; ``ZeroDivisionError`` where a denominator vanishes.
    ``memo`` (values of sub-expressions at the same point) may be shared between calls."""
    memo = {} if memo is None else memo

    def walk(e: sympy.Basic) -> Fraction:
        hit = memo.get(e)
        if hit is not None:
            return hit
        if e in values:
            out = values[e]
        elif e.is_Rational:
            out = Fraction(int(e.p), int(e.q))
        elif isinstance(e, sympy.Add):
            out = sum((walk(a) for a in e.args), Fraction(0))
        elif isinstance(e, sympy.Mul):
            out = Fraction(1)
            for a in e.args:
                out *= walk(a)
        elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
            base = walk(e.base)
            bits = max(base.numerator.bit_length(), base.denominator.bit_length())
            if bits * abs(int(e.exp)) > MAX_BITS:  # x**(10**9) at a rational x: gigabytes, for ever
                raise NotRational(f"{e} is too large to evaluate exactly (over {MAX_BITS} bits)")
            out = base ** int(e.exp)  # a zero base with a negative exponent raises
        elif isinstance(e, LazyDet):
            out = _det([walk(a) for a in e.args[1:]], int(e.args[0]))
        elif isinstance(e, LazyInverseEntry):
            out = _inverse_entry([walk(a) for a in e.args[3:]], int(e.args[0]), int(e.args[1]), int(e.args[2]))
        else:
            raise NotRational(f"{type(e).__name__} is not rational: {e}")
        memo[e] = out
        return out

    return walk(expr)


def _rows(entries: list[Fraction], n: int) -> list[list[Fraction]]:
    return [list(entries[i * n : (i + 1) * n]) for i in range(n)]


def _det(entries: list[Fraction], n: int) -> Fraction:
    """Exact determinant by Gaussian elimination over the rationals."""
    rows, sign, out = _rows(entries, n), 1, Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != col:
            rows[col], rows[pivot], sign = rows[pivot], rows[col], -sign
        out *= rows[col][col]
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return sign * out


def _inverse_entry(entries: list[Fraction], n: int, i: int, j: int) -> Fraction:
    """Entry (i, j) of the exact inverse (a singular matrix raises ZeroDivisionError)."""
    return _inverse(tuple(entries), n)[i][n + j]


@functools.lru_cache(maxsize=8)
def _inverse(entries: tuple[Fraction, ...], n: int) -> list[list[Fraction]]:
    """The reduced ``[I | inverse]`` rows, once per matrix and point (every entry of an
    inverse asks for it: n**2 eliminations otherwise)."""
    rows = [row + [Fraction(int(k == r)) for k in range(n)] for r, row in enumerate(_rows(list(entries), n))]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            raise ZeroDivisionError("singular matrix")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        lead = rows[col][col]
        rows[col] = [a / lead for a in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return rows


__all__ = ["NotRational", "degree_bound", "evaluate_exact"]
