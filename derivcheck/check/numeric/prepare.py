"""How a numeric check uses a step's hypotheses (its ``using`` relations).

Each hypothesis is solved for a lone symbol (or a lone matrix factor) and
substituted, applied as a rewrite rule (``Var(X[i]) = s**2``, enforced exactly on
the probability space when it is a law), or kept to filter the sampled points
(eigenvector hypotheses are then satisfied by construction, see
:mod:`derivcheck.check.numeric.eigen`). ``caveats`` say why a disagreement may not be a
counterexample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from ...expr import objects
from ...expr.pretty import plain_text
from ...expr.scope import INTEGER_KINDS, MatrixDecl, ScalarDecl, Scope
from ..symbolic import (provably_in_domain, quantified_indices, rewrite_with, solve_for_entry,
                        solve_for_lone_factor, solve_for_lone_symbol, substitute)
from ..trees import unique_nodes

@dataclass(frozen=True)
class Prepared:
    """The relation after solved substitutions and rewrite rules; the hypotheses left to filter
    points with; ``caveats`` say why a disagreement may not be a counterexample."""

    relation: objects.Relation
    filters: tuple[objects.Relation, ...]
    caveats: tuple[str, ...]
    laws: tuple[objects.Relation, ...] = ()
    # hypotheses that share no variable with the claim (after substitution): they do
    # not filter its points, so the points say nothing of whether they can hold
    unrelated: tuple[objects.Relation, ...] = ()
    # the options at each branching of a solved hypothesis (several real roots, a leading
    # coefficient that may vanish), the option taken at each, and whether the branch is empty
    decisions: tuple[int, ...] = ()
    choice: tuple[int, ...] = ()
    infeasible: bool = False
    # the scalars solved from the hypotheses, as values of the sampled ones (shown with a
    # counterexample: every variable of the claim is listed)
    solved: tuple[tuple[sympy.Basic, sympy.Basic], ...] = ()


_MOMENTS = (objects.Expectation, objects.Variance, objects.Covariance)


MAX_DECISIONS = 4  # branchings of solved hypotheses on one path; past them a hypothesis filters
MAX_BRANCHES = 8  # branches checked in all; past them every branching hypothesis filters


def prepare_branches(relation: objects.Relation, hypotheses: Sequence[objects.Relation], scope: Scope, *,
                     keep_unrelated: bool = False) -> list[Prepared]:
    """Every branch of the hypotheses' solutions, each prepared (see :func:`prepare`).

    Solving ``x**2 = 2`` for one root samples only half of the points where it holds, and
    ``x*y = 0`` solved for ``x`` misses ``y = 0``: each real root, and the case of a
    vanishing leading coefficient, is a branch of its own, so that together the branches
    cover every point where the hypotheses hold. Branches whose hypotheses reduce to a
    false statement between numbers are dropped. Past MAX_BRANCHES the branching
    hypotheses only filter the points (sound, possibly leaving few of them)."""
    done: list[Prepared] = []
    todo: list[tuple[int, ...]] = [()]
    while todo:
        choice = todo.pop(0)
        branch = prepare(relation, hypotheses, scope, keep_unrelated=keep_unrelated, choice=choice)
        for k in range(len(choice), len(branch.decisions)):
            todo.extend(branch.choice[:k] + (v,) for v in range(1, branch.decisions[k]))
        if not branch.infeasible:
            done.append(branch)
        if len(done) + len(todo) > MAX_BRANCHES:
            return [prepare(relation, hypotheses, scope, keep_unrelated=keep_unrelated, branching=False)]
    return done


def prepare(relation: objects.Relation, hypotheses: Sequence[objects.Relation], scope: Scope, *,
            keep_unrelated: bool = False, choice: Sequence[int] = (), branching: bool = True) -> Prepared:
    """Use each hypothesis: solve-and-substitute, rewrite rule (``Var(X[i]) = s**2``), or filter.

    An equality is solved for a lone symbol, else for a real symbol it is a quadratic
    (or ``a*s**k + b``) in, one real root chosen, so that the points satisfy it rather
    than being rejected by it (``x**2 = 2`` gives ``x -> -sqrt(2)``). A filter that
    shares no variable with the claim, directly or through other filters, constrains
    other variables only: it is set aside (``unrelated``) unless ``keep_unrelated``
    (the check of the hypotheses alone), so that it cannot reject every point and so
    switch the numeric check of the claim off."""
    work = _Preparation(relation, list(hypotheses), scope, tuple(choice), branching)
    while work.pending:
        h = work.pending.pop(0)
        truth = _between_numbers(h)
        if truth is False:
            work.infeasible = True  # this branch holds no point: 1 = 0 after a substitution
            break
        if truth is None and not (work.use_rule(h) or work.use_entry(h) or work.use_solution(h)):
            work.filters.append(h)
    return work.prepared(keep_unrelated)


@dataclass
class _Preparation:
    """The working state of :func:`prepare`: the relation and the hypotheses still to use,
    rewritten as each hypothesis is used, and what each use leaves behind."""

    relation: objects.Relation
    pending: list[objects.Relation]
    scope: Scope
    choice: tuple[int, ...]
    branching: bool
    filters: list[objects.Relation] = field(default_factory=list)
    laws: list[objects.Relation] = field(default_factory=list)
    rules: list[objects.Relation] = field(default_factory=list)  # applied to the claim as rewrite rules: always related
    unenforced: list[str] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)
    taken: list[int] = field(default_factory=list)
    solved_values: list[tuple[sympy.Basic, sympy.Basic]] = field(default_factory=list)
    infeasible: bool = False

    def use_rule(self, h: objects.Relation) -> bool:
        """A moment (``Var(X[i]) = s**2``) or an equality quantified over indices: rewrite the
        claim with it, and enforce it as a law of the probability space, or as a filter, where
        it can be. False when ``h`` is no such rule."""
        scope = self.scope
        if not (h.op == "=" and isinstance(h.lhs, sympy.Basic) and (
                isinstance(h.lhs, _MOMENTS) or quantified_indices(h.lhs, scope))):
            return False
        self.relation = objects.Relation(rewrite_with(self.relation.lhs, h, scope), self.relation.op,
                                         rewrite_with(self.relation.rhs, h, scope))
        quantified = quantified_indices(h.lhs, scope)
        law = _law(h, quantified, scope)
        if law is not None:
            self.laws.append(law)
            if isinstance(h.lhs, objects.Variance) and not (
                    isinstance(h.rhs, sympy.Basic) and h.rhs.free_symbols & set(quantified)):
                # the space takes sqrt(v): a negative v would give complex "random variables"
                self.filters.append(objects.Relation(h.rhs, ">=", sympy.Integer(0)))
        elif not quantified:
            # one relation, realisable as it stands: it also filters the points,
            # where rewriting with it does not change the claim's value
            self.filters.append(h)
            self.rules.append(h)
        else:
            # the sampled point need not satisfy the rule, so a disagreement
            # after rewriting is no counterexample to "rule implies claim"
            self.unenforced.append(plain_text(h.lhs))
        return True

    def use_entry(self, h: objects.Relation) -> bool:
        """Solve the equality ``h`` for an entry of a declared matrix and put the explicit
        matrix in its place everywhere (see :func:`_put_entry`); False when it cannot."""
        entry = _put_entry(h, self.scope, self.relation, self.pending, self.filters) if h.op == "=" else None
        if entry is None:
            return False
        self.relation, self.pending, self.filters, (parent, explicit) = entry
        # an earlier entry of the same matrix: its explicit value now holds this one too
        earlier = any(s_ == parent for s_, _ in self.solved_values)
        self.solved_values = [(s_, _subs(v_, {parent: explicit})) for s_, v_ in self.solved_values]
        if not earlier:
            self.solved_values.append((parent, explicit))
        return True

    def use_solution(self, h: objects.Relation) -> bool:
        """Solve the equality ``h`` for a lone symbol or matrix factor, else take this branch's
        real root of a symbol it is a quadratic in, and substitute it; False when ``h`` is
        solved neither way (it then filters)."""
        if h.op != "=":
            return False
        solved = _lone_solution(h, self.scope)
        if solved is None:
            option = self._branch(h)
            if isinstance(option, list):  # the leading coefficient vanishes: its equation first
                self.pending[:0] = option
                return True
            solved = option
        if solved is None or not _solvable(solved[0], self.scope):
            return False
        self._substitute(h, *solved)
        return True

    def _branch(self, h: objects.Relation) -> Any:
        """This branch's option among the real roots of ``h`` (see :func:`_real_roots`), the
        branching recorded; None when ``h`` does not branch (or no more branching is allowed)."""
        if not self.branching or len(self.decisions) >= MAX_DECISIONS:
            return None
        options = _real_roots(h, self.scope)
        if not options:
            return None
        at = len(self.decisions)
        pick = self.choice[at] if at < len(self.choice) else 0
        self.decisions.append(len(options))
        self.taken.append(pick)
        return options[pick]

    def _substitute(self, h: objects.Relation, symbol: sympy.Basic, value: Any) -> None:
        """Put ``value`` for ``symbol`` in the relation, the pending hypotheses and the filters,
        with the filters that keep ``value`` real and in ``symbol``'s domain; ``h`` filters
        instead when ``symbol`` is still free after it."""
        subs = {symbol: value}
        moved = {symbol} | _free(objects.Relation(value, "=", value))
        put = [_put(r, subs, moved) for r in (self.relation, *self.pending, *self.filters)]
        if any(symbol in _free(r) for r in put):
            # still free inside a derivative in it (or a binder): the points must satisfy
            # the hypothesis as they are, so it filters them
            self.filters.append(h)
            return
        n = len(self.pending)
        self.relation, self.pending, self.filters = put[0], put[1:1 + n], put[1 + n:]
        self.solved_values = [(s_, _subs(v_, subs)) for s_, v_ in self.solved_values]
        if isinstance(symbol, sympy.Symbol):
            self.solved_values.append((symbol, value))
        self.filters.extend(objects.Relation(arg, ">=", sympy.Integer(0)) for arg in _root_radicands(value))
        self.filters.extend(_domain_filters(symbol, value, self.scope))

    def prepared(self, keep_unrelated: bool) -> Prepared:
        """The result: unless ``keep_unrelated``, the filters that share no variable with the
        claim (or its laws and rules) set aside as ``unrelated``."""
        caveats = tuple(f"the rewrite-rule hypothesis on {lhs} is not enforced at the sampled points"
                        for lhs in self.unenforced)
        filters, unrelated = self.filters, []
        if not keep_unrelated:
            filters, unrelated = _related(self.relation, self.filters, [*self.laws, *self.rules])
        return Prepared(self.relation, tuple(filters), caveats, tuple(self.laws), tuple(unrelated),
                        tuple(self.decisions), tuple(self.taken), self.infeasible, tuple(self.solved_values))


def _lone_solution(h: objects.Relation, scope: Scope) -> tuple[sympy.Basic, Any] | None:
    """``h`` solved for a lone symbol, or a lone factor among the invertible matrices, that
    may be substituted (see :func:`_solvable`); None otherwise."""
    try:
        solved = solve_for_lone_symbol(h.lhs, h.rhs) or solve_for_lone_factor(
            h.lhs, h.rhs, _invertible_matrices(scope))
    except Exception:  # noqa: BLE001 - an unsolvable hypothesis is simply a filter
        return None
    return solved if solved is not None and _solvable(solved[0], scope) else None


def _put_entry(h: objects.Relation, scope: Scope, relation: objects.Relation, pending: list,
               filters: list) -> tuple | None:
    """Solve ``h`` for an entry of a declared matrix (``M[3, 1] = 0``, see
    :func:`~derivcheck.check.symbolic.hypotheses.solve_for_entry`) and put the explicit matrix
    in place of ``M`` everywhere, so that the points satisfy it rather than being rejected by
    it: the new relation, pending hypotheses and filters, and ``(M, explicit)``. None when
    it cannot be solved so, or when the entry is still reached after the substitution
    (inside a derivative in ``M``): then ``h`` filters."""
    try:
        solved = solve_for_entry(h.lhs, h.rhs, scope)
    except Exception:  # noqa: BLE001 - an unsolvable hypothesis is simply a filter
        solved = None
    if solved is None:
        return None
    parent, explicit = solved
    spots = {(a, b) for a in range(explicit.rows) for b in range(explicit.cols) if explicit[a, b] != parent[a, b]}
    put = [_put(r, {parent: explicit}, {parent}) for r in (relation, *pending, *filters)]
    if not all(_entries_outside(side, parent, spots) for r in put for side in (r.lhs, r.rhs)):
        return None
    return put[0], put[1:1 + len(pending)], put[1 + len(pending):], (parent, explicit)


def _entries_outside(expr: Any, parent: sympy.Basic, spots: set[tuple[int, int]]) -> bool:
    """Whether ``parent`` occurs in ``expr`` only as entries at literal positions outside ``spots``."""
    if not isinstance(expr, sympy.Basic):
        return True
    if isinstance(expr, MatrixElement) and expr.parent == parent:
        return bool(expr.i.is_Integer and expr.j.is_Integer) and (int(expr.i), int(expr.j)) not in spots
    if expr == parent:
        return False
    return all(_entries_outside(a, parent, spots) for a in expr.args)


def solves(h: objects.Relation, scope: Scope) -> bool:
    """Whether :func:`prepare` solves the scalar equality ``h`` for a declared real symbol
    (a lone linear one, or one it is a quadratic in), rather than keeping it as a filter."""
    sides = [sympy.Integer(side) if isinstance(side, int) else side for side in (h.lhs, h.rhs)]
    if h.op != "=" or not all(isinstance(side, sympy.Expr) and not isinstance(side, sympy.MatrixExpr)
                              for side in sides):
        return False
    try:
        solved = solve_for_lone_symbol(*sides)
    except Exception:  # noqa: BLE001 - not solvable: the caller keeps the inequality
        solved = None
    return (solved is not None and _solvable(solved[0], scope)) or bool(_real_roots(h, scope))


def _between_numbers(h: objects.Relation) -> bool | None:
    """Whether a hypothesis without variables holds (None when it has variables or is undecided)."""
    sides = [sympy.Integer(side) if isinstance(side, int) else side for side in (h.lhs, h.rhs)]
    if not all(isinstance(side, sympy.Expr) and not side.free_symbols and side.is_number for side in sides):
        return None
    try:
        value = {"=": sympy.Eq, "<=": sympy.Le, "<": sympy.Lt, ">=": sympy.Ge, ">": sympy.Gt}[h.op](*sides)
    except (KeyError, TypeError):
        return None
    return bool(value) if value in (sympy.true, sympy.false) else None


def _put(relation: objects.Relation, subs: dict, moved: set[sympy.Basic]) -> objects.Relation:
    return objects.Relation(_subs(_differentiated(relation.lhs, moved), subs), relation.op,
                            _subs(_differentiated(relation.rhs, moved), subs))


def _differentiated(expr: Any, symbols: set[sympy.Basic]) -> Any:
    """``expr`` with its derivatives in ``symbols`` taken, so that values can then be put in."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Derivative):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Derivative) and bool(symbols & set(e.variables)),
                        lambda e: e.doit())


