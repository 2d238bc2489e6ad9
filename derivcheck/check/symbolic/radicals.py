"""Inequalities with ``Abs`` and roots, reduced exactly to polynomial ones.

``gap >= 0`` (``> 0`` when strict), wherever the conditions hold (:mod:`.conditions`):

- **Abs, by cases.** An innermost ``Abs(t)`` with ``t`` real is ``t`` where ``t >= 0`` and
  ``-t`` where ``t <= 0``; the two cases cover every point, and each is proved with its
  sign condition added to the conditions.
- **Roots, by powers.** For a root ``S = P**(1/k)`` (``k >= 2``, ``P >= 0`` since the gap is
  real) the gap, with ``S**k`` written as ``P``, must be ``c*S + r`` with ``c``, ``r`` free of
  ``S``. For odd ``k``, ``t -> t**k`` is increasing on the reals, so ``c*S + r >= 0`` iff
  ``c**k*P + r**k >= 0``. For even ``k``: ``c >= 0`` and ``c**k*P - r**k >= 0`` give
  ``c*S >= |r| >= -r``; ``c <= 0``, ``r >= 0`` and ``r**k - c**k*P >= 0`` give
  ``r >= |c|*S``; strictness carries through both (``>`` in the power comparison).
- What is left, free of both, goes to :func:`.conditions.certify_under`.
- Only a node that :func:`.pointwise.splittable` admits is split or eliminated: the cases
  and the powers are exact at each point, so an ``Abs`` or root inside ``E``/``Var``/``Cov``
  (or a derivative, integral, sum, ...) or of an argument holding a random variable is left
  whole, an opaque real generator of the certificate (a free variable: a stronger claim).

An equality ``a = b`` of such sides is ``a - b >= 0`` and ``b - a >= 0``, after the
exact domain substitution (``x > 0`` is ``u**2``: ``sqrt(x)`` is ``u``) and ``cancel``
with the remaining roots as generators have had their try.
"""

from __future__ import annotations

from typing import Sequence

import sympy

from ...expr.scope import Scope
from .certificates import domain_substitution
from .conditions import Condition, certify_under, linear_in
from .inequalities import is_real, nonnegative
from .pointwise import splittable

MAX_SPLITS = 4
"""At most this many Abs case splits along one branch (2**4 cases)."""
MAX_ROOTS = 3
"""At most this many root eliminations along one branch."""
MAX_POWER = 4
"""The largest root index ``k`` eliminated (the power ``r**k`` grows the degree)."""


def has_radicals(expr: sympy.Basic) -> bool:
    """Whether ``expr`` holds an ``Abs`` or a rational non-integer power."""
    return bool(expr.atoms(sympy.Abs)) or any(_root_index(p) for p in expr.atoms(sympy.Pow))


def prove_nonnegative(gap: sympy.Expr, strict: bool, conditions: Sequence[Condition], scope: Scope,
                      depth: int = 0) -> str | None:
    """How ``gap >= 0`` (``> 0``) follows wherever ``conditions`` hold, or None."""
    gap = sympy.expand(gap)
    if depth > MAX_SPLITS + MAX_ROOTS or not real_with_roots(gap, scope, conditions):
        return None
    if not strict and nonnegative(gap, scope):
        return "declared signs"
    absolute = _innermost_abs(gap, scope)
    if absolute is not None:
        return _by_cases(gap, strict, conditions, scope, absolute, depth)
    root = _a_root(gap, scope)
    if root is not None:
        return _by_powers(gap, strict, conditions, scope, root, depth)
    return certify_under(gap, strict, conditions, scope)


def real_with_roots(expr: sympy.Expr, scope: Scope, conditions: Sequence[Condition] = ()) -> bool:
    """A proof that ``expr`` is real (where ``conditions`` hold): :func:`.inequalities.is_real`, or
    every root's base real and proved ``>= 0`` (:func:`.conditions.certify_under`), the rest real."""
    if is_real(expr, scope):
        return True
    roots = [p for p in expr.atoms(sympy.Pow) if _root_index(p) or (p.exp.is_Rational and not p.exp.is_Integer)]
    if not roots:
        return False
    for power in roots:
        if not (is_real(power.base, scope) and power.exp.is_Rational and power.exp.q <= MAX_POWER):
            return False
        if not (nonnegative(power.base, scope) or certify_under(power.base, False, conditions, scope) is not None):
            return False
    plain = {p: sympy.Dummy("root", nonnegative=True) for p in roots}
    return is_real(expr.xreplace(plain), scope)


