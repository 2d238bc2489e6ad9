"""Real forms on an integer range: every radical split over factors of proved sign.

An expression in a step index ``t`` (an integer of ``lo..hi``), declared real
parameters, elements of declared sequences and *atom* symbols (a product, sum or
power of the index one step back, :mod:`.moment_recursion`) is put in a form where
each ``p**e`` with a non-integer rational ``e`` is ``c**e * f1**(e*m1) * ...``:
``p = c * f1**m1 * ...`` by ``factor_list``, each factor turned to the sign it has
on the whole range (proved, never sampled), so that ``(a*b)**e = a**e * b**e``
holds (``a, b >= 0``). Each oriented factor is a new non-negative symbol
(:meth:`RealForms.restore` puts it back). A base of a negative power must be of
strict sign. What cannot be shown this way has no form (None): the expression is
then not shown real on the range.

A factor's sign is proved by one of:

- a polynomial in ``t`` alone: no real root in ``[lo, hi]`` (Sturm's count, exact),
  else its exact value at each integer of the range (at most
  :data:`MAX_RANGE_POINTS`);
- free of ``t`` and of atoms: the polynomial certificate of the inequalities
  (:func:`~.certificates.gap_certificate`; declared intervals by exact
  substitution), each sequence element taken as a free scalar of its declared
  domain (a stronger statement);
- a product of atom symbols: by induction on the range, from its exact value at
  ``t = lo`` and the sign of its ratio from ``t`` to ``t + 1``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from ...expr.scope import REAL_KINDS, ScalarDecl, Scope, SequenceDecl
from .certificates import gap_certificate
from ...expr.constants import constant_sign
from .inequalities import is_real

MAX_RANGE_POINTS = 4096
"""A factor in ``t`` alone with a root in the range is evaluated exactly at each integer of
the range up to this many (beyond it: no sign)."""

Sign = tuple[int, bool]  # (s, strict): s * factor >= 0, and > 0 when strict


@dataclass(frozen=True)
class Atom:
    """A quantity ``A(t - 1)`` the induction names ``symbol``: ``first`` is its value at
    ``t = lo`` (exact, free of ``t``); ``ratio`` is ``A(t) / A(t - 1)`` in ``t`` for a
    product or power, None for a sum."""

    symbol: sympy.Symbol
    first: sympy.Expr
    ratio: sympy.Expr | None


class RealForms:
    """Forms of expressions on ``t`` in ``lo..hi`` (``time`` None: no index)."""

    def __init__(self, scope: Scope, time: sympy.Symbol | None, lo: int, hi: int,
                 atoms: dict[sympy.Symbol, Atom] | None = None) -> None:
        self.scope, self.time, self.lo, self.hi = scope, time, lo, hi
        self.atoms = atoms or {}
        self.back: dict[sympy.Symbol, sympy.Expr] = {}
        self._names: dict[sympy.Expr, sympy.Symbol] = {}

    def form(self, expr: sympy.Basic) -> sympy.Expr | None:
        """``expr`` with every radical split (see the module docstring), or None."""
        if expr.is_number:
            return expr if expr.is_real and expr.is_finite else None
        if isinstance(expr, sympy.Symbol):
            return expr if expr == self.time or expr in self.atoms or expr in self.back or expr.is_real else None
        if isinstance(expr, (MatrixElement, sympy.Indexed)):
            return expr if _real_element(expr, self.scope) else None
        if isinstance(expr, (sympy.Add, sympy.Mul)):
            args = [self.form(a) for a in expr.args]
            return None if any(a is None for a in args) else expr.func(*args)
        if isinstance(expr, sympy.Pow):
            base = self.form(expr.base)
            return None if base is None else self._power(base, expr.exp)
        return None

    def restore(self, expr: sympy.Basic) -> sympy.Basic:
        """``expr`` with the oriented factors' symbols replaced by what they stand for."""
        for _ in range(len(self.back) + 1):
            if not expr.free_symbols & set(self.back):
                return expr
            expr = expr.xreplace(self.back)
        return expr

    def formed_sign(self, expr: sympy.Expr) -> Sign | None:
        """The sign of ``expr`` on the range, once it has a form (so that it is real)."""
        formed = self.form(expr)
        return None if formed is None else self.sign(formed)

    def sign(self, expr: sympy.Expr) -> Sign | None:
        """The sign of a formed (so real) ``expr`` on the range, from its factors (an even
        power of a real factor is >= 0)."""
        split = self._factors(expr)
        if split is None:
            return None
        coefficient, factors, atoms = split
        certified = constant_sign(coefficient)
        if certified is None:
            return None
        s, strict = (1 if certified > 0 else -1), certified != 0
        for factor, power in factors:
            known = self.factor_sign(factor)
            if known is None and power % 2 == 1:
                return None
            fs, fstrict = known if known is not None else (1, False)
            s, strict = s * fs ** power, strict and fstrict
        if atoms:
            known = self._atoms_sign(atoms)
            if known is None:
                return None
            s, strict = s * known[0], strict and known[1]
        return s, strict

    def _power(self, base: sympy.Expr, exp: sympy.Basic) -> sympy.Expr | None:
        if not exp.is_Rational:
            return None
        if exp.is_Integer:
            if exp >= 0:
                return base ** exp
            known = self.sign(base)
            return base ** exp if known is not None and known[1] else None
        split = self._factors(base)
        if split is None:
            return None
        coefficient, factors, atoms = split
        parts: list[tuple[sympy.Expr, sympy.Integer]] = []
        for factor, power in factors:
            known = self.factor_sign(factor)
            if known is None or (exp < 0 and not known[1]):
                return None
            coefficient *= known[0] ** power
            parts.append((self._name(known[0] * factor, known[1]), power))
        if atoms:
            known = self._atoms_sign(atoms)
            if known is None or (exp < 0 and not known[1]):
                return None
            coefficient *= known[0]
            parts.append((self._name(known[0] * sympy.Mul(*[q ** m for q, m in atoms.items()]), known[1]), 1))
        if coefficient < 0 or (coefficient == 0 and exp < 0):
            return None
        return sympy.Mul(coefficient ** exp, *[part ** (exp * power) for part, power in parts])

    def _factors(self, expr: sympy.Expr) -> tuple[sympy.Expr, list, dict] | None:
        """``(c, [(factor, power)], {atom: power})`` with ``expr = c * prod`` and ``c`` a real number."""
        try:
            coefficient, factors = sympy.factor_list(sympy.together(expr))
        except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
            return None
        if not (coefficient.is_number and coefficient.is_real):
            return None
        others, atoms = [], {}
        for factor, power in factors:
            if factor in self.atoms:
                atoms[factor] = power
            else:
                others.append((factor, power))
        return coefficient, others, atoms

    def _name(self, part: sympy.Expr, strict: bool) -> sympy.Symbol:
        known = self._names.get(part)
        if known is None:
            known = sympy.Dummy(f"f{len(self._names)}", positive=True) if strict \
                else sympy.Dummy(f"f{len(self._names)}", nonnegative=True)
            self._names[part] = known
            self.back[known] = part
        return known

    def factor_sign(self, factor: sympy.Expr) -> Sign | None:
        """The sign of one factor (no atom) on the range, or None."""
        if factor.is_number:  # a constant's sign only from its certified enclosure (.constants)
            sign = constant_sign(factor)
            return None if sign is None else (1, False) if sign == 0 else (sign, True)
        plain, scope = _elements_as_scalars(factor, self.scope)
        free = plain.free_symbols
        if free & set(self.atoms):
            return None
        if self.time is not None and self.time in free:
            return _range_sign(plain, self.time, self.lo, self.hi) if free == {self.time} else None
        if len(free) == 1 and _univariate(plain, scope):
            return _interval_sign(plain, scope)  # exact: a root inside the domain leaves no strict sign
        for strict in (True, False):
            for s in (1, -1):
                if gap_certificate(s * plain, strict, scope) is not None:
                    return s, strict
        return None

    def _atoms_sign(self, atoms: dict[sympy.Symbol, int]) -> Sign | None:
        """The sign of ``prod(atom**power)`` on the range, by induction: its value at ``lo``,
        and the ratio of its values at ``t + 1`` and ``t`` for ``t`` in ``lo..hi - 1``."""
        entries = [(self.atoms[q], m) for q, m in atoms.items()]
        if any(atom.ratio is None for atom, _ in entries):
            return None
        start = RealForms(self.scope, None, 0, -1).formed_sign(sympy.Mul(*[a.first ** m for a, m in entries]))
        if start is None or self.hi <= self.lo:
            return start
        ratio = RealForms(self.scope, self.time, self.lo, self.hi - 1).formed_sign(
            sympy.Mul(*[a.ratio ** m for a, m in entries]))
        if ratio is None or ratio[0] < 0:
            return None
        return start[0], start[1] and ratio[1]