def _free(relation: objects.Relation) -> set[sympy.Basic]:
    return set().union(*(side.free_symbols for side in (relation.lhs, relation.rhs) if isinstance(side, sympy.Basic)))


def _related(relation: objects.Relation, filters: list[objects.Relation],
             anchors: list[objects.Relation]) -> tuple[list[objects.Relation], list[objects.Relation]]:
    """The filters connected to the claim (or to ``anchors``, the laws and rules it was
    rewritten with) by shared variables, and the others."""
    reached = _free(relation).union(*(_free(anchor) for anchor in anchors))
    kept: list[objects.Relation] = []
    rest = list(filters)
    grown = True
    while grown:
        grown = False
        for f in list(rest):
            symbols = _free(f)
            if symbols & reached or not symbols:
                kept.append(f)
                rest.remove(f)
                reached |= symbols
                grown = True
    return [f for f in filters if f in kept], rest


MAX_ROOT_DEGREE = 2


def _real_roots(h: objects.Relation, scope: Scope) -> list:
    """The branches of a scalar equality that is a quadratic (or ``a*s**k + b``) in a declared
    real symbol ``s``: ``(s, root)`` for each root that is not provably non-real, and, when
    the leading coefficient ``a`` may vanish, the hypotheses ``[a = 0, h]`` (then ``h`` is of
    lower degree, or holds for every ``s``). Empty when no such symbol is found."""
    sides = [sympy.Integer(side) if isinstance(side, int) else side for side in (h.lhs, h.rhs)]
    if h.op != "=" or not all(isinstance(side, sympy.Expr) for side in sides):
        return []
    try:
        difference = sympy.expand(sides[0] - sides[1])
    except Exception:  # noqa: BLE001 - an unsolvable hypothesis is simply a filter
        return []
    for symbol in sorted(difference.free_symbols, key=str):
        if not _solvable(symbol, scope) or not isinstance(symbol, sympy.Symbol):
            continue
        try:
            poly = sympy.Poly(difference, symbol)
        except Exception:  # noqa: BLE001 - not a polynomial in it
            continue
        if poly.degree() < 1 or any(c.has(symbol) for c in poly.coeffs()):
            continue
        if poly.degree() > MAX_ROOT_DEGREE and not (len(poly.terms()) == 2 and poly.terms()[-1][0] == (0,)):
            continue
        try:
            roots = sympy.solve(difference, symbol)
        except Exception:  # noqa: BLE001 - an unsolvable hypothesis is simply a filter
            continue
        options: list = [(symbol, root) for root in roots if root.is_real is not False and not root.has(sympy.I)]
        if not options:
            continue
        if poly.LC().is_zero is not False:
            options.append([objects.Relation(poly.LC(), "=", sympy.Integer(0)), h])
        return options
    return []


