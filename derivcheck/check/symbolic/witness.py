"""An exact point where a step's hypotheses all hold.

The other half of :mod:`.consistency`: a contradiction shows that the hypotheses hold
nowhere, and a witness that they hold somewhere, so that a proof under them is not
vacuous. :func:`exact_witness` solves the equalities (``sympy.solve``) for one new symbol
each, gives the other symbols small values of their domains (:data:`WITNESS_VALUES`) and
keeps a candidate only when every hypothesis and every declaration holds there exactly.
"""

from __future__ import annotations

import itertools
from typing import Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ...expr import objects
from ...expr.scope import INTEGER_KINDS, REAL_KINDS, ScalarDecl, Scope
from .canonical import canonical

WITNESS_VALUES = tuple(sympy.Rational(v) for v in ("0", "1", "-1", "2", "1/2", "-2", "3", "-1/2", "5", "1/3",
                                                    "10", "-10", "1/10", "100"))
"""The values tried for the symbols an exact witness does not solve for, in this order."""

MAX_WITNESS_TRIES = 256
"""Candidate points tried per solution of the equalities."""


def exact_witness(hypotheses: Sequence[objects.Relation], scope: Scope) -> dict[sympy.Symbol, sympy.Expr] | None:
    """Exact values of the declared scalars at which every hypothesis holds, or None when none
    is found (or a hypothesis is not a relation between declared real or integer scalars).

    The equalities are solved (``sympy.solve``) for one new symbol each; the other symbols
    take small values of their domains (:data:`WITNESS_VALUES`); a candidate counts only when
    every hypothesis and every declaration holds there exactly.
    """
    facts = _scalar_relations(hypotheses)
    if not facts:
        return None
    facts = [_moments_from_laws(r, scope) for r in facts]
    decls: dict[sympy.Symbol, ScalarDecl] = {}
    for r in facts:
        for sym in r.lhs.free_symbols | r.rhs.free_symbols:
            decl = scope.names.get(getattr(sym, "name", ""))
            if not (isinstance(decl, ScalarDecl) and decl.symbol == sym
                    and decl.kind in REAL_KINDS + INTEGER_KINDS):
                return None  # a random variable, a sequence element, a bound variable: not searched
            decls[sym] = decl
    equalities = [r.lhs - r.rhs for r in facts if r.op == "="]
    unknowns: list[sympy.Symbol] = []
    for d in equalities:
        # solve for an unconstrained real first: a constrained one keeps values of its domain
        fresh = sorted((x for x in d.free_symbols if x not in unknowns and decls[x].kind in REAL_KINDS),
                       key=lambda x: (decls[x].kind != "real" or decls[x].interval is not None, x.name))
        if fresh:
            unknowns.append(fresh[0])
    try:
        solutions = sympy.solve(equalities, unknowns, dict=True) if unknowns else [{}]
    except Exception:  # noqa: BLE001 - SymPy cannot solve them: no witness
        return None
    rest = sorted(set(decls) - set(unknowns), key=lambda x: x.name)
    grids = [[v for v in WITNESS_VALUES if _in_domain(decls[x], v)] for x in rest]
    for solution in solutions:
        for values in itertools.islice(itertools.product(*grids), MAX_WITNESS_TRIES):
            point = dict(zip(rest, values))
            point.update({x: _solution_value(solution, x).xreplace(point) for x in unknowns})
            if all(_in_domain(decls[x], v) for x, v in point.items()) and all(_holds_at(r, point) for r in facts):
                return point
    return None


def _scalar_relations(hypotheses: Sequence[objects.Relation]) -> list[objects.Relation] | None:
    """The hypotheses with Python numbers as SymPy numbers, or None when one of them is not a
    relation between scalar SymPy objects (a matrix relation)."""
    out = []
    for h in hypotheses:
        sides = [sympy.sympify(x, strict=True) if isinstance(x, (int, float)) else x for x in (h.lhs, h.rhs)]
        if not all(isinstance(x, sympy.Basic) and not isinstance(x, (MatrixExpr, sympy.MatrixBase)) for x in sides):
            return None
        out.append(objects.Relation(sides[0], h.op, sides[1]))
    return out


def _moments_from_laws(relation: objects.Relation, scope: Scope) -> objects.Relation:
    """The relation with each side in canonical form where that leaves no moment and no random
    variable (``E(X) = m`` for ``X: random normal(mu, s2)`` is ``mu = m``): an identity under
    the declared laws, so the relation holds at a point exactly when this form does."""
    sides = []
    for side in (relation.lhs, relation.rhs):
        if isinstance(side, sympy.Basic) and side.has(objects.Expectation, objects.Variance, objects.Covariance):
            try:
                form = canonical(side, scope)
            except Exception:  # noqa: BLE001 - no canonical form: the side stays as written
                form = side
            names = scope.random_names()
            if not form.has(objects.Expectation) and not any(getattr(x, "name", "") in names for x in form.free_symbols):
                side = form
        sides.append(side)
    return objects.Relation(sides[0], relation.op, sides[1])


def _solution_value(solution: dict, x: sympy.Symbol) -> sympy.Expr:
    """The value SymPy solved for x (x itself where it was left free), as a SymPy object."""
    value = solution.get(x, x)
    return sympy.sympify(value, strict=True)


def _in_domain(decl: ScalarDecl, value: sympy.Expr) -> bool:
    """Whether an exact value satisfies the declaration (kind and interval)."""
    value = sympy.sympify(value, strict=True)
    if value.free_symbols or value.is_extended_real is not True:
        return False
    if decl.kind in INTEGER_KINDS and value.is_integer is not True:
        return False
    inside = decl.value_set().contains(value)
    return inside is sympy.true


def _holds_at(relation: objects.Relation, point: dict[sympy.Symbol, sympy.Expr]) -> bool:
    """Whether the relation holds exactly at the point (undecided counts as not holding)."""
    d = (relation.lhs - relation.rhs).xreplace(point)
    if d.free_symbols or d.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return False
    if relation.op == "=":
        return d == 0 or sympy.simplify(d) == 0
    if d.is_extended_real is not True:
        return False
    return {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}[relation.op](d, 0) is sympy.true


__all__ = ["exact_witness"]
