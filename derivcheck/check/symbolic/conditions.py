"""Inequalities under inequality conditions, by exact linear substitution.

To show ``gap >= 0`` wherever the conditions ``g_1 >= 0, ..., g_m >= 0`` hold (the
step's inequality hypotheses, or the sign conditions of a case split), each condition
``g = c*v + r`` that is linear in some *pivot* ``v`` (a real scalar symbol, or any other
sub-expression such as ``(1 + x)**n``) with a coefficient ``c`` of proved constant sign
is solved for the pivot: ``v = (G - r)/c`` with a new variable ``G >= 0`` (``> 0`` for a
strict condition). At every point where the condition holds, ``G = g`` there gives back
``v`` exactly, so the gap with the pivot replaced, proved ``>= 0`` for every ``G >= 0``
and every value of the rest, covers every such point. A pivot's own declared bounds
become conditions in turn (in the new variables), so nothing declared is lost; a
condition with no pivot is dropped, which only asks for more; so is a condition whose pivot
holds a random variable and also stands inside ``E``, ``Var``, ``Cov`` of the gap or the other
conditions (a condition holds at a point, one outcome; an average looks at every outcome:
:mod:`.pointwise`). The gap, finally written
with ``G = s**2`` (``s`` a new real symbol), goes to :func:`.certificates.gap_certificate`.

So ``(a2 - a1)*(b2 - b1) >= 0`` under ``a1 <= a2``, ``b1 <= b2`` is ``G1*G2 >= 0``, and
Bernoulli's induction step ``(1 + x)*(1 + x)**n >= (1 + x)*(1 + n*x)`` under
``(1 + x)**n >= 1 + n*x`` is ``(1 + x)*G >= 0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy

from ...expr.objects import Relation
from ...expr.scope import ScalarDecl, Scope
from .bounds import linear_in
from .certificates import gap_certificate
from ...expr.constants import is_constant
from .inequalities import is_real, positive, provably_nonzero
from .moments import random_leaves
from .pointwise import inside_averaging

MAX_PIVOTS = 6
"""At most this many substitutions per proof (each removes one variable)."""
MAX_CONE = 6
"""At most this many conditions (with their pairwise products) in a combination."""
MAX_CONE_MONOMIALS = 80
"""At most this many monomials (equations of the exact simplex)."""


@dataclass(frozen=True)
class Condition:
    """``expr >= 0`` (``> 0`` when ``strict``)."""

    expr: sympy.Expr
    strict: bool


def order_conditions(hypotheses: Sequence[Relation], scope: Scope) -> list[Condition]:
    """The real scalar order hypotheses as conditions (``a <= b`` is ``b - a >= 0``); a bound
    ``x > c`` on a lone symbol is left to the declared domains (:func:`.certificates.with_hypothesis_bounds`)."""
    out = []
    for hypothesis in hypotheses:
        if hypothesis.op not in ("<", "<=", ">", ">="):
            continue
        lower, upper = (hypothesis.lhs, hypothesis.rhs) if hypothesis.op in ("<", "<=") else \
            (hypothesis.rhs, hypothesis.lhs)
        if any(getattr(side, "is_Matrix", False) or not isinstance(side, sympy.Expr) for side in (lower, upper)):
            continue
        if not (is_real(lower, scope) and is_real(upper, scope)):
            continue
        if _lone_bound(lower, upper):
            continue
        out.append(Condition(sympy.expand(upper - lower), hypothesis.op in ("<", ">")))
    return out


def _lone_bound(lower: sympy.Expr, upper: sympy.Expr) -> bool:
    return (isinstance(lower, sympy.Symbol) and upper.is_number) or (isinstance(upper, sympy.Symbol) and lower.is_number)


def certify_under(gap: sympy.Expr, strict: bool, conditions: Sequence[Condition], scope: Scope, *,
                  alone: bool = True) -> str | None:
    """How ``gap >= 0`` (``> 0`` when ``strict``) follows wherever ``conditions`` hold, or None
    (``alone``: the gap without the conditions is tried too, last)."""
    if conditions:
        how = in_cone(gap, strict, conditions, scope)
        if how is not None:
            return how
        reduced, fresh, used = eliminate(gap, conditions, scope)
        if used:
            squares = {g: _square_root_symbol(g) ** 2 for g in fresh}
            how = gap_certificate(sympy.expand(reduced.xreplace(squares)), strict, scope)
            if how is not None:
                return f"{'; '.join(used)}; then {how}"
    return gap_certificate(gap, strict, scope) if alone else None


def in_cone(gap: sympy.Expr, strict: bool, conditions: Sequence[Condition], scope: Scope) -> str | None:
    """How ``gap`` is a combination with non-negative rational weights of the conditions, their
    pairwise products, the declared bounds of its symbols and (``> 0``) a positive constant;
    the weights come from SymPy's exact simplex (``linprog``) and the identity is checked by
    expansion."""
    from sympy.solvers.simplex import InfeasibleLPError, UnboundedLPError, linprog

    base = [*conditions, *_declared_bounds(gap, conditions, scope)][:MAX_CONE]
    terms = [(c.expr, c.strict) for c in base]
    terms += [(sympy.expand(p.expr * q.expr), p.strict and q.strict) for i, p in enumerate(base) for q in base[i:]]
    terms.append((sympy.Integer(1), True))
    try:
        polys = sympy.parallel_poly_from_expr([sympy.expand(gap), *(t for t, _ in terms)])[0]
    except (sympy.PolynomialError, sympy.GeneratorsNeeded):
        return None
    target, columns = polys[0], polys[1:]
    monomials = sorted(set(target.monoms()).union(*(c.monoms() for c in columns)))
    if len(monomials) > MAX_CONE_MONOMIALS or not all(p.domain.is_QQ or p.domain.is_ZZ for p in polys):
        return None
    matrix = sympy.Matrix([[c.coeff_monomial(m) for c in columns] for m in monomials])
    rhs = sympy.Matrix([target.coeff_monomial(m) for m in monomials])
    strict_columns = [1 if s else 0 for _, s in terms]
    objective = sympy.Matrix([-w for w in strict_columns]) if strict else sympy.zeros(len(terms), 1)
    bounds = {j: (0, 1) for j, w in enumerate(strict_columns) if w} if strict else None
    try:
        _, weights = linprog(objective.T, sympy.zeros(1, len(terms)), sympy.zeros(1, 1), matrix, rhs, bounds=bounds)
    except (InfeasibleLPError, UnboundedLPError):
        return None
    total = sympy.expand(sum(w * t for w, (t, _) in zip(weights, terms)))
    if any(w < 0 for w in weights) or sympy.expand(total - gap) != 0:
        return None
    if strict and not any(w > 0 and s for w, (_, s) in zip(weights, terms)):
        return None
    return "a combination with non-negative weights of the conditions and their products (exact simplex)"


def _declared_bounds(gap: sympy.Expr, conditions: Sequence[Condition], scope: Scope) -> list[Condition]:
    symbols = set(gap.free_symbols).union(*(c.expr.free_symbols for c in conditions))
    out = []
    for symbol in sorted(symbols, key=sympy.default_sort_key):
        decl = scope.names.get(str(symbol))
        if isinstance(decl, ScalarDecl) and decl.symbol == symbol:
            for bound in decl.bounds_on(symbol):
                lower, upper = (bound.lhs, bound.rhs) if bound.op in ("<", "<=") else (bound.rhs, bound.lhs)
                out.append(Condition(sympy.expand(upper - lower), bound.op in ("<", ">")))
    return out


def eliminate(gap: sympy.Expr, conditions: Sequence[Condition], scope: Scope
              ) -> tuple[sympy.Expr, list[sympy.Symbol], list[str]]:
    """``gap`` with a pivot of each condition substituted (see the module), the new variables
    still standing (non-negative, or positive), and what was done."""
    pending = [Condition(sympy.expand(c.expr), c.strict) for c in conditions]
    gap = sympy.expand(gap)
    fresh: list[sympy.Symbol] = []
    used: list[str] = []
    count = 0
    while pending and count < MAX_PIVOTS:
        condition = pending.pop(0)
        pick = _pivot(condition.expr, scope, fresh)
        if pick is None or _averaged(pick[0], [gap, *(c.expr for c in pending)], scope):
            continue  # dropped: a proof without it proves more
        pivot, coefficient, rest = pick
        new = sympy.Symbol(f"_cond{count}", positive=True) if condition.strict else \
            sympy.Symbol(f"_cond{count}", nonnegative=True)
        count += 1
        value = (new - rest) / coefficient
        swap = {pivot: value}
        gap = sympy.expand(gap.xreplace(swap))
        pending = [Condition(sympy.expand(c.expr.xreplace(swap)), c.strict) for c in pending]
        pending.extend(_own_bounds(pivot, value, scope, fresh))
        fresh = [g for g in fresh if g != pivot] + [new]
        used.append(f"{pivot} = {value} from {condition.expr} {'>' if condition.strict else '>='} 0")
    return gap, fresh, used


def _averaged(pivot: sympy.Basic, exprs: list[sympy.Expr], scope: Scope) -> bool:
    """Whether ``pivot`` holds a random variable and occurs inside ``E``, ``Var``, ``Cov`` (or a
    binding operator) of ``exprs``: a condition holds at a point, one outcome, so it says nothing
    of the pivot's values at the other outcomes that an average looks at."""
    return bool(random_leaves(pivot, scope)) and any(pivot in inside_averaging(e, (type(pivot),)) for e in exprs)


