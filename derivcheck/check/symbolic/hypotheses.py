"""Using named hypotheses (``given`` + ``using``): rewrite rules and solved substitutions.

A hypothesis ``lhs = rhs`` is used in one of two ways, both sound consequences of it:

* a rewrite rule ``lhs -> rhs``; integer-kind symbols that occur as indices on
  its left side are universally quantified over their declared domain
  (``Var(X[i]) = sigma**2`` with ``i: natural`` rewrites every ``Var(X[k])``
  whose k is provably a natural, never ``Var(X[0])``);
* a solved substitution: when a declared symbol stands alone as an additive term
  of ``lhs - rhs`` (numeric coefficient, nowhere else in the hypothesis), the
  hypothesis is solved for it (``2*A@x + b = 0`` gives ``b -> -2*A@x``);
* a solved entry: when an entry ``M[i, j]`` of a declared matrix of literal size
  (no qualifier, or only ``symmetric``) stands alone the same way, ``M`` is replaced
  by the explicit matrix of its entries with that one (and its mirror, for a
  symmetric ``M``) set to the solved value (``M[3, 1] = 0`` makes ``det(M)`` the
  determinant of a matrix with a literal 0 there).
"""

from __future__ import annotations

from typing import Callable, Iterable

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ...expr import objects
from ...expr.objects import Relation
from ...expr.scope import MatrixDecl, ScalarDecl, Scope
from ..trees import bottom_up
from .canonical import symmetric_matrices, symmetric_transposes
from .inequalities import provably_nonzero
from .index_domain import IntegerRange, Ranges, provably_in_domain, summation_range


def quantified_indices(lhs: sympy.Basic, scope: Scope) -> list[sympy.Symbol]:
    """Integer symbols that index something on the left side: the rule's pattern variables."""
    integers = {
        d.symbol for d in scope.names.values() if isinstance(d, ScalarDecl) and d.kind in ("integer", "natural")
    }
    found: list[sympy.Symbol] = []
    for indexed in lhs.atoms(sympy.Indexed):
        for index in indexed.indices:
            for s in index.free_symbols:
                if s in integers and s not in found:
                    found.append(s)
    return found


def rewrite_with(expr: sympy.Basic, hypothesis: Relation, scope: Scope) -> sympy.Basic:
    """Apply one equality hypothesis to ``expr`` as a rewrite rule (or substitution).

    The hypothesis is a pointwise constraint between free variables, not an identity
    of functions: it never enters a derivative in one of its variables nor a Sum,
    Product or Integral binding one (``x**2 = 2`` leaves ``diff(x**2, x)`` alone)."""
    if hypothesis.op != "=" or getattr(hypothesis.lhs, "is_number", False):
        return expr  # inequalities are not rewrite rules; a number is never rewritten
    pattern_vars = quantified_indices(hypothesis.lhs, scope)
    variables = _symbols_of(hypothesis.lhs) | _symbols_of(hypothesis.rhs)
    return outside_binders(expr, variables - set(pattern_vars),
                           lambda e: _rewrite_with(e, hypothesis, scope, pattern_vars))


def substitute(expr: object, subs: dict) -> object:
    """``expr.xreplace(subs)`` outside the derivatives and binders in a symbol of ``subs``
    (a replaced one or one of the values)."""
    if not isinstance(expr, sympy.Basic):
        return expr
    variables = set(subs).union(*(_symbols_of(v) for v in subs.values()))
    return outside_binders(expr, variables, lambda e: e.xreplace(subs))


def _symbols_of(expr: object) -> set[sympy.Basic]:
    return set(expr.free_symbols) if isinstance(expr, sympy.Basic) else set()


