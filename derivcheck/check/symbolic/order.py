"""The order strategies: ``a <= b`` or ``a < b`` through the sign of ``b - a``.

Each takes an :class:`OrderGoal` and returns a :class:`~.proof.Proof` or None; their rows,
in order, are in :data:`~.strategies.STRATEGIES` (``relation="order"``), which
:func:`~.strategies.prove_order` runs. Two of them reduce the goal to another order (the
arguments of a monotone map, the entries written out) and prove that one with every order
strategy again: the goal carries that prover (``prove_order``), so this module needs neither
the table nor the module that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ...expr.objects import Relation
from ...expr.scope import Scope
from ..realize import RealizeError, realize_symbolic
from .bounds import prove_by_bounds
from .canonical import canonical
from .certificates import domain_substitution, gap_certificate, interval_substitution
from .conditions import certify_under, order_conditions
from .derivative_sign import prove_by_derivative
from .inequalities import is_real, monotone_pair, nonnegative, positive
from .moment_matrix import moment_certificate
from .proof import Proof, shortened
from .radicals import has_radicals, prove_nonnegative, real_with_roots

OrderProver = Callable[[Relation, Scope], "Proof | None"]
"""Proves an order relation under the declarations alone (no hypotheses) with every order strategy."""


@dataclass(frozen=True)
class OrderGoal:
    """``lower <= upper`` (``strict``: ``lower < upper``) for every value ``scope`` allows;
    ``hypotheses`` are the step's (only the strategies that say so read them);
    ``prove_order`` proves a sub-goal (see the module docstring)."""

    lower: sympy.Basic
    upper: sympy.Basic
    strict: bool
    scope: Scope
    hypotheses: Sequence[Relation]
    prove_order: OrderProver

    def gap(self) -> sympy.Basic:
        """``upper - lower`` in canonical form, expanded."""
        return sympy.expand(canonical(self.upper, self.scope) - canonical(self.lower, self.scope))

    def has_matrix_side(self) -> bool:
        return isinstance(self.lower, MatrixExpr) or isinstance(self.upper, MatrixExpr)

    def sub_goal(self, lower: sympy.Basic, upper: sympy.Basic) -> Relation:
        """``lower <= upper`` (``<`` when this goal is strict), as a relation for ``prove_order``."""
        return Relation(lower, "<" if self.strict else "<=", upper)


def provably_real(side: sympy.Basic, scope: Scope) -> bool:
    """Real for every allowed value: as written, in canonical form, or in the roots of the
    declared domains (``log(1 + x)`` for ``x in (-1, oo)``)."""
    if is_real(side, scope) or is_real(canonical(side, scope), scope):
        return True
    halves = domain_substitution(side, scope)
    if is_real(side.xreplace(halves), scope):
        return True
    box = interval_substitution(side, scope)  # a bounded interval written exactly (log(1 - rho**2))
    if box:
        boxed = side.xreplace({**halves, **box})
        # log's argument in one fraction: 1 - ((u**2 - 1)/(u**2 + 1))**2 is 4*u**2/(u**2 + 1)**2
        boxed = boxed.replace(lambda n: isinstance(n, sympy.log), lambda n: sympy.log(sympy.factor(n.args[0])))
        if is_real(boxed, scope):
            return True
    return not isinstance(side, MatrixExpr) and real_with_roots(canonical(side, scope), scope)


def by_sign(goal: OrderGoal) -> Proof | None:
    lower, upper, scope = goal.lower, goal.upper, goal.scope
    lower_c, upper_c = canonical(lower, scope), canonical(upper, scope)
    gap = sympy.expand(upper_c - lower_c)
    # the difference as written first: Var(X) - 0 is a variance before its moments are expanded
    for candidate in [sympy.sympify(upper - lower, strict=True), *_forms(gap)]:
        if positive(candidate, scope) or (not goal.strict and nonnegative(candidate, scope)):
            return Proof("sign of the difference", "sum of non-negative terms / Gram form")
    return None


def by_monotone_map(goal: OrderGoal) -> Proof | None:
    lower, upper, scope = goal.lower, goal.upper, goal.scope
    pair = monotone_pair(lower, upper)
    if pair is None:
        return _against_a_number(goal)
    if lower.func != upper.func:  # exp(t) = exp(t/k)**k against B**k (see monotone_pair)
        domain_ok = not isinstance(lower, sympy.Pow) or gap_certificate(pair[0], False, scope) is not None
        name = "t**k (t >= 0), with exp(t) = exp(t/k)**k"
    elif isinstance(lower, sympy.Pow):  # t**k, k > 0: increasing on t >= 0, and on all reals for odd k
        domain_ok = (lower.exp.is_integer and lower.exp.is_odd) or gap_certificate(pair[0], False, scope) is not None
        name = f"t**{lower.exp} (t >= 0)"
    else:
        domain_ok = lower.func != sympy.log or all(
            positive(canonical(p, scope), scope) or gap_certificate(p, True, scope) is not None for p in pair)
        name = lower.func.__name__
    if domain_ok:
        sub = goal.prove_order(goal.sub_goal(pair[0], pair[1]), scope)
        if sub is not None:
            return Proof("monotone map", f"{name} is increasing; {sub.method}")
    return None


def _against_a_number(goal: OrderGoal) -> Proof | None:
    """``log(u)`` or ``exp(u)`` against a real number ``c``, by the inverse map: ``log(u) <= c``
    where ``u <= exp(c)`` and ``u > 0`` (``log(1 - rho**2) <= 0`` for ``rho`` in (-1, 1)), and
    ``exp(u) <= c`` where ``u <= log(c)`` and ``c > 0``; the same with the order reversed."""
    lower, upper, scope = goal.lower, goal.upper, goal.scope
    for side, number, at_left in ((lower, upper, True), (upper, lower, False)):
        if not (isinstance(number, sympy.Expr) and number.is_number and number.is_extended_real
                and isinstance(side, (sympy.log, sympy.exp)) and len(side.args) == 1):
            continue
        (argument,) = side.args
        if isinstance(side, sympy.log):
            if not (positive(canonical(argument, scope), scope) or gap_certificate(argument, True, scope) is not None):
                return None
            inverse = sympy.exp(number)
        else:
            if number.is_positive is not True:
                return None
            inverse = sympy.log(number)
        sub = goal.prove_order(goal.sub_goal(argument, inverse) if at_left else goal.sub_goal(inverse, argument), scope)
        if sub is not None:
            return Proof("monotone map", f"{side.func.__name__} is increasing, against the number {number}; "
                                         f"{sub.method}")
        return None
    return None


def by_certificate(goal: OrderGoal) -> Proof | None:
    how = gap_certificate(goal.gap(), goal.strict, goal.scope)
    return Proof("polynomial certificate", how) if how is not None else None


def by_standard_bounds(goal: OrderGoal) -> Proof | None:
    how = prove_by_bounds(goal.gap(), goal.strict, goal.scope)
    if how is None and not goal.has_matrix_side():
        how = prove_by_bounds(sympy.sympify(goal.upper - goal.lower, strict=True), goal.strict, goal.scope,
                              as_written=True)
    return Proof("standard bounds", how) if how is not None else None


def by_order_hypotheses(goal: OrderGoal) -> Proof | None:
    """Reads the step's order hypotheses (see :mod:`.conditions`)."""
    conditions = order_conditions(goal.hypotheses, goal.scope)
    if not conditions or goal.has_matrix_side():
        return None
    how = certify_under(goal.gap(), goal.strict, conditions, goal.scope, alone=False)
    return Proof("order hypotheses", shortened(how)) if how is not None else None


