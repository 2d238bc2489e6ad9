"""Phases of arguments not linear in the integer: polynomial, exponential and other ones.

:mod:`.phases` finds the integers where a linear argument ``a*n + b`` of ``sin``/``cos`` comes
nearest a quarter period; these have no such structure, so they are scanned.

An argument that is a polynomial of degree 2 to :data:`MAX_DEGREE` in ``n`` with real
number coefficients (``sin(n**2) > -1 + 10**-8`` fails at 14785, ``cos(n*(n + 1)/2)`` near 1
at 13512) has no such structure: every integer with ``|n| <=`` :data:`POLYNOMIAL_SCAN` is
scanned, its phase computed exactly in integer arithmetic (each coefficient over ``2*pi``
as a fixed-point number of :data:`FIXED_BITS` bits, so the error is below
``|n|**degree * 2**-FIXED_BITS`` of a period), and the :data:`KEPT` nearest per target kept.

An argument ``c*b**n + d`` (an integer base ``b >= 2``, real numbers ``c != 0`` and ``d``;
``sin(2**n) > -1 + 10**-5`` fails at 315) is scanned likewise for ``1 <= n <=``
:data:`EXPONENTIAL_SCAN`, ``c/(2*pi)`` taken to as many bits as ``b**n`` needs.

Any other argument in ``n`` alone (``sqrt(n)``, ``n*log(n)``, ``exp(n)``) is evaluated in
float64 at every ``|n| <=`` :data:`FLOAT_SCAN` where it is at most :data:`FLOAT_LIMIT` in
size. Arguments are read after their sums and products are done and powers combined
(``cos(Sum(k, (k, 1, n)))`` is ``cos(n**2/2 + n/2)``).

What is not covered: a polynomial argument past :data:`POLYNOMIAL_SCAN`, an exponential one
past :data:`EXPONENTIAL_SCAN`, another past :data:`FLOAT_SCAN` or above :data:`FLOAT_LIMIT`.
The values found are only candidates: a claim is refuted there only by the 50-digit
confirmation.
"""

from __future__ import annotations

import functools
from typing import Any

import mpmath
import numpy
import sympy

from .arrays import NUMPY
from .evaluate import Evaluator
from .phases import KEPT, TARGETS, distinct_arguments, linear_argument, phase_arguments

POLYNOMIAL_SCAN = 10**5  # every integer n with |n| <= this is scanned for a polynomial argument
MAX_DEGREE = 8  # polynomial arguments of degree 2 .. this are scanned (n**8 at 10**5: 133 of FIXED_BITS)
FIXED_BITS = 192  # bits of the fixed-point phases of a polynomial argument
EXPONENTIAL_SCAN = 2000  # every n in 1 .. this is scanned for an argument c*b**n + d
FLOAT_SCAN = 10**5  # every |n| <= this is scanned, in float64, for any other argument in n
FLOAT_LIMIT = 2.0**33  # float64 phases only where the argument is at most this (absolute error about 1e-6)


def other_arguments(sides: list[Any], n: sympy.Symbol, fixed: dict[sympy.Symbol, int]) -> list[Any]:
    """The distinct arguments in ``n`` alone that are neither linear, polynomial nor exponential
    (``sqrt(n)``, ``n*log(n)``, ``exp(n)``): scanned in float64 (:func:`float_phase_integers`)."""
    return distinct_arguments(argument if linear_argument(argument, n) is None and _polynomial(argument, n) is None
                              and _exponential(argument, n) is None else None
                              for argument in phase_arguments(sides, n, fixed))


def float_phase_integers(argument: Any, n: sympy.Symbol, bottom: int | None, top: int | None) -> list[int]:
    """Integers in ``[bottom, top]`` with ``|n| <= FLOAT_SCAN`` where ``argument`` (evaluated in
    float64, where its size is at most :data:`FLOAT_LIMIT`, an absolute error far below the
    distances that matter) comes nearest a quarter period: candidates only, confirmed in 50
    digits like the others."""
    lo, hi = _range(FLOAT_SCAN, bottom, top)
    if lo > hi:
        return []
    ns = numpy.arange(lo, hi + 1, dtype=numpy.int64)
    ns = ns[ns != 0]
    try:
        with NUMPY.quiet():
            values = NUMPY.host(Evaluator({n: NUMPY.complex(ns.astype(numpy.complex128))}, len(ns), NUMPY)(argument))
    except Exception:  # noqa: BLE001 - not evaluable in floats: no candidates
        return []
    usable = numpy.isfinite(values) & (numpy.abs(values.imag) < 1e-12) & (numpy.abs(values.real) <= FLOAT_LIMIT)
    quarter = numpy.mod(values.real[usable] / (numpy.pi / 2), TARGETS)
    return _in_rounds(_nearest(ns[usable], quarter))


