"""Expectations, variances and covariances in canonical form: raw moments.

``Var(u)`` becomes ``E(u**2) - E(u)**2`` and ``Cov(u, v)`` becomes
``E(u*v) - E(u)*E(v)``; ``E`` is then pushed through sums and non-random
coefficients (linearity), and a product of random variables is split into a
product of expectations ONLY when every variable in it belongs to one declared
independence group and the factors are provably distinct variables. Nothing is
ever assumed independent otherwise, so two sides that are equal in this form are
equal for every joint distribution the declarations allow.
"""

from __future__ import annotations

from typing import Iterable

import sympy

from ...expr.objects import Covariance, Expectation, Variance
from ...expr.scope import Scope
from .law_moments import law_moment, scope_has_laws
from .inequalities import provably_nonzero
from .sums import finite_limits

_PROBABILITY = (Expectation, Variance, Covariance)


def has_probability(expr: sympy.Basic) -> bool:
    """True when ``expr`` contains E, Var or Cov."""
    return isinstance(expr, sympy.Basic) and expr.has(*_PROBABILITY)


def random_leaves(expr: sympy.Basic, scope: Scope) -> set[sympy.Basic]:
    """Random variables (symbols and sequence elements) that occur outside E/Var/Cov."""
    names = scope.random_names()
    found: set[sympy.Basic] = set()

    def visit(node: sympy.Basic) -> None:
        if isinstance(node, _PROBABILITY):
            return
        if isinstance(node, sympy.Indexed):
            if str(node.base.label) in names:
                found.add(node)
            for index in node.indices:
                visit(index)
            return
        if isinstance(node, sympy.Symbol) and node.name in names:
            found.add(node)
            return
        for arg in node.args:
            if isinstance(arg, sympy.Basic):
                visit(arg)

    visit(expr)
    return found


def to_moments(expr: sympy.Basic, scope: Scope) -> sympy.Basic:
    """Rewrite every E/Var/Cov in ``expr`` into linear combinations of raw moments."""
    if not has_probability(expr):
        return expr

    def rewrite(node: sympy.Basic) -> sympy.Basic:
        if not isinstance(node, sympy.Basic) or not node.args:
            return node
        if isinstance(node, Variance):
            u = rewrite(node.args[0])
            return _expect(u * _copy(u), scope) - _expect(u, scope) ** 2
        if isinstance(node, Covariance):
            u, v = rewrite(node.args[0]), rewrite(node.args[1])
            return _expect(u * _copy(v, avoid=u), scope) - _expect(u, scope) * _expect(v, scope)
        if isinstance(node, Expectation):
            return _expect(rewrite(node.args[0]), scope)
        new_args = [rewrite(a) for a in node.args]
        if all(a is b for a, b in zip(new_args, node.args)):
            return node
        return node.func(*new_args)

    return rewrite(expr)


def _copy(expr: sympy.Basic, avoid: sympy.Basic | None = None) -> sympy.Basic:
    """``expr`` with the bound variables of its sums renamed apart (for products of sums)."""
    taken = set(avoid.free_symbols) if avoid is not None else set()
    for s in expr.atoms(sympy.Sum):
        for limit in s.limits:
            taken.add(limit[0])
    mapping = {}
    for s in expr.atoms(sympy.Sum, sympy.Product):
        for limit in s.limits:
            var = limit[0]
            if var in mapping:
                continue
            fresh = sympy.Dummy(var.name, integer=True)
            mapping[var] = fresh
    return expr.xreplace(mapping) if mapping else expr