def _innermost_abs(gap: sympy.Expr, scope: Scope) -> sympy.Abs | None:
    found = [a for a in gap.atoms(sympy.Abs) if not a.args[0].has(sympy.Abs) and is_real(a.args[0], scope)
             and splittable(a, gap, scope)]
    return min(found, key=sympy.default_sort_key) if found else None


def _by_cases(gap: sympy.Expr, strict: bool, conditions: Sequence[Condition], scope: Scope,
              absolute: sympy.Abs, depth: int) -> str | None:
    (argument,) = absolute.args
    hows = []
    for sign in (1, -1):
        case = sympy.expand(gap.xreplace({absolute: sign * argument}))
        how = prove_nonnegative(case, strict, [*conditions, Condition(sympy.expand(sign * argument), False)],
                                scope, depth + 1)
        if how is None:
            return None
        hows.append(how)
    return f"cases {absolute} = {argument} (where {argument} >= 0): {hows[0]}; = {-argument}: {hows[1]}"


def _root_index(power: sympy.Pow) -> int:
    exponent = power.exp
    if isinstance(exponent, sympy.Rational) and not exponent.is_Integer and 2 <= exponent.q <= MAX_POWER:
        return int(exponent.q)
    return 0


def _a_root(gap: sympy.Expr, scope: Scope) -> sympy.Pow | None:
    """An innermost root ``P**(1/k)`` of the gap (its base holds no root), every power of its
    base :func:`.pointwise.splittable` (they are all rewritten)."""
    roots = [p for p in gap.atoms(sympy.Pow) if _root_index(p) and not has_radicals(p.base)
             and all(splittable(q, gap, scope) for q in gap.atoms(sympy.Pow)
                     if q.base == p.base and isinstance(q.exp, sympy.Rational) and not q.exp.is_Integer)]
    if not roots:
        return None
    base, index = min(((p.base, _root_index(p)) for p in roots), key=lambda bi: sympy.default_sort_key(bi[0]))
    return sympy.Pow(base, sympy.Rational(1, index), evaluate=False)


def _linear_in_root(gap: sympy.Expr, root: sympy.Pow) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(c, r)`` with ``gap = c*root + r``, every power of the base with denominator ``k``
    written as a power of the root and ``root**k`` reduced to the base."""
    base, k = root.base, root.exp.q
    marker = sympy.Dummy("root")

    def swap(node: sympy.Basic) -> sympy.Basic:
        exponent = node.exp * k
        if exponent.is_Integer and exponent > 0:
            whole, part = divmod(int(exponent), k)
            return base**whole * marker**part
        return node

    replaced = gap.replace(lambda n: isinstance(n, sympy.Pow) and n.base == base and isinstance(n.exp, sympy.Rational)
                           and not n.exp.is_Integer, swap)
    return linear_in(replaced, marker)


def _by_powers(gap: sympy.Expr, strict: bool, conditions: Sequence[Condition], scope: Scope,
               root: sympy.Pow, depth: int) -> str | None:
    split = _linear_in_root(gap, root)
    if split is None:
        return None
    c, r = split
    k, base = root.exp.q, root.base
    if k % 2:
        how = prove_nonnegative(c**k * base + r**k, strict, conditions, scope, depth + 1)
        return f"{root} by its {k}th power: {how}" if how is not None else None
    options = (((c, False), (c**k * base - r**k, strict)), ((-c, False), (r, False), (r**k - c**k * base, strict)))
    for goals in options:
        hows = []
        for goal, goal_strict in goals:
            how = prove_nonnegative(goal, goal_strict, conditions, scope, depth + 1)
            if how is None:
                break
            hows.append(how)
        else:
            return f"{root} by squaring: {'; '.join(hows)}"
    return None


def equal_by_radicals(lhs: sympy.Expr, rhs: sympy.Expr, scope: Scope) -> str | None:
    """How ``lhs = rhs`` was shown for real scalar sides with Abs or roots, or None."""
    difference = sympy.sympify(lhs - rhs, strict=True)
    substituted = difference.xreplace(domain_substitution(difference, scope))
    if sympy.cancel(sympy.together(sympy.expand(substituted))) == 0:
        return "the declared domains as squares (x = lo + u**2), then cancel"
    down = prove_nonnegative(difference, False, (), scope)
    up = prove_nonnegative(-difference, False, (), scope) if down is not None else None
    if up is None:
        return None
    return f"both orders: {down}; {up}"
