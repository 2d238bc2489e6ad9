"""Do a step's hypotheses hold anywhere? Symbolic detection of hypotheses that hold nowhere.

A proof under hypotheses that no value satisfies is vacuous: from ``x = 1`` and
``x = 2`` every relation follows (SymPy's Groebner basis of the two is ``[1]``).
:func:`inconsistency` looks for such a contradiction and reports it; each test is
sound, i.e. it reports one only when no value the declarations allow satisfies
every hypothesis:

* a lone declared scalar is solved for (``x = 1`` gives ``x -> 1``, as the numeric
  check does) and substituted into the other hypotheses; its declared sign and
  interval then bind the value (``s = -1`` with ``s: positive`` gives ``-1 > 0``);
* a hypothesis that SymPy's assumptions decide false (``1 = 2``, ``x**2 = -1`` for a
  real ``x``, ``Var(X) = -1``: a variance, and the mean of a non-negative
  quantity, are non-negative; ``E(Z)`` and ``Var(Z)`` of a variable with a declared
  law are its mean and variance);
* the scalar equalities, as polynomials in their generators, have no common
  complex zero: their Groebner basis is ``[1]``;
* the hypotheses on one declared real or integer scalar alone have no common
  solution in its declared domain (``x > 1`` and ``x < 0``).

Not finding a contradiction shows nothing: the pipeline asks for a point where the
hypotheses hold as well, exact (:func:`.witness.exact_witness`) or sampled
(:func:`~derivcheck.check.numeric.witness`).
"""

from __future__ import annotations

import itertools
from typing import Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ...expr import objects
from ...expr.constants import certified_signs
from ...expr.pretty import relation_text
from ...expr.laws import LAWS, mean_and_variance
from ...expr.scope import INTEGER_KINDS, REAL_KINDS, RandomDecl, ScalarDecl, Scope, SequenceDecl
from .canonical import canonical
from .certificates import gap_certificate
from .moment_rules import moments_rewritten
from .hypotheses import quantified_indices, solve_for_lone_symbol, substitute
from .index_domain import provably_in_domain

MAX_GENERATORS = 10
"""A Groebner basis in more generators than this is not attempted (it can take very long:
the 9 entries of ``B @ V = V @ Lam`` at n = 3, in 21 generators, take minutes)."""

_DECLARATION = "the declaration of "


class _Fact:
    """One relation derived from the hypotheses, with the names it rests on."""

    def __init__(self, relation: objects.Relation, names: frozenset[str]) -> None:
        sides = [sympy.sympify(x, strict=True) if isinstance(x, (int, float)) else x
                 for x in (relation.lhs, relation.rhs)]
        self.relation = objects.Relation(sides[0], relation.op, sides[1])
        self.names = names

    def text(self) -> str:
        return relation_text(self.relation.lhs, self.relation.op, self.relation.rhs)


def inconsistency(hypotheses: Sequence[objects.Relation], names: Sequence[str], scope: Scope, *,
                  groebner: bool = True) -> str | None:
    """Why no value satisfies every hypothesis, or None when no contradiction is found.

    ``names`` are the hypotheses' names (shown in the reason), in the same order;
    ``groebner=False`` leaves out the costliest test (at instances, where explicit
    matrices give many equations).

    >>> # x = 1 and x = 2: "`one`, `two` reduce to 1 = 2"

    SymPy's assumptions decide these tests, so they read a constant's sign only as certified
    (:func:`~derivcheck.expr.constants.certified_signs`, reentrant: the pipeline's checks hold it
    already): ``x**2 + z**2 <= tanh(log(6*y) - log(2*y) - log(3))`` holds at ``x = z = 0``,
    though SymPy's rounded sign of that ``tanh`` would call it nowhere true.
    """
    with certified_signs():
        return _inconsistency(hypotheses, names, scope, groebner=groebner)


def _inconsistency(hypotheses: Sequence[objects.Relation], names: Sequence[str], scope: Scope, *,
                   groebner: bool) -> str | None:
    facts = _entrywise([_Fact(h, frozenset([n])) for h, n in zip(hypotheses, names)])
    facts = _solved(facts, scope)
    instances = _instances_of_rules(hypotheses, names, scope)
    for fact in facts:
        if _false(fact.relation, scope):
            return f"{_cite(fact.names)} reduce{'s' if len(fact.names) == 1 else ''} to {fact.text()}, " \
                   f"which holds nowhere"
    for fact in instances:
        if _false(fact.relation, scope) or _outside_sequence_domain(fact.relation, scope):
            return f"{_cite(fact.names)} reduces to {fact.text()}, which holds nowhere"
    found = _no_common_zero(facts, scope) if groebner else None
    if found is None and groebner and instances:
        # the rules at their instances stand for the rules (whose index would be one more
        # generator of every moment it indexes)
        found = _no_common_zero([f for f in facts if not _quantified_rule(f, scope)] + instances, scope)
    if found is not None:
        return f"{_cite(found)} have no common solution (their Groebner basis is [1])"
    found = _empty_domain(facts, scope)
    if found is not None:
        symbol, cited = found
        return f"{_cite(cited)} have no common solution for {symbol} in its declared domain"
    return _negative_variance(hypotheses, names, scope)