def outside_binders(expr: sympy.Basic, variables: set[sympy.Basic],
                    transform: Callable[[sympy.Basic], sympy.Basic]) -> sympy.Basic:
    """``transform(expr)`` with every derivative in one of ``variables`` (Derivative,
    grad, hessian) and every Sum, Product or Integral binding one held out of reach:
    each such node is swapped for a placeholder first and put back after."""
    if not isinstance(expr, sympy.Basic) or not variables:
        return transform(expr)
    held: dict[sympy.Basic, sympy.Basic] = {}
    # an element of a sequence the rule speaks of, at any index (a quantified rule on x[k]
    # reaches x[1]): a derivative in it is held too
    bases = {v.base for v in variables if isinstance(v, sympy.Indexed)}

    def hold(node: sympy.Basic) -> bool:
        if isinstance(node, sympy.Derivative):
            return bool(set(node.variables) & variables) or any(
                isinstance(v, sympy.Indexed) and v.base in bases for v in node.variables)
        if isinstance(node, (objects.Gradient, objects.HessianMatrix)):
            return bool(node.args[1].free_symbols & variables)
        if isinstance(node, (sympy.Sum, sympy.Product, sympy.Integral)):
            return any(limit[0] in variables for limit in node.limits)
        return False

    def visit(node: sympy.Basic) -> None:
        if hold(node):
            if node not in held:
                held[node] = (sympy.MatrixSymbol(f"held'{len(held)}", *node.shape) if isinstance(node, MatrixExpr)
                              else sympy.Dummy(f"held{len(held)}"))
            return
        for arg in node.args:
            if isinstance(arg, sympy.Basic):
                visit(arg)

    visit(expr)
    if not held:
        return transform(expr)
    out = transform(expr.xreplace(held))
    back = {v: k for k, v in held.items()}
    return out.xreplace(back) if isinstance(out, sympy.Basic) else out


def _rewrite_with(expr: sympy.Basic, hypothesis: Relation, scope: Scope,
                  pattern_vars: list[sympy.Symbol]) -> sympy.Basic:
    lhs, rhs = hypothesis.lhs, hypothesis.rhs
    if pattern_vars:
        return _rewrite_instances(expr, lhs, rhs, pattern_vars, scope)
    solved = solve_for_lone_symbol(lhs, rhs) or solve_for_entry(lhs, rhs, scope)
    if solved is not None:
        symbol, value = solved
        return expr.xreplace({symbol: value})
    if isinstance(lhs, sympy.MatMul):
        symmetric = symmetric_matrices(scope)
        # not inside a derivative in the symmetric matrix: its entries are independent there
        out = rewrite_products(symmetric_transposes(expr, scope), lhs.xreplace(symmetric), rhs.xreplace(symmetric))
        flipped_lhs = sympy.Transpose(lhs).doit().xreplace(symmetric)
        flipped_rhs = sympy.Transpose(rhs).doit().xreplace(symmetric)
        return rewrite_products(out, flipped_lhs, flipped_rhs)
    return expr.xreplace({lhs: rhs})


def rewrite_products(expr: sympy.Basic, lhs: sympy.MatMul, rhs: sympy.Basic) -> sympy.Basic:
    """Replace every run of consecutive factors ``lhs`` inside a matrix product by ``rhs``.

    ``A @ v = lam * v`` rewrites ``w.T @ A @ v`` (one flat product) to ``lam * w.T @ v``.
    """
    pattern_coeff, pattern = _factors(lhs)
    if not pattern or pattern_coeff != 1:
        return expr
    if isinstance(expr, sympy.Basic) and not expr.args:
        return expr

    def transform(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, sympy.MatMul):
            coeff, factors = _factors(node)
            k = len(pattern)
            for i in range(len(factors) - k + 1):
                if factors[i : i + k] == pattern:
                    rebuilt = sympy.MatMul(*([coeff] + factors[:i] + [rhs] + factors[i + k :])).doit()
                    return bottom_up(rebuilt, transform) if rebuilt != node else rebuilt
        return node

    return bottom_up(expr.doit() if isinstance(expr, MatrixExpr) else expr, transform)


def _factors(product: sympy.Basic) -> tuple[sympy.Basic, list[sympy.Basic]]:
    if not isinstance(product, sympy.MatMul):
        return sympy.Integer(1), [product]
    coeff = sympy.Mul(*[a for a in product.args if not isinstance(a, MatrixExpr)])
    return coeff, [a for a in product.args if isinstance(a, MatrixExpr)]


