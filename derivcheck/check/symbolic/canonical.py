"""Canonical forms that make equal expressions structurally equal.

Every rewrite here is an identity (sound for all values the declarations allow):
definitions of E/Var/Cov as raw moments, transpose of a symmetric matrix,
trace's invariance under transposition and cyclic rotation, dummy renaming of
sums, and SymPy's own ``doit``/``expand`` of matrix expressions.
"""

from __future__ import annotations

from typing import Callable

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ...expr.objects import (Covariance, Expectation, FunctionGradient, Gradient, HessianMatrix, Variance,
                             is_declared_function)
from ...expr.scope import MatrixDecl, Scope
from ..trees import bottom_up, rename_dummies
from .inequalities import is_real
from .moments import has_probability, to_moments
from .declared_branches import decided_branches
from .series import clean_value
from .sums import has_infinite_limits, normalize_sums


def symmetric_matrices(scope: Scope) -> dict[sympy.Basic, sympy.Basic]:
    """``X.T -> X`` for every matrix declared symmetric (psd and pd imply symmetric)."""
    out: dict[sympy.Basic, sympy.Basic] = {}
    for decl in scope.names.values():
        if isinstance(decl, MatrixDecl) and (decl.has_qualifier("symmetric") or "diagonal" in decl.qualifiers):
            out[sympy.Transpose(decl.symbol)] = decl.symbol
    return out


_MEMO: dict[tuple, tuple[Scope, sympy.Basic]] = {}
_MEMO_SIZE = 512


def canonical(expr: sympy.Basic, scope: Scope) -> sympy.Basic:
    """A canonical form of ``expr``: same value, and equal values often equal forms.

    Remembered per scope and what it declares: the steps of a chain share their
    ends, and several strategies ask for the same forms.
    """
    if not isinstance(expr, sympy.Basic):
        return expr
    key = (expr, id(scope), tuple(scope.names.items()), tuple(scope.independent))
    known = _MEMO.get(key)
    if known is not None and known[0] is scope:
        return known[1]
    out = _canonical(expr, scope)
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    _MEMO[key] = (scope, out)
    return out


def _canonical(expr: sympy.Basic, scope: Scope) -> sympy.Basic:
    symmetric = symmetric_matrices(scope)
    orthogonal = orthogonal_matrices(scope)
    diagonal = diagonal_matrices(scope)
    out, held = _hold_interchanges(expr, scope)
    written = frozenset(expr.atoms(sympy.Piecewise))
    for _ in range(2):
        if isinstance(out, MatrixExpr):
            out = out.doit().expand().doit()
        else:
            out = out.doit() if not _has_opaque(out) else _doit_safe(out)
            # SymPy's case splits of sums and products (not those written in the step) decided
            # from the declared domains (docs/trust.md, rule 17)
            out = decided_branches(out, scope, written)
        out = sign_over_abs(out, scope)
        out = scalar_runs(out)
        out = _qualifier_identities(out, symmetric, orthogonal, diagonal)
        if has_probability(out):
            out = to_moments(out, scope)
        if not isinstance(out, MatrixExpr):
            out = sympy.expand(normalize_sums(out))
    if held:
        out = out.xreplace(held)
    return rename_dummies(out)


def sign_over_abs(expr: sympy.Basic, scope: Scope) -> sympy.Basic:
    """``sign(u) * Abs(u)**(-k)`` as ``u * Abs(u)**(-k - 1)`` in every product (``k`` a positive
    integer), and ``Abs(u)**(2*m)`` as ``u**(2*m)`` for ``u`` provably real (a determinant of a
    real matrix; SymPy does it alone for real symbols), so that the derivative of
    ``log(Abs(u))``, ``sign(u)/Abs(u) * u'``, meets ``u'/u``.

    Identities wherever the product has a value: ``sign(u) = u/Abs(u)`` for every ``u != 0``
    (real or complex), and at ``u = 0`` the product divides by 0 as written."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Abs):
        return expr

    def rewrite(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, sympy.Pow) and isinstance(node.base, sympy.Abs) and node.exp.is_Integer \
                and node.exp.is_even and is_real(node.base.args[0], scope):
            return node.base.args[0] ** node.exp
        if not isinstance(node, sympy.Mul) or not node.has(sympy.sign):
            return node
        factors = list(node.args)
        for k, factor in enumerate(factors):
            if not isinstance(factor, sympy.sign):
                continue
            u = factor.args[0]
            for m, other in enumerate(factors):
                if (isinstance(other, sympy.Pow) and other.base == sympy.Abs(u) and other.exp.is_Integer
                        and other.exp < 0):
                    factors[k], factors[m] = u, rewrite(sympy.Abs(u) ** (other.exp - 1))
                    break
        return sympy.Mul(*factors) if factors != list(node.args) else node

    return bottom_up(expr, rewrite)


def scalar_runs(expr: sympy.Basic) -> sympy.Basic:
    """In a matrix product, a proper run of consecutive factors whose product is 1x1 taken out
    as the scalar ``trace`` of that run: ``u @ (v.T @ inv(A) @ u) @ v.T`` is
    ``trace(v.T @ inv(A) @ u) * u @ v.T`` (the factors left of the run have one column and
    those right of it one row, so the rest of the product is defined and the identity
    holds entry by entry). Gradients are left as they are (realised elsewhere)."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.MatMul):
        return expr

    def transform(node: sympy.Basic) -> sympy.Basic:
        if not isinstance(node, sympy.MatMul):
            return node
        coeff, factors = _matmul_factors(node)
        for length in range(1, len(factors)):
            for start in range(len(factors) - length + 1):
                run = factors[start:start + length]
                if run[0].shape[0] == 1 and run[-1].shape[1] == 1:
                    rest = factors[:start] + factors[start + length:]
                    scalar = sympy.Trace(run[0] if length == 1 else sympy.MatMul(*run))
                    return transform(sympy.MatMul(coeff * scalar, *rest).doit())
        return node

    return bottom_up(expr, transform, skip=lambda node: isinstance(node, _OPAQUE) or not node.has(sympy.MatMul))