def by_entries(goal: OrderGoal) -> Proof | None:
    """Scalars made of matrices of literal sizes (``u.T @ v``, ``det(A)``), written out with one
    real symbol per entry: every declared value is a value of the entries."""
    sides = (goal.lower, goal.upper)
    if not any(isinstance(side, sympy.Basic) and side.has(sympy.Trace, sympy.Determinant, MatrixElement)
               for side in sides) or goal.has_matrix_side():
        return None
    try:
        written = [_scalar(realize_symbolic(side, goal.scope, {})) for side in sides]
    except (RealizeError, TypeError, ValueError):
        return None
    if any(w is None or w.has(sympy.Trace, sympy.Determinant, MatrixElement) for w in written):
        return None
    sub = goal.prove_order(goal.sub_goal(written[0], written[1]), goal.scope)
    return Proof("written out", f"entry by entry at the literal sizes; {sub.method}") if sub is not None else None


def by_moment_matrix(goal: OrderGoal) -> Proof | None:
    if goal.has_matrix_side():
        return None
    how = moment_certificate(goal.gap(), goal.strict, goal.scope)
    return Proof("moment matrix", how) if how is not None else None


def by_radical_elimination(goal: OrderGoal) -> Proof | None:
    """Reads the step's order hypotheses (see :mod:`.radicals`)."""
    if goal.has_matrix_side():
        return None
    gap = goal.gap()
    if not has_radicals(gap):
        return None
    how = prove_nonnegative(gap, goal.strict, order_conditions(goal.hypotheses, goal.scope), goal.scope)
    return Proof("radical elimination", shortened(how)) if how is not None else None


def by_derivative_sign(goal: OrderGoal) -> Proof | None:
    """One variable at a time, through the mean value theorem (see :mod:`.derivative_sign`);
    its sub-goals (signs of bases, the value at a point, the derivative's sign) are proved under
    the declarations alone, without the step's hypotheses (a stronger statement)."""
    if goal.has_matrix_side():
        return None
    gap = sympy.sympify(goal.upper - goal.lower, strict=True)
    how = prove_by_derivative(gap, goal.strict, goal.scope, lambda sub: goal.prove_order(sub, goal.scope))
    return Proof("derivative sign", shortened(how)) if how is not None else None


def _scalar(value: sympy.Basic) -> sympy.Basic | None:
    if isinstance(value, sympy.MatrixBase):
        return value[0, 0] if value.shape == (1, 1) else None
    return None if isinstance(value, MatrixExpr) else value


def _forms(gap: sympy.Basic) -> list[sympy.Basic]:
    forms = [gap]
    try:
        forms.append(sympy.factor(gap))
    except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
        pass
    return forms


__all__ = ["OrderGoal", "OrderProver", "by_certificate", "by_derivative_sign", "by_entries", "by_moment_matrix",
           "by_monotone_map", "by_order_hypotheses", "by_radical_elimination", "by_sign", "by_standard_bounds", "provably_real"]