def _expect(expr: sympy.Basic, scope: Scope) -> sympy.Basic:
    """E(expr) by linearity; products of random factors go to :func:`_factor_moment`."""
    if not random_leaves(expr, scope):
        return expr
    if isinstance(expr, sympy.Add):
        return sympy.Add(*[_expect(t, scope) for t in expr.args])
    if isinstance(expr, sympy.Sum):
        if any(random_leaves(b, scope) for lim in expr.limits for b in lim[1:]) or not finite_limits(expr):
            return Expectation(expr)  # (E of an infinite sum is the sum of E's only under convergence)
        return sympy.Sum(_expect(expr.function, scope), *expr.limits)
    if isinstance(expr, sympy.Mul):
        constant, random = [], []
        for f in expr.args:
            (random if random_leaves(f, scope) else constant).append(f)
        spread = _distribute(random)
        if spread is not None:
            return sympy.Mul(*constant) * _expect(spread, scope)
        return sympy.Mul(*constant) * _factor_moment(sympy.Mul(*random), scope)
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and expr.exp > 1:
        if isinstance(expr.base, (sympy.Add, sympy.Sum)):
            copies = [expr.base] + [_copy(expr.base, avoid=expr.base) for _ in range(int(expr.exp) - 1)]
            if int(expr.exp) <= 8:
                return _expect(sympy.Mul(*copies, evaluate=False), scope)
    return _factor_moment(expr, scope)


def _distribute(factors: list[sympy.Basic]) -> sympy.Basic | None:
    """Multiply out a product whose factors include a sum (Add or Sum); None if none does."""
    for k, f in enumerate(factors):
        rest = sympy.Mul(*(factors[:k] + factors[k + 1 :]))
        if isinstance(f, sympy.Add):
            return sympy.Add(*[t * rest for t in f.args])
        if isinstance(f, sympy.Sum):
            inner = _copy(f, avoid=rest)
            return sympy.Sum(inner.function * rest, *inner.limits)
        if isinstance(f, sympy.Pow) and f.exp.is_Integer and f.exp > 1 and isinstance(f.base, (sympy.Add, sympy.Sum)):
            expanded = sympy.Mul(*([f.base] * int(f.exp)), evaluate=False)
            return sympy.Mul(expanded, rest, evaluate=False) if int(f.exp) <= 8 else None
    return None


def _factor_moment(monomial: sympy.Basic, scope: Scope) -> sympy.Basic:
    """E of a product of random factors, split only where independence is declared."""
    leaves = random_leaves(monomial, scope)
    group = _common_group(leaves, scope)
    if group is None or not isinstance(monomial, (sympy.Mul, sympy.Pow)):
        return _moment(monomial, scope, leaves)
    factors = [monomial] if isinstance(monomial, sympy.Pow) else list(monomial.args)
    blocks = _blocks(factors, scope)
    if len(blocks) < 2:
        return _moment(monomial, scope, leaves)
    return sympy.Mul(*[_moment(sympy.Mul(*b), scope) for b in blocks])


def _moment(block: sympy.Basic, scope: Scope, leaves: set[sympy.Basic] | None = None) -> sympy.Basic:
    """E(block) in closed form where its variables' declared laws give it, else E(block)."""
    if not scope_has_laws(scope):
        return Expectation(block)
    value = law_moment(block, random_leaves(block, scope) if leaves is None else leaves, scope)
    return Expectation(block) if value is None else value


def _group_name(leaf: sympy.Basic) -> str:
    return str(leaf.base.label) if isinstance(leaf, sympy.Indexed) else leaf.name


def _common_group(leaves: Iterable[sympy.Basic], scope: Scope) -> frozenset[str] | None:
    names = {_group_name(leaf) for leaf in leaves}
    for group in scope.independent:
        if names <= group:
            return group
    return None


def _maybe_same(a: sympy.Basic, b: sympy.Basic) -> bool:
    """Could the two leaves be the same random variable?"""
    if a == b:
        return True
    if isinstance(a, sympy.Indexed) and isinstance(b, sympy.Indexed) and a.base == b.base:
        for i, j in zip(a.indices, b.indices):
            difference = sympy.simplify(i - j)
            if provably_nonzero(difference):
                return False
        return True
    return False


def _blocks(factors: list[sympy.Basic], scope: Scope) -> list[list[sympy.Basic]]:
    """Group factors into blocks that share (or may share) a random variable."""
    leaf_sets = [random_leaves(f, scope) for f in factors]
    parent = list(range(len(factors)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(factors)):
        for j in range(i + 1, len(factors)):
            if any(_maybe_same(a, b) for a in leaf_sets[i] for b in leaf_sets[j]):
                parent[find(i)] = find(j)
    grouped: dict[int, list[sympy.Basic]] = {}
    for i, f in enumerate(factors):
        grouped.setdefault(find(i), []).append(f)
    return list(grouped.values())
