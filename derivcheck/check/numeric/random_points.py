"""The numeric cross-check: both sides at random points, in torch (complex128), batched.

For each of a few integer configurations (dimensions, naturals) the relation is
realised once with symbolic entries (:mod:`derivcheck.check.realize.realizer`), every
free quantity is sampled from its declared domain (:mod:`derivcheck.check.numeric.sampling`)
and the realised SymPy expressions are evaluated on all points at once by a
small tree evaluator. Values follow SymPy's meaning: real symbols, principal
complex branches (``log(-1) = i*pi``); an equality compares complex values, an
inequality fails where a side is not real. A disagreement is shrunk
(:mod:`derivcheck.check.numeric.shrink`) and confirmed in 50-digit precision
(:mod:`derivcheck.check.numeric.confirm`); only a confirmed one is a counterexample, and
one that high precision settles as agreement is a rounding error of float64.

Reals are also drawn across magnitudes, and the integers at wide configurations
(:func:`derivcheck.check.numeric.wide.wide_configs`). Where float agreement would be the verdict it is
re-checked in high precision (:func:`_precise`) at the points of largest float
discrepancy, at the relation's special points (:mod:`.special_points`) and, for an
inequality, where a descent on its violation leads (:mod:`.descent`).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import replace
from typing import Any, Sequence

import sympy

from ...expr import objects
from ...expr.scope import INTEGER_KINDS, FunctionDecl, ScalarDecl, Scope
from ...model import Counterexample
from ..evidence import Evidence, Status
from ..realize import MAX_ENTRIES, Realization, RealizeError, RealizedRelation, UndefinedAt, realize_relations
from ..runtime import Deadline, resolve_device
from .confirm import confirm_violation, settle
from .descent import descend
from .eigen import construct, eigen_pairs
from .evaluate import Unsupported, compare
from .exact import ExactFailure, exact_check, shrink_exact
from .gradient import cross_check, gradient_parts
from .parameters import entry_matrices, integer_parameters_of, parameters_of, random_replacement
from .prepare import Prepared, prepare
from .sampling import Param, batch_of, exact_values, integer_configs, point_at, sample_batch, symbol_values
from .shrink import shrink
from .special_points import special_points
from .wide import coverage, wide_configs

TOLERANCE_TEXT = "|lhs - rhs| <= 1e-8 * (1 + |lhs| + |rhs|), entrywise"
MAX_CONFIGS = 6
MAX_CANDIDATES = 40
MAX_CONFIRMATIONS = 6
MAX_BOUNDARIES = 2  # non-strict hypotheses also tried at their boundary
PRECISE_POINTS = 2  # float64 agreement re-checked in 50 digits at this many points (the largest gaps),
PRECISE_SECONDS = 30.0  # a safety limit in CPU time (see limits.Deadline), not a budget
SPECIAL_POINTS = 12  # and at most this many special points (kinks, poles, equality cases; .special_points)
RESCUED_POINTS = 2  # points where float64 overflows, evaluated exactly when a configuration has no other
ROUNDING_SETTLES = 12  # float disagreements settled in 50 digits (a rounding error is agreement there)


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
    import torch  # noqa: F401  (a cold import is paid before the safety limit starts)

    deadline = Deadline(budget)
    result = _numerically(relation, scope, seed=seed, points=points, fixed=fixed, hypotheses=hypotheses,
                          device=device, deadline=deadline, keep_unrelated=keep_unrelated)
    if deadline.hit and result.status is not Status.DISAGREE:
        # cut short: fewer configurations or points than the file and options ask for is no evidence
        return _inconclusive(result.points, f"{deadline.text()} ({result.detail})")
    return result


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
        if edge.status is Status.DISAGREE and edge.counterexample is not None:
            lone, other = boundary
            shown = {str(lone): f"{other} (the boundary)", **edge.counterexample.values}
            return replace(edge, detail=f"{edge.detail}, at the boundary {lone} = {other}",
                           counterexample=replace(edge.counterexample, values=shown))
    return result


def _boundaries(hypotheses: Sequence[objects.Relation], scope: Scope) -> list[tuple[list[objects.Relation], tuple]]:
    """The hypotheses with one non-strict inequality on a lone real symbol made an equality."""
    out = []
    for k, h in enumerate(hypotheses):
        if h.op not in ("<=", ">=") or len(out) >= MAX_BOUNDARIES:
            continue
        for lone, other in ((h.lhs, h.rhs), (h.rhs, h.lhs)):
            decl = scope.names.get(getattr(lone, "name", ""))
            if (isinstance(decl, ScalarDecl) and decl.symbol == lone and decl.kind not in INTEGER_KINDS
                    and isinstance(other, sympy.Basic) and not other.has(lone)):
                equal = objects.Relation(lone, "=", other)
                out.append(([*hypotheses[:k], equal, *hypotheses[k + 1:]], (lone, other)))
                break
    return out


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
        return _inconclusive(0, "`~` claims are checked by distribution checks")
    if not hypotheses and fixed is None:
        if gradient_parts(relation) is not None:  # autograd as well; `fixed={}` runs this check alone
            return cross_check(relation, scope, seed=seed, points=points, device=device, deadline=deadline,
                               symbolic=lambda: _numerically(relation, scope, seed=seed, points=points, fixed={},
                                                             hypotheses=(), device=device, deadline=deadline))
    prepared = prepare(relation, hypotheses, scope, keep_unrelated=keep_unrelated)
    result = _check_prepared(prepared, scope, seed=seed, points=points, fixed=fixed, device=device,
                             deadline=deadline)
    if prepared.unrelated:
        # the points need not satisfy these: they are no witness that the hypotheses hold
        return replace(result, unrelated=tuple(f"{sympy.sstr(h.lhs)} {h.op} {sympy.sstr(h.rhs)}"
                                               for h in prepared.unrelated))
    return result


def _check_prepared(prepared: Any, scope: Scope, *, seed: int, points: int, fixed: dict[sympy.Symbol, int] | None,
                    device: str, deadline: Deadline) -> Evidence:
    fixed = dict(fixed or {})
    ranges, kinds = integer_parameters_of([prepared.relation, *prepared.filters], scope, fixed)
    # Many candidates, of which the first MAX_CONFIGS valid ones are used: a
    # configuration can be invalid (an index beyond a dimension), and evidence
    # from the few that survive by accident (say i = n = 1) is no evidence.
    configs = integer_configs(ranges, kinds, random.Random(seed), MAX_CANDIDATES, first=MAX_CONFIGS)
    dev = resolve_device(device)
    trials: list[Trial] = []
    notes: list[str] = []
    undefined = 0  # configurations where the relation has no value (an index outside its matrix)
    for index, config in enumerate(configs):
        if len(trials) >= MAX_CONFIGS:
            break
        if deadline.passed():
            break
        try:
            trial = Trial.build(prepared, scope, {**fixed, **config}, seed, dev)
            trial.run(points, seed * 1000 + index)
            trial.rescue(seed)
        except (RealizeError, Unsupported) as exc:
            undefined += isinstance(exc, UndefinedAt)
            if len(notes) < 5:
                notes.append(f"{_show(config) or 'here'}: {exc}")
            continue
        trials.append(trial)
    if not any(t.failing for t in trials):
        try:
            trials += _wide_trials(prepared, scope, fixed, trials, ranges, kinds, seed, dev, points, deadline)
        except _WideCut as cut:  # less coverage is no evidence: never accept on it
            return _inconclusive(sum(t.valid for t in trials), str(cut))
    if not trials and configs and undefined == len(configs):
        return Evidence(Status.UNDEFINED, 0, TOLERANCE_TEXT, None,
                             f"the relation has no value at any of the {len(configs)} sizes tried ("
                             + "; ".join(notes) + ")")
    if len(configs) > 1 and len([t for t in trials if t.valid]) < 2 and not any(t.failing for t in trials):
        return _inconclusive(sum(t.valid for t in trials),
                             "fewer than two integer configurations could be evaluated"
                             + (f" ({'; '.join(notes)})" if notes else ""))
    valid = sum(t.valid for t in trials)
    failing = [t for t in trials if t.failing]
    if failing:
        found = _disagreement(failing, prepared, seed, valid, deadline, notes)
        if found is not None:
            return found
    needed = 1 if trials and all(not t.params for t in trials) else max(3, points // 3)
    if valid >= needed:
        where = "; ".join(_show(t.config) for t in trials if t.config)
        exact = None if prepared.caveats else _exact([t for t in trials if not t.wide], seed, deadline, valid)
        if isinstance(exact, Evidence):
            return exact
        if _limitation(trials):  # agreement on a space that cannot show every declared law
            return _inconclusive(valid, f"agree at {valid} points, but {_limitation(trials)}")
        # float64 agreement is re-checked in 50 digits only where it would be the verdict
        recheck = None if exact else (lambda: _precise(trials, prepared, seed, valid,
                                                       Deadline(PRECISE_SECONDS, "the 50-digit re-check")))
        evidence = exact or f"float64 at {valid} points, {TOLERANCE_TEXT.replace(', entrywise', '')}" + coverage(trials)
        if any(t.main.space for t in trials):  # what makes ε a bound about every declared law
            evidence += "; on finite probability spaces whose moments are generic for the claim (Jacobian rank test)"
        return Evidence(Status.AGREE, valid, TOLERANCE_TEXT, None,
                             f"agree at {valid} points" + (f" ({where})" if where else "")
                             + (f"; skipped {'; '.join(notes)}" if notes else ""),
                             evidence=evidence, recheck=recheck)
    reason = "; ".join(notes) if notes else "the hypotheses or the domain rejected the points"
    return _inconclusive(valid, f"only {valid} usable points: {reason}")


def _exact(trials: list["Trial"], seed: int, deadline: Deadline, valid: int) -> "Evidence | str | None":
    """Exact evaluation of a rational equality (:mod:`derivcheck.check.numeric.exact`): its evidence text,
    a refutation by an exact (shrunk) counterexample, or None when it does not apply."""

    found = exact_check(trials, seed, deadline)
    if not isinstance(found, ExactFailure):
        return found.text() if found is not None else None
    point = shrink_exact(found, deadline, shrink)
    for pt in (point, found.point):
        ce = found.trial.confirm(pt, seed)
        if ce is not None:
            return Evidence(Status.DISAGREE, valid, "exact rational evaluation", ce,
                                 "counterexample by exact rational evaluation (float64 had agreed)")
    return None


def _precise(trials: list["Trial"], prepared: Any, seed: int, valid: int, deadline: Deadline) -> Evidence | None:
    """Float agreement re-checked in 50 digits (a relation true only within the float
    tolerance, such as ``pi = 3.14159265358979``, is refuted); None when it stands, else
    the refutation or why it is no evidence.

    The points: the special points of the relation (:mod:`.special_points`: kinks, poles'
    neighbours, an inequality's equality cases), which random points never hit; for an
    inequality, the points a short descent on its violation reaches (:mod:`.descent`);
    and the PRECISE_POINTS agreeing points of largest float discrepancy."""

    special = 0
    cut = False  # a planned re-check left out for time: then no acceptance (see the end)
    for trial in trials:
        for pt in trial.special_points(SPECIAL_POINTS - special):
            if deadline.passed():
                cut = True
                break
            special += 1
            holds, found = trial.settle(pt, seed)
            if holds is False:
                return _refuted_precisely(found, prepared, valid, "at a special point of the relation")
    for trial in trials:
        if trial.main.op == "=":
            continue
        if deadline.passed():
            cut = True
            break
        pt = descend(trial, seed)
        if pt is not None:
            small = shrink(trial.params, pt, trial.fails, deadline)
            for candidate in ([small, pt] if small != pt else [pt]):
                found = trial.confirm(candidate, seed)
                if found is not None:
                    return _refuted_precisely(found, prepared, valid, "where a descent on the violation led")
    settled = undecided = 0
    ranked = sorted(((-g, k, i) for k, t in enumerate(trials) for i, g in t.agreeing), key=lambda x: x[:2])
    for _, k, i in ranked[:PRECISE_POINTS]:
        if deadline.passed():
            cut = True
            break
        holds, found = trials[k].settle(point_at(trials[k].params, trials[k].batch, i), seed)
        if holds is False:
            return _refuted_precisely(found, prepared, valid, "at the point of largest float discrepancy")
        settled += holds is True
        undecided += holds is None
    if undecided > 0:
        return _inconclusive(valid, f"float64 agreement at {valid} points, not confirmed in high precision "
                                    f"at {undecided} of {settled + undecided} points (an integral without a "
                                    f"closed form, or a difference below the precision?)")
    if cut:
        return _inconclusive(valid, f"float64 agreement at {valid} points; its high-precision re-check "
                                    f"did not finish ({deadline.text()})")
    return None


def _refuted_precisely(found: Counterexample, prepared: Any, valid: int, where: str) -> Evidence:
    if prepared.caveats:
        return _inconclusive(valid, f"disagreement at {found.values} in 50 digits, "
                                    f"but {'; '.join(prepared.caveats)}")
    return Evidence(Status.DISAGREE, valid, "50-digit evaluation", found,
                         f"counterexample in high-precision evaluation {where} (float64 had agreed "
                         "within its tolerance)")


def _disagreement(failing: list["Trial"], prepared: Any, seed: int, valid: int, deadline: Deadline,
                  notes: list[str]) -> Evidence | None:
    """A confirmed counterexample among the float disagreements, or why there is none; None
    when each of them is settled as agreement in 50 digits (a rounding error of float64, as
    large magnitudes make) or is a strict inequality within the float slack."""

    attempts = rounding = 0
    count = sum(len(t.hard) for t in failing) or sum(len(t.failing) for t in failing)
    for trial in failing:
        for i in trial.failing:
            if attempts >= MAX_CONFIRMATIONS + ROUNDING_SETTLES or deadline.passed():
                break
            attempts += 1
            original = point_at(trial.params, trial.batch, i)
            holds, found = trial.settle(original, seed)
            if found is not None:  # shrunk for a simpler counterexample, confirmed again
                small = shrink(trial.params, original, trial.fails, deadline)
                shown = trial.confirm(small, seed) if small != original else None
                return _confirmed(shown or found, prepared, valid, count)
            if holds is None and attempts <= MAX_CONFIRMATIONS:
                # undecided here (a strict inequality with equal sides): perhaps not nearby
                small = shrink(trial.params, original, trial.fails, deadline)
                found = trial.confirm(small, seed) if small != original else None
                if found is not None:
                    return _confirmed(found, prepared, valid, count)
            rounding += holds is True and i in trial.hard
    if rounding == sum(len(t.hard) for t in failing):
        # every float disagreement is agreement in 50 digits (rounding), or a strict inequality
        # holding within the float slack: agreement, re-checked as any other
        return None
    return _inconclusive(valid, f"float disagreement at {count} points, not confirmed in high precision"
                         + (f"; skipped {'; '.join(notes)}" if notes else ""))


def _confirmed(found: Counterexample, prepared: Any, valid: int, count: int) -> Evidence:
    if prepared.caveats:
        return _inconclusive(valid, f"disagreement at {found.values}, but {'; '.join(prepared.caveats)}")
    return Evidence(Status.DISAGREE, valid, TOLERANCE_TEXT, found,
                         f"counterexample confirmed to 50 digits (float disagreement at "
                         f"{count} of {valid} points)")


def _wide_trials(prepared: Prepared, scope: Scope, fixed: dict, trials: list["Trial"],
                 ranges: dict, kinds: dict, seed: int, device: str, points: int,
                 deadline: Deadline) -> list["Trial"]:
    """Trials at the wide integer configurations (:func:`derivcheck.check.numeric.wide.wide_configs`); one that cannot be
    realised there (an index beyond a matrix) is left out."""
    out = []

    for k, config in enumerate(wide_configs(trials, ranges, kinds, scope, seed)):
        if deadline.passed():
            raise _WideCut(f"{deadline.text()} before {_show(config)}")
        try:
            trial = Trial.build(prepared, scope, {**fixed, **config}, seed, device)
            trial.wide = True
            trial.run(points, seed * 1000 + 500 + k)
            trial.rescue(seed)
        except (RealizeError, Unsupported):  # extra coverage only: the evidence states what was covered
            continue
        out.append(trial)
        if trial.failing:
            break
    return out


class _WideCut(Exception):
    """A wide configuration was left out for time: the coverage the check states is not met."""


def _limitation(trials: list["Trial"]) -> str | None:
    """Why agreement on the trials' finite probability spaces is no evidence
    (:mod:`derivcheck.check.realize.genericity`); None when they are generic or absent."""
    return next((t.main.space.limitation for t in trials if t.main.space and t.main.space.limitation), None)


def _inconclusive(points: int, detail: str) -> Evidence:
    return Evidence(Status.INCONCLUSIVE, points, TOLERANCE_TEXT, None, detail)


def _show(config: dict[sympy.Symbol, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in config.items())


class Trial:
    """One integer configuration: the realised relations, their params, and a sampled batch."""

    def __init__(self, config: dict, realized: list[RealizedRelation], params: list[Param], device: str,
                 functions: dict[str, Any]) -> None:
        self.config = config
        self.functions = functions
        self.main, self.filters = realized[0], realized[1:]
        self.params = params
        self.device = device
        self.batch: dict[str, Any] = {}
        self.valid = 0
        self.failing: list[int] = []
        self.hard: list[int] = []
        self.agreeing: list[tuple[int, float]] = []  # (point, float gap) where it holds (for the re-check)
        self.construction: Any = None  # an eigen.Construction, when points are built
        self.wide = False  # a wide integer configuration (see _wide_configs)
        self.lazy = True  # determinants and inverses evaluated numerically (see Realization)
        self.overflow: list[int] = []  # points whose hypotheses hold but whose value overflows float

    @classmethod
    def build(cls, prepared: Any, scope: Scope, config: dict, seed: int, device: str) -> "Trial":
        sides = [prepared.relation, *prepared.filters]
        differentiated = any(isinstance(x, sympy.Basic) and x.has(
            objects.Gradient, objects.FunctionGradient, objects.HessianMatrix, sympy.Derivative)
            for r in sides for x in (r.lhs, r.rhs))
        env = Realization(integers=dict(config), matrices=entry_matrices(scope, config),
                          lazy_linear_algebra=not differentiated)
        construction = _eigen_construction(prepared, scope, config, seed)
        if construction is not None:  # points built to satisfy eigenvector hypotheses
            scope = construction.scope
            env.matrices.update(construction.matrices)
            env.scalars.update(construction.scalars)
        functions = {d.name: random_replacement(d, seed) for d in scope.names.values() if isinstance(d, FunctionDecl)}
        memo = None if construction is not None else _shared_memo(scope, config, env.lazy_linear_algebra)
        # a law on X[n] with n an integer parameter speaks of X[3] at n = 3 (prepare._law)
        fix = {k: sympy.Integer(v) for k, v in config.items()}
        laws = tuple(objects.Relation(law.lhs.xreplace(fix), law.op,
                                      law.rhs.xreplace(fix) if isinstance(law.rhs, sympy.Basic) else law.rhs)
                     for law in prepared.laws)
        realized = realize_relations([prepared.relation, *prepared.filters], env, scope, laws=laws, memo=memo)
        trial = cls(config, realized, parameters_of(realized, env, scope), device, functions)
        trial.construction = construction
        trial.lazy = env.lazy_linear_algebra
        return trial

    def evaluate(self, batch: dict[str, Any], gaps: list | None = None,
                 selected: list | None = None) -> tuple[Any, Any]:
        """(usable, holds, firm) masks over the batch's points (see :func:`compare`); ``gaps``
        receives the float discrepancy per point, ``selected`` the points the hypotheses admit."""
        values, ok = symbol_values(self.params, batch, self.device)
        n = ok.shape[0]
        valid, holds, firm = compare(self.main, values, n, self.functions, gaps=gaps)
        admitted = ok
        for f in self.filters:
            f_valid, _, f_firm = compare(f, values, n, self.functions, robust=True)
            admitted = admitted & f_valid & f_firm
        if selected is not None:
            selected.append(admitted)
        return admitted & valid, holds, firm

    def run(self, points: int, seed: int) -> None:
        import torch

        generator = torch.Generator().manual_seed(seed)
        n = (points * (4 if self.filters else 1)) if self.params else 1  # filters reject some points
        # simple values (zero scales: zero eigenvectors) also where the points are built
        special = not self.filters or self.construction is not None
        self.batch = sample_batch(self.params, n, generator, special=special, wide=True)
        gaps: list = []
        selected: list = []
        usable, holds, firm = self.evaluate(self.batch, gaps, selected)
        self.valid = int(usable.sum())
        # clear failures first, then points where a strict inequality holds only with slack
        # (equal sides: confirmation decides whether they are exactly equal)
        self.hard = [int(i) for i in torch.nonzero(usable & ~holds).flatten()]
        self.failing = self.hard + [int(i) for i in torch.nonzero(usable & holds & ~firm).flatten()]
        gap = gaps[0].cpu()
        self.agreeing = [(int(i), float(gap[i])) for i in torch.nonzero(usable & firm).flatten()]
        self.overflow = [int(i) for i in torch.nonzero(selected[0] & ~usable).flatten()[:RESCUED_POINTS]]

    def rescue(self, seed: int) -> None:
        """Where no point has a float value (``n!`` at n = 300 overflows), a few points the
        hypotheses admit are evaluated exactly: holding, each counts as a point; violated, it
        is a failure (confirmed again as any other)."""
        if self.valid or not self.overflow or self.main.may_diverge:
            return  # a divergent integral's infinity is no overflow: its own rules apply (confirm.py)
        for i in self.overflow:
            holds, _ = self.settle(point_at(self.params, self.batch, i), seed)
            if holds is True:
                self.valid += 1
            elif holds is False:
                self.hard.append(i)
                self.failing.insert(0, i)

    def special_points(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` special points of the relation (:mod:`.special_points`), found from
        the first sampled points (simple values) and one random point."""

        if limit <= 0 or not self.params or not self.batch:
            return []
        n = next(iter(self.batch.values())).shape[0]
        bases = [point_at(self.params, self.batch, i) for i in dict.fromkeys([0, 1, n - 1]) if i < n]
        return special_points(self.main, self.params, bases, limit)

    def fails(self, candidates: list[dict[str, Any]]) -> list[bool]:
        """For shrinking: which candidate points still break the relation (in float)."""

        usable, _, firm = self.evaluate(batch_of(self.params, candidates))
        return [bool(x) for x in (usable & ~firm).cpu()]

    def settle(self, point: dict[str, Any], seed: int) -> tuple[bool | None, Counterexample | None]:
        """The relation at ``point`` in 50 digits (see :func:`derivcheck.check.numeric.confirm.settle`)."""

        holds, found = settle(self.main, self.filters, self.params, point, self.config, seed, self.functions)
        return holds, (self._shown(found, point) if found is not None else None)

    def _shown(self, found: Counterexample, point: dict[str, Any]) -> Counterexample:
        from dataclasses import replace

        if self.construction is None:
            return found
        return replace(found, values={**found.values, **self.construction.shown(exact_values(self.params, point))})

    def confirm(self, point: dict[str, Any], seed: int) -> Counterexample | None:
        found = confirm_violation(self.main, self.filters, self.params, point, self.config, seed, self.functions)
        return self._shown(found, point) if found is not None else None  # with the declared quantities built


_MEMOS: dict[tuple, tuple[Scope, dict]] = {}
_MEMO_COUNT = 16


def _shared_memo(scope: Scope, config: dict, lazy: bool) -> dict:
    """Realised sub-expressions at one configuration of one scope, shared by the items of a
    derivation (consecutive steps share their sides): the realisation depends only on these."""
    key = (id(scope), tuple(sorted((str(k), v) for k, v in config.items())), lazy)
    known = _MEMOS.get(key)
    if known is not None and known[0] is scope:
        return known[1]
    if len(_MEMOS) >= _MEMO_COUNT:
        _MEMOS.pop(next(iter(_MEMOS)))
    memo: dict = {}
    _MEMOS[key] = (scope, memo)
    return memo


def _eigen_construction(prepared: Prepared, scope: Scope, config: dict, seed: int) -> Any:
    """Points built to satisfy the eigenvector hypotheses among the filters (:mod:`.eigen`)."""

    pairs = eigen_pairs(prepared.filters, scope)
    if not pairs:
        return None
    sizes = {}
    for m in {p.matrix for p in pairs}:
        size = sympy.sympify(scope.names[m.name].rows, strict=True).xreplace(
            {k: sympy.Integer(v) for k, v in config.items()})
        if not size.is_Integer or int(size) ** 2 > MAX_ENTRIES:  # (too large: refused where realised)
            return None
        sizes[m] = int(size)
    layout = random.Random(zlib.crc32(f"{seed}:{sorted((str(k), v) for k, v in config.items())}".encode()))
    return construct(pairs, scope, sizes, layout)