def _qualifier_identities(
    expr: sympy.Basic, symmetric: dict, orthogonal: set[sympy.Basic], diagonal: set[sympy.Basic]
) -> sympy.Basic:
    """The identities the matrix qualifiers give, and trace's invariances.

    A derivative in a matrix W differentiates W's entries as independent
    (docs/format.md), so inside ``grad(f, W)`` or ``hessian(f, W)`` W's own
    qualifiers do not apply: ``grad(trace(W.T @ B), W)`` is B, not B.T, even for
    W symmetric (see :func:`outside_derivatives`).
    """

    def rewrite(e: sympy.Basic, free: set[sympy.Basic]) -> sympy.Basic:
        sym = {t: m for t, m in symmetric.items() if m not in free}
        if sym:
            e = e.xreplace(sym)
        e = _matrix_identities(e, orthogonal - free)
        if diagonal - free:
            e = _sort_diagonal_runs(e, diagonal - free)
        return _canonical_traces(e, sym)

    return outside_derivatives(expr, {m.arg for m in symmetric} | orthogonal | diagonal, rewrite)


def symmetric_transposes(expr: sympy.Basic, scope: Scope) -> sympy.Basic:
    """``X.T -> X`` for the symmetric matrices of ``scope``, except inside a derivative in X."""
    symmetric = symmetric_matrices(scope)
    return outside_derivatives(
        expr, {m.arg for m in symmetric},
        lambda e, free: e.xreplace({t: m for t, m in symmetric.items() if m not in free}),
    )


def outside_derivatives(
    expr: sympy.Basic, qualified: set[sympy.Basic], rewrite: Callable[[sympy.Basic, set], sympy.Basic]
) -> sympy.Basic:
    """``rewrite(expr, set())``, where each ``grad``/``hessian`` in a matrix of
    ``qualified`` is rewritten by ``rewrite(inner, wrt's matrices)`` instead and
    hidden behind a placeholder while the rest is rewritten."""
    placeholders: dict[sympy.Basic, sympy.Basic] = {}

    def mask(node: sympy.Basic) -> sympy.Basic:
        free = node.args[1].atoms(sympy.MatrixSymbol) & qualified
        if not free:
            return node
        rebuilt = node.func(outside_derivatives(node.args[0], qualified, lambda e, f: rewrite(e, f | free)),
                            node.args[1])
        # named by its content, so that equal derivatives on both sides get equal names
        placeholder = sympy.MatrixSymbol("derivative:" + sympy.srepr(rebuilt), *rebuilt.shape)
        placeholders[placeholder] = rebuilt
        return placeholder

    out = expr
    if qualified and isinstance(expr, sympy.Basic) and expr.has(Gradient, HessianMatrix):
        out = _replace_outermost(expr, mask)
    out = rewrite(out, set())
    return out.xreplace(placeholders) if placeholders else out


def _replace_outermost(expr: sympy.Basic, mask: Callable[[sympy.Basic], sympy.Basic]) -> sympy.Basic:
    """``expr`` with ``mask`` applied to each outermost Gradient/HessianMatrix node."""
    if isinstance(expr, (Gradient, HessianMatrix)):
        return mask(expr)
    if not expr.args or not expr.has(Gradient, HessianMatrix):
        return expr
    args = [_replace_outermost(a, mask) if isinstance(a, sympy.Basic) else a for a in expr.args]
    if all(x is y for x, y in zip(args, expr.args)):
        return expr
    return expr.func(*args)


