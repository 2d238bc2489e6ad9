"""Phases: the integers whose sine or cosine argument comes closest to a quarter period.

A claim about an integer ``n`` can fail only where an argument of ``sin`` or ``cos``
lies very near a multiple of pi/2: ``cos(n) < 1 - 10**-11`` holds for every natural
below 312689 (312689/99532 is a convergent of pi) and fails there (``1 - cos`` is
4.2e-12); ``sin(n) > -1 + 10**-11`` first fails at 1406923, ``Abs(sin(n/2)) > 10**-6``
at 1980127. Small and random integers never reach these, so they are computed.

For each argument of a periodic function (``sin``, ``cos``, ``tan``, ``cot``, ``sec``,
``csc``) that is ``a*n + b`` in one integer parameter ``n``, with ``a != 0`` and ``b``
real numbers (the other integers at the configuration's values), its phase in quarter
periods is ``n*alpha + rho`` (``alpha = 2*a/pi``, ``rho = 2*b/pi``), and the targets are
``0, 1, 2, 3`` modulo 4 (the phases 0, pi/2, pi, 3*pi/2 modulo 2*pi):

* **exhaustively** every integer of the declared domain with ``|n| <=`` :data:`EXHAUSTIVE`
  (10**7), in float64 with the product split so that it stays exact (about 1e-16 of a
  quarter period), in chunks of :data:`CHUNK`; the :data:`KEPT` nearest per target are
  then ranked again in mpmath at :data:`DIGITS` digits;
* **beyond**, where ``rho`` is a rational number with denominator at most
  :data:`MAX_SHIFT_DENOMINATOR` (``b = 0``, or a rational multiple of pi/2), by the
  convergents and the last semiconvergents of ``s*alpha/d`` (``s`` the denominator, ``d``
  each divisor of ``4*s``) up to :data:`FAR` (10**15): each such ``Q`` has ``Q*s*alpha``
  near the multiple ``d*P`` of a quarter period, and is a candidate for the target that
  ``d*P`` falls on (by its residue); computed in mpmath at :data:`DIGITS` digits (exact
  fractions where ``alpha`` is rational), so that no float error picks a wrong integer.

Per target the candidates are: the nearest integers of the exhaustive range, and of the
continued fractions the nearest one (the largest) and the one of least ``|n| * distance``
(a claim scaled by ``n``: ``n*Abs(sin(n)) > 1/10`` fails at 355).

Arguments polynomial, exponential or otherwise non-linear in ``n`` are scanned by
:mod:`.nonlinear_phases`.

What is not covered here: an argument with a real symbol in it
(``sin(n*x)``), an irrational shift ``b`` beyond the exhaustive range (``cos(n + 1)`` past
10**7), integers past 10**15, and targets other than the quarter periods. The work is
counted (a fixed range and number of convergents), never timed; the values found are only
candidates: a claim is refuted there only by the 50-digit confirmation.
"""

from __future__ import annotations

import functools
import itertools
import math
from fractions import Fraction
from typing import Any, Iterator

import sympy

EXHAUSTIVE = 10**7  # every integer n with |n| <= this is scanned (about 0.07 s of CPU per argument and sign)
FAR = 10**15  # continued-fraction candidates up to this size
CHUNK = 1 << 18  # integers scanned at once
KEPT = 4  # nearest integers kept per target (then ranked in mpmath)
DIGITS = 80  # mpmath precision of alpha, rho and a candidate's distance
MAX_SHIFT_DENOMINATOR = 12  # a shift rho = r/s with a larger s has no continued-fraction candidates
MAX_ARGUMENTS = 4  # distinct periodic arguments examined per integer parameter
TARGETS = 4  # quarter periods in a period
PERIODIC = ("sin", "cos", "tan", "cot", "sec", "csc")
JOINT_CANDIDATES = 4  # candidates of each integer combined: about one per quarter-period target
MAX_JOINT = 64  # combinations of several integers near their quarter periods at once

TEXT = (f"the integers nearest the quarter periods of sin/cos arguments a*n + b (of every |n| <= 10**"
        f"{len(str(EXHAUSTIVE)) - 1}, and of the continued-fraction convergents of 2*a/pi to "
        f"10**{len(str(FAR)) - 1} where 2*b/pi is rational)")


