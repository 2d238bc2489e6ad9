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
