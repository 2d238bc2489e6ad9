"""The branches of SymPy's ``Piecewise`` values decided from the declared domains.

SymPy's ``doit`` of a sum or product with a parameter often answers with a case split
that the declarations settle: ``Sum(b**(t - i), (i, 1, t))`` is
``Piecewise((t, Eq(1/b, 1)), ((1 - b**t)/(1 - b), True))`` and ``Sum(g**k, (k, 0, oo))`` is
``Piecewise((1/(1 - g), g < 1), (Sum(g**k, (k, 0, oo)), True))``; with ``b`` and ``g``
declared in ``(0, 1)`` only the closed forms are ever taken.

A ``Piecewise`` takes its first branch whose condition holds. A condition is decided
only when it is *proved* true (or false) for every value the declarations allow: each
relation's gap by :func:`.certificates.gap_certificate` (declared signs and intervals,
the polynomial certificate over the declared intervals), an equality false by a proved
sign of the difference, true by an exactly zero difference; ``Abs(u) < c`` as
``-c < u < c``; ``And``/``Or``/``Not`` from their parts. A branch proved false is dropped,
one proved true ends the case split (it is taken wherever no earlier, undecided branch
is), an undecided one stays. Every symbol of a decided condition must be a declared
real scalar: a bound variable or a matrix entry decides nothing. So the new expression
equals the old one at every point the declarations allow (docs/trust.md, rule 17).
"""

from __future__ import annotations

from typing import Callable

import sympy

from ...expr.scope import ScalarDecl, Scope
from .certificates import gap_certificate

MAX_CONDITION_OPS = 60
"""A condition larger than this (SymPy's ``count_ops``) is left undecided."""

_ORDER = (sympy.StrictLessThan, sympy.LessThan, sympy.StrictGreaterThan, sympy.GreaterThan)