def _real_element(element: sympy.Basic, scope: Scope) -> bool:
    if isinstance(element, sympy.Indexed):
        decl = scope.names.get(str(element.base.label))
        return isinstance(decl, SequenceDecl) and not decl.random and decl.kind != "complex"
    return is_real(element, scope)


def _elements_as_scalars(expr: sympy.Expr, scope: Scope) -> tuple[sympy.Expr, Scope]:
    """``expr`` with each element of a declared sequence as a scalar of the sequence's
    declared domain (distinct elements as distinct scalars: a stronger statement), and
    the scope that declares them."""
    elements = sorted(expr.atoms(sympy.Indexed), key=sympy.default_sort_key)
    if not elements:
        return expr, scope
    names = dict(scope.names)
    replace = {}
    for k, element in enumerate(elements):
        decl = scope.names.get(str(element.base.label))
        if not isinstance(decl, SequenceDecl) or decl.random:
            continue
        name = f"_{decl.name}_element{k}"  # no file can use a name starting with "_"
        symbol = sympy.Symbol(name, real=True)
        names[name] = ScalarDecl(name, symbol, decl.kind, decl.interval, decl.span)
        replace[element] = symbol
    return expr.xreplace(replace), dataclasses.replace(scope, names=names)


MAX_ROOTS_DEGREE = 8
"""A polynomial in one declared scalar of at most this degree has its sign read from its exact real roots."""