def _negative_variance(hypotheses: Sequence[objects.Relation], names: Sequence[str], scope: Scope) -> str | None:
    """A random variable whose variance, once the equality hypotheses on its moments are
    applied (:func:`.moment_rules.moments_rewritten`), is proved negative for every allowed
    value: no law has such moments (``E(M) = p``, ``E(M**2) = p**3`` with ``p`` in (0, 1): the
    variance is ``p**3 - p**2``; red team 16)."""
    randoms = scope.random_names()
    variables = sorted({s for h in hypotheses for side in (h.lhs, h.rhs) if isinstance(side, sympy.Basic)
                        for s in side.free_symbols if isinstance(s, sympy.Symbol) and s.name in randoms},
                       key=lambda s: s.name)
    for x in (v for s in variables for v in (s, s**2)):  # Var(X**2) >= 0 is Jensen's E(X**4) >= E(X**2)**2
        try:
            rewritten = moments_rewritten(objects.Relation(objects.Variance(x), ">=", sympy.Integer(0)), scope,
                                          hypotheses)
            if rewritten is None:
                continue
            variance = rewritten.lhs - rewritten.rhs  # both canonical forms (SymPy expressions)
            if gap_certificate(-variance, True, scope) is not None:
                return f"{_cite(frozenset(names))} give Var({x}) = {variance}, negative for every allowed value"
        except Exception:  # noqa: BLE001 - a form no test reads: no contradiction found here
            continue
    return None


def _outside_sequence_domain(relation: objects.Relation, scope: Scope) -> bool:
    """``x[3] = 2`` for a sequence declared ``in (0, 1)`` (or of another kind it violates)."""
    if relation.op != "=":
        return False
    for element, value in ((relation.lhs, relation.rhs), (relation.rhs, relation.lhs)):
        if not isinstance(element, sympy.Indexed) or not isinstance(value, sympy.Basic) or not value.is_number:
            continue
        decl = scope.names.get(str(element.base))
        if isinstance(decl, SequenceDecl) and not decl.random and decl.kind in REAL_KINDS + INTEGER_KINDS:
            if value.is_extended_real is not True:
                return False
            if decl.kind in INTEGER_KINDS and value.is_integer is False:
                return True
            if decl.value_set().contains(value) is sympy.false:
                return True
    return False


def _quantified_rule(fact: _Fact, scope: Scope) -> bool:
    lhs = fact.relation.lhs
    return isinstance(lhs, sympy.Basic) and bool(quantified_indices(lhs, scope))


MAX_RULE_INSTANCES = 12
RULE_INDEX_VALUES = tuple(range(-1, 5))


def _instances_of_rules(hypotheses: Sequence[objects.Relation], names: Sequence[str],
                        scope: Scope) -> list[_Fact]:
    """Quantified rules (``Var(X[k]) = 1``, ``x[k] = 1`` for every natural k) at a few index
    values inside their domains, each a consequence of the rule: they can contradict each
    other (``x[k] + x[k + 1] = 3`` at k = 1 with ``x[k] = 1``), the declared independence
    (``Var(X[k] - X[k + 1]) = 0`` at k = 1 is Var(X[1]) + Var(X[2]) = 0, which
    ``Var(X[k]) = 1`` makes 2 = 0), or the sequence's declared domain."""
    out: list[_Fact] = []
    for h, name in zip(hypotheses, names):
        if h.op != "=" or not isinstance(h.lhs, sympy.Basic):
            continue
        indices = quantified_indices(h.lhs, scope)
        if not indices:
            continue
        choices = [[sympy.Integer(v) for v in RULE_INDEX_VALUES if provably_in_domain(sympy.Integer(v), k, scope)]
                   for k in indices]
        for values in itertools.islice(itertools.product(*choices), 3):
            if len(out) >= MAX_RULE_INSTANCES:
                return out
            at = dict(zip(indices, values))
            rhs = h.rhs.xreplace(at) if isinstance(h.rhs, sympy.Basic) else h.rhs
            shown = ", ".join(f"{k} = {v}" for k, v in at.items())
            out.append(_Fact(objects.Relation(h.lhs.xreplace(at), "=", rhs), frozenset([f"{name} at {shown}"])))
    return out


