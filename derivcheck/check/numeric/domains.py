"""What values a declaration allows: scalar domains, integer ranges and reaches, and the
transforms that make a sampled generator a matrix with the declared qualifiers.

:mod:`.sampling` draws points from these; :mod:`.configs` combines the integer
ranges into configurations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from ...expr.scope import Interval
from ..realize import RealizeError


@dataclass(frozen=True)
class Domain:
    """Where a real scalar is sampled: bounds (``None`` = unbounded) and whether ends are open."""

    lo: Fraction | None
    hi: Fraction | None
    lo_open: bool = True
    hi_open: bool = True
    integer: bool = False  # integer values only, both bounds finite and closed (see integer_domain)
    # an integer domain's declared bounds (None: unbounded), beyond the small window above:
    # a share of the points (``wide``) is drawn there, across magnitudes
    reach: tuple[int | None, int | None] | None = None

    def contains(self, v: Fraction | float) -> bool:
        if self.integer and Fraction(v).denominator != 1:
            return False
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            return False
        if self.hi is not None and (v > self.hi or (self.hi_open and v == self.hi)):
            return False
        return True

    def span(self) -> tuple[float, float]:
        """The float range actually sampled (a window of width 3 on an unbounded side)."""
        lo = float(self.lo) if self.lo is not None else None
        hi = float(self.hi) if self.hi is not None else None
        if lo is None and hi is None:
            return -3.0, 3.0
        if lo is None:
            return hi - 3.0, hi - (0.1 if self.hi_open else 0.0)
        if hi is None:
            return lo + (0.1 if self.lo_open else 0.0), lo + 3.0
        return lo, hi


REAL = Domain(None, None)
FLOAT_LIMIT = Fraction(10) ** 300  # an interval end beyond it is not sampled (a tiny one may be: see sampling.exact)


def _fraction(value: sympy.Expr | None, side: str) -> Fraction | None:
    """An end of a declared interval as a fraction: exact when rational, else a nearby
    fraction moved inside (below an upper end ``side="hi"``, above a lower one), so that no
    point drawn or shrunk to lies outside (``real in (0, sqrt(2))`` never reaches 1414214/1000000)."""
    if value is None:
        return None
    v = sympy.nsimplify(value) if not value.is_Rational else value
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    if v in (sympy.oo, -sympy.oo):
        return None
    near = Fraction(float(v)).limit_denominator(10**6)
    step = Fraction(1, 10**6) * max(1, abs(near))
    inward = -1 if side == "hi" else 1
    for _ in range(8):
        gap = sympy.N(sympy.Rational(near.numerator, near.denominator) - v, 30)
        if (gap < 0) if side == "hi" else (gap > 0):
            return near
        near += inward * step
        step *= 2
    raise RealizeError(f"cannot place the interval's end {value} exactly")


def domain_of(kind: str, interval: Interval | None) -> Domain:
    """The sampling domain of a real scalar of this kind (``complex`` is refused)."""
    if kind == "complex":
        raise RealizeError("complex scalars are not sampled")
    base = {
        "positive": Domain(Fraction(0), None, True, True),
        "nonnegative": Domain(Fraction(0), None, False, True),
        "negative": Domain(None, Fraction(0), True, True),
    }.get(kind, REAL)
    if interval is None:
        return base
    lo, hi = _fraction(interval.lo, "lo"), _fraction(interval.hi, "hi")
    for end in (lo, hi):
        if end is not None and abs(end) > FLOAT_LIMIT:
            raise RealizeError(f"an end of the interval, about {'-' if end < 0 else ''}"
                               f"1e{len(str(abs(int(end)))) - 1}, is beyond the range of float64 sampling (1e300)")
    lo_open, hi_open = interval.lo_open, interval.hi_open
    if base.lo is not None and (lo is None or lo < base.lo or (lo == base.lo and base.lo_open)):
        lo, lo_open = base.lo, base.lo_open
    if base.hi is not None and (hi is None or hi > base.hi or (hi == base.hi and base.hi_open)):
        hi, hi_open = base.hi, base.hi_open
    return Domain(lo, hi, lo_open, hi_open)


def integer_domain(kind: str, interval: Interval | None) -> Domain:
    """The integers an integer-valued sequence element is drawn from (uniformly): the
    values :func:`integer_range` gives an integer parameter of the same declaration."""
    values = integer_range(kind, interval)
    lo = _fraction(interval.lo, "lo") if interval is not None else None
    hi = _fraction(interval.hi, "hi") if interval is not None else None
    top = None if hi is None else (math.ceil(hi) - 1 if (interval.hi_open or hi != int(hi)) else int(hi))
    bottom = None if lo is None else (math.floor(lo) + 1 if (interval.lo_open or lo != int(lo)) else int(lo))
    if kind in ("natural", "dimension"):
        bottom = max(bottom if bottom is not None else 1, 1)
    return Domain(Fraction(values[0]), Fraction(values[-1]), False, False, integer=True, reach=(bottom, top))


def integer_range(kind: str, interval: Interval | None) -> list[int]:
    """The values an integer parameter takes in numeric checks (small, inside its interval)."""
    lo, hi = {"dimension": (1, 4), "natural": (1, 7)}.get(kind, (-4, 6))
    if interval is not None:
        ilo, ihi = _fraction(interval.lo, "lo"), _fraction(interval.hi, "hi")
        if ilo is not None:
            lo = max(lo, math.floor(ilo) + 1 if (interval.lo_open or ilo != int(ilo)) else int(ilo))
            if hi < lo:
                hi = lo + 5
        if ihi is not None:
            hi = min(hi, math.ceil(ihi) - 1 if (interval.hi_open or ihi != int(ihi)) else int(ihi))
            if lo > hi:
                lo = hi - 5
    return list(range(lo, hi + 1))


MEDIUM = (8, 40)  # a natural or integer parameter's medium value is drawn from this range,
LARGE = (100, 1000)  # its large value from this one (factorials and powers overflow float here),
WIDE_DIMENSION = 8  # and a dimension's larger size (one configuration: it costs time)


def integer_reach(kind: str, interval: Interval | None, rng: Any) -> dict[str, int]:
    """Values of an integer parameter beyond :func:`integer_range`, inside its interval, for
    the wide configurations: ``medium`` and ``large`` (``-large`` too for an integer below
    -4 allowed) and the declared ends (``end``, ``-end``) for a natural or integer, ``large``
    (:data:`WIDE_DIMENSION`) for a dimension.
    A statement true for small integers only (``n! <= 4**n``, false from n = 9) fails there."""
    small = integer_range(kind, interval)
    lo = _fraction(interval.lo, "lo") if interval is not None else None
    hi = _fraction(interval.hi, "hi") if interval is not None else None
    top = None if hi is None else (math.ceil(hi) - 1 if (interval.hi_open or hi != int(hi)) else int(hi))
    bottom = None if lo is None else (math.floor(lo) + 1 if (interval.lo_open or lo != int(lo)) else int(lo))
    wanted = ({"large": WIDE_DIMENSION} if kind == "dimension" else
              {"medium": rng.randint(*MEDIUM), "large": rng.randint(*LARGE)})
    if kind == "integer":
        wanted["-large"] = -rng.randint(*LARGE)
    if kind != "dimension":  # a declared end itself (log(k) < 15/2 for k in [1, 5000] fails at 5000)
        if top is not None:
            wanted["end"] = top
        if bottom is not None and kind == "integer":
            wanted["-end"] = bottom
    out = {}
    for name, v in wanted.items():
        v = v if top is None else min(v, top)
        v = v if bottom is None else max(v, bottom)
        if v > max(small) or v < min(small):
            out[name] = v
    return out


def matrix_transform(qualifiers: frozenset[str], rows: int, cols: int) -> tuple[str, bool]:
    """(transform, invertible) for a matrix's qualifiers; unsupported mixtures are refused."""
    q = set(qualifiers)
    if "complex" in q:
        raise RealizeError("complex matrices are not sampled")
    if q - {"invertible"} and rows != cols:
        raise RealizeError(f"qualifiers {sorted(q)} need a square matrix, got {rows}x{cols}")
    invertible = "invertible" in q
    if "invertible" in q and rows != cols:
        raise RealizeError("an invertible matrix must be square")
    if "orthogonal" in q:
        if q - {"orthogonal", "invertible", "diagonal"}:
            raise RealizeError(f"qualifiers {sorted(q)} together are not sampled")
        return ("signdiag" if "diagonal" in q else "orthogonal"), False
    if "pd" in q or ("psd" in q and invertible):
        return ("diagpd" if "diagonal" in q else "pd"), False
    if "psd" in q:
        return ("diagpsd" if "diagonal" in q else "psd"), False
    if "diagonal" in q:
        return "diagonal", invertible
    if "symmetric" in q:
        return "symmetric", invertible
    return "general", invertible


