"""Sums and products with symbolic bounds: telescoping and SymPy's own ``doit``.

``telescope`` rewrites ``Sum(g(k+1) - g(k), (k, a, b))`` as ``g(b+1) - g(a)``.
With SymPy's (Karr's) convention for sums whose upper bound is below the lower
one this identity holds for every a and b, so the rewrite is sound for all
integer parameters.
"""

from __future__ import annotations

import sympy

from .rewrite import bottom_up


def telescope(expr: sympy.Basic) -> sympy.Basic:
    """Rewrite every telescoping ``Sum`` in ``expr``; other sums are left alone."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Sum):
        return expr

    def transform(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, sympy.Sum) and len(node.limits) == 1:
            collapsed = _telescope_one(node)
            if collapsed is not None:
                return collapsed
        return node

    return bottom_up(expr, transform)


def _telescope_one(node: sympy.Sum) -> sympy.Basic | None:
    (k, a, b), = node.limits
    body = sympy.expand(node.function)
    terms = list(body.args) if isinstance(body, sympy.Add) else [body]
    if len(terms) < 2:
        return None
    # find a split body = g(k+1) - g(k): pair each term u with a term v such that u == -v(k+1)
    remaining = list(terms)
    g_terms: list[sympy.Basic] = []  # the parts of g(k) (with sign)
    while remaining:
        v = remaining.pop(0)
        shifted = sympy.expand(-v.subs(k, k + 1))
        partner = None
        for idx, u in enumerate(remaining):
            if _same(u, shifted):
                partner = idx
                break
        if partner is None:
            # maybe v is the g(k+1) half of a pair
            back = sympy.expand(-v.subs(k, k - 1))
            for idx, u in enumerate(remaining):
                if _same(u, back):
                    partner = idx
                    v = u
                    break
            if partner is None:
                return None
        remaining.pop(partner)
        g_terms.append(-v)
    g = sympy.Add(*g_terms)
    return g.subs(k, b + 1) - g.subs(k, a)


def _same(u: sympy.Basic, v: sympy.Basic) -> bool:
    if u == v:
        return True
    from .canonical import rename_dummies

    return sympy.expand(rename_dummies(u) - rename_dummies(v)) == 0


MAX_ORDERED_LIMITS = 4
"""Independent limits of one Sum are put in a canonical order up to this many (4! orders)."""


def normalize_sums(expr: sympy.Basic) -> sympy.Basic:
    """Sums in a normal form, so that equal sums written differently become equal.

    Each rewrite is linearity of finite sums or the exchange of independent finite
    sums, which hold for every value of the bounds (SymPy's convention for an upper
    bound below the lower one gives signed sums, for which both still hold):

    * the summand is expanded and split: ``Sum(a + b) = Sum(a) + Sum(b)``;
    * factors free of the summation variables come out: ``Sum(c*a) = c*Sum(a)``;
    * sums inside a summand's product go in: ``Sum(f(i) * Sum(g(i, j), j), i)`` is
      ``Sum(f(i)*g(i, j), j, i)`` (when no bound variable name clashes);
    * a sum over independent limits (no bound mentions another's variable) of a
      product splits into a product of sums, one per group of factors sharing
      summation variables, and each keeps its limits in one canonical order.
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Sum):
        return expr
    return bottom_up(expr, lambda node: _normal_sum(node) if isinstance(node, sympy.Sum) else node)


def _normal_sum(node: sympy.Sum, depth: int = 0) -> sympy.Basic:
    limits = list(node.limits)
    dummies = {limit[0] for limit in limits}
    total: sympy.Basic = sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.expand(node.function)):
        outside, inside, sums = [], [], []
        factors = sympy.Mul.make_args(term)
        for k, factor in enumerate(factors):
            if not factor.free_symbols & dummies:
                outside.append(factor)
            elif isinstance(factor, sympy.Sum) and depth < 8 and _can_merge(
                    factor, [*factors[:k], *factors[k + 1:]], limits):
                sums.append(factor)
            else:
                inside.append(factor)
        if len(sums) == 1:  # one inner sum: fold the outer limits into it
            inner = sums[0]
            merged = sympy.Sum(sympy.Mul(*inside) * inner.function, *inner.limits, *limits)
            total += sympy.Mul(*outside) * _normal_sum(merged, depth + 1)
            continue
        inside.extend(sums)
        if not inside:
            total += sympy.Mul(*outside) * sympy.Sum(sympy.Integer(1), *limits).doit()
            continue
        total += sympy.Mul(*outside) * sympy.Mul(*[_ordered(part) for part in _separated(inside, limits)])
    return total


def _separated(factors: list[sympy.Basic], limits: list[tuple]) -> list[sympy.Sum]:
    """``Sum(f(i) * g(j), i, j) = Sum(f(i), i) * Sum(g(j), j)`` for independent limits: one
    sum per group of factors that share summation variables."""
    whole = [sympy.Sum(sympy.Mul(*factors), *limits)]
    dummies = [limit[0] for limit in limits]
    if len(limits) < 2 or _dependent(limits):
        return whole
    group = {d: d for d in dummies}

    def root(d: sympy.Basic) -> sympy.Basic:
        while group[d] != d:
            d = group[d]
        return d

    for factor in factors:
        mine = [d for d in dummies if d in factor.free_symbols]
        for other in mine[1:]:
            group[root(other)] = root(mine[0])
    roots = list(dict.fromkeys(root(d) for d in dummies))
    if len(roots) == 1:
        return whole
    parts = []
    for r in roots:
        mine = {d for d in dummies if root(d) == r}
        body = sympy.Mul(*[f for f in factors if f.free_symbols & mine])
        parts.append(sympy.Sum(body, *[limit for limit in limits if limit[0] in mine]))
    return parts


def _dependent(limits: list[tuple]) -> bool:
    """Whether some bound mentions a summation variable of the same sum."""
    dummies = {limit[0] for limit in limits}
    return any(set().union(*(b.free_symbols for b in limit[1:])) & dummies for limit in limits)


def _can_merge(inner: sympy.Sum, others: list[sympy.Basic], limits: list[tuple]) -> bool:
    """Whether the outer limits can join ``inner``'s without capturing a name."""
    inner_dummies = {limit[0] for limit in inner.limits}
    outer_dummies = {limit[0] for limit in limits}
    if inner_dummies & outer_dummies:
        return False
    mentioned = set().union(*(o.free_symbols for o in others)) if others else set()
    return not mentioned & inner_dummies


def _ordered(node: sympy.Sum) -> sympy.Sum:
    """The order of independent limits whose renamed form sorts first."""
    from itertools import permutations

    from .canonical import rename_dummies

    limits = list(node.limits)
    if not 2 <= len(limits) <= MAX_ORDERED_LIMITS or _dependent(limits):
        return node
    best = min(permutations(limits),
               key=lambda order: sympy.default_sort_key(rename_dummies(sympy.Sum(node.function, *order))))
    return sympy.Sum(node.function, *best)