def _univariate(expr: sympy.Expr, scope: Scope) -> bool:
    """A polynomial with rational coefficients, of degree 1 to :data:`MAX_ROOTS_DEGREE`, in one
    declared real scalar."""
    (symbol,) = expr.free_symbols
    decl = scope.names.get(str(symbol))
    if not isinstance(decl, ScalarDecl) or decl.symbol != symbol or decl.kind not in REAL_KINDS:
        return False
    try:
        poly = sympy.Poly(expr, symbol)
    except (sympy.PolynomialError, TypeError, ValueError):
        return False
    return (poly.domain.is_ZZ or poly.domain.is_QQ) and 1 <= poly.degree() <= MAX_ROOTS_DEGREE


def _interval_sign(expr: sympy.Expr, scope: Scope) -> Sign | None:
    """The sign of a polynomial in one declared real scalar on the scalar's declared domain:
    constant where no exact real root lies in the domain (an open end excluded)."""
    (symbol,) = expr.free_symbols
    decl = scope.names.get(str(symbol))
    if not isinstance(decl, ScalarDecl) or decl.symbol != symbol or decl.kind not in REAL_KINDS:
        return None
    lo, lo_open, hi, hi_open = _domain(decl)
    try:
        poly = sympy.Poly(expr, symbol)
        if not (poly.domain.is_ZZ or poly.domain.is_QQ) or not 1 <= poly.degree() <= MAX_ROOTS_DEGREE:
            return None
        roots = poly.real_roots()
    except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
        return None
    for root in roots:
        above = lo is None or (root > lo if lo_open else root >= lo)
        below = hi is None or (root < hi if hi_open else root <= hi)
        if above and below:
            return None
    inside = _interior_point(lo, hi)
    value = poly(inside)  # Poly.__call__: its value at the rational point
    return (1, True) if value > 0 else (-1, True)


def _domain(decl: ScalarDecl) -> tuple[sympy.Expr | None, bool, sympy.Expr | None, bool]:
    """``(lo, lo_open, hi, hi_open)`` of a real scalar's declared domain (None: unbounded)."""
    lo, lo_open, hi, hi_open = None, True, None, True
    if decl.kind in ("positive", "nonnegative"):
        lo, lo_open = sympy.Integer(0), decl.kind == "positive"
    if decl.kind == "negative":
        hi = sympy.Integer(0)
    interval = decl.interval
    if interval is not None:
        if interval.lo is not None and interval.lo.is_finite and (lo is None or interval.lo >= lo):
            lo, lo_open = sympy.sympify(interval.lo, strict=True), interval.lo_open
        if interval.hi is not None and interval.hi.is_finite and (hi is None or interval.hi <= hi):
            hi, hi_open = sympy.sympify(interval.hi, strict=True), interval.hi_open
    return lo, lo_open, hi, hi_open


def _interior_point(lo: sympy.Expr | None, hi: sympy.Expr | None) -> sympy.Expr:
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    if lo is not None:
        return lo + 1
    return hi - 1 if hi is not None else sympy.Integer(0)


def _range_sign(expr: sympy.Expr, t: sympy.Symbol, lo: int, hi: int) -> Sign | None:
    """The sign of a polynomial in ``t`` with rational coefficients at every integer of ``lo..hi``."""
    try:
        poly = sympy.Poly(expr, t)
    except (sympy.PolynomialError, TypeError, ValueError):
        return None
    if not (poly.domain.is_ZZ or poly.domain.is_QQ):
        return None
    if hi < lo:
        return 1, True  # an empty range: nothing to hold
    coefficients = [Fraction(int(c.p), int(c.q)) for c in (sympy.Rational(c) for c in poly.all_coeffs())]

    def value(x: int) -> Fraction:
        out = Fraction(0)
        for c in coefficients:
            out = out * x + c
        return out

    if poly.degree() <= 0 or poly.count_roots(lo, hi) == 0:
        v = value(lo)
        return (1, True) if v > 0 else (-1, True) if v < 0 else (1, False)
    if hi - lo + 1 > MAX_RANGE_POINTS:
        return None
    values = [value(x) for x in range(lo, hi + 1)]
    if all(v >= 0 for v in values):
        return 1, all(v > 0 for v in values)
    if all(v <= 0 for v in values):
        return -1, all(v < 0 for v in values)
    return None


__all__ = ["Atom", "RealForms"]
