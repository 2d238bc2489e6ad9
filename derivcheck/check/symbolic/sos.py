"""Sum-of-squares certificates for polynomials, found numerically and checked exactly.

``p >= 0`` for every real value of its generators when ``p = z.T @ Q @ z`` for a
vector ``z`` of monomials and a positive semi-definite matrix ``Q``. A Gram
matrix is searched for in floating point (alternating projections between the
affine set of Gram matrices of ``p`` and the cone of matrices with eigenvalues at
least ``margin``), rounded to rationals, projected back onto the affine set in
exact arithmetic, and accepted only when an exact ``L D L.T`` decomposition has
non-negative pivots (positive ones for ``p > 0``, with the constant monomial in
``z``) and ``z.T @ Q @ z`` expands to ``p`` exactly. The floating point only
proposes; nothing is believed that the exact check has not redone.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import sympy

Monomial = tuple[int, ...]

MAX_BASIS = 36
"""The largest monomial basis tried (a 36 x 36 Gram matrix): beyond it the search is not cheap."""


def is_sum_of_squares(poly: sympy.Poly, *, strict: bool = False) -> bool:
    """A checked proof that ``poly >= 0`` (``> 0`` when ``strict``) at every real point.

    False means "no certificate found", never "negative somewhere": the Motzkin
    polynomial is non-negative and has none.
    """
    if not (poly.domain.is_QQ or poly.domain.is_ZZ):
        return False
    terms = {m: Fraction(int(c.p), int(c.q)) for m, c in poly.terms() if c != 0}
    if not terms:
        return not strict  # the zero polynomial
    basis = _basis(terms, poly.gens)
    if basis is None or (strict and tuple(0 for _ in poly.gens) not in basis):
        return False
    if _negative_somewhere(terms, len(poly.gens)):
        return False  # no certificate can exist: spare the search
    for gram in _candidates(terms, basis):
        if _exact_certificate(terms, basis, gram, strict):
            return True
    return False


def _negative_somewhere(terms: dict[Monomial, Fraction], size: int) -> bool:
    """Whether the polynomial is clearly negative at one of a fixed set of points (a float
    filter only: it can only skip a search, never accept)."""
    import numpy

    points = numpy.random.default_rng(0).standard_normal((64, size)) * numpy.array([[0.5], [1.0], [2.0], [4.0]]).repeat(16, 0)
    monomials = numpy.array(list(terms), dtype=float).reshape(len(terms), size)
    coefficients = numpy.array([float(c) for c in terms.values()])
    values = (numpy.prod(points[:, None, :] ** monomials[None, :, :], axis=2) * coefficients).sum(axis=1)
    scale = (numpy.prod(numpy.abs(points[:, None, :]) ** monomials[None, :, :], axis=2) * numpy.abs(coefficients)).sum(axis=1)
    return bool((values < -1e-6 * scale - 1e-12).any())


def _basis(terms: dict[Monomial, Fraction], gens: tuple) -> list[Monomial] | None:
    """Monomials whose squares lie in the Newton polytope's bounding box (per variable and in degree)."""
    degrees = [sum(m) for m in terms]
    if max(degrees) % 2 or any(max(m[j] for m in terms) % 2 for j in range(len(gens))):
        return None  # an odd leading degree takes both signs
    lows = [min(m[j] for m in terms) for j in range(len(gens))]
    highs = [max(m[j] for m in terms) for j in range(len(gens))]
    low_total, high_total = min(degrees), max(degrees)
    ranges = [range((lo + 1) // 2, hi // 2 + 1) for lo, hi in zip(lows, highs)]
    size = 1
    for r in ranges:
        size *= len(r)
    if size > 20 * MAX_BASIS:
        return None
    basis = [m for m in product(*ranges) if (low_total + 1) // 2 <= sum(m) <= high_total // 2]
    if len(basis) > 20 * MAX_BASIS:
        return None
    basis = _prune(basis, terms)
    return basis if 0 < len(basis) <= MAX_BASIS else None


def _prune(basis: list[Monomial], terms: dict[Monomial, Fraction]) -> list[Monomial]:
    """Without the monomials whose row of every Gram matrix is zero: when ``2m`` is not a term
    and no two other basis monomials make it, the diagonal entry of ``m`` is 0, and a psd
    matrix with a zero diagonal entry has a zero row there (repeated until nothing changes)."""
    while True:
        made: dict[Monomial, int] = {}
        for a, ma in enumerate(basis):
            for mb in basis[a + 1:]:
                key = tuple(x + y for x, y in zip(ma, mb))
                made[key] = made.get(key, 0) + 1
        kept = [m for m in basis if tuple(2 * x for x in m) in terms or made.get(tuple(2 * x for x in m), 0)]
        if len(kept) == len(basis):
            return basis
        basis = kept


def _pairs(basis: list[Monomial]) -> dict[Monomial, list[tuple[int, int]]]:
    """For each product monomial, the entries ``(a, b)`` of the Gram matrix that make it."""
    out: dict[Monomial, list[tuple[int, int]]] = {}
    for a, ma in enumerate(basis):
        for b, mb in enumerate(basis):
            out.setdefault(tuple(x + y for x, y in zip(ma, mb)), []).append((a, b))
    return out


def _candidates(terms: dict[Monomial, Fraction], basis: list[Monomial]):
    """Rational Gram matrices proposed by the floating-point search (checked by the caller)."""
    import numpy

    pairs = _pairs(basis)
    if any(m not in pairs for m in terms):
        return
    targets = {m: float(terms.get(m, 0)) for m in pairs}
    size = len(basis)
    scale = max(abs(v) for v in targets.values())
    for margin in (1e-3 * scale, 0.0):
        gram = numpy.eye(size) * scale
        for _ in range(400):
            gram = _project_affine(gram, pairs, targets)
            values, vectors = numpy.linalg.eigh((gram + gram.T) / 2)
            if values.min() >= margin * 0.5 - 1e-12 * scale:
                break
            gram = (vectors * numpy.maximum(values, margin)) @ vectors.T
        for denominator in (1, 2, 6, 12, 60, 720, 10**4, 10**8):
            yield [[Fraction(float(v)).limit_denominator(denominator) for v in row] for row in gram]


def _project_affine(gram, pairs, targets):
    """The nearest matrix (Frobenius) whose entries match the polynomial's coefficients:
    the constraints touch disjoint sets of entries, so each is met on its own."""
    out = gram.copy()
    for monomial, entries in pairs.items():
        rows, cols = zip(*entries)
        gap = targets[monomial] - out[rows, cols].sum()
        out[rows, cols] += gap / len(entries)
    return out


def _exact_certificate(terms: dict[Monomial, Fraction], basis: list[Monomial], gram: list[list[Fraction]],
                       strict: bool) -> bool:
    size = len(basis)
    gram = [[(gram[a][b] + gram[b][a]) / 2 for b in range(size)] for a in range(size)]
    for monomial, entries in _pairs(basis).items():  # the same projection, exactly
        gap = (terms.get(monomial, Fraction(0)) - sum(gram[a][b] for a, b in entries)) / len(entries)
        for a, b in entries:
            gram[a][b] += gap
    expanded: dict[Monomial, Fraction] = {}
    for a, ma in enumerate(basis):
        for b, mb in enumerate(basis):
            key = tuple(x + y for x, y in zip(ma, mb))
            expanded[key] = expanded.get(key, Fraction(0)) + gram[a][b]
    if {m: c for m, c in expanded.items() if c} != {m: c for m, c in terms.items() if c}:
        return False
    return _psd(gram, strict)


def _psd(matrix: list[list[Fraction]], strict: bool) -> bool:
    """Exact ``L D L.T`` elimination: positive semi-definite iff every pivot is >= 0 and
    a zero pivot has a zero row beside it (positive definite: every pivot > 0)."""
    a = [row[:] for row in matrix]
    size = len(a)
    for k in range(size):
        pivot = a[k][k]
        if pivot < 0 or (strict and pivot == 0):
            return False
        if pivot == 0:
            if any(a[k][j] != 0 for j in range(k + 1, size)):
                return False
            continue
        for i in range(k + 1, size):
            factor = a[i][k] / pivot
            if factor:
                for j in range(k + 1, size):
                    a[i][j] -= factor * a[k][j]
    return True
