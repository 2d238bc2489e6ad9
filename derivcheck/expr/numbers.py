"""Exact numbers: literals read from their source text, and powers that stay small.

A literal ``0.1`` is the rational 1/10, read from the characters the user wrote
(never from a binary float). Numbers are bounded so that no input can make the
parser compute for long: a literal has at most :data:`MAX_DIGITS` digits and a
power of numbers may not grow past :data:`MAX_POWER_BITS` bits.
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy

from ..errors import InputError

MAX_DIGITS = 1000
MAX_EXPONENT = 1000
MAX_POWER_BITS = 100_000
_INTEGER_LIMIT = 10**MAX_DIGITS

_DECIMAL = re.compile(r"^(?P<int>[0-9][0-9_]*)?(?:\.(?P<frac>[0-9_]*))?(?:[eE](?P<exp>[+-]?[0-9][0-9_]*))?$")


def integer_literal(value: int) -> sympy.Integer:
    """The exact integer of an ``int`` literal, refusing more than :data:`MAX_DIGITS` digits."""
    if value >= _INTEGER_LIMIT:
        raise InputError(
            f"integer literal too long (more than {MAX_DIGITS} digits)",
            hint="write large numbers as powers, e.g. 10**50",
        )
    return sympy.Integer(value)


def decimal_literal(source: str) -> sympy.Rational:
    """The exact rational written as ``source`` (``0.1`` -> 1/10, ``1e-3`` -> 1/1000).

    >>> decimal_literal("0.1")
    1/10
    """
    match = _DECIMAL.match(source)
    if match is None:
        raise InputError("unreadable number", hint="write decimals like 0.5 or 1e-3")
    digits = (match.group("int") or "") + (match.group("frac") or "")
    if len(digits.replace("_", "")) > MAX_DIGITS:
        raise InputError(f"number literal too long (more than {MAX_DIGITS} digits)")
    exponent = match.group("exp")
    if exponent is not None and abs(int(exponent.replace("_", ""))) > MAX_EXPONENT:
        raise InputError(
            f"exponent of a number literal beyond +-{MAX_EXPONENT}",
            hint="numbers are exact; such a number would be too large to hold",
        )
    value = Fraction(source.replace("_", ""))
    return sympy.Rational(value.numerator, value.denominator)


def _bits(number: sympy.Rational) -> int:
    return int(number.p).bit_length() + int(number.q).bit_length()


def guarded_power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """``base ** exponent``, refusing powers of numbers that would be huge.

    A numeric base other than 0, 1, -1 with a numeric exponent beyond
    +-:data:`MAX_EXPONENT` is an error (``10**10**10`` fails at once), as is a
    rational power whose result would exceed :data:`MAX_POWER_BITS` bits.
    """
    if base.is_number and exponent.is_number and base not in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne):
        try:
            too_big = bool(abs(exponent) > MAX_EXPONENT)
        except TypeError:  # not comparable (complex); nothing to evaluate then
            too_big = False
        if too_big:
            raise InputError(
                f"exponent of a numeric power beyond +-{MAX_EXPONENT}",
                hint="numbers are exact, so this number would be too large to compute",
            )
        if isinstance(base, sympy.Rational) and isinstance(exponent, sympy.Rational):
            if _bits(base) * abs(int(exponent.p)) > MAX_POWER_BITS:
                raise InputError(
                    f"numeric power too large (over {MAX_POWER_BITS} bits)",
                    hint="numbers are exact, so this number would be too large to compute",
                )
    return sympy.Pow(base, exponent)


def is_undefined(value: sympy.Basic) -> bool:
    """True when ``value`` contains ``zoo`` or ``nan`` (a division by zero, ``oo - oo``)."""
    return value.has(sympy.zoo, sympy.nan)