def _cite(names: frozenset[str]) -> str:
    return ", ".join(n if n.startswith(_DECLARATION) else f"`{n}`" for n in sorted(names))


def _entrywise(facts: list[_Fact]) -> list[_Fact]:
    """Explicit matrix relations (at an instance) as one relation per entry."""
    out = []
    for fact in facts:
        lhs, rhs = fact.relation.lhs, fact.relation.rhs
        if fact.relation.op == "=" and isinstance(lhs, sympy.MatrixBase) and isinstance(rhs, sympy.MatrixBase) \
                and lhs.shape == rhs.shape:
            out.extend(_Fact(objects.Relation(a, "=", b), fact.names) for a, b in zip(lhs, rhs))
        else:
            out.append(fact)
    return out


def _solved(facts: list[_Fact], scope: Scope) -> list[_Fact]:
    """Each equality that gives a lone declared real scalar is solved and substituted into
    the others; the scalar's declared domain then binds its value (an equivalent system)."""

    # a parameter of a declared law also stands, unseen, in every moment of its variable
    # (E(X) is mu for X: random normal(mu, s2)): solving for it is no equivalent rearrangement
    hidden = _law_parameters(scope)
    pending, done = list(facts), []
    while pending:
        fact = pending.pop(0)
        solved = None
        if fact.relation.op == "=" and _scalar(fact.relation):
            try:
                solved = solve_for_lone_symbol(fact.relation.lhs, fact.relation.rhs)
            except Exception:  # noqa: BLE001 - a hypothesis SymPy cannot rearrange is kept as it is
                solved = None
        decl = scope.names.get(getattr(solved[0], "name", "")) if solved is not None else None
        if not (isinstance(decl, ScalarDecl) and decl.symbol == solved[0] and decl.kind in REAL_KINDS) \
                or solved[0] in hidden:
            done.append(fact)
            continue
        symbol, value = solved
        pending = [_substituted(f, symbol, value, fact.names) for f in pending]
        done = [_substituted(f, symbol, value, fact.names) for f in done]
        cited = fact.names | {f"{_DECLARATION}{symbol}"}
        done.extend(_Fact(r, cited) for r in decl.bounds_on(value))
    return done


def _law_parameters(scope: Scope) -> set[sympy.Basic]:
    """The symbols in the parameters of the declared laws."""
    found: set[sympy.Basic] = set()
    for decl in scope.names.values():
        if isinstance(decl, (RandomDecl, SequenceDecl)) and decl.distribution is not None:
            for p in decl.distribution[1]:
                found |= sympy.sympify(p, strict=True).free_symbols
    return found


def _substituted(fact: _Fact, symbol: sympy.Symbol, value: sympy.Basic, names: frozenset[str]) -> _Fact:
    r = fact.relation
    if not any(isinstance(x, sympy.Basic) and x.has(symbol) for x in (r.lhs, r.rhs)):
        return fact

    # pointwise: never inside a derivative or binder in the symbol or the value's names
    sub = lambda x: substitute(x, {symbol: value})  # noqa: E731
    return _Fact(objects.Relation(sub(r.lhs), r.op, sub(r.rhs)), fact.names | names)


def _scalar(relation: objects.Relation) -> bool:
    return all(isinstance(x, sympy.Basic) and not isinstance(x, (MatrixExpr, sympy.MatrixBase))
               for x in (relation.lhs, relation.rhs))


def _difference(relation: objects.Relation, scope: Scope, *, laws: bool) -> sympy.Expr | None:
    """``lhs - rhs`` in canonical form (``laws``: moments replaced as described in the module
    docstring, so that SymPy's assumptions know their signs); None for a matrix relation."""

    if not _scalar(relation):
        return None
    lhs, rhs = relation.lhs, relation.rhs
    if laws:
        lhs, rhs = _with_laws(lhs, scope), _with_laws(rhs, scope)
    try:
        return sympy.expand(canonical(lhs, scope) - canonical(rhs, scope))
    except Exception:  # noqa: BLE001 - no canonical form: this test says nothing
        return None