def _root_radicands(value: sympy.Basic) -> list[sympy.Basic]:
    """What must be nonnegative for ``value`` to be real: the arguments of its even roots."""
    if not isinstance(value, sympy.Basic):
        return []
    return [p.base for p in value.atoms(sympy.Pow)
            if p.exp.is_Rational and not p.exp.is_Integer and p.exp.q % 2 == 0 and p.base.free_symbols]


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
    return getattr(decl, "symbol", None) == symbol and getattr(decl, "kind", "") in INTEGER_KINDS


def _in_domain(symbol: sympy.Symbol, scope: Scope) -> Callable[[sympy.Basic], bool]:
    return lambda value: bool(value.is_Integer) and provably_in_domain(value, symbol, scope)


def _subs(expr: Any, subs: dict) -> Any:
    return substitute(expr, subs)


def _mentions(expr: sympy.Basic, name: str) -> bool:
    return any(str(getattr(n, "label", n)) == name for n in unique_nodes([expr])
               if isinstance(n, (sympy.Symbol, sympy.IndexedBase)))


def _invertible_matrices(scope: Scope) -> set[sympy.Basic]:
    """Matrices declared invertible, or with a qualifier that implies it (``MatrixDecl.has_qualifier``)."""
    return {d.symbol for d in scope.names.values() if isinstance(d, MatrixDecl) and d.has_qualifier("invertible")}


def _solvable(symbol: sympy.Basic, scope: Scope) -> bool:
    decl = scope.names.get(getattr(symbol, "name", ""))
    if isinstance(decl, MatrixDecl):
        return decl.symbol == symbol and not decl.qualifiers
    return (isinstance(decl, ScalarDecl) and decl.symbol == symbol
            and decl.kind in ("real", "positive", "nonnegative", "negative"))


def _domain_filters(symbol: sympy.Basic, value: Any, scope: Scope) -> list[objects.Relation]:
    decl = scope.names.get(getattr(symbol, "name", ""))
    return decl.bounds_on(value) if isinstance(decl, ScalarDecl) else []