def polynomial_arguments(sides: list[Any], n: sympy.Symbol, fixed: dict[sympy.Symbol, int]) -> list[tuple[Any, ...]]:
    """The coefficients (SymPy real numbers, constant term first) of each distinct argument of a
    periodic function in ``sides`` that is a polynomial of degree 2 to :data:`MAX_DEGREE` in
    ``n`` alone, the symbols of ``fixed`` put in (at most :data:`MAX_ARGUMENTS`)."""
    return distinct_arguments(_polynomial(argument, n) for argument in phase_arguments(sides, n, fixed))


def _polynomial(argument: Any, n: sympy.Symbol) -> tuple[Any, ...] | None:
    if not argument.is_polynomial(n):
        return None
    try:
        poly = sympy.Poly(argument, n)
    except (sympy.PolynomialError, sympy.GeneratorsNeeded):
        return None
    coefficients = tuple(reversed(poly.all_coeffs()))
    if not 2 <= poly.degree() <= MAX_DEGREE or any(c.free_symbols or c.is_real is not True for c in coefficients):
        return None
    return coefficients


def polynomial_phase_integers(coefficients: tuple[Any, ...], bottom: int | None, top: int | None) -> list[int]:
    """Integers in ``[bottom, top]`` with ``|n| <= POLYNOMIAL_SCAN`` where the polynomial
    argument with these coefficients comes nearest a quarter period: per target the
    nearest, then the second nearest, and so on (see the module)."""
    fixed = _fixed_point(coefficients)
    if fixed is None:
        return []
    return _in_rounds(_scanned_polynomial(fixed, bottom, top))


def exponential_arguments(sides: list[Any], n: sympy.Symbol, fixed: dict[sympy.Symbol, int]) -> list[tuple[Any, ...]]:
    """``(b, c, d)`` for each distinct argument ``c*b**n + d`` of a periodic function in
    ``sides`` (see the module), the symbols of ``fixed`` put in (at most :data:`MAX_ARGUMENTS`)."""
    return distinct_arguments(_exponential(sympy.expand(argument), n) for argument in phase_arguments(sides, n, fixed))


def _exponential(argument: Any, n: sympy.Symbol) -> tuple[Any, ...] | None:
    powers = [p for p in argument.atoms(sympy.Pow) if p.exp == n and p.base.is_Integer and p.base > 1]
    if len(powers) != 1:
        return None
    z = sympy.Dummy()
    linear = argument.xreplace({powers[0]: z})
    if linear.free_symbols != {z} or not linear.is_polynomial(z) or sympy.degree(linear, z) != 1:
        return None
    c, d = linear.coeff(z, 1), linear.coeff(z, 0)
    return (powers[0].base, c, d) if c.is_real is True and d.is_real is True else None


def exponential_phase_integers(b: Any, c: Any, d: Any, bottom: int | None, top: int | None) -> list[int]:
    """Integers ``n`` in ``[bottom, top]`` and ``1 .. EXPONENTIAL_SCAN`` where ``c*b**n + d``
    comes nearest a quarter period: per target the nearest, then the second nearest, ..."""
    lo, hi = max(1, bottom if bottom is not None else 1), min(EXPONENTIAL_SCAN, top if top is not None else EXPONENTIAL_SCAN)
    if lo > hi:
        return []
    base = int(b)
    bits = FIXED_BITS + hi * base.bit_length()
    fixed = _fixed_point((c, d), bits)
    if fixed is None:
        return []
    scaled, shift = fixed
    modulus = 1 << bits
    ns = list(range(lo, hi + 1))
    x = scaled * pow(base, lo, modulus) % modulus
    phases = []
    for _ in ns:
        phases.append((x + shift) % modulus)
        x = x * base % modulus
    return _in_rounds(_nearest(numpy.array(ns, dtype=numpy.int64), _quarters_of(phases, bits)))