def decided_branches(expr: sympy.Basic, scope: Scope, keep: frozenset = frozenset()) -> sympy.Basic:
    """``expr`` with each ``Piecewise`` (other than those in ``keep``) reduced to the branches
    that the declarations do not rule out (see the module)."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Piecewise):
        return expr

    def reduce(node: sympy.Basic) -> sympy.Basic:
        if node in keep:
            return node
        kept: list[tuple[sympy.Basic, sympy.Basic]] = []
        for value, condition in node.args:
            verdict = decide(condition, scope)
            if verdict is False:
                continue
            if verdict is True:
                kept.append((value, sympy.true))
                break
            kept.append((value, condition))
        if not kept or len(kept) == len(node.args) and all(k == a for k, a in zip(kept, node.args)):
            return node  # nothing decided (or every branch ruled out: the value is left as written)
        if len(kept) == 1 and kept[0][1] is sympy.true:
            return kept[0][0]
        return sympy.Piecewise(*kept)

    return expr.replace(lambda n: isinstance(n, sympy.Piecewise), reduce)


def decide(condition: sympy.Basic, scope: Scope) -> bool | None:
    """True (False) when ``condition`` is proved to hold (to fail) at every value the
    declarations allow; None when not decided."""
    if condition is sympy.true or condition is sympy.false:
        return bool(condition)
    if not _declared_reals(condition, scope):
        return None
    if isinstance(condition, sympy.And):
        verdicts = [decide(c, scope) for c in condition.args]
        return False if False in verdicts else True if all(v is True for v in verdicts) else None
    if isinstance(condition, sympy.Or):
        verdicts = [decide(c, scope) for c in condition.args]
        return True if True in verdicts else False if all(v is False for v in verdicts) else None
    if isinstance(condition, sympy.Not):
        verdict = decide(condition.args[0], scope)
        return None if verdict is None else not verdict
    if isinstance(condition, (sympy.Eq, sympy.Ne)):
        verdict = _equal(condition.lhs - condition.rhs, scope)
        return verdict if verdict is None or isinstance(condition, sympy.Eq) else not verdict
    if isinstance(condition, _ORDER):
        return _order(condition, scope)
    return None


def _declared_reals(condition: sympy.Basic, scope: Scope) -> bool:
    """Every symbol of ``condition`` is a declared real scalar, and the condition is small."""
    try:
        if sympy.count_ops(condition) > MAX_CONDITION_OPS:
            return False
    except (TypeError, ValueError, AttributeError):
        return False
    for symbol in condition.free_symbols:
        decl = scope.names.get(getattr(symbol, "name", ""))
        if not (isinstance(decl, ScalarDecl) and decl.symbol == symbol and symbol.is_real is True):
            return False
    return True


def _equal(difference: sympy.Expr, scope: Scope) -> bool | None:
    if sympy.expand(difference) == 0:
        return True
    if _proved(difference, True, scope) or _proved(-difference, True, scope):
        return False
    return None


def _order(relation: sympy.Basic, scope: Scope) -> bool | None:
    """``lo < hi`` (``<=``) is true where ``hi - lo`` is proved positive (non-negative) and
    false where ``lo - hi`` is proved non-negative (positive)."""
    strict = isinstance(relation, (sympy.StrictLessThan, sympy.StrictGreaterThan))
    lo, hi = (relation.lhs, relation.rhs) if isinstance(relation, (sympy.StrictLessThan, sympy.LessThan)) else \
        (relation.rhs, relation.lhs)
    op = sympy.Lt if strict else sympy.Le
    # |u| < c is -c < u < c, and c < |u| is c < u or c < -u (the same for <=): |u| = max(u, -u)
    if isinstance(lo, sympy.Abs) and not hi.has(sympy.Abs):
        u = lo.args[0]
        return decide(sympy.And(op(u, hi, evaluate=False), op(-u, hi, evaluate=False)), scope)
    if isinstance(hi, sympy.Abs) and not lo.has(sympy.Abs):
        u = hi.args[0]
        return decide(sympy.Or(op(lo, u, evaluate=False), op(lo, -u, evaluate=False)), scope)
    if _proved(hi - lo, strict, scope):
        return True
    if _proved(lo - hi, not strict, scope):
        return False
    return None


def _proved(gap: sympy.Expr, strict: bool, scope: Scope) -> bool:
    if gap.has(sympy.Abs, sympy.Piecewise, sympy.Sum, sympy.Product, sympy.Integral):
        return False
    try:
        return gap_certificate(gap, strict, scope) is not None
    except (TypeError, ValueError, NotImplementedError, sympy.PolynomialError, ZeroDivisionError):
        return False


INSIDE = (sympy.Rational(1, 3), sympy.Rational(1, 2), sympy.Rational(2, 3), sympy.Rational(1, 7))
"""Where in a declared interval its values are taken (fractions of a bounded one; steps
from the one end of a half-line)."""


def declared_choice(scope: Scope) -> Callable[[sympy.Symbol, int], sympy.Basic | None]:
    """``choose(p, k)``: the k-th of a few values strictly inside the declared interval of the
    real scalar ``p``, each within its SymPy assumptions; None for a symbol with no declared
    interval, an integer one, or anything else (its assumptions alone then choose)."""

    def choose(symbol: sympy.Symbol, k: int) -> sympy.Basic | None:
        decl = scope.names.get(getattr(symbol, "name", ""))
        if not (isinstance(decl, ScalarDecl) and decl.symbol == symbol and decl.interval is not None) \
                or decl.is_integer or symbol.is_integer:
            return None
        lo, hi = (None if end is None or end.is_infinite else end for end in (decl.interval.lo, decl.interval.hi))
        if lo is not None and hi is not None:
            values = [lo + (hi - lo) * r for r in INSIDE]
        elif lo is not None:
            values = [lo + r * 3 for r in INSIDE]
        elif hi is not None:
            values = [hi - r * 3 for r in INSIDE]
        else:
            return None
        allowed = [v for v in values if all(
            getattr(symbol, f"is_{fact}") is not True or getattr(v, f"is_{fact}") is True
            for fact in ("positive", "negative", "nonnegative", "nonpositive", "nonzero"))]
        return allowed[k % len(allowed)] if allowed else None

    return choose


__all__ = ["declared_choice", "decide", "decided_branches"]