def phase_arguments(sides: list[Any], n: sympy.Symbol, fixed: dict[sympy.Symbol, int]) -> Iterator[Any]:
    """The argument of each periodic function in ``sides`` whose only symbol, once the symbols
    of ``fixed`` are put in, is ``n``."""
    put = {k: sympy.Integer(v) for k, v in fixed.items() if k != n}
    for side in sides:
        if not isinstance(side, sympy.Basic):
            continue
        for node in sympy.preorder_traversal(side):
            if type(node).__name__ not in PERIODIC or not isinstance(node, sympy.Function) or len(node.args) != 1:
                continue
            argument = _normal(node.args[0].xreplace(put))
            if argument.free_symbols == {n}:
                yield argument


@functools.lru_cache(maxsize=256)  # the linear, polynomial, exponential and other readings each ask
def _normal(argument: Any) -> Any:
    """``argument`` with its sums and products done and powers combined, so that its form is
    read, not its spelling (``Sum(k, (k, 1, n))`` is ``n**2/2 + n/2``, ``4**n/2**n`` is
    ``2**n``); as written where that fails."""
    try:
        done = argument.doit() if argument.has(sympy.Sum, sympy.Product) and _short(argument) else argument
        return sympy.powsimp(sympy.expand(done), force=True)
    except Exception:  # noqa: BLE001 - read as written
        return argument


MAX_DONE_TERMS = 10**4  # a sum or product of numbers with more terms is read as written


def _short(argument: Any) -> bool:
    """Whether each sum and product in ``argument`` has a bound with a symbol in it, or at most
    :data:`MAX_DONE_TERMS` terms (SymPy evaluates ``harmonic(10**20)`` exactly, without end)."""
    for node in argument.atoms(sympy.Sum, sympy.Product):
        for limit in node.limits:
            lo, hi = limit[1], limit[2]
            if not (lo.free_symbols or hi.free_symbols) and not (
                    lo.is_Integer and hi.is_Integer and int(hi) - int(lo) < MAX_DONE_TERMS):
                return False
    return True


def distinct_arguments(found: Iterator[Any]) -> list[Any]:
    """The first :data:`MAX_ARGUMENTS` distinct values of ``found`` (None: skipped)."""
    out: list[Any] = []
    for item in found:
        if item is not None and item not in out:
            out.append(item)
            if len(out) >= MAX_ARGUMENTS:
                break
    return out


def periodic_arguments(sides: list[Any], n: sympy.Symbol, fixed: dict[sympy.Symbol, int]) -> list[tuple[Any, Any]]:
    """``(a, b)`` (SymPy numbers) for each distinct argument ``a*n + b`` of a periodic
    function in ``sides``, the symbols of ``fixed`` put in (at most :data:`MAX_ARGUMENTS`)."""
    return distinct_arguments(linear_argument(argument, n) for argument in phase_arguments(sides, n, fixed))


def linear_argument(argument: Any, n: sympy.Symbol) -> tuple[Any, Any] | None:
    a = sympy.diff(argument, n)
    b = sympy.expand(argument - a * n)
    return None if a.free_symbols or b.free_symbols or a == 0 else (a, b)


def phase_integers(a: Any, b: Any, bottom: int | None, top: int | None) -> list[int]:
    """Integers in ``[bottom, top]`` (None: unbounded) whose ``a*n + b`` comes near a quarter
    period, the most telling first: per target the nearest of the exhaustive range, then of
    the continued fractions the nearest, then the one of least ``|n| * distance``, then the
    second nearest of the exhaustive range and of the continued fractions."""
    alpha, rho = _quarters(a), _quarters(b)
    if alpha is None or rho is None or alpha == 0:
        return []
    return list(_picked(alpha, rho, bottom, top))


@functools.lru_cache(maxsize=64)
def _picked(alpha: Any, rho: Any, bottom: int | None, top: int | None) -> tuple[int, ...]:
    """:func:`phase_integers` for the phase ``n*alpha + rho`` in quarter periods."""
    scanned = _scanned(alpha, rho, bottom, top)
    far = _continued(alpha, rho, bottom, top)
    rounds: list[list[int]] = [[], [], [], [], []]
    for t in range(TARGETS):
        near = _ranked(alpha, rho, t, [n for n in scanned.get(t, []) if n != 0])  # 0: a small configuration
        beyond = _ranked(alpha, rho, t, far.get(t, []))
        scaled = sorted(beyond, key=lambda n: _distance(alpha, rho, t, n) * abs(n))
        for k, pick in enumerate((near[:1], beyond[:1], scaled[:1], near[1:2], beyond[1:2])):
            rounds[k].extend(pick)
    return tuple(dict.fromkeys(n for picks in rounds for n in picks))


