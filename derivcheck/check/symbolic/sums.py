"""Sums and products with symbolic bounds: telescoping and SymPy's own ``doit``.

``telescope`` rewrites ``Sum(g(k+1) - g(k), (k, a, b))`` as ``g(b+1) - g(a)``.
With SymPy's (Karr's) convention for sums whose upper bound is below the lower
one this identity holds for every a and b, so the rewrite is sound for all
integer parameters.

Every rewrite here is a rule of *finite* sums: a sum with an infinite bound
(``oo``; any bound not provably finite) is left as it is (splitting it, exchanging
its limits or telescoping it needs convergence). A sum or product one of whose
terms may be undefined (a pole of the summand at an integer in the range,
:func:`undefined_term`) has no value, and no strategy may give it one.
"""

from __future__ import annotations

import sympy
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement

from ..trees import bottom_up, rename_dummies
from .inequalities import provably_nonzero


def telescope(expr: sympy.Basic) -> sympy.Basic:
    """Rewrite every telescoping finite ``Sum`` in ``expr``; other sums are left alone."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Sum):
        return expr

    def transform(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, sympy.Sum) and len(node.limits) == 1 and finite_limits(node):
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
    return sympy.expand(rename_dummies(u) - rename_dummies(v)) == 0


def finite_limits(node: sympy.Basic) -> bool:
    """Whether every bound of a Sum/Product/Integral is provably finite (not ``oo``, ``-oo``)."""
    return all(bound.is_finite is True for limit in node.limits for bound in limit[1:])


def has_infinite_limits(expr: sympy.Basic) -> bool:
    """Whether ``expr`` holds a Sum or Product with a bound not provably finite."""
    return isinstance(expr, sympy.Basic) and any(
        not finite_limits(node) for node in expr.atoms(sympy.Sum, sympy.Product))


MAX_ORDERED_LIMITS = 4
"""Independent limits of one Sum are put in a canonical order up to this many (4! orders)."""


def normalize_sums(expr: sympy.Basic) -> sympy.Basic:
    """Sums in a normal form, so that equal sums written differently become equal.

    Each rewrite is linearity of finite sums or the exchange of independent finite
    sums, which hold for every value of the bounds (SymPy's convention for an upper
    bound below the lower one gives signed sums, for which both still hold). A sum
    with an infinite bound is left as it is (its summand normalised): these rules
    need convergence there.

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
    if not finite_limits(node):
        return node
    if node.function.has(sympy.KroneckerDelta) and depth < 8:
        summed = _sum_out_deltas(node)
        if summed is not None:
            return sympy.Add(*[_normal_sum(part, depth + 1) if isinstance(part, sympy.Sum) else part
                               for part in sympy.Add.make_args(summed)])
    if node.function.has(sympy.Piecewise):
        node = _decided_branches(node)
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


def _sum_out_deltas(node: sympy.Sum) -> sympy.Basic | None:
    """``Sum(f(j) * KroneckerDelta(a, j), (j, lo, hi), ...)`` as
    ``Sum(f(a) * [lo <= a <= hi], ...)``, term by term, for a summation variable ``j``
    that no other bound mentions and ``a`` an integer free of ``j``; None when no term has one.
    Only where ``hi >= lo - 1`` (the range is exactly ``lo..hi``, see :func:`_decided_branches`)."""
    limits = list(node.limits)
    changed, parts = False, []
    for term in sympy.Add.make_args(sympy.expand(node.function)):
        done = _delta_term(term, limits)
        changed |= done is not None
        parts.append(done if done is not None else sympy.Sum(term, *limits))
    return sympy.Add(*parts) if changed else None


def _delta_term(term: sympy.Basic, limits: list[tuple]) -> sympy.Basic | None:
    for delta in (f for f in sympy.Mul.make_args(term) if isinstance(f, sympy.KroneckerDelta)):
        for k, limit in enumerate(limits):
            j, rest = limit[0], limits[:k] + limits[k + 1:]
            if len(limit) != 3 or j not in delta.free_symbols or any(j in b.free_symbols for r in rest for b in r[1:]):
                continue
            a = delta.args[1] if delta.args[0] == j else delta.args[0] if delta.args[1] == j else None
            lo, hi = limit[1:]
            if a is None or j in a.free_symbols or a.is_integer is not True or (hi - lo + 1).is_nonnegative is not True:
                continue
            body = (term / delta).xreplace({j: a}) * sympy.Piecewise((1, sympy.And(lo <= a, a <= hi)), (0, True))
            return sympy.Sum(body, *rest) if rest else body
    return None


