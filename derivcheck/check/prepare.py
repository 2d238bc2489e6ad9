"""How a numeric check uses a step's hypotheses (its ``using`` relations).

Each hypothesis is solved for a lone symbol (or a lone matrix factor) and
substituted, applied as a rewrite rule (``Var(X[i]) = s**2``, enforced exactly on
the probability space when it is a law), or kept to filter the sampled points
(eigenvector hypotheses are then satisfied by construction, see
:mod:`derivcheck.check.eigen`). ``caveats`` say why a disagreement may not be a
counterexample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import sympy

from ..expr import objects
from ..expr.scope import MatrixDecl, ScalarDecl, Scope

@dataclass(frozen=True)
class Prepared:
    """The relation after solved substitutions and rewrite rules; the hypotheses left to filter
    points with; ``caveats`` say why a disagreement may not be a counterexample."""

    relation: objects.Relation
    filters: tuple[objects.Relation, ...]
    caveats: tuple[str, ...]
    laws: tuple[objects.Relation, ...] = ()


_MOMENTS = (objects.Expectation, objects.Variance, objects.Covariance)


def prepare(relation: objects.Relation, hypotheses: Sequence[objects.Relation], scope: Scope) -> Prepared:
    """Use each hypothesis: solve-and-substitute, rewrite rule (``Var(X[i]) = s**2``), or filter."""
    from .hypotheses import quantified_indices, rewrite_with, solve_for_lone_factor, solve_for_lone_symbol

    pending = list(hypotheses)
    filters: list[objects.Relation] = []
    laws: list[objects.Relation] = []
    unenforced: list[str] = []
    while pending:
        h = pending.pop(0)
        if h.op == "=" and isinstance(h.lhs, sympy.Basic) and (
                isinstance(h.lhs, _MOMENTS) or quantified_indices(h.lhs, scope)):
            relation = objects.Relation(rewrite_with(relation.lhs, h, scope), relation.op,
                                        rewrite_with(relation.rhs, h, scope))
            quantified = quantified_indices(h.lhs, scope)
            law = _law(h, quantified, scope)
            if law is not None:
                laws.append(law)
                if isinstance(h.lhs, objects.Variance) and not (
                        isinstance(h.rhs, sympy.Basic) and h.rhs.free_symbols & set(quantified)):
                    # the space takes sqrt(v): a negative v would give complex "random variables"
                    filters.append(objects.Relation(h.rhs, ">=", sympy.Integer(0)))
            elif not quantified:
                # one relation, realisable as it stands: it also filters the points,
                # where rewriting with it does not change the claim's value
                filters.append(h)
            else:
                # the sampled point need not satisfy the rule, so a disagreement
                # after rewriting is no counterexample to "rule implies claim"
                unenforced.append(sympy.sstr(h.lhs))
            continue
        solved = None
        if h.op == "=":
            try:
                solved = solve_for_lone_symbol(h.lhs, h.rhs) or solve_for_lone_factor(
                    h.lhs, h.rhs, _invertible_matrices(scope))
            except Exception:  # noqa: BLE001 - an unsolvable hypothesis is simply a filter
                solved = None
        if solved is not None and _solvable(solved[0], scope):
            symbol, value = solved
            subs = {symbol: value}
            relation = objects.Relation(_subs(relation.lhs, subs), relation.op, _subs(relation.rhs, subs))
            pending = [objects.Relation(_subs(p.lhs, subs), p.op, _subs(p.rhs, subs)) for p in pending]
            filters = [objects.Relation(_subs(p.lhs, subs), p.op, _subs(p.rhs, subs)) for p in filters]
            filters.extend(_domain_filters(symbol, value, scope))
            continue
        filters.append(h)
    caveats = [f"the rewrite-rule hypothesis on {lhs} is not enforced at the sampled points" for lhs in unenforced]
    return Prepared(relation, tuple(filters), tuple(caveats), tuple(laws))


def _law(h: objects.Relation, quantified: list[sympy.Symbol], scope: Scope) -> objects.Relation | None:
    """``E(P) = m`` or ``Var(P) = v`` with P one random variable and m, v not random: the
    pattern (quantified indices as Wilds) that the probability space is built to satisfy."""
    if not isinstance(h.lhs, (objects.Expectation, objects.Variance)):
        return None
    target = h.lhs.args[0]
    names = scope.random_names()
    if isinstance(target, sympy.Indexed):
        if str(target.base.label) not in names:
            return None
        # the space is matched against realised atoms (X[3]): an index symbol must be
        # quantified (a Wild) or an integer parameter, which each configuration fixes
        # (X[n] with n a dimension is X[3] at n = 3: see numeric.Trial.build)
        if any(s not in quantified and not _configured(s, scope)
               for index in target.indices for s in index.free_symbols):
            return None
    elif not (isinstance(target, sympy.Symbol) and target.name in names):
        return None
    name = str(target.base.label) if isinstance(target, sympy.Indexed) else target.name
    if getattr(scope.names[name], "distribution", None) is not None:
        return None  # a declared law fixes the moments: the hypothesis is checked against it, not enforced
    if isinstance(h.rhs, sympy.Basic) and any(_mentions(h.rhs, n) for n in names):
        return None
    # the space satisfies the law only at the instances the hypothesis speaks of: a
    # concrete index inside the declared domain of its symbol (not X[0] for k: natural)
    wilds = {v: sympy.Wild(f"w_{v.name}", properties=[_in_domain(v, scope)]) for v in quantified}
    return objects.Relation(h.lhs.xreplace(wilds), "=", h.rhs.xreplace(wilds) if isinstance(h.rhs, sympy.Basic) else h.rhs)


def _configured(symbol: sympy.Basic, scope: Scope) -> bool:
    """An integer parameter (integer, natural, dimension): one value per integer configuration."""
    decl = scope.names.get(getattr(symbol, "name", ""))
    return getattr(decl, "symbol", None) == symbol and getattr(decl, "kind", "") in ("integer", "natural", "dimension")


def _in_domain(symbol: sympy.Symbol, scope: Scope) -> Callable[[sympy.Basic], bool]:
    from .index_domain import provably_in_domain

    return lambda value: bool(value.is_Integer) and provably_in_domain(value, symbol, scope)


def _subs(expr: Any, subs: dict) -> Any:
    return expr.xreplace(subs) if isinstance(expr, sympy.Basic) else expr


def _mentions(expr: sympy.Basic, name: str) -> bool:
    from .finite_space import unique_nodes

    return any(str(getattr(n, "label", n)) == name for n in unique_nodes([expr])
               if isinstance(n, (sympy.Symbol, sympy.IndexedBase)))


def _invertible_matrices(scope: Scope) -> set[sympy.Basic]:
    """Matrices declared invertible (orthogonal and pd ones are)."""
    return {d.symbol for d in scope.names.values()
            if isinstance(d, MatrixDecl) and d.qualifiers & {"invertible", "orthogonal", "pd"}}


def _solvable(symbol: sympy.Basic, scope: Scope) -> bool:
    decl = scope.names.get(getattr(symbol, "name", ""))
    if isinstance(decl, MatrixDecl):
        return decl.symbol == symbol and not decl.qualifiers
    return (isinstance(decl, ScalarDecl) and decl.symbol == symbol
            and decl.kind in ("real", "positive", "nonnegative", "negative"))


def _domain_filters(symbol: sympy.Basic, value: Any, scope: Scope) -> list[objects.Relation]:
    decl = scope.names.get(getattr(symbol, "name", ""))
    if not isinstance(decl, ScalarDecl):
        return []
    out = {"positive": [objects.Relation(value, ">", sympy.Integer(0))],
           "nonnegative": [objects.Relation(value, ">=", sympy.Integer(0))],
           "negative": [objects.Relation(value, "<", sympy.Integer(0))]}.get(decl.kind, [])
    if decl.interval is not None:
        if decl.interval.lo is not None:
            out.append(objects.Relation(value, ">" if decl.interval.lo_open else ">=", decl.interval.lo))
        if decl.interval.hi is not None:
            out.append(objects.Relation(value, "<" if decl.interval.hi_open else "<=", decl.interval.hi))
    return out