def _quarters(x: Any) -> Fraction | Any | None:
    """``2*x/pi``: exact (a Fraction) where it is rational, else an mpf of :data:`DIGITS`
    digits; None where ``x`` is not a real number."""
    import mpmath

    exact = 2 * x / sympy.pi
    if exact.is_Rational:
        return Fraction(int(exact.p), int(exact.q))
    try:
        value = sympy.N(exact, DIGITS + 10)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not value.is_Float:
        return None  # complex, or not a number SymPy can evaluate
    with mpmath.workdps(DIGITS):
        return mpmath.mpf(value._mpf_)


def _distance(alpha: Any, rho: Any, t: int, n: int) -> Any:
    """How far ``n*alpha + rho`` lies from the target ``t`` modulo 4, in quarter periods."""
    import mpmath

    if isinstance(alpha, Fraction) and isinstance(rho, Fraction):
        x = (n * alpha + rho - t) % TARGETS
        return float(min(x, TARGETS - x))
    with mpmath.workdps(DIGITS):
        x = mpmath.fmod(n * _mp(alpha) + _mp(rho) - t, TARGETS)
        x = x + TARGETS if x < 0 else x
        return min(x, TARGETS - x)


def _mp(x: Any) -> Any:
    """``x`` (a Fraction or an mpf) as an mpf at the working precision."""
    import mpmath

    return mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else +x


def _ranked(alpha: Any, rho: Any, t: int, candidates: list[int]) -> list[int]:
    """``candidates`` by their distance to the target, computed in mpmath (then by size)."""
    return sorted(dict.fromkeys(candidates), key=lambda n: (_distance(alpha, rho, t, n), abs(n), n))


@functools.lru_cache(maxsize=64)
def _scanned(alpha: Any, rho: Any, bottom: int | None, top: int | None) -> dict[int, list[int]]:
    """Per target, the :data:`KEPT` integers of ``[bottom, top]`` with ``|n| <= EXHAUSTIVE``
    nearest to it (float64; smaller ``|n|`` first among ties)."""
    import mpmath
    import numpy

    lo = max(-EXHAUSTIVE, bottom) if bottom is not None else -EXHAUSTIVE
    hi = min(EXHAUSTIVE, top) if top is not None else EXHAUSTIVE
    if lo > hi:
        return {}
    # theta = alpha/4 modulo 1, split: theta_hi * n is exact in float64 for |n| <= EXHAUSTIVE
    bits = 52 - EXHAUSTIVE.bit_length()
    with mpmath.workdps(DIGITS):
        theta, shift = _mp(alpha), _mp(rho)
        theta = theta / TARGETS - mpmath.floor(theta / TARGETS)
        high = mpmath.floor(theta * 2**bits) / 2**bits
        theta_hi, theta_lo = float(high), float(theta - high)
        beta = float(shift / TARGETS - mpmath.floor(shift / TARGETS))
    kept: dict[int, list[tuple[float, int, int]]] = {t: [] for t in range(TARGETS)}
    bound = 0.5
    offsets = numpy.arange(CHUNK, dtype=numpy.float64)
    for start, stop in _chunks(lo, hi):
        n = offsets[:stop - start] + start
        f = theta_hi * n
        f -= numpy.floor(f)
        f += theta_lo * n + beta
        f *= TARGETS
        nearest = numpy.rint(f)
        f -= nearest
        numpy.abs(f, out=f)
        close = numpy.flatnonzero(f < bound)
        target = numpy.mod(nearest[close], TARGETS)
        for t in range(TARGETS):
            mine = close[target == t]
            mine = mine[numpy.argsort(f[mine], kind="stable")[:KEPT]]
            found = [(float(f[i]), abs(int(n[i])), int(n[i])) for i in mine]
            kept[t] = sorted(kept[t] + found)[:KEPT]
        if all(len(v) == KEPT for v in kept.values()):
            bound = max(v[-1][0] for v in kept.values())
    return {t: [n for _, _, n in v] for t, v in kept.items()}


def _chunks(lo: int, hi: int) -> list[tuple[int, int]]:
    """``[lo, hi]`` as half-open chunks of at most CHUNK integers, nearest to 0 first."""
    out: list[tuple[int, int]] = []
    if hi >= 0:
        start = max(lo, 0)
        out += [(s, min(s + CHUNK, hi + 1)) for s in range(start, hi + 1, CHUNK)]
    if lo < 0:
        end = min(hi, -1)
        out += [(max(s - CHUNK + 1, lo), s + 1) for s in range(end, lo - 1, -CHUNK)]
    return sorted(out, key=lambda c: min(abs(c[0]), abs(c[1] - 1)))