def _decided_branches(node: sympy.Sum) -> sympy.Sum:
    """A Piecewise in the summand whose first condition holds at every index of the range,
    replaced by its first branch (``Sum(Piecewise((1, i <= n), (0, True)), (i, 1, n))``).

    The condition must be relations linear in one summation variable ``i`` (and free of
    the others), each true at ``i = lo`` and at ``i = hi``: a half-line holding both ends
    holds between them. Only where ``hi >= lo - 1``, so that the sum runs over exactly
    ``lo..hi`` (an empty range at ``hi = lo - 1``; below, SymPy's convention sums
    other indices, negated)."""
    ranges = {lim[0]: lim[1:] for lim in node.limits if len(lim) == 3}
    dummies = set(ranges)

    def decide(piecewise: sympy.Piecewise) -> sympy.Basic:
        value, condition = piecewise.args[0]
        inside = condition.free_symbols & dummies
        if len(inside) != 1:
            return piecewise
        (i,) = inside
        lo, hi = ranges[i]
        if (hi - lo + 1).is_nonnegative is not True or (lo.free_symbols | hi.free_symbols) & dummies:
            return piecewise
        relations = condition.args if isinstance(condition, sympy.And) else (condition,)
        if all(_holds_between(r, i, lo, hi) for r in relations):
            return value
        return piecewise

    function = node.function.replace(lambda n: isinstance(n, sympy.Piecewise), decide)
    return node if function == node.function else sympy.Sum(function, *node.limits)


def _holds_between(relation: sympy.Basic, i: sympy.Symbol, lo: sympy.Basic, hi: sympy.Basic) -> bool:
    """A relation linear in ``i`` that is true at ``i = lo`` and at ``i = hi``."""
    if not isinstance(relation, (sympy.LessThan, sympy.GreaterThan, sympy.StrictLessThan, sympy.StrictGreaterThan)):
        return False
    gap = relation.lhs - relation.rhs
    try:
        if sympy.Poly(gap, i).degree() > 1:
            return False
    except sympy.PolynomialError:
        return False
    return all(relation.xreplace({i: end}) is sympy.true for end in (lo, hi))


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
    """Whether the outer limits can join ``inner``'s without capturing a name (a finite inner sum)."""
    if not finite_limits(inner):
        return False
    inner_dummies = {limit[0] for limit in inner.limits}
    outer_dummies = {limit[0] for limit in limits}
    if inner_dummies & outer_dummies:
        return False
    mentioned = set().union(*(o.free_symbols for o in others)) if others else set()
    return not mentioned & inner_dummies


def _ordered(node: sympy.Sum) -> sympy.Sum:
    """The order of independent limits whose renamed form sorts first."""
    from itertools import permutations

    limits = list(node.limits)
    if not 2 <= len(limits) <= MAX_ORDERED_LIMITS or _dependent(limits) or not finite_limits(node):
        return node
    best = min(permutations(limits),
               key=lambda order: sympy.default_sort_key(rename_dummies(sympy.Sum(node.function, *order))))
    return sympy.Sum(node.function, *best)


MAX_FACTORED_OPS = 200
"""A denominator larger than this (SymPy's ``count_ops``) is judged whole, not factored."""

MAX_ROOTS_DEGREE = 4
"""Roots are sought of denominators of at most this degree in the index (beyond: no proof)."""

MAX_TERMS_EVALUATED = 2000
"""A factor of a summand that is not a polynomial in the index is evaluated at each
index of a concrete range up to this many terms (beyond it: no proof)."""