def exact_matrix(transform: str, g: sympy.ImmutableMatrix) -> sympy.ImmutableMatrix:
    """The value of a matrix from its generator, exactly (the same map as :func:`batched_matrix`)."""
    n = g.rows
    if transform == "general":
        return g
    if transform == "symmetric":
        return (g + g.T) / 2
    if transform == "diagonal":
        return sympy.ImmutableMatrix(g.rows, g.cols, lambda i, j: g[i, j] if i == j else 0)
    if transform in ("psd", "pd"):
        return g * g.T + (_pd_shift(g[0, 0]) * sympy.eye(n) if transform == "pd" else sympy.zeros(n, n))
    if transform in ("diagpsd", "diagpd"):
        return sympy.diag(*[g[i, i] ** 2 + (_pd_shift(g[i, i]) if transform == "diagpd" else 0) for i in range(n)])
    if transform == "signdiag":
        return sympy.diag(*[1 if g[i, i] >= 0 else -1 for i in range(n)])
    if transform == "orthogonal":
        s = (g - g.T) / 2
        reflect = sympy.diag(*[1 if g[i, i] >= 0 else -1 for i in range(n)])
        return sympy.ImmutableMatrix((sympy.eye(n) - s) * (sympy.eye(n) + s).inv() * reflect)
    raise RealizeError(f"unknown matrix transform {transform}")