def _hold_interchanges(expr: sympy.Basic, scope: Scope) -> tuple[sympy.Basic, dict[sympy.Basic, sympy.Basic]]:
    """``expr`` with each infinite sum or product (and each derivative or integral of one)
    replaced by a placeholder, and the map back; an infinite sum whose ``doit`` alone is a
    clean closed form (no ``oo``, ``nan``, ``AccumBounds`` outside a sum) is replaced by it;
    its case split is decided from the declared domains, and a closed form reached so must
    agree with the partial sums at values the declarations allow (:func:`.series.clean_value`).

    SymPy's ``doit`` uses rules of finite sums on infinite ones: it differentiates and
    integrates term by term (``diff(Sum(sin(i*u)/i, (i, 1, oo)), u)`` is not
    ``Sum(cos(i*u), (i, 1, oo))``, which needs uniform convergence) and telescopes to
    ``f(oo)`` (``Sum(f(i + 1) - f(i), (i, 1, oo))`` is no ``f(oo) - f(1)``).
    """
    if not isinstance(expr, sympy.Basic) or not has_infinite_limits(expr):
        return expr, {}
    back: dict[sympy.Basic, sympy.Basic] = {}

    def hold(node: sympy.Basic) -> sympy.Basic:
        # the outermost binder (or expectation) holding an infinite sum is held whole, so that
        # no placeholder hides a bound variable of an enclosing sum or a random variable
        if not node.args or not has_infinite_limits(node) or isinstance(node, _OPAQUE):
            return node
        if isinstance(node, _HELD):
            if isinstance(node, (sympy.Sum, sympy.Product)) and not node.has(sympy.Derivative, sympy.Integral, *_PROBABILITY):
                value = clean_value(node, scope)
                if value is not None:
                    return value
            placeholder = sympy.Dummy("held")
            back[placeholder] = node
            return placeholder
        new = [hold(a) if isinstance(a, sympy.Basic) else a for a in node.args]
        return node if all(x is y for x, y in zip(new, node.args)) else node.func(*new)

    return hold(expr), back


_HELD = (sympy.Sum, sympy.Product, sympy.Integral, sympy.Derivative, Expectation, Variance, Covariance)
_PROBABILITY = (Expectation, Variance, Covariance)
_OPAQUE = (Gradient, FunctionGradient, HessianMatrix)


def orthogonal_matrices(scope: Scope) -> set[sympy.Basic]:
    """Matrices declared orthogonal: P.T @ P = P @ P.T = I, inv(P) = P.T."""
    return {d.symbol for d in scope.names.values() if isinstance(d, MatrixDecl) and "orthogonal" in d.qualifiers}


def diagonal_matrices(scope: Scope) -> set[sympy.Basic]:
    return {d.symbol for d in scope.names.values() if isinstance(d, MatrixDecl) and "diagonal" in d.qualifiers}


def _sort_diagonal_runs(expr: sympy.Basic, diagonal: set[sympy.Basic]) -> sympy.Basic:
    """Diagonal matrices commute: order each run of adjacent diagonal factors."""

    def is_diagonal(m: sympy.Basic) -> bool:
        base = m.args[0] if isinstance(m, (sympy.MatPow, sympy.Inverse)) else m
        return base in diagonal or isinstance(base, sympy.Identity)

    def reorder(node: sympy.Basic) -> sympy.Basic:
        coeff = [a for a in node.args if not isinstance(a, MatrixExpr)]
        factors = [a for a in node.args if isinstance(a, MatrixExpr)]
        out: list[sympy.Basic] = []
        run: list[sympy.Basic] = []
        for f in factors + [None]:
            if f is not None and is_diagonal(f):
                run.append(f)
                continue
            out.extend(sorted(run, key=sympy.default_sort_key))
            run = []
            if f is not None:
                out.append(f)
        if out == factors:
            return node
        return sympy.MatMul(*coeff, *out).doit()

    return expr.replace(lambda n: isinstance(n, sympy.MatMul), reorder)


