"""Symbolic strategies, from cheap to expensive, producing ``proved`` or nothing.

An equality is proved when the difference of its two sides reaches zero under
one of: structural identity; canonical forms (``doit``/``expand``, matrix
canonicalisation, E/Var/Cov as raw moments, traces in least rotation); sums
(telescoping, SymPy's ``doit``); matrix calculus for gradients without declared
functions; rational identities at literal sizes, written out entry by entry
(an exact grid, fraction-free arithmetic: :mod:`.rational`); ``simplify``. An inequality
``a <= b`` is proved when ``b - a`` is shown non-negative (sums of squares, Gram forms,
monotone maps): the order strategies are in :mod:`.order`, their rows here.

:data:`STRATEGIES` is the one ordered table of them; docs/trust.md lists the same
names (a test compares the two). Nothing here says "false": a counterexample is the
numeric checker's job. Each function is pure SymPy work meant to run under
:func:`~derivcheck.check.runtime.limits.run_bounded`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ...expr.objects import FunctionGradient, Gradient, HessianMatrix, Relation
from ...expr.scope import Scope
from ...expr.singular import nowhere_invertible
from ..realize import RealizeError, realize_symbolic, side_pairs
from .canonical import canonical, has_declared_functions
from .cases import prove_by_cases
from .certificates import with_hypothesis_bounds
from .exponentials import equal_by_exponential_form, gaussian_integrals, matrix_coefficients_vanish
from .hypotheses import instances_at
from .ideal import follows_from
from .matrix_derivative import matrix_gradient
from .moment_rules import moments_rewritten
from .order import (OrderGoal, by_certificate, by_derivative_sign, by_entries, by_moment_matrix, by_monotone_map,
                    by_order_hypotheses, by_radical_elimination, by_sign, by_standard_bounds, provably_real)
from .proof import Proof, shortened
from .radicals import equal_by_radicals, has_radicals
from .rational import equal_as_fractions, rational_with_denominators, vanishes_on_grids
from .sums import has_infinite_limits, telescope, undefined_term

MAX_ENTRYWISE_GOALS = 64
"""Entries of a matrix goal reduced one by one by the hypotheses' Groebner basis."""


def prove(relation: Relation, scope: Scope, hypotheses: Sequence[Relation] = (), *,
          simplify: bool = True) -> Proof | None:
    """A proof of ``relation`` for all values the declarations allow (and the
    equality ``hypotheses`` admit), or None. ``simplify=False`` leaves out the
    last and costliest strategy (see :func:`prove_by_simplify`)."""
    relation = Relation(sympy.sympify(relation.lhs, strict=True), relation.op, sympy.sympify(relation.rhs, strict=True))
    if relation.op == "=":
        proof = prove_equal(relation.lhs, relation.rhs, scope, simplify=simplify)
        for strategy in _strategies("hypotheses") if proof is None and hypotheses else ():
            proof = strategy.attempt(relation, scope, hypotheses)
            if proof is not None:
                break
    elif relation.op in ("<=", "<", ">=", ">"):
        proof = prove_order(relation, with_hypothesis_bounds(scope, hypotheses), hypotheses)
        moments = moments_rewritten(relation, scope, hypotheses) if proof is None else None
        if moments is not None:
            proof = prove_order(moments, with_hypothesis_bounds(scope, hypotheses), hypotheses)
            if proof is not None:
                proof = Proof(proof.method, f"{proof.detail} (after E/Var/Cov as raw moments and the equality "
                                            f"hypotheses applied: {moments.lhs} {moments.op} {moments.rhs})"
                              if proof.detail else "after E/Var/Cov as raw moments and the equality hypotheses applied")
    else:
        return None
    for strategy in _strategies("cases") if proof is None else ():
        proof = strategy.attempt(relation, scope, hypotheses)
        if proof is not None:
            break
    return proof


def prove_equal(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope, *, simplify: bool = True) -> Proof | None:
    """The equality strategies of :data:`STRATEGIES` in order (``simplify=False``: all but
    ``simplify``); the first that proves ``lhs = rhs`` answers. Only ``structural`` runs
    before the :func:`refusal` check: a tree equals itself whatever it holds."""
    structural, *others = _strategies("=")
    proof = structural.attempt(lhs, rhs, scope)
    if proof is not None or refusal(lhs, rhs) is not None:
        return proof
    for strategy in others:
        if strategy.name == "simplify" and not simplify:
            continue
        proof = strategy.attempt(lhs, rhs, scope)
        if proof is not None:
            return proof
    return None


