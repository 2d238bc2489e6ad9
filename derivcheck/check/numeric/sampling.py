"""What a numeric check samples, and how sampled values become realised symbols.

One :class:`Param` per free quantity (a scalar, a matrix's generator, a factor's
probabilities), with its domain, and the maps from sampled values to the
realised symbols (float, for torch) or to exact SymPy numbers (for
confirmation). Finite probability spaces live in
:mod:`derivcheck.check.realize.finite_space`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import sympy

from ...expr.scope import Interval
from ..realize import RealizeError

# -- domains ------------------------------------------------------------------

@dataclass(frozen=True)
class Domain:
    """Where a real scalar is sampled: bounds (``None`` = unbounded) and whether ends are open."""

    lo: Fraction | None
    hi: Fraction | None
    lo_open: bool = True
    hi_open: bool = True
    integer: bool = False  # integer values only, both bounds finite and closed (see integer_domain)

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


def _fraction(value: sympy.Expr | None) -> Fraction | None:
    if value is None:
        return None
    v = sympy.nsimplify(value) if not value.is_Rational else value
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    if v in (sympy.oo, -sympy.oo):
        return None
    return Fraction(float(v)).limit_denominator(10**6)


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
    lo, hi = _fraction(interval.lo), _fraction(interval.hi)
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
    return Domain(Fraction(values[0]), Fraction(values[-1]), False, False, integer=True)


def integer_range(kind: str, interval: Interval | None) -> list[int]:
    """The values an integer parameter takes in numeric checks (small, inside its interval)."""
    lo, hi = {"dimension": (1, 4), "natural": (1, 7)}.get(kind, (-4, 6))
    if interval is not None:
        ilo, ihi = _fraction(interval.lo), _fraction(interval.hi)
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
    -4 allowed) for a natural or integer, ``large`` (:data:`WIDE_DIMENSION`) for a dimension.
    A statement true for small integers only (``n! <= 4**n``, false from n = 9) fails there."""
    small = integer_range(kind, interval)
    lo = _fraction(interval.lo) if interval is not None else None
    hi = _fraction(interval.hi) if interval is not None else None
    top = None if hi is None else (math.ceil(hi) - 1 if (interval.hi_open or hi != int(hi)) else int(hi))
    bottom = None if lo is None else (math.floor(lo) + 1 if (interval.lo_open or lo != int(lo)) else int(lo))
    wanted = ({"large": WIDE_DIMENSION} if kind == "dimension" else
              {"medium": rng.randint(*MEDIUM), "large": rng.randint(*LARGE)})
    if kind == "integer":
        wanted["-large"] = -rng.randint(*LARGE)
    out = {}
    for name, v in wanted.items():
        v = v if top is None else min(v, top)
        v = v if bottom is None else max(v, bottom)
        if v > max(small) or v < min(small):
            out[name] = v
    return out


@dataclass(frozen=True)
class Param:
    """One sampled quantity.

    ``kind`` is ``scalar`` (``symbols`` holds one symbol, sampled from ``domain``),
    ``matrix`` (``symbols`` holds the entries row-major; the sampled generator G
    becomes the value through ``transform``) or ``simplex`` (``symbols`` holds a
    factor's free probabilities; the sampled weights are normalised).
    """

    key: str
    kind: str
    symbols: tuple[sympy.Basic, ...]
    domain: Domain = REAL
    shape: tuple[int, int] = (1, 1)
    transform: str = "general"
    invertible: bool = False
    wide: bool = True  # also drawn across magnitudes (not a random variable's value on an outcome)


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
    """The value of a matrix from its generator, exactly (the same map as the torch one)."""
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


PD_FLOOR = sympy.Rational(1, 10**6)


def _pd_shift(entry: Any) -> Any:
    """The multiple of I that makes G G^T positive definite: ``10**-6 + entry**2``, so
    that the least eigenvalue spreads from 1e-6 up (a shift of 1 would put every
    eigenvalue at 1 or more, and ``det(A) >= 1`` would never be refuted). A polynomial
    in the generator, as the exact checks need; the same map for SymPy and torch."""
    return entry**2 + (PD_FLOOR if isinstance(entry, sympy.Basic) else float(PD_FLOOR))