def _own_bounds(pivot: sympy.Basic, value: sympy.Expr, scope: Scope, fresh: list[sympy.Symbol]) -> list[Condition]:
    """What was known of the pivot, now of its value: its declared bounds, or a new variable's sign."""
    if pivot in fresh:
        return [Condition(sympy.expand(value), bool(pivot.is_positive))]
    decl = scope.names.get(str(pivot)) if isinstance(pivot, sympy.Symbol) else None
    if not isinstance(decl, ScalarDecl) or decl.symbol != pivot:
        return []
    out = []
    for bound in decl.bounds_on(value):
        lower, upper = (bound.lhs, bound.rhs) if bound.op in ("<", "<=") else (bound.rhs, bound.lhs)
        out.append(Condition(sympy.expand(upper - lower), bound.op in ("<", ">")))
    return out


def _pivot(expr: sympy.Expr, scope: Scope, fresh: list[sympy.Symbol]
           ) -> tuple[sympy.Basic, sympy.Expr, sympy.Expr] | None:
    """``(v, c, r)`` with ``expr = c*v + r``, ``c`` proved nonzero (:func:`.inequalities.provably_nonzero`)
    or of proved constant sign, and free of ``v``:
    plain real symbols first (number coefficients first), then the new variables, then
    other sub-expressions."""
    candidates = sorted(_candidates(expr, scope, fresh), key=lambda v: (_rank(v, scope, fresh), sympy.default_sort_key(v)))
    for candidate in candidates:
        split = linear_in(expr, candidate)
        if split is None:
            continue
        coefficient, rest = split
        # nonzero is all the substitution needs; a constant only by its certified enclosure
        if provably_nonzero(coefficient, scope) or (not is_constant(coefficient) and _has_sign(coefficient, scope)):
            return candidate, coefficient, rest
    return None