def _with_laws(expr: sympy.Basic, scope: Scope) -> sympy.Basic:
    """Moments replaced by what the declarations say of them: ``E(Z)``, ``Var(Z)`` of a
    variable with a declared law by its mean and variance; any other variance, and the
    mean of a non-negative quantity, by a fresh non-negative symbol (one per moment)."""
    fresh: dict[sympy.Basic, sympy.Basic] = {}

    def moment(node: sympy.Basic) -> sympy.Basic | None:
        if not isinstance(node, (objects.Expectation, objects.Variance)):
            return None
        known = _law_moment(node, scope)
        if known is not None:
            return known
        if isinstance(node, objects.Variance) or node.args[0].is_nonnegative:
            return fresh.setdefault(node, sympy.Dummy(f"m{len(fresh)}", nonnegative=True))
        return None

    return expr.replace(lambda n: moment(n) is not None, moment)


def _law_moment(node: sympy.Basic, scope: Scope) -> sympy.Basic | None:
    target = node.args[0]
    name = str(target.base.label) if isinstance(target, sympy.Indexed) else getattr(target, "name", "")
    decl = scope.names.get(name)
    if not isinstance(decl, (RandomDecl, SequenceDecl)) or decl.distribution is None:
        return None
    if isinstance(decl, RandomDecl) and decl.symbol != target:
        return None
    law, params = decl.distribution[0].lower(), decl.distribution[1]
    if len(params) != 2:
        return None
    if law not in LAWS:
        return None
    mean, variance = mean_and_variance(law, tuple(sympy.sympify(p, strict=True) for p in params))
    return mean if isinstance(node, objects.Expectation) else variance


def _false(relation: objects.Relation, scope: Scope) -> bool:
    """True when SymPy's assumptions decide that the scalar relation holds nowhere: in
    canonical form, with the moments' laws, or as written (``(x - 1)**2 + 1`` is positive,
    its expanded form is not known to be)."""
    if not _scalar(relation):
        return False
    written = _with_laws(relation.lhs, scope) - _with_laws(relation.rhs, scope)
    for d in (_difference(relation, scope, laws=False), _difference(relation, scope, laws=True), written):
        if d is None or d.has(sympy.nan, sympy.zoo):
            continue
        if relation.op == "=":
            if d.is_zero is False:
                return True
            continue
        try:
            decided = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}[relation.op](d, 0)
        except (TypeError, KeyError):
            continue
        if decided is sympy.false:
            return True
    return False


def _no_common_zero(facts: list[_Fact], scope: Scope) -> frozenset[str] | None:
    """The names of scalar equalities whose numerators have no common complex zero."""
    polys, cited = [], frozenset()
    for fact in facts:
        if fact.relation.op != "=":
            continue
        d = _difference(fact.relation, scope, laws=False)
        if d is None or d == 0:
            continue  # (a sum or an integral is one more generator: no common zero still means none)
        polys.append(sympy.expand(sympy.numer(sympy.together(d))))
        cited |= fact.names
    if len(polys) < 2:
        return None  # one equality alone: the assumptions test above covers it
    try:
        converted, info = sympy.parallel_poly_from_expr(polys)
        if len(info["gens"]) > MAX_GENERATORS:
            return None
        basis = sympy.groebner([p.as_expr() for p in converted], *info["gens"], order="grevlex")
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, sympy.CoercionFailed, ValueError, TypeError,
            NotImplementedError):
        return None
    return cited if list(basis.exprs) == [1] else None


def _empty_domain(facts: list[_Fact], scope: Scope) -> tuple[sympy.Symbol, frozenset[str]] | None:
    """A declared real or integer scalar whose hypotheses alone have no common solution."""
    for decl in scope.names.values():
        if not isinstance(decl, ScalarDecl) or decl.kind not in REAL_KINDS + INTEGER_KINDS:
            continue
        own = [f for f in facts if _scalar(f.relation)
               and set().union(*(x.free_symbols for x in (f.relation.lhs, f.relation.rhs))) == {decl.symbol}]
        if not own:
            continue
        region, cited = decl.value_set(), frozenset()
        for fact in own:
            solutions = _solutions(fact.relation, decl.symbol)
            if solutions is None:
                continue
            region, cited = sympy.Intersection(region, solutions), cited | fact.names
            if region.is_empty:
                return decl.symbol, cited
    return None


def _solutions(relation: objects.Relation, symbol: sympy.Symbol) -> sympy.Set | None:
    """The real solutions of a relation in one symbol, or None when SymPy cannot say."""
    make = {"=": sympy.Eq, "<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}.get(relation.op)
    if make is None:
        return None
    try:
        found = sympy.solveset(make(relation.lhs, relation.rhs), symbol, domain=sympy.S.Reals)
    except Exception:  # noqa: BLE001 - SymPy cannot solve it: this test says nothing
        return None
    return None if isinstance(found, sympy.ConditionSet) or found.has(sympy.ConditionSet) else found


__all__ = ["inconsistency"]
