"""Standard one-variable bounds, applied to ``b - a`` with their side conditions proved.

``gap = c*A + r`` with ``A = f(t)`` an ``exp`` or ``log`` of any argument ``t``:
where ``c >= 0`` is proved, a lower bound ``A >= B(t)`` from :data:`BOUNDS` gives
``gap >= c*B(t) + r``; where ``c <= 0``, an upper bound does. The bound is used
only when its side condition on ``t`` is proved from the declarations (never
sampled), and the smaller gap must then be shown ``>= 0`` by
:func:`.certificates.gap_certificate` (or by a further bound). So
``exp(y**2) >= 1 + y**2`` is the first bound at ``t = y**2``, and
``log(1 + x) <= x`` for ``x in (-1, oo)`` the third at ``s = 1 + x``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from ...expr.scope import Scope
from .certificates import domain_substitution, gap_certificate
from .inequalities import is_real, positive

MAX_BOUNDS = 3
"""At most this many bounds in one proof (each removes one exp/log)."""


@dataclass(frozen=True)
class Bound:
    """``head(t) >= value(t)`` (``lower``) or ``head(t) <= value(t)``, where ``condition`` holds."""

    statement: str
    head: Callable[..., sympy.Basic]
    lower: bool
    value: Callable[[sympy.Expr], sympy.Expr]
    condition: Callable[[sympy.Expr, Scope], bool]
    side_condition: str


def _real(t: sympy.Expr, scope: Scope) -> bool:
    return is_real(t, scope)


def _positive(t: sympy.Expr, scope: Scope) -> bool:
    return is_real(t, scope) and (positive(t, scope) or positive(sympy.expand(t), scope))


def _below_one(t: sympy.Expr, scope: Scope) -> bool:
    return is_real(t, scope) and (positive(1 - t, scope) or positive(sympy.expand(1 - t), scope))


BOUNDS: tuple[Bound, ...] = (
    Bound("exp(t) >= 1 + t", sympy.exp, True, lambda t: 1 + t, _real, "t real"),
    Bound("exp(t) <= 1/(1 - t)", sympy.exp, False, lambda t: 1 / (1 - t), _below_one, "t < 1"),
    Bound("log(s) <= s - 1", sympy.log, False, lambda s: s - 1, _positive, "s > 0"),
    Bound("log(s) >= 1 - 1/s", sympy.log, True, lambda s: 1 - 1 / s, _positive, "s > 0"),
)
"""The table (docs/trust.md states the same rows). With ``t = -x``, the first is
``1 - x <= exp(-x)``; with ``s = 1 + x``, the third is ``log(1 + x) <= x`` and the
fourth ``x/(1 + x) <= log(1 + x)``, both for ``x > -1``; with ``s = x``, the third
is ``log(x) <= x - 1`` for ``x > 0``. Young's ``a*b <= a**2/2 + b**2/2`` and other
polynomial bounds need no row: the polynomial certificate proves them for any
real ``a``, ``b``."""


def prove_by_bounds(gap: sympy.Expr, strict: bool, scope: Scope, *, as_written: bool = False) -> str | None:
    """How ``gap >= 0`` (``> 0`` when ``strict``) follows from bounds of :data:`BOUNDS`, or None.
    ``as_written``: the arguments of ``exp`` and ``log`` are kept whole (``exp(a + b)`` and
    ``log(p/q)`` are not split) and the side conditions read the declared intervals directly,
    not through the domain substitution."""
    gap = sympy.sympify(gap, strict=True)
    used = []
    if gap.has(sympy.tanh):
        gap = gap.rewrite(sympy.exp)
        used.append("tanh(u) = (exp(u) - exp(-u))/(exp(u) + exp(-u))")
    expand = _expand_outside if as_written else sympy.expand
    gap = expand(gap if as_written else gap.xreplace(domain_substitution(gap, scope)))
    if not gap.has(sympy.exp, sympy.log) or not is_real(gap, scope):
        return None
    how = _bounded(gap, strict, scope, used, expand)
    if how is None and as_written:
        for ratios, step in _log_ratios(gap, scope):
            how = _bounded(ratios, strict, scope, [*used, step], expand)
            if how is not None:
                break
    return how


def _log_ratios(gap: sympy.Expr, scope: Scope):
    """``gap = sum_i a_i*log(s_i) + r`` with every ``s_i > 0`` proved and ``sum_i a_i = 0``, written
    as ``sum_{i != j} a_i*log(s_i/s_j) + r`` for each ``j`` in turn (exact: ``log(s_i/s_j) =
    log(s_i) - log(s_j)`` for positive ``s_i``, ``s_j``), so that one bound applies to each ratio."""
    logs = sorted(gap.atoms(sympy.log), key=sympy.default_sort_key)
    if not 2 <= len(logs) <= 4 or not all(_positive(atom.args[0], scope) for atom in logs):
        return
    markers = {atom: sympy.Dummy(f"log{i}") for i, atom in enumerate(logs)}
    marked = _expand_outside(gap).xreplace(markers)
    coefficients = [marked.coeff(markers[atom], 1) for atom in logs]
    rest = sympy.expand(marked - sum(c * markers[a] for c, a in zip(coefficients, logs)))
    if rest.has(*markers.values()) or any(c.has(*markers.values()) for c in coefficients):
        return
    if sympy.expand(sum(coefficients)) != 0:
        return
    for j, pivot in enumerate(logs):
        ratios = sum(c * sympy.log(a.args[0] / pivot.args[0]) for i, (c, a) in enumerate(zip(coefficients, logs))
                     if i != j)
        yield _expand_outside(ratios + rest), f"logs taken relative to {pivot} (their weights sum to 0)"


def _bounded(gap: sympy.Expr, strict: bool, scope: Scope, used: list[str],
             expand: Callable[[sympy.Expr], sympy.Expr] = sympy.expand) -> str | None:
    if used:
        how = gap_certificate(gap, strict, scope)
        if how is not None:
            return f"{'; '.join(used)}; then {how}"
    if len(used) > MAX_BOUNDS:
        return None
    for atom in sympy.ordered(gap.atoms(sympy.exp, sympy.log)):
        split = linear_in(gap, atom, expand)
        if split is None:
            continue
        coefficient, rest = split
        sign = _sign(coefficient, scope)
        if sign is None:
            continue
        (argument,) = atom.args
        if atom.func == sympy.log and coefficient.is_Rational and _positive(argument, scope):
            # exact: c*log(s) + r >= 0 iff s >= exp(-r/c) (c > 0), s <= exp(-r/c) (c < 0), exp increasing
            sign = 1 if coefficient > 0 else -1
            exponentiated = expand(sign * (argument - sympy.exp(-rest / coefficient)))
            step = f"exp of both sides of {atom} >= {-rest / coefficient}"
            how = _bounded(exponentiated, strict, scope, [*used, step], expand)
            if how is not None:
                return how
        for bound in BOUNDS:
            if bound.head != atom.func or bound.lower != (sign > 0) or not bound.condition(argument, scope):
                continue
            smaller = expand(coefficient * bound.value(argument) + rest)
            how = _bounded(smaller, strict, scope, [*used, f"{bound.statement} at t = {argument}"], expand)
            if how is not None:
                return how
    return None


def linear_in(gap: sympy.Expr, atom: sympy.Basic, expand: Callable[[sympy.Expr], sympy.Expr] = sympy.expand
              ) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(c, r)`` with ``gap = c*atom + r`` exactly, ``c`` not written as 0, neither holding ``atom``.
    ``c`` may still be 0 (``log(6) - log(2) - log(3)``): a caller that divides by it proves it
    nonzero first (:func:`.inequalities.provably_nonzero`)."""
    marker = sympy.Dummy("bound_atom")
    replaced = expand(gap.xreplace({atom: marker}))
    if replaced.has(atom):
        return None
    coefficient, rest = replaced.coeff(marker, 1), replaced.coeff(marker, 0)
    if coefficient == 0 or coefficient.has(marker) or rest.has(marker):
        return None
    if sympy.expand(coefficient * marker + rest - replaced) != 0:
        return None
    return coefficient, rest


def _sign(coefficient: sympy.Expr, scope: Scope) -> int | None:
    if gap_certificate(coefficient, False, scope) is not None:
        return 1
    if gap_certificate(-coefficient, False, scope) is not None:
        return -1
    return None


def _expand_outside(gap: sympy.Expr) -> sympy.Expr:
    """``gap`` multiplied out with every ``exp`` and ``log`` kept whole, its argument as written."""
    atoms = sorted(gap.atoms(sympy.exp, sympy.log), key=sympy.default_sort_key)
    markers = {atom: sympy.Dummy(f"whole{i}") for i, atom in enumerate(atoms)}
    expanded = sympy.expand(gap.xreplace(markers))
    return expanded.xreplace({marker: atom for atom, marker in markers.items()})