def torch_matrix(transform: str, g: Any) -> Any:
    """The batched torch version of :func:`exact_matrix`; ``g`` has shape (points, r, c)."""
    import torch

    n = g.shape[-1]
    eye = torch.eye(n, dtype=g.dtype, device=g.device)
    if transform == "general":
        return g
    if transform == "symmetric":
        return (g + g.transpose(-1, -2)) / 2
    if transform == "diagonal":
        mask = torch.eye(g.shape[-2], g.shape[-1], dtype=g.dtype, device=g.device)
        return g * mask
    if transform in ("psd", "pd"):
        shift = _pd_shift(g[:, :1, :1]) if transform == "pd" else 0.0
        return g @ g.transpose(-1, -2) + shift * eye
    if transform in ("diagpsd", "diagpd"):
        d = torch.diagonal(g, dim1=-2, dim2=-1)
        d = d**2 + (_pd_shift(d) if transform == "diagpd" else 0.0)
        return torch.diag_embed(d)
    if transform == "signdiag":
        d = torch.diagonal(g, dim1=-2, dim2=-1)
        return torch.diag_embed(torch.where(d >= 0, 1.0, -1.0).to(g.dtype))
    if transform == "orthogonal":
        s = (g - g.transpose(-1, -2)) / 2
        q = torch.linalg.solve((eye + s).transpose(-1, -2), (eye - s).transpose(-1, -2)).transpose(-1, -2)
        sign = torch.where(torch.diagonal(g, dim1=-2, dim2=-1) >= 0, 1.0, -1.0).to(g.dtype)
        return q * sign[:, None, :]  # column i times the sign of g[i, i]
    raise RealizeError(f"unknown matrix transform {transform}")


# -- sampling points ----------------------------------------------------------

SPECIAL = [Fraction(x) for x in (0, 1, -1, 2, -2)] + [Fraction(1, 2), Fraction(-1, 2)]
Point = dict[str, Any]  # param key -> float/Fraction, rows of a generator, or simplex weights

WIDE_SHARE = 0.25  # of the random points (``wide``), drawn across magnitudes instead of the window
WIDE_DECADES = 6  # a scalar's magnitude (or distance to a bound) log-uniform in 1e-6 .. 1e6
MATRIX_DECADES = 3  # a generator scaled by a factor log-uniform in 1e-3 .. 1e3 (entries get multiplied)
WIDE_DIGITS = 3  # significant digits of a value drawn across magnitudes (a short exact decimal)
WIDE_TEXT = (f"reals in the window (-3, 3) (offsets 0.1 .. 3 from a bound) and, at {round(100 * WIDE_SHARE)} % "
             f"of the points, magnitudes 1e-{WIDE_DECADES} .. 1e{WIDE_DECADES} (offsets from a bound the same; "
             f"matrices scaled by 1e-{MATRIX_DECADES} .. 1e{MATRIX_DECADES})")


def _short(v: Any, digits: int) -> Any:
    """``v`` rounded to ``digits`` significant decimal digits (so that :func:`exact` reads it back
    as a short decimal fraction)."""
    import torch

    scale = torch.pow(10.0, torch.floor(torch.log10(v.abs().clamp_min(1e-300))) - (digits - 1))
    return torch.round(v / scale) * scale


def _wide_scalar(domain: Domain, n: int, uniform: Any) -> Any:
    """``n`` values across magnitudes: ``±10**u`` on an unbounded line, a bound plus or minus
    ``10**u`` on a half-line (so also just inside an open end), and for an interval a relative
    offset ``10**-u`` (u up to 6) from either end; each a short decimal, inside the domain."""
    import torch

    u = (2 * uniform(n) - 1) * WIDE_DECADES
    lo, hi = domain.lo, domain.hi
    if lo is None and hi is None:
        sign = torch.where(uniform(n) < 0.5, -1.0, 1.0).to(torch.float64)
        return sign * _short(torch.pow(10.0, u), WIDE_DIGITS)
    if hi is None:
        return float(lo) + _short(torch.pow(10.0, u), WIDE_DIGITS)
    if lo is None:
        return float(hi) - _short(torch.pow(10.0, u), WIDE_DIGITS)
    width = float(hi - lo)
    offset = _short(width * torch.pow(10.0, -WIDE_DECADES * uniform(n)), WIDE_DIGITS).clamp(max=width / 2)
    return torch.where(uniform(n) < 0.5, float(lo) + offset, float(hi) - offset)