def _structural(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    return Proof("structural") if lhs == rhs else None


def _by_canonical_form(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    if rational_with_denominators(lhs, rhs, scope):
        return None  # decided by the rational strategies below, without expanding over denominators
    if _is_zero(_difference(canonical(lhs, scope), canonical(rhs, scope))):
        return Proof("canonical form", "expand, matrix canonicalisation, moments")
    return None


def _by_sums(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    if lhs.has(sympy.Sum, sympy.Product) or rhs.has(sympy.Sum, sympy.Product):
        left, right = canonical(telescope(lhs), scope), canonical(telescope(rhs), scope)
        if _is_zero(_difference(left, right)):
            return Proof("sums", "telescoping and doit of sums/products")
    return None


def _by_matrix_calculus(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    calculus = _matrix_calculus(lhs), _matrix_calculus(rhs)
    if calculus != (lhs, rhs) and None not in calculus:
        difference = _difference(canonical(calculus[0], scope), canonical(calculus[1], scope))
        if _is_zero(difference):
            return Proof("matrix calculus", "SymPy matrix derivatives")
        if isinstance(difference, MatrixExpr) and matrix_coefficients_vanish(difference, scope):
            return Proof("matrix calculus", "SymPy matrix derivatives; each matrix term's scalar coefficient is 0 "
                                            "in exponential form, traces as real symbols")
    return None


def _by_exact_grid(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    detail = vanishes_on_grids(lhs, rhs, scope)
    return Proof("exact grid", detail) if detail is not None else None


def _by_rational_arithmetic(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    detail = equal_as_fractions(lhs, rhs, scope)
    return Proof("rational arithmetic", detail) if detail is not None else None


def _by_exponential_form(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    if isinstance(lhs, sympy.MatrixBase) and isinstance(rhs, sympy.MatrixBase):
        return _entries_by_exponential_form(lhs, rhs, scope)
    if isinstance(lhs, MatrixExpr) or isinstance(rhs, MatrixExpr):
        return None
    if not any(side.has(sympy.exp, sympy.log, sympy.tanh) for side in (lhs, rhs)):
        return None  # nothing to rewrite: the canonical form has done the rest
    # Gaussian integrals first: SymPy's doit would write them with erf
    lhs, rhs = (canonical(gaussian_integrals(side, scope), scope) for side in (lhs, rhs))
    if equal_by_exponential_form(lhs, rhs, scope):
        return Proof("exponential form", "tanh and Gaussian integrals in exp, logs split on proved positives, "
                                         "one positive symbol per independent exponent, cancel")
    return None


def _entries_by_exponential_form(lhs: sympy.MatrixBase, rhs: sympy.MatrixBase, scope: Scope) -> Proof | None:
    """Matrices written out (at an instance: a gradient or Hessian entry by entry), equal entry by entry."""
    if lhs.shape != rhs.shape or len(lhs) > 16:
        return None
    pairs = [(a, b) for a, b in zip(lhs, rhs) if a != b]
    if not pairs or not any(side.has(sympy.exp, sympy.log, sympy.tanh) for pair in pairs for side in pair):
        return None
    if all(equal_by_exponential_form(a, b, scope) for a, b in pairs):
        return Proof("exponential form", "entry by entry: logs split on proved positives, one positive symbol "
                                         "per independent exponent, cancel")
    return None


def prove_by_simplify(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope, *, skip_sums: bool = False) -> Proof | None:
    """The last strategy for an equality: ``sympy.simplify`` of the canonical difference.

    ``skip_sums``: give up at once when the difference still holds a sum or product
    (SymPy's own rewrites of sums, ``sum_simplify``/``sum_combine``/``factor_sum``,
    do what the canonical form's normal form of sums already did, at length). Used
    where the item is proved at its instances, so that only an upgrade is at stake.
    """
    if refusal(lhs, rhs) is not None:
        return None
    difference = _difference(canonical(lhs, scope), canonical(rhs, scope))
    if has_infinite_limits(difference):
        return None  # SymPy's rewrites of sums (sum_combine, factor_sum) are rules of finite sums
    if skip_sums and isinstance(difference, sympy.Basic) and difference.has(sympy.Sum, sympy.Product):
        return None
    if not isinstance(difference, MatrixExpr) and _simplifies_to_zero(difference):
        return Proof("simplify", "sympy.simplify of the difference")
    return None


def prove_from_hypotheses(relation: Relation, scope: Scope, hypotheses: Sequence[Relation]) -> Proof | None:
    """Scalar equalities that follow from scalar equality hypotheses (see ``ideal.py``); a matrix
    equality at literal sizes, entry by entry, from the hypotheses written out entry by entry."""
    if isinstance(relation.lhs, MatrixExpr) or isinstance(relation.rhs, MatrixExpr):
        return _entrywise_from_hypotheses(relation, scope, hypotheses)
    equalities = [h for h in hypotheses if h.op == "=" and not isinstance(h.lhs, MatrixExpr)]
    if not equalities:
        return None
    # a quantified hypothesis (Var(X[k]) = s2) speaks of the goal's elements at their indices
    equalities = [at for h in equalities for at in instances_at(h, (relation.lhs, relation.rhs), scope)]
    goal = _difference(canonical(relation.lhs, scope), canonical(relation.rhs, scope))
    given = [_difference(canonical(h.lhs, scope), canonical(h.rhs, scope)) for h in equalities]
    if any(g.has(sympy.Sum, sympy.Product, sympy.Integral) for g in [goal, *given]):
        return None
    if follows_from(goal, given):
        return Proof("hypotheses", "the goal is a polynomial consequence of the hypotheses (Groebner basis)")
    return None


def _entrywise_from_hypotheses(relation: Relation, scope: Scope, hypotheses: Sequence[Relation]) -> Proof | None:
    """A matrix equality at literal sizes whose every entry is a polynomial consequence of the
    equality hypotheses written out entry by entry (one real symbol per entry, ``ideal.py``):
    ``u @ u.T @ u @ u.T = u @ u.T`` under ``u.T @ u = 1`` for ``u: vector[3]``."""
    equalities = [h for h in hypotheses if h.op == "="]
    if not equalities:
        return None
    try:
        goal = side_pairs(realize_symbolic(relation.lhs, scope, {}), realize_symbolic(relation.rhs, scope, {}))
        given: list[sympy.Expr] = []
        for h in equalities:
            pairs = side_pairs(realize_symbolic(h.lhs, scope, {}), realize_symbolic(h.rhs, scope, {}))
            if pairs is None:
                return None
            given.extend(lhs - rhs for lhs, rhs in pairs)
    except RealizeError:
        return None
    if goal is None or len(goal) > MAX_ENTRYWISE_GOALS:
        return None
    differences = [lhs - rhs for lhs, rhs in goal]
    if not all(isinstance(x, sympy.Expr) and not x.has(sympy.Sum, sympy.Product, sympy.Integral)
               for x in [*differences, *given]):
        return None
    if all(follows_from(d, given) for d in differences):
        return Proof("hypotheses", "every entry is a polynomial consequence of the hypotheses written out entry "
                                   "by entry (Groebner basis)")
    return None


def prove_order(relation: Relation, scope: Scope, hypotheses: Sequence[Relation] = ()) -> Proof | None:
    """``a <= b``, ``a < b`` (and the reversed forms) through the sign of ``b - a``: the order
    strategies of :data:`STRATEGIES` (:mod:`.order`) in turn, each given the goal with the order
    ``hypotheses`` (which two of them read) and this function for its sub-goals."""
    lower, upper = (relation.lhs, relation.rhs) if relation.op in ("<=", "<") else (relation.rhs, relation.lhs)
    strict = relation.op in ("<", ">")
    if refusal(lower, upper) is not None:
        return None
    if not all(provably_real(side, scope) for side in (lower, upper)):
        return None  # an order states two real values: c <= c + 1 is no theorem for complex c, nor sqrt(x) for x < 0
    goal = OrderGoal(lower, upper, strict, scope, hypotheses, prove_order)
    for strategy in _strategies("order"):
        proof = strategy.attempt(goal)
        if proof is not None:
            return proof
    return None


def _by_cases(relation: Relation, scope: Scope, hypotheses: Sequence[Relation]) -> Proof | None:
    if refusal(relation.lhs, relation.rhs) is not None:
        return None
    how = prove_by_cases(relation, scope, hypotheses,
                         lambda cell, given: prove(cell, scope, given, simplify=False))
    return Proof("case split", how) if how is not None else None


def _by_radical_identity(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> Proof | None:
    if isinstance(lhs, MatrixExpr) or isinstance(rhs, MatrixExpr) or not (has_radicals(lhs) or has_radicals(rhs)):
        return None
    if not (provably_real(lhs, scope) and provably_real(rhs, scope)):
        return None
    how = equal_by_radicals(canonical(lhs, scope), canonical(rhs, scope), scope)
    return Proof("radical identity", shortened(how)) if how is not None else None


@dataclass(frozen=True)
class Strategy:
    """One symbolic strategy: ``name`` is the method its proofs report (and docs/trust.md lists);
    ``relation`` says what it proves, and so what ``attempt`` takes: ``=`` (two sides and the
    scope), ``hypotheses`` (an equality from the equality hypotheses: the relation, the scope
    and the hypotheses), ``order`` (an :class:`~.order.OrderGoal`: ``lower <= upper``, strict or
    not) or ``cases`` (any relation, under the step's hypotheses, when the others found no
    proof; as ``hypotheses``)."""

    name: str
    relation: str
    attempt: Callable[..., Proof | None]


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("structural", "=", _structural),
    Strategy("canonical form", "=", _by_canonical_form),
    Strategy("sums", "=", _by_sums),
    Strategy("matrix calculus", "=", _by_matrix_calculus),
    Strategy("exact grid", "=", _by_exact_grid),
    Strategy("rational arithmetic", "=", _by_rational_arithmetic),
    Strategy("exponential form", "=", _by_exponential_form),
    Strategy("radical identity", "=", _by_radical_identity),
    Strategy("simplify", "=", prove_by_simplify),
    Strategy("hypotheses", "hypotheses", prove_from_hypotheses),
    Strategy("sign of the difference", "order", by_sign),
    Strategy("monotone map", "order", by_monotone_map),
    Strategy("polynomial certificate", "order", by_certificate),
    Strategy("standard bounds", "order", by_standard_bounds),
    Strategy("order hypotheses", "order", by_order_hypotheses),
    Strategy("written out", "order", by_entries),
    Strategy("moment matrix", "order", by_moment_matrix),
    Strategy("radical elimination", "order", by_radical_elimination),
    Strategy("derivative sign", "order", by_derivative_sign),
    Strategy("case split", "cases", _by_cases),
)
"""Every symbolic strategy, cheapest first within each kind of relation. A new strategy is
a function returning a :class:`Proof` or None, plus one row here (and in docs/trust.md)."""


def _strategies(relation: str) -> list[Strategy]:
    return [strategy for strategy in STRATEGIES if strategy.relation == relation]


def refusal(lhs: sympy.Basic, rhs: sympy.Basic) -> str | None:
    """Why no strategy may prove a relation between ``lhs`` and ``rhs``, or None: a sum or
    product with a possibly undefined term has no value (:func:`sums.undefined_term`), nor
    an inverse of a matrix that is singular for every value (:mod:`derivcheck.expr.singular`)."""
    for side in (lhs, rhs):
        why = undefined_term(side)
        if why is not None:
            return f"no proof: {why}, so the sum has no value"
        why = nowhere_invertible(side)
        if why is not None:
            return f"no proof: {why}, so the relation has no value"
    return None


def _difference(lhs: sympy.Basic, rhs: sympy.Basic) -> sympy.Basic:
    if isinstance(lhs, MatrixExpr) or isinstance(rhs, MatrixExpr):
        return (lhs - rhs).doit().expand().doit()
    return sympy.expand(lhs - rhs)


def _is_zero(expr: sympy.Basic) -> bool:
    if isinstance(expr, sympy.ZeroMatrix):
        return True
    if isinstance(expr, sympy.MatrixBase):
        return all(sympy.expand(e) == 0 for e in expr)
    if isinstance(expr, MatrixExpr):
        return _zero_coefficients(expr)
    return expr == 0


def _zero_coefficients(expr: MatrixExpr) -> bool:
    """A sum of ``c_k * M_k`` whose scalar coefficients, summed over equal matrix parts, are
    each the zero rational function (``cancel``: exact polynomial arithmetic, its other
    sub-expressions such as traces taken as variables)."""
    terms = expr.args if isinstance(expr, sympy.MatAdd) else (expr,)
    parts: dict[sympy.Basic, sympy.Basic] = {}
    for term in terms:
        factors = term.args if isinstance(term, sympy.MatMul) else (term,)
        coeff = sympy.Mul(*[f for f in factors if not isinstance(f, MatrixExpr)])
        matrices = [f for f in factors if isinstance(f, MatrixExpr)]
        if not matrices:
            return False
        key = sympy.MatMul(*matrices) if len(matrices) > 1 else matrices[0]
        parts[key] = parts.get(key, sympy.Integer(0)) + coeff
    try:
        return all(sympy.cancel(c) == 0 for c in parts.values())
    except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
        return False


def _simplifies_to_zero(expr: sympy.Basic) -> bool:
    if expr.has(Gradient, FunctionGradient, HessianMatrix):
        return False
    try:
        return sympy.simplify(expr, doit=False) == 0
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return False


def _matrix_calculus(expr: sympy.Basic) -> sympy.Basic | None:
    """Gradients taken by SymPy's matrix calculus; None when a gradient is out of its reach."""
    if not expr.has(Gradient, HessianMatrix) or expr.has(FunctionGradient) or has_declared_functions(expr):
        return expr if not expr.has(Gradient, HessianMatrix, FunctionGradient) else None
    failed = False

    def replace(node: sympy.Basic) -> sympy.Basic:
        nonlocal failed
        if isinstance(node, Gradient):
            if has_infinite_limits(node.expr):  # termwise differentiation needs uniform convergence
                failed = True
                return node
            inner = node.expr.doit()
            # not SymPy's Expr.diff(MatrixSymbol), which returns 0 for a sum of traces
            out = matrix_gradient(inner, node.wrt)
            if out is None or getattr(out, "shape", None) != node.shape:
                failed = True
                return node
            return out
        return node

    out = expr.replace(lambda n: isinstance(n, Gradient), replace)
    if failed or out.has(HessianMatrix):
        return None
    return out