def _matrix_identities(expr: sympy.Basic, orthogonal: set[sympy.Basic]) -> sympy.Basic:
    """Identities of inverses, determinants and orthogonal matrices, applied bottom-up.

    det(inv(M)) = 1/det(M) and det(M.T) = det(M) hold wherever the left side is
    defined; for P orthogonal, inv(P) = P.T, P.T @ P = P @ P.T = I, det(P)**2 = 1.
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Determinant, sympy.Inverse, sympy.MatMul, sympy.MatPow):
        return expr

    def transform(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, (sympy.Inverse, sympy.MatPow)) and node.args[0] in orthogonal and node.args[1] == -1:
            return sympy.Transpose(node.args[0])
        if isinstance(node, sympy.Determinant):
            inner = node.arg
            if isinstance(inner, (sympy.Inverse, sympy.MatPow)) and inner.args[1] == -1:
                return 1 / sympy.Determinant(inner.args[0])
            if isinstance(inner, sympy.Transpose):
                return sympy.Determinant(inner.arg)
        if isinstance(node, sympy.Pow) and isinstance(node.base, sympy.Determinant) and node.base.arg in orthogonal:
            if node.exp.is_integer and node.exp.is_even:
                return sympy.Integer(1)
        if isinstance(node, sympy.MatMul) and orthogonal:
            return _cancel_orthogonal(node, orthogonal)
        return node

    return bottom_up(expr, transform)


def _cancel_orthogonal(product: sympy.MatMul, orthogonal: set[sympy.Basic]) -> sympy.Basic:
    coeff = [a for a in product.args if not isinstance(a, MatrixExpr)]
    factors = [a for a in product.args if isinstance(a, MatrixExpr)]
    changed = True
    while changed and len(factors) > 1:
        changed = False
        for i in range(len(factors) - 1):
            a, b = factors[i], factors[i + 1]
            if (isinstance(a, sympy.Transpose) and a.arg in orthogonal and b == a.arg) or (
                a in orthogonal and isinstance(b, sympy.Transpose) and b.arg == a
            ):
                factors = factors[:i] + factors[i + 2 :]
                changed = True
                break
    if len(factors) == len([a for a in product.args if isinstance(a, MatrixExpr)]):
        return product
    if not factors:
        return sympy.Mul(*coeff) * sympy.Identity(product.shape[0])
    return sympy.MatMul(*coeff, *factors).doit()


def _has_opaque(expr: sympy.Basic) -> bool:
    return expr.has(Gradient, FunctionGradient, HessianMatrix)


def _doit_safe(expr: sympy.Basic) -> sympy.Basic:
    """``doit`` everywhere except inside gradient objects (those are realised elsewhere)."""
    if isinstance(expr, (Gradient, FunctionGradient, HessianMatrix)) or not expr.args:
        return expr
    args = [_doit_safe(a) if isinstance(a, sympy.Basic) else a for a in expr.args]
    rebuilt = expr.func(*args)
    if isinstance(rebuilt, (sympy.MatMul, sympy.MatAdd, sympy.Transpose, sympy.Add, sympy.Mul)):
        return rebuilt.doit(deep=False)
    return rebuilt


def _canonical_traces(expr: sympy.Basic, symmetric: dict) -> sympy.Basic:
    traces = expr.atoms(sympy.Trace)
    if not traces:
        return expr
    mapping = {t: canonical_trace(t, symmetric) for t in traces}
    return expr.xreplace(mapping)


def canonical_trace(trace: sympy.Trace, symmetric: dict | None = None) -> sympy.Basic:
    """tr(M) with M expanded, split over sums, and each product in its least rotation.

    tr(ABC) = tr(BCA) = tr((ABC)^T) = tr(C^T B^T A^T); the least of these (by
    SymPy's sort key) stands for all of them.
    """
    inner = trace.arg.doit().expand().doit()
    if symmetric:
        inner = inner.xreplace(symmetric)
    terms = inner.args if isinstance(inner, sympy.MatAdd) else (inner,)
    total = sympy.Integer(0)
    for term in terms:
        coeff, factors = _matmul_factors(term)
        if not factors:
            total += coeff * sympy.Trace(term)
            continue
        candidates = []
        for seq in (factors, [_transpose(f, symmetric) for f in reversed(factors)]):
            for k in range(len(seq)):
                rotated = seq[k:] + seq[:k]
                candidates.append(rotated)
        best = min(candidates, key=lambda seq: [sympy.default_sort_key(f) for f in seq])
        product = best[0] if len(best) == 1 else sympy.MatMul(*best)
        total += coeff * sympy.Trace(product)
    return total


def _transpose(matrix: sympy.Basic, symmetric: dict | None) -> sympy.Basic:
    out = sympy.Transpose(matrix).doit()
    return out.xreplace(symmetric) if symmetric else out


def _matmul_factors(term: sympy.Basic) -> tuple[sympy.Basic, list[sympy.Basic]]:
    """Split ``c * A @ B`` into the scalar ``c`` and ``[A, B]``."""
    if isinstance(term, sympy.MatMul):
        coeff = sympy.Integer(1)
        factors = []
        for f in term.args:
            if isinstance(f, MatrixExpr):
                factors.append(f)
            else:
                coeff *= f
        return coeff, factors
    if isinstance(term, sympy.MatrixSymbol) or isinstance(term, sympy.Transpose):
        return sympy.Integer(1), [term]
    return sympy.Integer(1), []


def has_declared_functions(expr: sympy.Basic) -> bool:
    return any(is_declared_function(f) for f in expr.atoms(sympy.Function))