def sample_batch(params: list[Param], n: int, generator: Any, special: bool = True,
                 wide: bool = False) -> dict[str, Any]:
    """``n`` random points, one float64 tensor per param (on the CPU, reproducible by seed).

    ``special`` mixes in simple values (0, 1, -1, ...) and zero matrices, at the
    first points and now and then: the equality cases of strict inequalities. The
    caller turns it off when hypotheses filter the points: a zero vector satisfies
    ``A @ v = lam * v`` trivially, and such degenerate points would be the only
    ones left as evidence. ``wide`` draws a share of the points (:data:`WIDE_SHARE`)
    across magnitudes (:data:`WIDE_TEXT`): a window alone passes ``x < 3``.
    """
    import torch

    def uniform(*shape: int) -> Any:
        return torch.rand(*shape, generator=generator, dtype=torch.float64)

    batch: dict[str, Any] = {}
    for p in params:
        if p.kind == "scalar" and p.domain.integer:
            lo, hi = int(p.domain.lo), int(p.domain.hi)
            batch[p.key] = torch.randint(lo, hi + 1, (n,), generator=generator).to(torch.float64)
        elif p.kind == "scalar":
            lo, hi = p.domain.span()
            v = lo + (hi - lo) * uniform(n)
            if wide and p.wide:
                far = _wide_scalar(p.domain, n, uniform)
                inside = torch.tensor([p.domain.contains(x) for x in far.tolist()], dtype=torch.bool)
                v = torch.where((uniform(n) < WIDE_SHARE) & inside, far, v)
            for end, is_open in ((p.domain.lo, p.domain.lo_open), (p.domain.hi, p.domain.hi_open)):
                if end is not None and not is_open:  # a closed end is hit now and then
                    v = torch.where(uniform(n) < 0.1, torch.full_like(v, float(end)), v)
            simple = [float(x) for x in SPECIAL if p.domain.contains(x)] if special else []
            if simple:  # simple values now and then: equality cases of strict inequalities
                pick = torch.tensor(simple, dtype=torch.float64)[(uniform(n) * len(simple)).long()]
                v = torch.where(uniform(n) < 0.15, pick, v)
                first = min(len(simple), n // 4)  # and the first points all simple, deterministically
                v[:first] = torch.tensor(simple[:first], dtype=torch.float64)
            batch[p.key] = v
        elif p.kind == "matrix":
            r, c = p.shape
            g = 4 * uniform(n, r, c) - 2
            if wide and p.transform not in ("orthogonal", "signdiag"):  # scale-free transforms
                factor = torch.pow(10.0, (2 * uniform(n, 1, 1) - 1) * MATRIX_DECADES)
                g = torch.where(uniform(n, 1, 1) < WIDE_SHARE, _short(g * factor, 6), g)
            if p.transform in ("psd", "diagpsd"):  # rank-deficient now and then: psd, not pd
                g = g * (uniform(n, 1, c) > 0.25).to(g.dtype)
            if p.invertible and r == c and p.transform in ("general", "diagonal"):
                g = _nearly_singular(g, p.transform == "diagonal", uniform)
            # the zero generator now and then, and at the first point with the simple
            # scalars: the equality cases of strict inequalities (x.T @ A @ x > 0 at x = 0)
            if special:
                g = g * (uniform(n, 1, 1) > 0.1).to(g.dtype)
                if n >= 4:
                    g[0] = 0
                if n >= 4 and p.transform in ("orthogonal", "signdiag") and r == c:
                    # -I: the Cayley map never reaches an eigenvalue -1 itself, only with the signs
                    g[1] = -torch.eye(r, dtype=g.dtype)
            batch[p.key] = g
        else:
            batch[p.key] = 0.2 + uniform(n, len(p.symbols) + 1)
    return batch


def _nearly_singular(g: Any, diagonal: bool, uniform: Callable[..., Any]) -> Any:
    """An invertible generator made nearly singular at a share of the points: its last
    column a combination of the others plus 10**-u times itself (u up to 7; for a
    diagonal matrix its last diagonal entry times 10**-u), so that condition numbers
    spread up to the 1e8 the sampler accepts (a random matrix is almost never
    ill-conditioned, and ``cond(A) < 1e4`` would pass)."""
    import torch

    n, r, c = g.shape
    near = g.clone()
    near[:, :, -1:] = g[:, :, -1:] * torch.pow(10.0, -7 * uniform(n, 1, 1))
    if c > 1 and not diagonal:
        near[:, :, -1:] += g[:, :, :-1] @ (2 * uniform(n, c - 1, 1) - 1)
    return torch.where(uniform(n, 1, 1) < 0.2, near, g)


def symbol_values(params: list[Param], batch: dict[str, Any], device: str) -> tuple[dict[sympy.Basic, Any], Any]:
    """Complex128 tensors per realised symbol, and the mask of points that satisfy constraints."""
    import torch

    values: dict[sympy.Basic, Any] = {}
    n = next(iter(batch.values())).shape[0] if batch else 1
    ok = torch.ones(n, dtype=torch.bool, device=device)
    for p in params:
        data = batch[p.key].to(device)
        if p.kind == "scalar":
            values[p.symbols[0]] = data.to(torch.complex128)
        elif p.kind == "matrix":
            m = torch_matrix(p.transform, data)
            if p.invertible:
                ok &= torch.linalg.cond(m) < 1e8
            flat = m.reshape(n, -1).to(torch.complex128)
            for k, s in enumerate(p.symbols):
                values[s] = flat[:, k]
        else:
            w = data / data.sum(dim=1, keepdim=True)
            for k, s in enumerate(p.symbols):
                values[s] = w[:, k].to(torch.complex128)
    return values, ok


def point_at(params: list[Param], batch: dict[str, Any], i: int) -> Point:
    """Point ``i`` of a batch as plain Python values."""
    point: Point = {}
    for p in params:
        data = batch[p.key][i].tolist()
        point[p.key] = tuple(tuple(row) for row in data) if p.kind == "matrix" else (
            tuple(data) if p.kind == "simplex" else data)
    return point


def batch_of(params: list[Param], points: list[Point]) -> dict[str, Any]:
    """The batch holding ``points`` (inverse of :func:`point_at`)."""
    import torch

    return {p.key: torch.tensor([[list(map(float, r)) for r in pt[p.key]] if p.kind == "matrix" else (
        list(map(float, pt[p.key])) if p.kind == "simplex" else float(pt[p.key])) for pt in points],
        dtype=torch.float64) for p in params}


def exact(value: Any) -> Fraction:
    """A sampled float (or a Fraction) as a short exact fraction: the nearest fraction with a
    denominator up to 10**6 when it is within 1e-9 relative, else the float's shortest decimal
    (a tiny or a huge value drawn across magnitudes: ``2.37e-06`` is 237/10**8)."""
    if isinstance(value, Fraction):
        return value
    near = Fraction(value).limit_denominator(10**6)
    if abs(float(near) - value) <= 1e-9 * abs(value) or not math.isfinite(value):
        return near
    return Fraction(repr(float(value)))


def exact_values(params: list[Param], point: Point) -> dict[sympy.Basic, sympy.Expr]:
    """Exact SymPy values of every realised symbol at ``point``; a singular 'invertible' raises."""
    values: dict[sympy.Basic, sympy.Expr] = {}
    for p in params:
        v = point[p.key]
        if p.kind == "scalar":
            values[p.symbols[0]] = _rational(exact(v))
        elif p.kind == "matrix":
            m = matrix_value(p, point)
            if p.invertible and m.det() == 0:
                raise RealizeError(f"{p.key} is singular at this point")
            values.update(zip(p.symbols, list(m)))
        else:
            w = [_rational(exact(x)) for x in v]
            total = sympy.Add(*w)
            values.update(zip(p.symbols, [x / total for x in w]))
    return values


def matrix_value(p: Param, point: Point) -> sympy.ImmutableMatrix:
    """The exact value of a matrix param at ``point``."""
    g = sympy.ImmutableMatrix([[_rational(exact(x)) for x in row] for row in point[p.key]])
    return exact_matrix(p.transform, g)


def _rational(f: Fraction) -> sympy.Rational:
    return sympy.Rational(f.numerator, f.denominator)


def matrix_text(m: sympy.MatrixBase) -> str:
    """An exact matrix as text: ``[[1, 0], [0, 1/2]]``."""
    return str([[str(x) if not x.is_Integer else int(x) for x in row] for row in m.tolist()]).replace("'", "")


def readable(params: list[Param], point: Point) -> dict[str, str]:
    """Each param's value as text: ``1/2``, ``[[1, 0], [0, 2]]``; probabilities as a list."""
    out: dict[str, str] = {}
    for p in params:
        if p.kind == "scalar":
            out[p.key] = str(_rational(exact(point[p.key])))
        elif p.kind == "matrix":
            out[p.key] = matrix_text(matrix_value(p, point))
        else:
            w = [_rational(exact(x)) for x in point[p.key]]
            total = sympy.Add(*w)
            out[p.key] = "[" + ", ".join(str(x / total) for x in w) + "]"
    return out


# -- integer configurations and random functions --------------------------------

def integer_configs(
    ranges: dict[sympy.Symbol, list[int]], kinds: dict[sympy.Symbol, str], rng: Any, limit: int = 6,
    first: int = 6,
) -> list[dict[sympy.Symbol, int]]:
    """Up to ``limit`` assignments of the integer parameters, simplest first.

    Always the smallest values, then distinct (non-square) dimension sizes both
    ways round, then random picks; among these a few with every dimension at its
    largest and the other parameters at most 4, so that parameters used as
    indices fit the matrices they index. Among the ``first`` returned: the other
    parameters at their largest (dimensions at their smallest), where a statement
    true only for small integers (``n! <= 3**n``) fails, and with two or more of
    them, each at its largest or smallest by a bit of its position, so that any
    two of them differ somewhere and summation bounds come in reverse order.
    """
    symbols = list(ranges)
    if not symbols:
        return [{}]
    candidates: list[dict[sympy.Symbol, int]] = [{s: min(ranges[s], key=abs) for s in symbols}]
    others = [s for s in symbols if kinds[s] != "dimension"]
    required = []  # among the first returned: what small and random values miss
    if others:
        required.append({s: min(ranges[s]) if kinds[s] == "dimension" else max(ranges[s]) for s in symbols})
    if len(others) > 1:
        # each at its largest or smallest by one bit of its position: any two parameters differ
        # in one of these (a symbol put for another is seen), and the first both ways round
        # puts summation bounds in reverse order (a sum from 7 down to 1)
        def by_bit(bit: int, flip: bool = False) -> dict[sympy.Symbol, int]:
            return {s: min(ranges[s]) if kinds[s] == "dimension" else
                    (max if bool((others.index(s) >> bit) & 1) != flip else min)(ranges[s]) for s in symbols}

        required += [by_bit(0), by_bit(0, flip=True)]
        required += [by_bit(bit) for bit in range(1, (len(others) - 1).bit_length())]
    required = required[:max(1, first - 1)]  # the smallest values stay first
    for order in (1, -1):
        config = {}
        for k, s in enumerate(symbols[::order]):
            options = ranges[s]
            config[s] = options[min(len(options) - 1, (k % 3) + (1 if kinds[s] == "dimension" else 2))]
        candidates.append({s: config[s] for s in symbols})
    if any(kinds[s] == "dimension" for s in symbols) and any(kinds[s] != "dimension" for s in symbols):
        for _ in range(4):
            candidates.append({s: max(ranges[s]) if kinds[s] == "dimension"
                               else rng.choice([v for v in ranges[s] if abs(v) <= 4] or ranges[s]) for s in symbols})
    for _ in range(8 * limit):
        candidates.append({s: rng.choice(ranges[s]) for s in symbols})
    configs: list[dict[sympy.Symbol, int]] = []
    for c in candidates:
        if c not in configs:
            configs.append(c)
        if len(configs) >= limit:
            break
    configs.sort(key=lambda c: (sum(abs(v) for v in c.values()), [c[s] for s in symbols]))
    required = [c for k, c in enumerate(required) if c not in required[:k]]
    rest = [c for c in configs if c not in required]
    keep = max(0, first - len(required))  # the required ones take the last places of the first ones
    return (rest[:keep] + required + rest[keep:])[:limit]


_COEFFS = [sympy.Rational(p, q) for p in (1, 2, 3) for q in (1, 2, 3)]


def _coefficient(rng: Any) -> sympy.Rational:
    return rng.choice(_COEFFS) * rng.choice((1, -1))


def random_function(name: str, nargs: int, rng: Any) -> sympy.Lambda:
    """A random smooth function of ``nargs`` scalars with rational coefficients.

    Sums of sin, cos and tanh of linear combinations, a product term and a linear
    term, so that no identity holds by accident of a special function.
    """
    xs = [sympy.Dummy(f"{name}_x{i}") for i in range(nargs)]

    def combination() -> sympy.Expr:
        return sympy.Add(*[_coefficient(rng) * x for x in xs])

    body = (_coefficient(rng) + _coefficient(rng) * sympy.sin(combination() + _coefficient(rng))
            + _coefficient(rng) * sympy.cos(combination()) + _coefficient(rng) * sympy.tanh(combination())
            + _coefficient(rng) * combination() * combination() / 4 + combination())
    return sympy.Lambda(tuple(xs), body)


def random_matrix_function(name: str, entries: int, rng: Any) -> sympy.Lambda:
    """A random smooth scalar function of a matrix's entries (row-major):
    ``sum(C * tanh(M)) + (w . M)**2 / 2 + cos(v . M)`` with rational C, w, v."""
    xs = [sympy.Dummy(f"{name}_m{i}") for i in range(entries)]
    body = sympy.Add(*[_coefficient(rng) * sympy.tanh(x + _coefficient(rng)) for x in xs])
    body += sympy.Add(*[_coefficient(rng) * x for x in xs]) ** 2 / 2
    body += sympy.cos(sympy.Add(*[_coefficient(rng) * x for x in xs]))
    return sympy.Lambda(tuple(xs), body)