@functools.lru_cache(maxsize=64)
def _continued(alpha: Any, rho: Any, bottom: int | None, top: int | None) -> dict[int, list[int]]:
    """Per target, the integers ``+-Q`` in ``[bottom, top]`` (``|Q| <= FAR``) from the
    convergents and last semiconvergents ``P/Q`` of ``s*alpha/d``, for ``rho = r/s``
    rational (s at most MAX_SHIFT_DENOMINATOR) and ``d`` each divisor of ``4*s``:
    ``Q*s*alpha`` lies near ``d*P``, so ``Q*alpha + rho`` near ``(d*P + r)/s``, a target
    where that is an integer."""
    if not isinstance(rho, Fraction) or rho.denominator > MAX_SHIFT_DENOMINATOR:
        return {}
    s, r = rho.denominator, rho.numerator
    modulus = TARGETS * s
    out: dict[int, list[int]] = {t: [] for t in range(TARGETS)}
    for d in (d for d in range(1, modulus + 1) if modulus % d == 0):
        for p, q in _approximations(alpha * s / d if isinstance(alpha, Fraction) else _scaled(alpha, s, d), modulus // d):
            for sign in (1, -1):
                n, phase = sign * q, sign * d * p + r  # n*s*alpha + r is near this
                if phase % s or (bottom is not None and n < bottom) or (top is not None and n > top):
                    continue
                out[(phase // s) % TARGETS].append(n)
    return out


def _scaled(alpha: Any, s: int, d: int) -> Any:
    import mpmath

    with mpmath.workdps(DIGITS):
        return alpha * s / d


def _approximations(x: Any, period: int) -> list[tuple[int, int]]:
    """The convergents ``P/Q`` of ``x`` with ``0 < Q <= FAR`` and, between two of them, the
    last ``period`` semiconvergents (every residue of P modulo ``period`` they reach, with
    the smallest error): in mpmath at DIGITS digits, or exactly for a Fraction."""
    import mpmath

    out: list[tuple[int, int]] = []
    p0, q0, p1, q1 = 0, 1, 1, 0  # the convergents before the first
    with mpmath.workdps(DIGITS):
        rest = x
        for _ in range(4 * DIGITS):  # far more than FAR needs (about 2.4 steps per digit)
            whole = math.floor(rest) if isinstance(rest, Fraction) else int(mpmath.floor(rest))
            for j in range(max(1, whole - period), whole):  # semiconvergents
                if 0 < q0 + j * q1 <= FAR:
                    out.append((p0 + j * p1, q0 + j * q1))
            p0, q0, p1, q1 = p1, q1, whole * p1 + p0, whole * q1 + q0
            if q1 > FAR:
                break
            if q1 > 0:
                out.append((p1, q1))
            fraction = rest - whole
            if fraction == 0 or (not isinstance(fraction, Fraction) and fraction < mpmath.mpf(10) ** (20 - DIGITS)):
                break  # rational: the last convergent is x itself
            rest = 1 / fraction
    return out


def joint_phases(lists: list[tuple[sympy.Symbol, list[int]]]) -> list[dict]:
    """Configurations that put several integer parameters near their quarter periods at once:
    ``cos(n) + cos(m) > -2 + 10**-9`` fails only where both are near pi (n = m = 355), which
    no configuration moving one parameter reaches (red team 14). Each parameter's first
    :data:`JOINT_CANDIDATES` candidates in the order :func:`.wide.phase_configs` tries them (the
    nearest per target first, so about one per target), combined over at most 5 parameters,
    the combinations with the fewest distinct positions first (all at their first, second,
    ... candidate: ``sin(n) + sin(m) + sin(k) > -3 + 10**-4`` needs all three near 3 pi/2,
    red team 15), at most :data:`MAX_JOINT`."""
    by_parameter: dict[sympy.Symbol, list[int]] = {}
    for k in range(max((len(values) for _, values in lists), default=0)):
        for n, values in lists:
            if k < len(values) and values[k] not in by_parameter.setdefault(n, []):
                by_parameter[n].append(values[k])
    names = sorted((n for n, values in by_parameter.items() if values), key=str)[:5]
    if len(names) < 2:
        return []
    positions = itertools.product(*(range(min(JOINT_CANDIDATES, len(by_parameter[n]))) for n in names))
    ordered = sorted(positions, key=lambda p: (len(set(p)), p))[:MAX_JOINT]
    return [{n: by_parameter[n][i] for n, i in zip(names, p)} for p in ordered]


__all__ = ["EXHAUSTIVE", "FAR", "JOINT_CANDIDATES", "KEPT", "MAX_JOINT", "TARGETS", "TEXT", "distinct_arguments",
           "joint_phases", "linear_argument",
           "periodic_arguments", "phase_arguments", "phase_integers"]