def _fixed_point(coefficients: tuple[Any, ...], bits: int = FIXED_BITS) -> tuple[int, ...] | None:
    """Each coefficient over ``2*pi``, modulo 1, as an integer numerator over ``2**bits``."""
    out = []
    with mpmath.workprec(bits + 64):
        for c in coefficients:
            if c == 0:
                out.append(0)
                continue
            try:
                value = sympy.N(c / (2 * sympy.pi), (bits + 64) * 3 // 10)
            except (TypeError, ValueError, ArithmeticError):
                return None
            if not value.is_Float:
                return None
            x = mpmath.mpf(value._mpf_)
            out.append(int(mpmath.floor((x - mpmath.floor(x)) * mpmath.mpf(2) ** bits)))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _scanned_polynomial(fixed: tuple[int, ...], bottom: int | None, top: int | None) -> dict[int, list[int]]:
    """Per target, the :data:`KEPT` integers of ``[bottom, top]`` with ``|n| <= POLYNOMIAL_SCAN``
    nearest to it, by the exact fixed-point phase (Horner's rule on Python integers)."""
    lo, hi = _range(POLYNOMIAL_SCAN, bottom, top)
    if lo > hi:
        return {}
    n = numpy.arange(lo, hi + 1, dtype=numpy.int64)
    n = n[n != 0]  # 0: a small configuration
    big = n.astype(object)
    phase = numpy.full(len(n), fixed[-1], dtype=object)
    for c in reversed(fixed[:-1]):
        phase = phase * big + c
    modulus = 1 << FIXED_BITS
    return _nearest(n, _quarters_of([int(p) % modulus for p in phase], FIXED_BITS))


def _range(limit: int, bottom: int | None, top: int | None) -> tuple[int, int]:
    """``[-limit, limit]`` inside ``[bottom, top]`` (None: unbounded)."""
    return (max(-limit, bottom) if bottom is not None else -limit, min(limit, top) if top is not None else limit)


def _quarters_of(phases: list[int], bits: int) -> Any:
    """Phases (fractions of a period, as numerators over ``2**bits``) in quarter periods, floats."""
    quarter = numpy.array([p >> (bits - 60) for p in phases], dtype=numpy.float64)
    return quarter * (TARGETS / float(1 << 60))


def _nearest(n: Any, quarter: Any) -> dict[int, list[int]]:
    """Per target, the :data:`KEPT` integers of the array ``n`` whose phases ``quarter`` (in
    quarter periods, from 0 to 4) lie nearest to it (smaller ``|n|`` first among ties)."""
    nearest = numpy.rint(quarter)
    distance = numpy.abs(quarter - nearest)
    target = numpy.mod(nearest, TARGETS).astype(int)
    out: dict[int, list[int]] = {}
    for t in range(TARGETS):
        mine = numpy.flatnonzero(target == t)
        order = numpy.lexsort((numpy.abs(n[mine]), distance[mine]))[:KEPT]
        out[t] = [int(n[mine[i]]) for i in order]
    return out


def phase_candidates(sides: list[Any], n: sympy.Symbol, fixed: dict[sympy.Symbol, int],
                     bottom: int | None, top: int | None) -> list[list[int]]:
    """Per periodic argument in ``n`` alone (the symbols of ``fixed`` put in), the integers in
    ``[bottom, top]`` where it comes nearest a quarter period, the most telling first: by
    :func:`.phases.phase_integers` for a linear argument, scanned here for the others."""
    from .phases import periodic_arguments, phase_integers

    lists = [phase_integers(a, b, bottom, top) for a, b in periodic_arguments(sides, n, fixed)]
    lists += [polynomial_phase_integers(c, bottom, top) for c in polynomial_arguments(sides, n, fixed)]
    lists += [exponential_phase_integers(*e, bottom, top) for e in exponential_arguments(sides, n, fixed)]
    lists += [float_phase_integers(g, n, bottom, top) for g in other_arguments(sides, n, fixed)]
    return lists


def _in_rounds(scanned: dict[int, list[int]]) -> list[int]:
    """Per target the nearest, then per target the second nearest, and so on, each once."""
    rounds = [[v for t in range(TARGETS) for v in scanned.get(t, [])[k:k + 1]] for k in range(KEPT)]
    return list(dict.fromkeys(v for picks in rounds for v in picks))


__all__ = ["EXPONENTIAL_SCAN", "FLOAT_SCAN", "POLYNOMIAL_SCAN", "exponential_arguments", "exponential_phase_integers",
           "float_phase_integers", "other_arguments", "phase_candidates", "polynomial_arguments", "polynomial_phase_integers"]
