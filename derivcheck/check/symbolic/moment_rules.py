"""Equality hypotheses on moments applied to a relation between moments (see docs/trust.md,
the ``hypotheses`` row): used by the order proofs under hypotheses and by the consistency test
of hypotheses (a variance the hypotheses make negative)."""

from __future__ import annotations

from typing import Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ...expr.objects import Covariance, Expectation, Relation, Variance
from ...expr.scope import Scope
from .canonical import canonical


def moments_rewritten(relation: Relation, scope: Scope, hypotheses: Sequence[Relation]) -> Relation | None:
    """A relation between moments with both sides in canonical form (Var(M) is E(M**2) - E(M)**2,
    an identity) and each equality hypothesis between a moment of random variables alone and a
    value free of moments, also in canonical form, applied (they hold wherever the step is
    claimed): ``Var(M) <= 1/4`` under ``E(M) = p``, ``E(M**2) = p`` is ``p - p**2 <= 1/4``. None
    where nothing moment-like is rewritten."""
    equalities = [h for h in hypotheses if h.op == "=" and all(isinstance(x, sympy.Basic) for x in (h.lhs, h.rhs))
                  and not any(isinstance(x, MatrixExpr) for x in (h.lhs, h.rhs))]
    moment_nodes = (Expectation, Variance, Covariance)
    if not equalities or not any(isinstance(x, sympy.Basic) and x.has(*moment_nodes)
                                 for x in (relation.lhs, relation.rhs)):
        return None
    try:
        lhs, rhs = canonical(relation.lhs, scope), canonical(relation.rhs, scope)
        rules = [Relation(canonical(h.lhs, scope), "=", canonical(h.rhs, scope)) for h in equalities]
    except Exception:  # noqa: BLE001 - no canonical form: nothing rewritten
        return None
    # a moment of random variables alone is replaced by its value (no scalar in it: no binder reaches it)
    names = scope.random_names()
    randoms = {s for s in set().union(*(r.lhs.free_symbols | r.rhs.free_symbols for r in rules)) if s.name in names}
    values = {}
    for rule in rules:
        for moment, value in ((rule.lhs, rule.rhs), (rule.rhs, rule.lhs)):
            if isinstance(moment, moment_nodes) and moment.free_symbols <= randoms and not value.has(*moment_nodes):
                values.setdefault(moment, value)
                break
    lhs, rhs = lhs.xreplace(values), rhs.xreplace(values)
    if any(x.has(*moment_nodes) for x in (lhs, rhs)) or (lhs, rhs) == (relation.lhs, relation.rhs):
        return None
    return Relation(lhs, relation.op, rhs)


__all__ = ["moments_rewritten"]
