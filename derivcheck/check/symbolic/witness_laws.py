"""Finite laws for a witness's random variables (see :mod:`.witness`, rule 4 of ``docs/trust.md``).

Random variables with no declared law that occur in a step's hypotheses get one finite law:
two atoms with probabilities ``q``, ``1 - q`` (``q`` in (0, 1)), else three equally likely
atoms, the atoms real unknowns; on one shared space where none of them is declared
independent of anything, else on a product of one factor per variable (every declared
independence holds there). E/Var/Cov are evaluated on that space. Every such law is a law
the declaration ``X: random`` allows.
"""

from __future__ import annotations

import itertools
from typing import Sequence

import sympy

from ...expr import objects
from ...expr.scope import Interval, RandomDecl, ScalarDecl, Scope
from .canonical import canonical


def random_variables(facts: Sequence[objects.Relation], scope: Scope) -> list[sympy.Symbol] | None:
    """The random variables the facts name, each declared ``random`` with no law; None when
    one has a law or is a random sequence's element (not realised here)."""
    names = scope.random_names()
    found: set[sympy.Symbol] = set()
    for r in facts:
        for side in (r.lhs, r.rhs):
            for node in sympy.preorder_traversal(side):
                if isinstance(node, sympy.Indexed) and str(node.base) in names:
                    return None
                if isinstance(node, sympy.Symbol) and node.name in names:
                    decl = scope.names[node.name]
                    if not (isinstance(decl, RandomDecl) and decl.symbol == node and decl.distribution is None):
                        return None
                    found.add(node)
    return sorted(found, key=lambda s: s.name)


class FiniteLaws:
    """Finite laws for random variables: ``atoms`` real unknowns per variable, on one shared
    space (the same outcomes for all) or, ``independent``, on a product of one factor per
    variable; probabilities ``q``, ``1 - q`` for two atoms (``q`` an unknown in (0, 1)),
    else equally likely."""

    def __init__(self, randoms: Sequence[sympy.Symbol], atoms: int, independent: bool) -> None:
        self.randoms = list(randoms)
        self.independent = independent
        self.values = {x: [sympy.Symbol(f"{x.name}@{j + 1}", real=True) for j in range(atoms)] for x in randoms}
        self.weights: dict[sympy.Symbol, sympy.Symbol] = {}
        factors = self.randoms if independent else [self.randoms[0]]
        for x in factors:
            if atoms == 2:
                self.weights[x] = sympy.Symbol(f"q@{x.name}" if independent else "q@", real=True)
        self.probabilities = {x: self._probabilities(x, atoms) for x in factors}
        if independent:
            combos = itertools.product(*(range(atoms) for _ in self.randoms))
            self.outcomes = [({x: self.values[x][j] for x, j in zip(self.randoms, combo)},
                              sympy.Mul(*(self.probabilities[x][j] for x, j in zip(self.randoms, combo))))
                             for combo in combos]
        else:
            first = self.randoms[0]
            self.outcomes = [({x: self.values[x][j] for x in self.randoms}, self.probabilities[first][j])
                             for j in range(atoms)]

    def _probabilities(self, x: sympy.Symbol, atoms: int) -> list[sympy.Expr]:
        if atoms == 2:
            q = self.weights[x]
            return [q, 1 - q]
        return [sympy.Rational(1, atoms)] * atoms

    def domains(self) -> dict[sympy.Symbol, ScalarDecl]:
        """Each atom a real, each free probability in (0, 1)."""
        out = {v: synthetic(v, None) for values in self.values.values() for v in values}
        out.update({q: synthetic(q, Interval(sympy.Integer(0), sympy.Integer(1))) for q in self.weights.values()})
        return out

    def mean(self, expr: sympy.Expr) -> sympy.Expr:
        return sympy.Add(*(p * expr.xreplace(values) for values, p in self.outcomes))

    def moments(self, expr: sympy.Expr) -> sympy.Expr | None:
        """``expr`` with every E/Var/Cov evaluated on the space (innermost first); None when it
        holds another probabilistic node."""
        if not isinstance(expr, sympy.Basic) or not expr.args:
            return expr
        args = []
        for a in expr.args:
            done = self.moments(a)
            if done is None:
                return None
            args.append(done)
        node = expr.func(*args) if tuple(args) != expr.args else expr
        if isinstance(node, objects.Expectation):
            return self.mean(node.args[0])
        if isinstance(node, objects.Variance):
            a = node.args[0]
            return self.mean(a**2) - self.mean(a) ** 2
        if isinstance(node, objects.Covariance):
            a, b = node.args
            return self.mean(a * b) - self.mean(a) * self.mean(b)
        if isinstance(node, objects.NormalLaw):
            return None
        return node

    def facts(self, facts: Sequence[objects.Relation]) -> list[objects.Relation] | None:
        """The facts on the space: moments evaluated, and a fact with a random variable left
        outside them once per outcome (it holds almost surely, every outcome having a
        positive probability)."""
        out = []
        for r in facts:
            lhs, rhs = self.moments(r.lhs), self.moments(r.rhs)
            if lhs is None or rhs is None:
                return None
            if (lhs.free_symbols | rhs.free_symbols) & set(self.randoms):
                for values, _ in self.outcomes:
                    out.append(objects.Relation(lhs.xreplace(values), r.op, rhs.xreplace(values)))
            else:
                out.append(objects.Relation(lhs, r.op, rhs))
        return out

    def laws(self, point: dict[sympy.Symbol, sympy.Expr]) -> dict[sympy.Symbol, tuple[tuple[sympy.Expr, sympy.Expr], ...]]:
        if self.independent:
            return {x: tuple(zip((v.xreplace(point) for v in self.values[x]),
                                 (sympy.sympify(p, strict=True).xreplace(point) for p in self.probabilities[x])))
                    for x in self.randoms}
        first = self.probabilities[self.randoms[0]]
        return {x: tuple(zip((v.xreplace(point) for v in self.values[x]),
                             (sympy.sympify(p, strict=True).xreplace(point) for p in first)))
                for x in self.randoms}


def synthetic(symbol: sympy.Symbol, interval: Interval | None) -> ScalarDecl:
    """The domain of an unknown the witness introduces (an entry, an atom, a probability)
    written as a declaration: a real, within ``interval``."""
    return ScalarDecl(symbol.name, symbol, "real", interval, None)  # type: ignore[arg-type]


def moments_from_laws(relation: objects.Relation, scope: Scope) -> objects.Relation:
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


__all__ = ["FiniteLaws", "moments_from_laws", "random_variables", "synthetic"]