def _rewrite_instances(expr: sympy.Basic, lhs: sympy.Basic, rhs: sympy.Basic,
                       pattern_vars: list[sympy.Symbol], scope: Scope) -> sympy.Basic:
    """Every instance of the quantified ``lhs`` in ``expr`` replaced by ``rhs`` at the same
    indices, where each quantified symbol's value there is provably in its declared domain
    (``x[k] = k`` with ``k: natural`` says nothing of ``x[0]``; see :mod:`.index_domain`).
    The variables of enclosing sums and products are known by the range they run over."""
    wilds = {v: sympy.Wild(f"w_{v.name}") for v in pattern_vars}
    pattern, template = lhs.xreplace(wilds), rhs.xreplace(wilds)

    def replace(node: sympy.Basic, context: Ranges) -> sympy.Basic:
        match = node.match(pattern)
        if match is None or not all(w in match for w in wilds.values()):
            return node
        if not all(provably_in_domain(match[w], v, scope, context) for v, w in wilds.items()):
            return node
        return template.xreplace(match)

    return _bottom_up(expr, lambda n: type(n) is type(lhs), replace, {})


def _bottom_up(expr: sympy.Basic, test, replace, context: Ranges) -> sympy.Basic:
    """``replace(node, context)`` on every node passing ``test``, innermost first; ``context``
    holds the ranges of the enclosing sum and product variables."""
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return replace(expr, context) if isinstance(expr, sympy.Basic) and test(expr) else expr
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        new_args = _limits_bottom_up(expr, test, replace, context)
    else:
        new_args = [_bottom_up(a, test, replace, context) for a in expr.args]
    node = expr if all(x is y for x, y in zip(new_args, expr.args)) else expr.func(*new_args)
    return replace(node, context) if test(node) else node


def _limits_bottom_up(expr: sympy.Basic, test, replace, context: Ranges) -> list[sympy.Basic]:
    # SymPy lists limits innermost first: a limit's bounds see the variables of the
    # limits after it, the summand sees them all
    limits: list[sympy.Basic] = list(expr.limits)
    inner = dict(context)
    for m in reversed(range(len(limits))):
        limit = limits[m]
        bounds = [_bottom_up(b, test, replace, inner) for b in limit[1:]]
        limits[m] = sympy.Tuple(limit[0], *bounds) if any(x is not y for x, y in zip(bounds, limit[1:])) else limit
        # a variable without both bounds has no known range, and shadows a declared one;
        # the ranges that speak of the variable it shadows are dropped with it
        variable = limit[0]
        inner = {s: r for s, r in inner.items() if not _mentions_symbol(r, variable)}
        inner[variable] = summation_range(limit[1], limit[2]) if len(limit) == 3 else IntegerRange()
    return [_bottom_up(expr.function, test, replace, inner), *limits]


def _mentions_symbol(span: IntegerRange, symbol: sympy.Basic) -> bool:
    return any(symbol in b.free_symbols for group in (*span.lows, *span.highs) for b in group)


