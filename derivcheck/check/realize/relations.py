"""Relations realised: both sides of a claim and its hypotheses written out at one
configuration, on one finite probability space shared by their random variables.

:func:`realize_relations` realises each side with one :class:`~.realizer.Realizer` pass,
builds the space for the random atoms found (:func:`~.genericity.generic_space`), makes
the declared laws (``E(X) = m``, ``Var(X) = v``) hold on it, evaluates E/Var/Cov
exactly, and lists the two sides at each outcome of what is left random
(:class:`RealizedRelation`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

import sympy

from ...expr import objects
from ...expr.scope import Scope
from ..trees import unique_nodes
from .base import Realization, RealizeError, as_scalar, is_matrix
from .finite_space import FiniteSpace, atoms_for_degree, random_atoms
from .genericity import generic_space
from .integrals import Diverges
from .realizer import Realizer


@dataclass(frozen=True)
class RealizedRelation:
    """A relation realised: ``cases`` holds (lhs, rhs) pairs, one per outcome of the random
    variables that occur outside E/Var/Cov (a single pair when there are none); each side
    is a scalar or an explicit matrix."""

    op: str
    cases: tuple[tuple[Any, Any], ...]
    space: "FiniteSpace | None"

    @functools.cached_property
    def may_diverge(self) -> bool:
        """Whether a side holds a divergent integral (:class:`~derivcheck.check.realize.integrals.Diverges`);
        looked up once, since the sides can be large."""
        roots = [x for case in self.cases for side in case
                 for x in (list(side) if is_matrix(side) else [side]) if isinstance(x, sympy.Basic)]
        return any(isinstance(node, Diverges) for node in unique_nodes(roots))

    def entry_pairs(self) -> list[tuple[Any, Any]] | None:
        """(lhs, rhs) scalars entry by entry over every case (a scalar 0 matches a matrix
        of any shape); None when the two sides' shapes differ otherwise."""
        out = []
        for lhs, rhs in self.cases:
            pairs = side_pairs(lhs, rhs)
            if pairs is None:
                return None
            out.extend(pairs)
        return out


def side_pairs(lhs: Any, rhs: Any) -> list[tuple[Any, Any]] | None:
    """Two written-out sides as (lhs, rhs) scalars entry by entry (a scalar 0 matches a matrix
    of any shape); None when their shapes differ otherwise."""
    if isinstance(lhs, sympy.MatrixBase) and isinstance(rhs, sympy.MatrixBase) and lhs.shape != rhs.shape:
        return None
    left = list(lhs) if isinstance(lhs, sympy.MatrixBase) else [lhs]
    right = list(rhs) if isinstance(rhs, sympy.MatrixBase) else [rhs]
    if len(left) != len(right):
        if left == [0]:
            left = left * len(right)
        elif right == [0]:
            right = right * len(left)
        else:
            return None
    return list(zip(left, right))


def realize_relation(
    relation: objects.Relation, env: Realization, scope: Scope, *, atoms_per_factor: int = 3
) -> RealizedRelation:
    """Realise both sides on one finite probability space built for their random variables
    (``env.space`` is ignored; see :class:`derivcheck.check.realize.finite_space.FiniteSpace`)."""
    return realize_relations([relation], env, scope, atoms_per_factor=atoms_per_factor)[0]


def realize_relations(
    relations: list[objects.Relation], env: Realization, scope: Scope, *, atoms_per_factor: int = 3,
    laws: tuple[objects.Relation, ...] = (), memo: dict | None = None,
) -> list[RealizedRelation]:
    """Several relations (a claim and its hypotheses) realised on ONE shared probability space.

    ``laws`` are hypotheses ``E(P) = m`` / ``Var(P) = v`` whose pattern P is a random
    variable (``Wild`` indices allowed: ``Var(X[w]) = sigma**2``); the space is built so
    that they hold exactly for every matching random variable. ``memo`` (realised
    sub-expressions) may be shared between calls with equal ``env`` but its space.
    """
    first = Realizer(replace(env, space=None), memo)
    sides = []
    for relation in relations:
        if relation.op == "~":
            raise RealizeError("`~` relations are distribution claims, not realisable relations")
        sides.append((relation.op, first.run(relation.lhs), first.run(relation.rhs)))
    atoms: set[sympy.Basic] = set()
    for _, lhs, rhs in sides:
        atoms |= random_atoms(lhs, scope) | random_atoms(rhs, scope)
    # (moments are looked for before realisation, which never introduces them,
    # because the realised sides can be large)
    if not atoms and not any(_has_moments(x) for r in relations for x in (r.lhs, r.rhs)):
        return [RealizedRelation(op, ((lhs, rhs),), None) for op, lhs, rhs in sides]
    space = generic_space(sides, atoms, scope, max(atoms_per_factor, atoms_for_degree(sides, atoms)))
    for atom in list(space.variables):
        targets: dict[type, Any] = {}
        for law in laws:
            match = atom.match(law.lhs.args[0]) if atom != law.lhs.args[0] else {}
            if match is not None:
                targets[type(law.lhs)] = as_scalar(first.run(law.rhs.xreplace(match)), "a law")
        if targets:
            space.constrain(atom, targets.get(objects.Expectation), targets.get(objects.Variance))
    result = []
    for op, lhs, rhs in sides:
        lhs, rhs = space.evaluate_moments(lhs), space.evaluate_moments(rhs)
        result.append(RealizedRelation(op, tuple(space.outcomes((lhs, rhs))), space))
    return result


def _has_moments(expr: Any) -> bool:
    return isinstance(expr, sympy.Basic) and expr.has(objects.Expectation, objects.Variance, objects.Covariance)


__all__ = ["RealizedRelation", "realize_relation", "realize_relations", "side_pairs"]