def _candidates(expr: sympy.Expr, scope: Scope, fresh: list[sympy.Symbol]) -> set[sympy.Basic]:
    out = {s for s in expr.free_symbols if s in fresh or _is_declared_real(s, scope)}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow) and not node.exp.is_Integer or isinstance(node, sympy.Function):
            if is_real(node, scope):
                out.add(node)
    return out


def _rank(candidate: sympy.Basic, scope: Scope, fresh: list[sympy.Symbol]) -> int:
    if candidate in fresh:
        return 2
    if isinstance(candidate, sympy.Symbol):
        decl = scope.names.get(str(candidate))
        constrained = decl.is_integer or decl.kind != "real" or decl.interval is not None
        return 1 if not constrained else 3
    return 0


def _is_declared_real(symbol: sympy.Symbol, scope: Scope) -> bool:
    decl = scope.names.get(str(symbol))
    return isinstance(decl, ScalarDecl) and decl.symbol == symbol and decl.kind != "complex"


def _has_sign(coefficient: sympy.Expr, scope: Scope) -> bool:
    return any(positive(sympy.expand(sign * coefficient), scope) or gap_certificate(sign * coefficient, True, scope)
               is not None for sign in (1, -1))


def _square_root_symbol(new: sympy.Symbol) -> sympy.Symbol:
    # names no file can use (a name may not start with "_"): fixed, so verdicts do not hang on a counter
    return sympy.Symbol(f"{new.name}_root", positive=True) if new.is_positive else \
        sympy.Symbol(f"{new.name}_root", real=True)