PD_FLOOR = sympy.Rational(1, 10**40)


def _pd_shift(entry: Any) -> Any:
    """The multiple of I that makes G G^T positive definite: ``10**-40 + entry**2``, so
    that the least eigenvalue spreads from 1e-40 up (the zero generator gives
    ``10**-40 * I``, a deeply scaled generator a matrix of that size; a shift of 1, or a
    floor of 1e-6, would put every eigenvalue above it, and ``det(A) >= 10**-30`` would
    never be refuted). A polynomial in the generator, as the exact checks need; the same
    map for SymPy and torch."""
    return entry**2 + (PD_FLOOR if isinstance(entry, sympy.Basic) else float(PD_FLOOR))


def torch_matrix(transform: str, g: Any) -> Any:
    """The batched torch version of :func:`exact_matrix`; ``g`` has shape (points, r, c)."""
    from .arrays import torch_arrays

    return batched_matrix(transform, g, torch_arrays(str(g.device)))


def batched_matrix(transform: str, g: Any, arrays: Any) -> Any:
    """The batched version of :func:`exact_matrix` on the back end ``arrays`` (:mod:`.arrays`);
    ``g`` has shape (points, r, c)."""
    n = g.shape[-1]
    eye = arrays.eye(n, n, g)
    if transform == "general":
        return g
    if transform == "symmetric":
        return (g + arrays.swap(g)) / 2
    if transform == "diagonal":
        return g * arrays.eye(g.shape[-2], g.shape[-1], g)
    if transform in ("psd", "pd"):
        shift = _pd_shift(g[:, :1, :1]) if transform == "pd" else 0.0
        return g @ arrays.swap(g) + shift * eye
    if transform in ("diagpsd", "diagpd"):
        d = arrays.diagonal(g)
        d = d**2 + (_pd_shift(d) if transform == "diagpd" else 0.0)
        return arrays.diag_embed(d)
    if transform == "signdiag":
        return arrays.diag_embed(arrays.signs(arrays.diagonal(g)))
    if transform == "orthogonal":
        s = (g - arrays.swap(g)) / 2
        q = arrays.swap(arrays.solve(arrays.swap(eye + s), arrays.swap(eye - s)))
        sign = arrays.signs(arrays.diagonal(g))
        return q * sign[:, None, :]  # column i times the sign of g[i, i]
    raise RealizeError(f"unknown matrix transform {transform}")
