"""Points for a numeric check: batches of sampled values, and how they become realised symbols.

One :class:`Param` per free quantity (a scalar, a matrix's generator, a factor's
probabilities), with its domain (:mod:`.domains`), the batches of points drawn
for them (numpy float64 arrays, drawn from a numpy generator seeded by
:func:`generator`, whatever back end evaluates them), and the maps from sampled
values to the realised symbols (complex arrays of the back end, :mod:`.arrays`) or
to exact SymPy numbers (for confirmation); and random smooth stand-ins for
declared functions. Integer configurations are in :mod:`.configs`, finite
probability spaces in :mod:`derivcheck.check.realize.finite_space`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import numpy
import sympy

from ..realize import RealizeError
from .arrays import NUMPY, Arrays
from .domains import REAL, Domain, batched_matrix, exact_matrix


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


# -- sampling points ----------------------------------------------------------

SPECIAL = [Fraction(x) for x in (0, 1, -1, 2, -2)] + [Fraction(1, 2), Fraction(-1, 2)]
Point = dict[str, Any]  # param key -> float/Fraction, rows of a generator, or simplex weights

WIDE_SHARE = 0.25  # of the random points (``wide``), drawn across magnitudes instead of the window
WIDE_DECADES = 6  # a scalar's magnitude (or distance to a bound) log-uniform in 1e-6 .. 1e6
MATRIX_DECADES = 3  # a generator scaled by a factor log-uniform in 1e-3 .. 1e3 (entries get multiplied)
# a (semi)definite matrix's generator G (A = G G^T + shift*I) scaled down to 1e-20 at half of its
# wide points: eigenvalues down to 1e-40 (``det(A) >= 10**-30`` for pd A is false); the map is
# homogeneous, so float64 keeps its relative precision there
DEFINITE_DECADES = 20
DEFINITE = ("psd", "pd", "diagpsd", "diagpd")
WIDE_DIGITS = 3  # significant digits of a value drawn across magnitudes (a short exact decimal)
WIDE_TEXT = (f"reals in the window (-3, 3) (offsets 0.1 .. 3 from a bound) and, at {round(100 * WIDE_SHARE)} % "
             f"of the points, magnitudes 1e-{WIDE_DECADES} .. 1e{WIDE_DECADES} (offsets from a bound the same; "
             f"matrices scaled by 1e-{MATRIX_DECADES} .. 1e{MATRIX_DECADES}, the generators of (semi)definite "
             f"ones down to 1e-{DEFINITE_DECADES}: eigenvalues down to 1e-{2 * DEFINITE_DECADES})")


def generator(seed: int) -> numpy.random.Generator:
    """The random source of a check's points: numpy's PCG64 from ``seed`` (any integer)."""
    return numpy.random.Generator(numpy.random.PCG64(seed % 2**64))


def _short(v: Any, digits: int) -> Any:
    """``v`` rounded to ``digits`` significant decimal digits (so that :func:`exact` reads it back
    as a short decimal fraction)."""
    scale = numpy.power(10.0, numpy.floor(numpy.log10(numpy.maximum(numpy.abs(v), 1e-300))) - (digits - 1))
    return numpy.round(v / scale) * scale


def _wide_integer(reach: tuple[int | None, int | None], n: int, uniform: Any) -> Any:
    """``n`` integers across magnitudes (up to 10**WIDE_DECADES) inside the declared bounds
    ``reach``: an integer-valued sequence element is not only 1..7 (``y[i] <= 7``)."""
    bottom, top = reach
    magnitude = numpy.floor(numpy.power(10.0, uniform(n) * WIDE_DECADES))
    sign = numpy.where(uniform(n) < 0.5, -1.0, 1.0)
    if bottom is not None and bottom >= 0:
        sign = numpy.ones(n)
    if top is not None and top <= 0:
        sign = -numpy.ones(n)
    v = sign * magnitude
    if bottom is not None:
        v = numpy.maximum(v, float(bottom))
    if top is not None:
        v = numpy.minimum(v, float(top))
    return v


def _wide_scalar(domain: Domain, n: int, uniform: Any) -> Any:
    """``n`` values across magnitudes: ``±10**u`` on an unbounded line, a bound plus or minus
    ``10**u`` on a half-line (so also just inside an open end), and for an interval a relative
    offset ``10**-u`` (u up to 6) from either end; each a short decimal, inside the domain."""
    u = (2 * uniform(n) - 1) * WIDE_DECADES
    lo, hi = domain.lo, domain.hi
    if lo is None and hi is None:
        sign = numpy.where(uniform(n) < 0.5, -1.0, 1.0)
        return sign * _short(numpy.power(10.0, u), WIDE_DIGITS)
    if hi is None:
        return float(lo) + _short(numpy.power(10.0, u), WIDE_DIGITS)
    if lo is None:
        return float(hi) - _short(numpy.power(10.0, u), WIDE_DIGITS)
    width = float(hi - lo)
    offset = numpy.minimum(_short(width * numpy.power(10.0, -WIDE_DECADES * uniform(n)), WIDE_DIGITS), width / 2)
    return numpy.where(uniform(n) < 0.5, float(lo) + offset, float(hi) - offset)


def sample_batch(params: list[Param], n: int, rng: numpy.random.Generator, special: bool = True,
                 wide: bool = False) -> dict[str, Any]:
    """``n`` random points, one float64 numpy array per param (reproducible by the seed of
    ``rng``, :func:`generator`).

    ``special`` mixes in simple values (0, 1, -1, ...) and zero matrices, at the
    first points and now and then: the equality cases of strict inequalities. The
    caller turns it off when hypotheses filter the points: a zero vector satisfies
    ``A @ v = lam * v`` trivially, and such degenerate points would be the only
    ones left as evidence. ``wide`` draws a share of the points (:data:`WIDE_SHARE`)
    across magnitudes (:data:`WIDE_TEXT`): a window alone passes ``x < 3``.
    """
    def uniform(*shape: int) -> Any:
        return rng.random(shape)

    batch: dict[str, Any] = {}
    for p in params:  # the draws in a fixed order per param: a seed gives the same points
        if p.kind == "scalar" and p.domain.integer:
            lo, hi = int(p.domain.lo), int(p.domain.hi)
            v = rng.integers(lo, hi + 1, n).astype(numpy.float64)
            if wide and p.wide and p.domain.reach is not None:
                v = numpy.where(uniform(n) < WIDE_SHARE, _wide_integer(p.domain.reach, n, uniform), v)
            batch[p.key] = v
        elif p.kind == "scalar":
            batch[p.key] = _real_values(p, n, uniform, special, wide)
        elif p.kind == "matrix":
            batch[p.key] = _generators(p, n, uniform, special, wide)
        else:
            batch[p.key] = 0.2 + uniform(n, len(p.symbols) + 1)
    return batch


def _real_values(p: Param, n: int, uniform: Callable[..., Any], special: bool, wide: bool) -> Any:
    """``n`` values of a real scalar: the window, a share across magnitudes, closed ends
    now and then, and simple values (see :func:`sample_batch`)."""
    lo, hi = p.domain.span()
    v = lo + (hi - lo) * uniform(n)
    if wide and p.wide:
        far = _wide_scalar(p.domain, n, uniform)
        inside = _contained(p.domain, far)
        v = numpy.where((uniform(n) < WIDE_SHARE) & inside, far, v)
    for end, is_open in ((p.domain.lo, p.domain.lo_open), (p.domain.hi, p.domain.hi_open)):
        if end is not None and not is_open:  # a closed end is hit now and then
            v = numpy.where(uniform(n) < 0.1, float(end), v)
    simple = [float(x) for x in SPECIAL if p.domain.contains(x)] if special else []
    if simple:  # simple values now and then: equality cases of strict inequalities
        pick = numpy.array(simple)[(uniform(n) * len(simple)).astype(numpy.int64)]
        v = numpy.where(uniform(n) < 0.15, pick, v)
        first = min(len(simple), n // 4)  # and the first points all simple, deterministically
        v[:first] = simple[:first]
    return v


def _contained(domain: Domain, values: Any) -> Any:
    """``domain.contains`` at each float value, as a bool tensor: by float comparisons where
    they are exact (the ends are floats themselves; NaN passes, as there), else one by one."""
    ends = [e for e in (domain.lo, domain.hi) if e is not None]
    if domain.integer or any(abs(e) > FLOAT_ENDS or Fraction(float(e)) != e for e in ends):
        return numpy.array([domain.contains(x) for x in values.tolist()], dtype=bool)
    outside = numpy.zeros(values.shape, dtype=bool)
    if domain.lo is not None:
        outside |= (values < float(domain.lo)) | ((values == float(domain.lo)) & domain.lo_open)
    if domain.hi is not None:
        outside |= (values > float(domain.hi)) | ((values == float(domain.hi)) & domain.hi_open)
    return ~outside


FLOAT_ENDS = Fraction(10) ** 300  # (beyond, an end is compared exactly: float() would overflow)


def _generators(p: Param, n: int, uniform: Callable[..., Any], special: bool, wide: bool) -> Any:
    """``n`` generators of a matrix (its qualifier's map turns each into the matrix): a
    share scaled across magnitudes, rank-deficient ones for psd, nearly singular ones
    for invertible, zero ones (see :func:`sample_batch`)."""
    r, c = p.shape
    g = 4 * uniform(n, r, c) - 2
    if wide and p.transform not in ("orthogonal", "signdiag"):  # scale-free transforms
        factor = numpy.power(10.0, (2 * uniform(n, 1, 1) - 1) * MATRIX_DECADES)
        if p.transform in DEFINITE:
            deep = numpy.power(10.0, -DEFINITE_DECADES * uniform(n, 1, 1))
            factor = numpy.where(uniform(n, 1, 1) < 0.5, deep, factor)
        g = numpy.where(uniform(n, 1, 1) < WIDE_SHARE, _short(g * factor, 6), g)
    if p.transform in ("psd", "diagpsd"):  # rank-deficient now and then: psd, not pd
        g = g * (uniform(n, 1, c) > 0.25)
    elif p.transform == "diagpd":  # entries at the floor now and then: eigenvalues 1e-40 beside others
        g = g * (uniform(n, 1, c) > 0.25)
    if p.invertible and r == c and p.transform in ("general", "diagonal"):
        g = _nearly_singular(g, p.transform == "diagonal", uniform)
    # the zero generator now and then, and at the first point with the simple
    # scalars: the equality cases of strict inequalities (x.T @ A @ x > 0 at x = 0)
    if special:
        g = g * (uniform(n, 1, 1) > 0.1)
        if n >= 4:
            g[0] = 0
        if n >= 4 and p.transform in ("orthogonal", "signdiag") and r == c:
            # -I: the Cayley map never reaches an eigenvalue -1 itself, only with the signs
            g[1] = -numpy.eye(r)
    return g


def _nearly_singular(g: Any, diagonal: bool, uniform: Callable[..., Any]) -> Any:
    """An invertible generator made nearly singular at a share of the points: its last
    column a combination of the others plus 10**-u times itself (u up to 7; for a
    diagonal matrix its last diagonal entry times 10**-u), so that condition numbers
    spread up to the 1e8 the sampler accepts (a random matrix is almost never
    ill-conditioned, and ``cond(A) < 1e4`` would pass)."""
    n, r, c = g.shape
    near = g.copy()
    near[:, :, -1:] = g[:, :, -1:] * numpy.power(10.0, -7 * uniform(n, 1, 1))
    if c > 1 and not diagonal:
        near[:, :, -1:] += g[:, :, :-1] @ (2 * uniform(n, c - 1, 1) - 1)
    return numpy.where(uniform(n, 1, 1) < 0.2, near, g)


def symbol_values(params: list[Param], batch: dict[str, Any],
                  arrays: Arrays) -> tuple[dict[sympy.Basic, Any], numpy.ndarray]:
    """Complex128 arrays of the back end ``arrays`` per realised symbol, and the (numpy) mask of
    points that satisfy constraints. The matrices are made from their generators in numpy."""
    values: dict[sympy.Basic, Any] = {}
    n = next(iter(batch.values())).shape[0] if batch else 1
    ok = numpy.ones(n, dtype=bool)
    for p in params:
        data = batch[p.key]
        if p.kind == "scalar":
            values[p.symbols[0]] = arrays.complex(data)
        elif p.kind == "matrix":
            m = batched_matrix(p.transform, data, NUMPY)
            if p.invertible:
                with numpy.errstate(all="ignore"):
                    ok &= numpy.linalg.cond(m) < 1e8
            flat = arrays.complex(m.reshape(n, -1))
            for k, s in enumerate(p.symbols):
                values[s] = flat[:, k]
        else:
            w = arrays.complex(data / data.sum(axis=1, keepdims=True))
            for k, s in enumerate(p.symbols):
                values[s] = w[:, k]
    return values, ok


def interleaved(lists: list[list[Any]]) -> list[Any]:
    """The first of each list, then the second of each, and so on."""
    return [x for k in range(max((len(x) for x in lists), default=0)) for x in (l[k] for l in lists if k < len(l))]


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
    return {p.key: numpy.array([[list(map(float, r)) for r in pt[p.key]] if p.kind == "matrix" else (
        list(map(float, pt[p.key])) if p.kind == "simplex" else float(pt[p.key])) for pt in points],
        dtype=numpy.float64) for p in params}


def exact(value: Any, domain: Domain | None = None) -> Fraction:
    """A sampled float (or a Fraction) as a short exact fraction: the nearest fraction with a
    denominator up to 10**6 when it is within 1e-9 relative, else the float's shortest decimal
    (a tiny or a huge value drawn across magnitudes: ``2.37e-06`` is 237/10**8), else the
    float's own value -- the first of these inside ``domain``: a float just below the open end
    1 of (0, 1) is not rounded to 1, where the statement need not hold. Raises
    :class:`~derivcheck.check.realize.RealizeError` when none is inside."""
    if isinstance(value, Fraction):
        return value
    near = Fraction(value).limit_denominator(10**6)
    if not math.isfinite(value):
        return near
    options = [near] if abs(float(near) - value) <= 1e-9 * abs(value) else []
    options += [Fraction(repr(float(value))), Fraction(value)]
    # an integer's domain is its small window (wide draws go past it, up to its reach): integers
    # are drawn exactly, so only a real's rounding can leave its domain
    inside = next((f for f in options if domain is None or domain.integer or domain.contains(f)), None)
    if inside is None:  # a float that left the domain (its end 10**-400 is 0.0 in float): no point
        raise RealizeError(f"the sampled value {value!r} lies outside its declared domain")
    return inside


def exact_values(params: list[Param], point: Point) -> dict[sympy.Basic, sympy.Expr]:
    """Exact SymPy values of every realised symbol at ``point``; a singular 'invertible' raises."""
    values: dict[sympy.Basic, sympy.Expr] = {}
    for p in params:
        v = point[p.key]
        if p.kind == "scalar":
            values[p.symbols[0]] = _rational(exact(v, p.domain))
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
            out[p.key] = str(_rational(exact(point[p.key], p.domain)))
        elif p.kind == "matrix":
            out[p.key] = matrix_text(matrix_value(p, point))
        else:
            w = [_rational(exact(x)) for x in point[p.key]]
            total = sympy.Add(*w)
            out[p.key] = "[" + ", ".join(str(x / total) for x in w) + "]"
    return out


# -- random functions ---------------------------------------------------------

_COEFFS = [sympy.Rational(p, q) for p in (1, 2, 3) for q in (1, 2, 3)]


def _coefficient(rng: Any) -> sympy.Rational:
    return rng.choice(_COEFFS) * rng.choice((1, -1))


def random_function(name: str, nargs: int, rng: Any) -> sympy.Lambda:
    """A random smooth function of ``nargs`` scalars with rational coefficients.

    Sums of sin, cos and tanh of linear combinations, a product term and a linear
    term, so that no identity holds by accident of a special function; from three
    arguments on also a full quadratic form (a Hessian of full rank).
    """
    xs = [sympy.Dummy(f"{name}_x{i}") for i in range(nargs)]

    def combination() -> sympy.Expr:
        return sympy.Add(*[_coefficient(rng) * x for x in xs])

    body = (_coefficient(rng) + _coefficient(rng) * sympy.sin(combination() + _coefficient(rng))
            + _coefficient(rng) * sympy.cos(combination()) + _coefficient(rng) * sympy.tanh(combination())
            + _coefficient(rng) * combination() * combination() / 4 + combination())
    if nargs > 2:  # a full quadratic form: the terms above give a Hessian of rank 5 at most, and
        # a claim true only of such functions (a 6x6 Hessian minor = 0) would pass
        body += sympy.Add(*[_coefficient(rng) * xs[i] * xs[j] / 8 for i in range(nargs) for j in range(i, nargs)])
    return sympy.Lambda(tuple(xs), body)


def random_matrix_function(name: str, entries: int, rng: Any) -> sympy.Lambda:
    """A random smooth scalar function of a matrix's entries (row-major):
    ``sum(C * tanh(M)) + (w . M)**2 / 2 + cos(v . M)`` with rational C, w, v."""
    xs = [sympy.Dummy(f"{name}_m{i}") for i in range(entries)]
    body = sympy.Add(*[_coefficient(rng) * sympy.tanh(x + _coefficient(rng)) for x in xs])
    body += sympy.Add(*[_coefficient(rng) * x for x in xs]) ** 2 / 2
    body += sympy.cos(sympy.Add(*[_coefficient(rng) * x for x in xs]))
    return sympy.Lambda(tuple(xs), body)
