"""The one numeric entry: :func:`check_numerically` dispatches a relation to its evidence.

A gradient relation ``grad(f, V) = G`` (without hypotheses) is cross-checked with
torch autograd and by the realised check (:mod:`.gradient`); any other relation
is prepared with its hypotheses (:mod:`.prepare`, also at the boundary of a
non-strict one) and checked at random points (:mod:`.random_points`). Every path
returns an :class:`~derivcheck.check.evidence.Evidence`; the safety limit in CPU
time applies to the whole check.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from typing import Sequence

import sympy

from ...expr import objects
from ...expr.constants import (JUMPS, UNEVALUATED, closed_forms_of, constant_sign, enclosable, is_constant,
                               settled_number)
from ...expr.pretty import relation_text
from ...expr.scope import INTEGER_KINDS, ScalarDecl, Scope
from ..evidence import Evidence, Status
from ..runtime import Deadline, run_bounded
from .arrays import NUMPY
from .evaluate import Evaluator
from .gradient import cross_check, gradient_parts
from .prepare import prepare_branches, solves
from .random_points import check_prepared, inconclusive, tied

MAX_BOUNDARIES = 2  # non-strict hypotheses also tried at their boundary
MAX_EDGES = 4  # boundaries (non-strict hypotheses, a strict claim's own) that vertices are made of
MAX_VERTICES = 6  # vertices tried: 2 or 3 boundaries at once, or the claim's boundary alone
VERTEX_POINTS = 6  # points at each (a vertex is a point, or a thin set through one)


def check_numerically(
    relation: objects.Relation,
    scope: Scope,
    *,
    seed: int,
    points: int = 24,
    fixed: dict[sympy.Symbol, int] | None = None,
    hypotheses: Sequence[objects.Relation] = (),
    device: str = "auto",
    budget: float = 20.0,
    keep_unrelated: bool = False,
) -> Evidence:
    """Check ``relation`` at ``points`` random points per integer configuration.

    ``fixed`` pins integer parameters; ``hypotheses`` are the step's ``using``
    relations (solved and substituted, applied as rewrite rules, or used to reject
    points). The work is counted (configurations, points, shrink steps, confirmations),
    so the result is a function of the arguments alone; ``budget`` is only a safety
    limit, in seconds of CPU time (:class:`~derivcheck.check.runtime.limits.Deadline`): a check
    it cuts short is inconclusive and says so. A hypothesis ``s <= e``
    (or ``>=``) on a lone real symbol ``s`` is also tried at its boundary ``s = e``,
    which random points never reach: ``exp(x) < exp(y)`` does not follow from ``x <= y``.
    """
    if device == "cuda" or gradient_parts(relation) is not None:
        # torch only where it serves (autograd, CUDA): random points run on numpy (.arrays);
        # a cold import is paid before the safety limit starts
        import torch  # noqa: F401

    if _undecided_constant(relation):
        # floats decide a constant gap by its rounding (tanh(log(6) - log(2) - log(3)) < 0 agrees)
        return inconclusive(0, "a relation between constants whose difference no interval evaluation decides")
    unsettled = _unsettled_constant(relation)
    if unsettled is not None:
        return _unsettled_evidence(unsettled)
    deadline = Deadline(budget)
    result = _numerically(relation, scope, seed=seed, points=points, fixed=fixed, hypotheses=hypotheses,
                          device=device, deadline=deadline, keep_unrelated=keep_unrelated)
    if deadline.hit and result.status is not Status.DISAGREE:
        # cut short: fewer configurations or points than the file and options ask for is no evidence
        return inconclusive(result.points, f"{deadline.text()} ({result.detail})")
    return result


SOLVED_CONSTANTS = ("after the solved hypotheses, a relation between constants whose difference no interval "
                    "evaluation decides")


def _equality_case(edge: Evidence, relation: objects.Relation) -> bool:
    """Whether the check ``edge`` at a boundary or vertex of the hypotheses found a possible
    equality case of the strict ``relation`` there: sides told apart at no precision tried
    (:func:`.random_points.tied`), or, for a strict inequality, a relation between constants
    left undecided once the boundary was solved (``x > 0`` under ``x >= log(6*y) - log(2*y) -
    log(3)``, at ``x = log(6*y) - log(2*y) - log(3)``). Float agreement elsewhere does not
    outweigh it."""
    return tied(edge) or (relation.op in ("<", ">") and edge.status is Status.INCONCLUSIVE
                          and edge.detail.startswith(SOLVED_CONSTANTS))


def _undecided_constant(relation: objects.Relation) -> bool:
    """A scalar relation without variables whose difference has no certified sign (:mod:`..symbolic`)."""
    sides = [sympy.Integer(side) if isinstance(side, int) else side for side in (relation.lhs, relation.rhs)]
    if not all(isinstance(side, sympy.Expr) and not isinstance(side, sympy.MatrixExpr) and not side.free_symbols
               for side in sides):
        return False
    gap = sides[1] - sides[0]
    # only where every operation is enclosed: an integral, gamma or atan is left to the evaluations
    return enclosable(gap) and constant_sign(gap) is None


def _unsettled_evidence(constant: sympy.Expr) -> Evidence:
    how = ("evaluations at 30 and 90 digits (an integral without a trusted closed form: float quadrature and 30 "
           "digits) do not agree, or a sum or integral in it cancels" if constant.has(sympy.Integral)
           else "evaluations at 30 and 90 digits do not agree")
    return inconclusive(0, f"the constant {constant} has no settled value: no interval evaluation decides its "
                           f"sign, and {how} (a 0 not written 0, magnified?); floats would decide it by rounding")


def _unsettled_constant(relation: objects.Relation) -> sympy.Expr | None:
    """A constant in ``relation`` (a largest sub-expression without symbols) whose float value
    cannot be trusted: neither a certified sign (:func:`constant_sign`) nor, once its integrals
    and sums take their trusted closed forms, the same value at 30 and 90 digits
    (:func:`settled_number`); a jump (``sign``) needs the certified sign of its argument.
    ``10**70*sqrt(Abs(atan(2) + atan(3) - 3*pi/4)) - 1`` is -1, and 1e62 in floats at every
    point (red team 12). An integral without a trusted closed form is left to quadrature."""
    stack = [side for side in (relation.lhs, relation.rhs) if isinstance(side, sympy.Basic)]
    while stack:
        node = stack.pop()
        if isinstance(node, sympy.Expr) and not isinstance(node, sympy.MatrixExpr) and is_constant(node):
            if not _settled(node):
                return node
            continue
        stack.extend(a for a in node.args if isinstance(a, sympy.Basic))
    return None


def _settled(constant: sympy.Expr) -> bool:
    if constant.is_Rational or constant.is_NumberSymbol or constant.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan,
                                                                         sympy.I):
        return True  # a number, or no real value: left to the checks as before
    if constant_sign(constant) in (1, -1):
        return True
    if any(not _settled(node.args[0]) for node in constant.atoms(*JUMPS) if node.args):
        return False
    done = closed_forms_of(constant) if constant.has(*UNEVALUATED) else constant
    if done is None:
        return _quadrature_settled(constant)
    if enclosable(done):
        return constant_sign(done) is not None
    return settled_number(done) is not None


QUADRATURE_CLEAR = 1e-8  # a float sum or integral above this share of its terms' sizes is clear of cancellation
QUADRATURE_AGREEMENT = 1e-6  # float quadrature and SymPy's 30 digits agree to this, relative
QUADRATURE_SECONDS = 5.0


def _quadrature_settled(constant: sympy.Expr) -> bool:
    """Whether the float value of a constant holding an integral without a trusted closed form
    (what the numeric check reads: Gauss-Legendre quadrature) can be trusted: every sum and
    every integral in it is clear of a cancellation (above :data:`QUADRATURE_CLEAR` of the
    sizes of its terms, of the integral of the integrand's absolute value), and the value
    agrees with SymPy's 30-digit evaluation (:data:`QUADRATURE_AGREEMENT`, within
    :data:`QUADRATURE_SECONDS` of CPU time). ``Integral(sin(t**3), (t, -1, 2)) - Integral(sin(t**3),
    (t, 1, 2))`` is 0, and 1e-17 in floats, so ``10**70*sqrt(Abs(...)) - 1`` read 1e61
    (red team 14)."""
    evaluator = Evaluator({}, 1, NUMPY)
    try:
        with NUMPY.quiet():
            value = complex(NUMPY.host(evaluator(constant))[0])
            for node, computed in list(evaluator.memo.items()):
                here = abs(complex(NUMPY.host(computed)[0]))
                if isinstance(node, sympy.Add):
                    size = sum(abs(complex(NUMPY.host(evaluator(term))[0])) for term in node.args)
                elif isinstance(node, sympy.Integral):
                    size = abs(complex(NUMPY.host(evaluator(sympy.Integral(sympy.Abs(node.function),
                                                                         *node.limits)))[0]))
                else:
                    continue
                if not here > QUADRATURE_CLEAR * size:
                    return False
    except Exception:  # noqa: BLE001 - no float value: the numeric check reads none either
        return True
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        return True
    bounded = run_bounded(lambda: _with_precision(sympy.N(constant, 30)), QUADRATURE_SECONDS)
    if bounded.status != "ok" or bounded.value is None:
        return False
    reference, bits = bounded.value
    # SymPy's quadrature may return fewer digits than asked (a kink: 19 bits), and says so
    if bits < 16 or abs(reference - value) > max(QUADRATURE_AGREEMENT, 4 * 2.0 ** -bits) * abs(reference):
        return False
    # both quadratures miss a peak narrower than their nodes (1 + exp(-10**10*(t - 1/pi)**2) on
    # [0, 1] reads 1, not 1 + 1.8e-5: red team 15); SymPy's closed form, where it has one, must agree too
    closed = run_bounded(lambda: _with_precision(sympy.N(constant.doit(), 30)), QUADRATURE_SECONDS)
    if closed.status == "ok" and closed.value is not None:
        exact, bits = closed.value
        return abs(exact - value) <= max(QUADRATURE_AGREEMENT, 4 * 2.0 ** -bits) * abs(exact)
    return True


def _with_precision(number: sympy.Expr) -> tuple[complex, int] | None:
    """A real number as a complex and its precision in bits (exact: 53); None otherwise."""
    if not number.is_Number:
        return None
    return complex(number), (number._prec if isinstance(number, sympy.Float) else 53)


def witness(hypotheses: Sequence[objects.Relation], scope: Scope, *, seed: int, points: int,
            device: str) -> Evidence:
    """The numeric check of the hypotheses alone (the claim replaced by ``0 = 0``): its
    ``points`` are the sampled points where every hypothesis holds (a
    :class:`~derivcheck.check.evidence.Evidence`)."""
    trivial = objects.Relation(sympy.Integer(0), "=", sympy.Integer(0))
    return check_numerically(trivial, scope, seed=seed, points=points, hypotheses=hypotheses, device=device,
                             keep_unrelated=True)


def _numerically(relation: objects.Relation, scope: Scope, *, seed: int, points: int,
                 fixed: dict[sympy.Symbol, int] | None, hypotheses: Sequence[objects.Relation], device: str,
                 deadline: Deadline, keep_unrelated: bool = False) -> Evidence:
    result = _check(relation, scope, seed=seed, points=points, fixed=fixed, hypotheses=hypotheses,
                    device=device, deadline=deadline, keep_unrelated=keep_unrelated)
    if result.status is Status.DISAGREE:
        return result
    for variant, boundary in _boundaries(hypotheses, scope):
        if deadline.passed():
            break
        edge = _check(relation, scope, seed=seed, points=max(6, points // 2), fixed=fixed, hypotheses=variant,
                      device=device, deadline=deadline, keep_unrelated=keep_unrelated)
        if _equality_case(edge, relation):  # (x > 0 under x >= a hidden zero)
            where = relation_text(boundary[1].lhs, "=", boundary[1].rhs) if boundary[0] is None \
                else f"{boundary[0]} = {boundary[1]}"
            return replace(edge, detail=f"{edge.detail}, at the boundary {where}")
        if edge.status is Status.DISAGREE and edge.counterexample is not None:
            lone, other = boundary
            if lone is None:  # a boundary solved by prepare: its solved scalar is listed as such
                where = relation_text(other.lhs, "=", other.rhs)
                values = dict(edge.counterexample.values)
                free = set().union(*(sympy.sympify(side, strict=True).free_symbols for side in (other.lhs, other.rhs)))
                # a variable the claim lost at the boundary (exp(x + y) at x + y = 2) takes any value there
                values.update({str(s): f"any value with {where}" for s in sorted(free, key=str)
                               if str(s) not in values})
                return replace(edge, detail=f"{edge.detail}, at the boundary {where}",
                               counterexample=replace(edge.counterexample, values=values))
            values = dict(edge.counterexample.values)
            at = values.pop(str(lone), None)  # solved from the boundary equality: its value there
            shown = {str(lone): f"{other} (the boundary)" + (f" = {at}" if at is not None else ""), **values}
            return replace(edge, detail=f"{edge.detail}, at the boundary {lone} = {other}",
                           counterexample=replace(edge.counterexample, values=shown))
    return _at_vertices(relation, scope, seed=seed, fixed=fixed, hypotheses=hypotheses, device=device,
                        deadline=deadline) or result


def _at_vertices(relation: objects.Relation, scope: Scope, *, seed: int, fixed: dict[sympy.Symbol, int] | None,
                 hypotheses: Sequence[objects.Relation], device: str, deadline: Deadline) -> Evidence | None:
    """A confirmed disagreement where 2 or 3 boundaries hold at once (a vertex of the set the
    hypotheses allow, or a thin set through one), or on a strict claim's own boundary: ``y < 3``
    from ``x >= y`` and ``y >= 2*x - 3`` fails at x = y = 3 only, which neither random points
    nor one boundary at a time reach. Each vertex is solved exactly by :func:`.prepare.prepare`
    (the equalities substituted in turn); one it cannot solve (an equality left to filter points
    with) is skipped unchecked. Every hypothesis filters the points, also one that shares no
    variable with the claim there (``x >= 3`` and ``x <= 2`` beside ``y = 3``): a vertex is a
    counterexample only where all of them hold at once. Counted: at most MAX_VERTICES vertices
    of VERTEX_POINTS points."""
    if relation.lhs == relation.rhs and relation.op in ("=", "<=", ">="):
        return None  # the hypotheses alone (a witness, `0 = 0`): nothing to refute
    tried = 0
    for names, variant in _vertices(relation, hypotheses, scope):
        if tried >= MAX_VERTICES or deadline.passed():
            break
        branches = prepare_branches(relation, variant, scope, keep_unrelated=True)
        if not branches or any(f.op == "=" for b in branches for f in b.filters):
            continue  # no such point, or not solved: random points would not reach it
        tried += 1
        edge = _check(relation, scope, seed=seed, points=VERTEX_POINTS, fixed=fixed, hypotheses=variant,
                      device=device, deadline=deadline, keep_unrelated=True)
        if (edge.status is Status.DISAGREE and edge.counterexample is not None) or _equality_case(edge, relation):
            return replace(edge, detail=f"{edge.detail}, at the vertex where {' and '.join(names)}")
    return None


def _vertices(relation: objects.Relation, hypotheses: Sequence[objects.Relation],
              scope: Scope) -> list[tuple[list[str], list[objects.Relation]]]:
    """The hypotheses with 2 or 3 of the boundaries made equalities at once, and with a strict
    claim's boundary (``y = 3`` for ``y < 3``) added, alone or beside 1 or 2 others: each as
    (the equalities' texts, the hypotheses). The boundaries are those :func:`_boundaries` would
    try, the first MAX_EDGES of them."""
    edges: list[tuple[int | None, objects.Relation]] = []
    for k, h in enumerate(hypotheses):
        if h.op in ("<=", ">=") and len(edges) < MAX_EDGES - 1:
            equal = objects.Relation(h.lhs, "=", h.rhs)
            if _lone_boundary(h, scope) is not None or solves(equal, scope):
                edges.append((k, equal))
    if relation.op in ("<", ">", "!=") and all(isinstance(side, sympy.Expr) and not isinstance(side, sympy.MatrixExpr)
                                               and not side.has(*UNEVALUATED)
                                               for side in (relation.lhs, relation.rhs)):
        # not through an integral or sum: SymPy's solve would evaluate it by quadrature, unbounded
        own = objects.Relation(relation.lhs, "=", relation.rhs)
        if _lone_boundary(own, scope) is not None or solves(own, scope):
            edges.append((None, own))
    # the most boundaries first: in n variables a vertex needs n of them
    combos = [c for size in (3, 2) for c in itertools.combinations(edges, size)]
    combos += [c for c in itertools.combinations(edges, 1) if c[0][0] is None]
    out = []
    for combo in combos:
        variant = list(hypotheses)
        for k, equal in combo:
            if k is None:
                variant.append(equal)
            else:
                variant[k] = equal
        out.append(([relation_text(e.lhs, "=", e.rhs) for _, e in combo], variant))
    return out


def _boundaries(hypotheses: Sequence[objects.Relation], scope: Scope) -> list[tuple[list[objects.Relation], tuple]]:
    """The hypotheses with one non-strict scalar inequality made an equality: on a lone real
    symbol ``s <= e`` (then ``s = e``), or any ``g <= e`` that :func:`.prepare.solves`
    (``x + y <= 2`` gives ``x = 2 - y``), so that the points lie on its boundary. Each
    boundary is ``(symbol, value)`` for a lone symbol, else ``(None, the equality)``."""
    out = []
    for k, h in enumerate(hypotheses):
        if h.op not in ("<=", ">=") or len(out) >= MAX_BOUNDARIES:
            continue
        boundary = _lone_boundary(h, scope)
        equal = objects.Relation(h.lhs, "=", h.rhs)
        if boundary is None and solves(equal, scope):
            boundary = (None, equal)
        if boundary is not None:
            if boundary[0] is not None:
                equal = objects.Relation(boundary[0], "=", boundary[1])
            out.append(([*hypotheses[:k], equal, *hypotheses[k + 1:]], boundary))
    return out


def _lone_boundary(h: objects.Relation, scope: Scope) -> tuple | None:
    for lone, other in ((h.lhs, h.rhs), (h.rhs, h.lhs)):
        decl = scope.names.get(getattr(lone, "name", ""))
        if (isinstance(decl, ScalarDecl) and decl.symbol == lone and decl.kind not in INTEGER_KINDS
                and isinstance(other, sympy.Basic) and not other.has(lone)):
            return lone, other
    return None


def _check(
    relation: objects.Relation,
    scope: Scope,
    *,
    seed: int,
    points: int,
    fixed: dict[sympy.Symbol, int] | None,
    hypotheses: Sequence[objects.Relation],
    device: str,
    deadline: Deadline,
    keep_unrelated: bool = False,
) -> Evidence:
    if relation.op == "~":
        return inconclusive(0, "`~` claims are checked by distribution checks")
    if not hypotheses and fixed is None:
        if gradient_parts(relation) is not None:  # autograd as well; `fixed={}` runs this check alone
            return cross_check(relation, scope, seed=seed, points=points, device=device, deadline=deadline,
                               symbolic=lambda: _numerically(relation, scope, seed=seed, points=points, fixed={},
                                                             hypotheses=(), device=device, deadline=deadline))
    branches = prepare_branches(relation, hypotheses, scope, keep_unrelated=keep_unrelated)
    if not branches:
        return inconclusive(0, "no point satisfying the hypotheses was found: every branch of their "
                               "solutions reduces to a false statement")
    results = []
    for prepared in branches:
        if _undecided_constant(prepared.relation):
            # a solved hypothesis can leave only constants (x = log(6) - log(2) - log(3) in x**2 > 0)
            results.append(inconclusive(0, SOLVED_CONSTANTS))
            continue
        unsettled = _unsettled_constant(prepared.relation)
        if unsettled is not None:  # (y = 2 put into an integral's bound)
            results.append(_unsettled_evidence(unsettled))
            continue
        result = check_prepared(prepared, scope, seed=seed, points=points, fixed=fixed, device=device,
                                deadline=deadline)
        if prepared.unrelated:
            # the points need not satisfy these: they are no witness that the hypotheses hold
            result = replace(result, unrelated=tuple(relation_text(h.lhs, h.op, h.rhs) for h in prepared.unrelated))
        if result.status is Status.DISAGREE:
            return result
        results.append(result)
    return results[0] if len(results) == 1 else _on_every_branch(results)


def _on_every_branch(results: list[Evidence]) -> Evidence:
    """The results of the branches of the solved hypotheses (none disagrees) as one: agreement
    only when every branch agrees (its 50-digit re-checks included), else the first other."""
    for result in results:
        if result.status is not Status.AGREE:
            return replace(result, detail=f"{result.detail} (on one of the {len(results)} branches "
                                          "of the solved hypotheses)")

    def recheck() -> Evidence | None:
        for result in results:
            again = result.rechecked()
            if again.status is not Status.AGREE:
                return again
        return None

    first = results[0]
    where = f"on each of the {len(results)} branches of the solved hypotheses (every real root)"
    return replace(first, points=sum(r.points for r in results), detail=f"{first.detail}; {where}",
                   evidence=f"{first.evidence}; {where}", recheck=recheck)


__all__ = ["check_numerically", "witness"]
