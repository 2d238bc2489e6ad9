"""Proofs at instances: integer parameters and dimensions set to concrete values.

At an instance every sum and product with concrete bounds is expanded and every
matrix is written out entry by entry (with symbolic entries), so the identity
becomes a finite one that the general strategies can settle. A proof at every
listed instance gives ``proved-instances`` -- never ``proved``. Dimensions that no
``for`` lists are tried at a few default shapes; a proof that rests on them is not
a proof at instances the author chose (``InstancePlan.defaulted``), and the
pipeline does not report it as ``proved-instances``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import sympy

from ...expr.objects import Relation
from ...expr.scope import ScalarDecl, Scope
from ..realize import RealizeError, realize_symbolic
from .consistency import inconsistency
from .strategies import prove

MAX_INSTANCES = 64
DEFAULT_DIMENSION_SETS = ((1,), (2,), (2, 3, 4))  # all 1, all 2, distinct (non-square) sizes


def integer_parameters(relation: Relation, scope: Scope) -> list[sympy.Symbol]:
    """The integer parameters the relation depends on, shapes included, in declaration order."""
    used: set[sympy.Basic] = set()
    for side in (relation.lhs, relation.rhs):
        if isinstance(side, sympy.Basic):
            used |= side.free_symbols
            for m in side.atoms(sympy.MatrixSymbol):
                for dim in m.shape:
                    used |= sympy.sympify(dim, strict=True).free_symbols
    return [
        d.symbol
        for d in scope.names.values()
        if isinstance(d, ScalarDecl) and d.is_integer and d.symbol in used
    ]


@dataclass(frozen=True)
class InstancePlan:
    """The instances of one item: ``described`` e.g. ``t in 1..12; n in (1); (2)``;
    ``defaulted`` names the dimensions that no ``for`` lists (tried at default shapes)."""

    assignments: list[dict[sympy.Symbol, int]]
    described: str
    defaulted: tuple[str, ...] = ()


def instance_assignments(relation: Relation, scope: Scope, listed: dict[str, tuple[int, ...]]) -> InstancePlan:
    """The instances to try: every combination of the listed values, times the default
    shapes of the dimensions no ``for`` lists (see :data:`DEFAULT_DIMENSION_SETS`)."""
    params = integer_parameters(relation, scope)
    if not params:
        return InstancePlan([], "")
    choices: list[tuple[sympy.Symbol, tuple[int, ...]]] = []
    dims = []
    for p in params:
        if p.name in listed:
            choices.append((p, tuple(listed[p.name])))
        elif _kind(p, scope) == "dimension":
            dims.append(p)
    assignments: list[dict[sympy.Symbol, int]] = []
    listed_product = list(itertools.product(*[values for _, values in choices])) or [()]
    dim_sets = _dimension_sets(dims)
    for values in listed_product:
        for dim_values in dim_sets:
            a = {p: v for (p, _), v in zip(choices, values)}
            a.update(dim_values)
            if a and a not in assignments:
                assignments.append(a)
    assignments = assignments[:MAX_INSTANCES]
    parts = [f"{p.name} in {_range_text(vs)}" for p, vs in choices]
    if dims:
        parts.append(", ".join(d.name for d in dims) + " in " + "; ".join(
            "(" + ", ".join(str(s[d]) for d in dims) + ")" for s in dim_sets))
    described = "; ".join(parts) + (f" ({len(assignments)} instances)" if assignments else "")
    return InstancePlan(assignments, described, tuple(d.name for d in dims))


def _kind(symbol: sympy.Symbol, scope: Scope) -> str:
    decl = scope.names.get(symbol.name)
    return decl.kind if isinstance(decl, ScalarDecl) else ""


def _dimension_sets(dims: list[sympy.Symbol]) -> list[dict[sympy.Symbol, int]]:
    if not dims:
        return [{}]
    out = []
    for pattern in DEFAULT_DIMENSION_SETS:
        values = {d: pattern[i % len(pattern)] for i, d in enumerate(dims)}
        if values not in out:
            out.append(values)
    return out


def _range_text(values: tuple[int, ...]) -> str:
    if len(values) > 2 and list(values) == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}..{values[-1]}"
    return "{" + ", ".join(map(str, values)) + "}"


def instantiate(expr: Any, assignment: dict[sympy.Symbol, int], scope: Scope) -> Any:
    """``expr`` at one instance: parameters replaced, sums/products expanded, matrices explicit."""

    if not isinstance(expr, sympy.Basic):
        return expr
    try:
        return realize_symbolic(expr, scope, assignment)
    except RealizeError:
        closed = _closed_at(expr, assignment)
        if closed is None:
            raise
        return closed


MAX_DOIT = 4  # rounds of doit to a fixed point


def _closed_at(expr: sympy.Basic, assignment: dict[sympy.Symbol, int]) -> sympy.Expr | None:
    """An instance too large to write out (``trace(eye(n))`` at n = 6000), as SymPy's
    ``doit`` of it (to a fixed point): used only when that is a scalar holding no matrix,
    sum, product or integral (``6000``); else None."""
    value = expr.xreplace({k: sympy.Integer(v) for k, v in assignment.items()})
    for _ in range(MAX_DOIT):
        after = value.doit()
        if after == value:
            break
        value = after
    if not isinstance(value, sympy.Expr) or getattr(value, "is_Matrix", False):
        return None
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None  # no value at the instance (1/0 in a term): nothing to prove there
    if any(isinstance(n, (sympy.MatrixExpr, sympy.MatrixBase, sympy.Sum, sympy.Product, sympy.Integral))
           for n in sympy.preorder_traversal(value)):
        return None
    return value


def prove_at_instances(
    relation: Relation,
    scope: Scope,
    assignments: list[dict[sympy.Symbol, int]],
    hypotheses: list[Relation] | tuple[Relation, ...] = (),
    names: list[str] | tuple[str, ...] = (),
) -> tuple[bool, str]:
    """(True, method) when the relation is proved at every assignment; else (False, why).

    At an instance where the hypotheses (named ``names``) hold nowhere, a proof would be
    vacuous: there is none (see :func:`derivcheck.check.symbolic.consistency.inconsistency`)."""

    methods: set[str] = set()
    for a in assignments:
        try:
            lhs = instantiate(relation.lhs, a, scope)
            rhs = instantiate(relation.rhs, a, scope)
        except Exception as exc:  # realisation refused (too large, unsupported object)
            return False, f"could not realise at {_show(a)}: {exc}"
        at, at_names = [], []
        for k, h in enumerate(hypotheses):
            try:
                at.append(Relation(instantiate(h.lhs, a, scope), h.op, instantiate(h.rhs, a, scope)))
                at_names.append(names[k] if k < len(names) else f"hypothesis {k + 1}")
            except Exception:  # a hypothesis that cannot be realised here is simply not used
                continue
        contradiction = inconsistency(at, at_names, scope, groebner=False) if at else None
        if contradiction is not None:
            return False, f"at {_show(a)} the hypotheses are inconsistent: {contradiction}"
        proof = prove(Relation(lhs, relation.op, rhs), scope, at)
        if proof is None:
            return False, f"no symbolic proof at {_show(a)}"
        methods.add(proof.method)
    return True, "instances: " + ", ".join(sorted(methods))


def _show(assignment: dict[sympy.Symbol, int]) -> str:
    return ", ".join(f"{k.name} = {v}" for k, v in assignment.items())