def undefined_term(expr: sympy.Basic) -> str | None:
    """Why a Sum or Product in ``expr`` may have an undefined term, or None.

    A term is undefined where the summand divides by zero (or takes ``log(0)``) at an
    integer of the range: ``Sum(1/(k - 9) - 1/(k - 10), (k, 1, 20))`` has no value, and
    telescoping or SymPy's ``doit`` must not give it one. Only the factors of a
    denominator that depend on the index and on integers alone are judged (a factor
    with a real parameter, a sequence element or a declared function vanishes only
    at special values of them, like ``1/x`` elsewhere); each must be provably nonzero
    at every integer of the range: not zero by SymPy's assumptions, no integer root in
    the range (of a polynomial in the index), or nonzero at each index of a concrete
    range of at most :data:`MAX_TERMS_EVALUATED` terms.

    >>> k = sympy.Symbol("k", integer=True)
    >>> undefined_term(sympy.Sum(1/(k - 9), (k, 1, 20)))
    'the term of Sum(1/(k - 9), (k, 1, 20)) at k = 9 is undefined (k - 9 = 0 in a denominator or a log)'
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Sum, sympy.Product):
        return None
    for node in expr.atoms(sympy.Sum, sympy.Product):
        for k, a, b in node.limits:
            for factor in _singular_factors(node.function, k):
                why = _zero_in_range(factor, k, a, b)
                if why is not None and why.startswith("some "):  # not shown 0, only not proved nonzero
                    return (f"the term of {node} may be undefined at {why} ({factor}, in a denominator or "
                            f"a log, is not proved nonzero there)")
                if why is not None:
                    return f"the term of {node} at {why} is undefined ({factor} = 0 in a denominator or a log)"
    return None


def _singular_factors(body: sympy.Basic, k: sympy.Symbol) -> list[sympy.Basic]:
    """The factors, depending on ``k`` and on integers alone, of what ``body`` divides by
    (a base with a negative or possibly negative exponent) or takes the log of."""
    found: list[sympy.Basic] = []
    for node in sympy.preorder_traversal(body):
        if isinstance(node, sympy.Pow) and node.exp.is_nonnegative is not True:
            base = node.base
        elif isinstance(node, sympy.log):
            base = node.args[0]
        else:
            continue
        if k not in base.free_symbols:
            continue
        try:
            _, factors = sympy.factor_list(base) if sympy.count_ops(base) <= MAX_FACTORED_OPS else (1, [(base, 1)])
        except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
            factors = [(base, 1)]
        for factor, _ in factors:
            if k in factor.free_symbols and _integers_only(factor) and factor not in found:
                found.append(factor)
    return found


def _integers_only(expr: sympy.Basic) -> bool:
    """Whether ``expr`` is built from numbers and integer symbols only (no real parameter,
    sequence element, matrix entry or declared function)."""
    if expr.has(sympy.Indexed, MatrixElement, AppliedUndef):
        return False
    return all(isinstance(s, sympy.Symbol) and s.is_integer for s in expr.free_symbols)


def _zero_in_range(factor: sympy.Basic, k: sympy.Symbol, a: sympy.Basic, b: sympy.Basic) -> str | None:
    """Where ``factor`` may vanish at an integer ``k`` of the range of ``(k, a, b)`` (Karr's
    convention included: for ``b < a - 1`` the terms are those at ``b + 1, ..., a - 1``),
    as text, or None when it provably does not."""
    if provably_nonzero(factor):
        return None
    if a.is_Integer and b.is_Integer and factor.free_symbols == {k}:
        lo, hi = (int(a), int(b)) if a <= b else (int(b) + 1, int(a) - 1)
        if hi - lo < MAX_TERMS_EVALUATED:
            for value in range(lo, hi + 1):
                if not provably_nonzero(factor.xreplace({k: sympy.Integer(value)})):
                    return f"{k} = {value}"
            return None
    somewhere = f"some {k} in the range"
    try:
        poly = sympy.Poly(factor, k)
        if poly.degree() < 1:
            return None if provably_nonzero(factor) else somewhere
        if poly.degree() > MAX_ROOTS_DEGREE:
            return somewhere
        found = sympy.roots(poly)
        if sum(found.values()) != poly.degree():
            return somewhere  # roots not all known
        for root in found:
            if root.is_integer is False:
                continue
            below = sympy.And(sympy.Lt(root, a), sympy.Lt(root, b + 1))
            above = sympy.And(sympy.Gt(root, b), sympy.Gt(root, a - 1))
            if below is sympy.true or above is sympy.true:
                continue
            return f"{k} = {root}"
    except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
        return somewhere
    return None