def solve_for_lone_symbol(lhs: sympy.Basic, rhs: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``(S, value)`` when ``lhs - rhs`` is ``c*S + rest`` with S a symbol not in ``rest``."""
    matrix = isinstance(lhs, MatrixExpr) or isinstance(rhs, MatrixExpr)
    difference = (lhs - rhs).doit() if matrix else sympy.expand(lhs - rhs)
    terms = difference.args if isinstance(difference, (sympy.Add, sympy.MatAdd)) else (difference,)
    for k, term in enumerate(terms):
        coeff, core = _split_coefficient(term)
        if not isinstance(core, (sympy.Symbol, sympy.MatrixSymbol)) or not provably_nonzero(coeff):
            continue
        rest = [t for j, t in enumerate(terms) if j != k]
        if any(core in t.free_symbols or t.has(core) for t in rest):
            continue
        total = (sympy.MatAdd(*rest) if matrix else sympy.Add(*rest)) if rest else sympy.Integer(0)
        if matrix and not rest:
            total = sympy.ZeroMatrix(*core.shape)
        value = (-total / coeff) if not matrix else (-sympy.Integer(1) / coeff) * total
        return core, value.doit() if matrix else value
    return None


MAX_SOLVED_ENTRIES = 256  # a matrix written out to solve one of its entries has at most this many


def solve_for_entry(lhs: sympy.Basic, rhs: sympy.Basic, scope: Scope) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``(M, E)`` when ``lhs - rhs`` is ``c*M[i, j] + rest`` with ``M`` a declared matrix of
    literal size whose qualifiers are none or ``symmetric``, and ``rest`` free of that entry
    (its mirror too, for a symmetric ``M``) and of ``M`` other than through its entries:
    ``E`` is the explicit matrix of the entries of ``M`` with ``E[i, j] = -rest/c`` (and
    ``E[j, i]``, for a symmetric ``M``). Wherever the hypothesis holds, ``E`` equals ``M``."""
    if any(isinstance(side, MatrixExpr) or not isinstance(side, (sympy.Expr, int)) for side in (lhs, rhs)):
        return None
    difference = sympy.expand(sympy.sympify(lhs, strict=True) - sympy.sympify(rhs, strict=True))
    terms = difference.args if isinstance(difference, sympy.Add) else (difference,)
    for k, term in enumerate(terms):
        coeff, core = _split_coefficient(term)
        spots = _entry_spots(core, scope) if provably_nonzero(coeff) else None
        if spots is None:
            continue
        parent = core.parent
        rest = sympy.Add(*[t for j, t in enumerate(terms) if j != k])
        if not _only_other_entries(rest, parent, spots):
            continue
        value = -rest / coeff
        rows, cols = parent.shape
        return parent, sympy.ImmutableMatrix(
            int(rows), int(cols), lambda a, b: value if (a, b) in spots else parent[a, b])
    return None


def _entry_spots(core: sympy.Basic, scope: Scope) -> set[tuple[int, int]] | None:
    """The positions an entry ``M[i, j]`` fixes (with its mirror for a symmetric ``M``), or
    None when it is not an entry at literal indices of a declared matrix that may be solved."""
    if not isinstance(core, MatrixElement) or not isinstance(core.parent, sympy.MatrixSymbol):
        return None
    decl = scope.names.get(core.parent.name)
    if not isinstance(decl, MatrixDecl) or decl.symbol != core.parent or not decl.qualifiers <= {"symmetric"}:
        return None
    rows, cols = core.parent.shape
    if not all(isinstance(x, sympy.Integer) for x in (rows, cols, core.i, core.j)) or rows * cols > MAX_SOLVED_ENTRIES:
        return None
    i, j = int(core.i), int(core.j)
    return {(i, j), (j, i)} if "symmetric" in decl.qualifiers else {(i, j)}


def _only_other_entries(expr: sympy.Basic, parent: sympy.MatrixSymbol, spots: set[tuple[int, int]]) -> bool:
    """Whether ``parent`` occurs in ``expr`` only as entries at literal positions outside ``spots``."""
    if isinstance(expr, MatrixElement) and expr.parent == parent:
        return (expr.i.is_Integer and expr.j.is_Integer and (int(expr.i), int(expr.j)) not in spots)
    if expr == parent:
        return False
    return all(_only_other_entries(a, parent, spots) for a in expr.args if isinstance(a, sympy.Basic))


def solve_for_lone_factor(lhs: sympy.Basic, rhs: sympy.Basic,
                          invertible: set[sympy.Basic]) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``(M, value)`` for a matrix equation ``c * M @ X + rest = 0`` (or ``c * X @ M + rest``)
    with M a matrix symbol found nowhere else and X a product of matrices in ``invertible``
    (or their transposes and inverses): ``M = -rest/c @ inv(X)`` (or ``inv(X) @ ...``).
    ``B @ V = V @ Lam`` with V invertible gives ``B = V @ Lam @ inv(V)``."""
    if not (isinstance(lhs, MatrixExpr) or isinstance(rhs, MatrixExpr)):
        return None
    difference = (lhs - rhs).doit()
    terms = difference.args if isinstance(difference, sympy.MatAdd) else (difference,)
    for k, term in enumerate(terms):
        if not isinstance(term, sympy.MatMul):
            continue
        coeff = sympy.Mul(*[a for a in term.args if not isinstance(a, MatrixExpr)])
        factors = [a for a in term.args if isinstance(a, MatrixExpr)]
        rest = [t for j, t in enumerate(terms) if j != k]
        for position in (0, len(factors) - 1):
            core, others = factors[position], factors[:position] + factors[position + 1:]
            if not isinstance(core, sympy.MatrixSymbol) or not others or not provably_nonzero(coeff):
                continue
            if any(o.has(core) for o in others) or any(t.has(core) for t in rest):
                continue
            if not all(_invertible_factor(o, invertible) for o in others):
                continue
            x = sympy.MatMul(*others)
            if x.shape[0] != x.shape[1]:
                continue
            total = sympy.MatAdd(*rest) if rest else sympy.ZeroMatrix(*term.shape)
            right = (-sympy.Integer(1) / coeff) * total
            value = right * sympy.Inverse(x) if position == 0 else sympy.Inverse(x) * right
            return core, value
    return None


def _invertible_factor(m: sympy.Basic, invertible: set[sympy.Basic]) -> bool:
    if isinstance(m, (sympy.Transpose, sympy.Inverse)):
        return _invertible_factor(m.args[0], invertible)
    return m in invertible


def _split_coefficient(term: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic]:
    if isinstance(term, (sympy.Mul, sympy.MatMul)):
        numbers = [a for a in term.args if a.is_number]
        others = [a for a in term.args if not a.is_number]
        if len(others) == 1:
            return sympy.Mul(*numbers), others[0]
        return sympy.Integer(0), term
    return sympy.Integer(1), term


MAX_HYPOTHESIS_INSTANCES = 32  # instances of one quantified hypothesis at the indices of a goal


def instances_at(hypothesis: Relation, targets: Iterable[sympy.Basic], scope: Scope) -> list[Relation]:
    """The quantified ``hypothesis`` (``Var(X[k]) = s2`` with ``k: natural``) at each value of its
    quantified indices that an element of the same sequence in ``targets`` has (``X[2]`` gives
    ``k = 2``), where that value is provably inside the index's declared domain (rule 2); the
    hypothesis itself when it quantifies nothing. At most MAX_HYPOTHESIS_INSTANCES."""
    quantified = quantified_indices(hypothesis.lhs, scope) if isinstance(hypothesis.lhs, sympy.Basic) else []
    if not quantified:
        return [hypothesis]
    wilds = {v: sympy.Wild(f"w_{v.name}") for v in quantified}
    patterns = [a.xreplace(wilds) for a in hypothesis.lhs.atoms(sympy.Indexed) if a.free_symbols & set(quantified)]
    found: list[dict] = []
    for target in targets:
        for atom in (target.atoms(sympy.Indexed) if isinstance(target, sympy.Basic) else ()):
            for pattern in patterns:
                match = atom.match(pattern)
                if not match or not all(w in match for w in wilds.values()) or match in found:
                    continue
                if all(provably_in_domain(match[w], v, scope) for v, w in wilds.items()):
                    found.append(match)
    out = []
    for match in found[:MAX_HYPOTHESIS_INSTANCES]:
        at = {v: match[w] for v, w in wilds.items()}
        out.append(Relation(hypothesis.lhs.xreplace(at), hypothesis.op,
                            hypothesis.rhs.xreplace(at) if isinstance(hypothesis.rhs, sympy.Basic) else hypothesis.rhs))
    return out


def apply_hypotheses(relation: Relation, hypotheses: Iterable[Relation], scope: Scope) -> Relation:
    """The relation with every usable equality hypothesis applied to both sides."""
    lhs, rhs = relation.lhs, relation.rhs
    for h in hypotheses:
        lhs = rewrite_with(lhs, h, scope)
        rhs = rewrite_with(rhs, h, scope)
    return Relation(lhs, relation.op, rhs)
