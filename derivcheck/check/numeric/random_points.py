"""The numeric cross-check: both sides at random points, in complex128 arrays, batched.

For each of a few integer configurations (dimensions, naturals) the relation is
realised once with symbolic entries (:mod:`derivcheck.check.realize.realizer`), every
free quantity is sampled from its declared domain (:mod:`derivcheck.check.numeric.sampling`)
and the realised SymPy expressions are evaluated on all points at once by a
small tree evaluator (on numpy, or on torch for ``--device cuda``: :mod:`.arrays`).
Values follow SymPy's meaning: real symbols, principal complex branches (``log(-1) = i*pi``); an equality compares complex values, an
inequality fails where a side is not real. A disagreement is shrunk
(:mod:`derivcheck.check.numeric.shrink`) and confirmed in 50-digit precision
(:mod:`derivcheck.check.numeric.confirm`); only a confirmed one is a counterexample, and
one that high precision settles as agreement is a rounding error of float64.

Reals are also drawn across magnitudes, and the integers at wide configurations
(:func:`derivcheck.check.numeric.wide.wide_configs`). Where float agreement would be the verdict it is
re-checked in high precision (:func:`_precise`) at the points of largest float
discrepancy, at the relation's special points (:mod:`.special_points`) and, for an
inequality, where a descent on its violation leads (:mod:`.descent`).

:func:`check_prepared` is this check on a prepared relation; :mod:`.entry` calls it,
and :mod:`.trial` holds one configuration's data.
"""

from __future__ import annotations

import random
from typing import Any

import sympy

from ...expr import objects
from ...expr.scope import FunctionDecl, Scope
from ...model import Counterexample
from ..evidence import Evidence, Status
from ..realize import MAX_ENTRIES, RealizeError, UndefinedAt
from ..runtime import Deadline, run_bounded
from .arrays import Arrays, arrays_for
from .configs import integer_configs
from .descent import descend
from .dimension_ladder import dimension_ladder
from .evaluate import Unsupported
from .exact import ExactFailure, exact_check, shrink_exact
from .far_integers import CONFIRM_DIGITS as FAR_CONFIRM_DIGITS
from .far_integers import DIGITS as FAR_DIGITS
from .far_integers import far_counterexample
from .parameters import integer_parameters_of
from .prepare import Prepared
from .sampling import exact_values, point_at
from .shrink import shrink
from .trial import Trial, show_config
from .wide import REDUCED_POINTS, coverage, equality_configs, phase_configs, wide_configs

TOLERANCE_TEXT = "|lhs - rhs| <= 1e-8 * (1 + |lhs| + |rhs|), entrywise"
MAX_CONFIGS = 6
MAX_CANDIDATES = 40
MAX_CONFIRMATIONS = 6
PRECISE_POINTS = 2  # float64 agreement re-checked in 50 digits at this many points (the largest gaps),
PRECISE_SECONDS = 30.0  # a safety limit in CPU time (see limits.Deadline), not a budget
SPECIAL_POINTS = 12  # and at most this many special points (kinks, poles, equality cases; .special_points)
ELEMENT_PHASE_POINTS = 16  # and points of integer elements near a quarter period (.element_phases)
SUBSTITUTES = 8  # re-checked points read instead of those where a tiny quantity hides past the ceiling
MAX_EXTREMES = 6  # points where float64 says nothing settled in 50 digits (see _extremes),
EXTREME_SECONDS = 1.0  # in a child limited to this CPU time
ROUNDING_SETTLES = 12  # float disagreements settled in 50 digits (a rounding error is agreement there)
TIES_TEXT = ("(or a hypothesis's) are not told apart at any precision tried, with no certain sign of "
             "their difference (a gap that may be 0)")


def check_prepared(prepared: Any, scope: Scope, *, seed: int, points: int, fixed: dict[sympy.Symbol, int] | None,
                    device: str, deadline: Deadline) -> Evidence:
    fixed = dict(fixed or {})
    ranges, kinds = integer_parameters_of([prepared.relation, *prepared.filters], scope, fixed)
    # Many candidates, of which the first MAX_CONFIGS valid ones are used: a
    # configuration can be invalid (an index beyond a dimension), and evidence
    # from the few that survive by accident (say i = n = 1) is no evidence.
    configs = integer_configs(ranges, kinds, random.Random(seed), MAX_CANDIDATES, first=MAX_CONFIGS)
    arrays = arrays_for(device)
    trials, notes, undefined = _trials(prepared, scope, fixed, configs, seed, arrays, points, deadline)
    if not any(t.failing for t in trials):
        try:
            trials += _wide_trials(prepared, scope, fixed, trials, ranges, kinds, seed, arrays, points, deadline)
        except _WideCut as cut:  # less coverage is no evidence: never accept on it
            return inconclusive(sum(t.valid for t in trials), str(cut))
    if not trials and configs and undefined == len(configs):
        return Evidence(Status.UNDEFINED, 0, TOLERANCE_TEXT, None,
                             f"the relation has no value at any of the {len(configs)} sizes tried ("
                             + "; ".join(notes) + ")")
    if len(configs) > 1 and len([t for t in trials if t.valid]) < 2 and not any(t.failing for t in trials):
        return inconclusive(sum(t.valid for t in trials),
                             "fewer than two integer configurations could be evaluated"
                             + (f" ({'; '.join(notes)})" if notes else ""))
    valid = sum(t.valid for t in trials)
    extreme = None if any(t.failing for t in trials) else _extremes(trials, seed)
    if isinstance(extreme, Counterexample):
        return _refuted_precisely(extreme, prepared, valid, "where float64 overflowed or fell below its tolerance")
    if extreme:
        return inconclusive(valid, f"float64 agreement at {valid} points, but at {extreme} point(s) where "
                                   f"float64 overflowed or fell below its tolerance the sides {TIES_TEXT}")
    beyond = "" if any(t.failing for t in trials) else _far_integers(prepared, scope, trials, ranges, kinds,
                                                                       seed, arrays, valid)
    if isinstance(beyond, Evidence):
        return beyond
    failing = [t for t in trials if t.failing]
    if failing:
        found = _disagreement(failing, prepared, seed, valid, deadline, notes)
        if found is None:
            # every float disagreement was rounding (x**2 + cos(n) < x**2 + 1 - 10**-11 at a wide x),
            # so no wide configuration was tried: those near a quarter period are, now
            try:
                phased = _wide_trials(prepared, scope, fixed, trials, ranges, kinds, seed, arrays, points,
                                      deadline, only_phases=True)
            except _WideCut as cut:
                return inconclusive(valid, str(cut))
            trials, valid = trials + phased, valid + sum(t.valid for t in phased)
            late = [t for t in phased if t.failing]
            found = _disagreement(late, prepared, seed, valid, deadline, notes) if late else None
        if found is not None:
            return found
    needed = 1 if trials and all(not t.params for t in trials) else max(3, points // 3)
    if valid >= needed:
        return _agreement(trials, prepared, scope, seed, valid, deadline, notes, beyond)
    reason = "; ".join(notes) if notes else "the hypotheses or the domain rejected the points"
    return inconclusive(valid, f"only {valid} usable points: {reason}")


def _trials(prepared: Prepared, scope: Scope, fixed: dict, configs: list[dict], seed: int, arrays: Arrays,
            points: int, deadline: Deadline) -> tuple[list["Trial"], list[str], int]:
    """The first MAX_CONFIGS configurations that can be evaluated, each run at ``points``
    points; the notes on those that cannot, and how many have no value (an index outside its
    matrix)."""
    trials: list[Trial] = []
    notes: list[str] = []
    undefined = 0
    for index, config in enumerate(configs):
        if len(trials) >= MAX_CONFIGS or deadline.passed():
            break
        try:
            trial = Trial.build(prepared, scope, {**fixed, **config}, seed, arrays)
            trial.run(points, seed * 1000 + index)
            trial.rescue(seed)
        except (RealizeError, Unsupported) as exc:
            undefined += isinstance(exc, UndefinedAt)
            if len(notes) < 5:
                notes.append(f"{show_config(config) or 'here'}: {exc}")
            continue
        trials.append(trial)
    return trials, notes, undefined


def _agreement(trials: list["Trial"], prepared: Prepared, scope: Scope, seed: int, valid: int,
               deadline: Deadline, notes: list[str], beyond: str) -> Evidence:
    """The evidence of float agreement at enough points: exact where the relation is rational
    (or refuted there), no evidence where the sampled spaces or functions cannot show the claim,
    else agreement, re-checked in 50 digits where it would be the verdict (:func:`_precise`)."""
    where = "; ".join(show_config(t.config) for t in trials if t.config)
    exact = None if prepared.caveats else _exact([t for t in trials if not t.wide], seed, deadline, valid)
    if isinstance(exact, Evidence):
        return exact
    if _limitation(trials):  # agreement on a space that cannot show every declared law
        return inconclusive(valid, f"agree at {valid} points, but {_limitation(trials)}")
    unsampled = _order_beyond_samples(prepared.relation, trials, scope)
    if unsampled:
        return inconclusive(valid, f"agree at {valid} points, but {unsampled}")
    # float64 agreement is re-checked in 50 digits only where it would be the verdict
    recheck = None if exact else (lambda: _precise(trials, prepared, seed, valid,
                                                   Deadline(PRECISE_SECONDS, "the 50-digit re-check")))
    evidence = exact or f"float64 at {valid} points, {TOLERANCE_TEXT.replace(', entrywise', '')}" + coverage(trials)
    evidence += f"; {beyond}" if beyond else ""
    if any(t.main.space for t in trials):  # what makes ε a bound about every declared law
        evidence += "; on finite probability spaces whose moments are generic for the claim (Jacobian rank test)"
    return Evidence(Status.AGREE, valid, TOLERANCE_TEXT, None,
                    f"agree at {valid} points" + (f" ({where})" if where else "")
                    + (f"; skipped {'; '.join(notes)}" if notes else ""),
                    evidence=evidence, recheck=recheck)


def _extremes(trials: list["Trial"], seed: int) -> Counterexample | int | None:
    """A counterexample in 50 digits at the points where float64 says nothing (each trial's
    :attr:`~.trial.Trial.extremes`: where a side overflowed, where both sides are below the
    absolute tolerance, as after an underflow; and the first configuration's far points,
    :meth:`~.trial.Trial.far`), or None:
    ``Min(exp(x), 10**400) = exp(x)`` fails only where exp(x) overflows,
    ``Max(exp(-x**2), 10**-400) = exp(-x**2)`` only where it underflows. Evaluating a
    huge value (``exp(exp(10**6))``) may not end, so they are settled in a child limited in
    CPU time (:data:`EXTREME_SECONDS`); cut short, they settle nothing (as before). Without a
    counterexample: the number of these points that are ties (see
    :func:`~.confirm.settle`: a strict inequality's sides, or a hypothesis's, told apart at no
    precision), or None when cut short."""
    # the trials in turn, then the far points of the first configuration (the costliest
    # values last: a cut settles nothing), MAX_EXTREMES in all
    first = next((t for t in trials if t.valid and not t.wide), None)
    far = [(first, point) for point in (first.far() if first is not None else [])]
    todo = [(t, t.extremes[k]) for k in range(max((len(t.extremes) for t in trials), default=0))
            for t in trials if k < len(t.extremes)]
    todo = todo[:MAX_EXTREMES - len(far)] + far
    if not todo:
        return None

    def first_violated() -> Counterexample | int:
        ties: list = []
        for trial, point in todo:
            holds, found = trial.settle(point, seed, ties)
            if holds is False:
                return found
        return len(ties)

    done = run_bounded(first_violated, EXTREME_SECONDS)
    return done.value if done.status == "ok" else None


def _far_integers(prepared: Prepared, scope: Scope, trials: list["Trial"], ranges: dict, kinds: dict,
                  seed: int, arrays: Arrays, valid: int) -> Evidence | str:
    """A refutation at integers far beyond the configurations (:mod:`.far_integers`): in
    closed form, or, with none and nothing sampled, with the dimensions written out past
    their window; else the text of what the closed form covered. Only for a relation in
    the integer parameters alone, without hypotheses."""
    if prepared.filters or prepared.laws or prepared.caveats or any(t.main.space is not None for t in trials):
        return ""
    small = [t.config for t in trials if t.valid and not t.wide]
    found, beyond = far_counterexample(prepared.relation, scope, ranges, small, seed, _real_bases(trials))
    if found is not None:
        return Evidence(Status.DISAGREE, valid, f"closed form in {FAR_DIGITS} and {FAR_CONFIRM_DIGITS} digits",
                        found, f"counterexample at integers beyond the configurations, in {beyond} (float64 had "
                        "agreed at the configurations)")
    if beyond or not small or any(t.params for t in trials):
        return beyond
    found = dimension_ladder(lambda config: Trial.build(prepared, scope, config, seed, arrays).settle({}, seed),
                             ranges, kinds, small[0], MAX_ENTRIES)
    if found is not None:
        return _refuted_precisely(found, prepared, valid, "at a dimension past the configurations, written out")
    return ""


def _real_bases(trials: list["Trial"]) -> list[dict]:
    """The exact values of the sampled real scalars at the first and the last point of the
    first configuration (simple values, then a random point), for the far integers; ``[{}]``
    where nothing is sampled, ``[]`` where something other than real scalars is."""
    first = next((t for t in trials if t.valid and not t.wide), None)
    if first is None or not first.params:
        return [{}]
    if any(p.kind != "scalar" or p.domain.integer for p in first.params) or not first.batch:
        return []
    n = next(iter(first.batch.values())).shape[0]
    try:
        return [exact_values(first.params, point_at(first.params, first.batch, i)) for i in dict.fromkeys([0, n - 1])]
    except RealizeError:
        return []


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
    ties: list = []  # special points where a strict inequality's sides agree to every precision
    # at a configuration near a quarter period only its first point is settled (in _wide_trials):
    # the special points and the descent in the reals cost per configuration, and stay with the others
    searched = [t for t in trials if not t.phase]
    for trial in searched:
        for pt in trial.special_points(SPECIAL_POINTS - special):
            if deadline.passed():
                cut = True
                break
            special += 1
            holds, found = trial.settle(pt, seed, ties)
            if holds is False:
                return _refuted_precisely(found, prepared, valid, "at a special point of the relation")
    for trial, pt in _element_phases(searched):
        cut = cut or deadline.passed()
        holds, found = (None, None) if cut else trial.settle(pt, seed, ties)
        if holds is False:
            return _refuted_precisely(found, prepared, valid, "where an integer element puts a sine or cosine "
                                                              "argument nearest a quarter period")
    if ties:
        # an equality case of a strict inequality, unless the gap is below every precision
        # tried (x**2 + y**2 > 0 at y = 0, x = log(6) - log(2) - log(3)): no evidence either way
        return inconclusive(valid, f"float64 agreement at {valid} points, but at {len(ties)} special "
                                    f"point(s) the sides {TIES_TEXT}")
    found, cut_short = _descended(searched, seed, deadline)
    if found is not None:
        return _refuted_precisely(found, prepared, valid, "where a descent on the violation led")
    cut = cut or cut_short
    settled = undecided = 0
    ranked = sorted(((-g, k, i) for k, t in enumerate(trials) for i, g in t.agreeing), key=lambda x: x[:2])
    chosen = _rechecked(ranked, prepared.relation)
    # a point where a tiny quantity hides past the ceiling decides nothing: the next ranked
    # one is read in its place, at most SUBSTITUTES times (where every point is so, unknown)
    spare = [r for r in ranked if r not in chosen][:SUBSTITUTES]
    while chosen:
        _, k, i = chosen.pop(0)
        if deadline.passed():
            cut = True
            break
        beyond: list = []
        holds, found = trials[k].settle(point_at(trials[k].params, trials[k].batch, i), seed, beyond=beyond)
        if holds is False:
            return _refuted_precisely(found, prepared, valid, "at the point of largest float discrepancy")
        if holds is None and beyond and spare:
            chosen.append(spare.pop(0))
            continue
        settled += holds is True
        undecided += holds is None
    if undecided > 0:
        integral = any(isinstance(side, sympy.Basic) and side.has(sympy.Integral)
                       for side in (prepared.relation.lhs, prepared.relation.rhs))
        return inconclusive(valid, f"float64 agreement at {valid} points, not confirmed in high precision "
                                    f"at {undecided} of {settled + undecided} points ("
                                    + ("an integral without a closed form, or " if integral else "")
                                    + "a difference below the precision?)")
    if cut:
        return inconclusive(valid, f"float64 agreement at {valid} points; its high-precision re-check "
                                    f"did not finish ({deadline.text()})")
    return None


def _element_phases(trials: list["Trial"]) -> list[tuple["Trial", Any]]:
    """At most ELEMENT_PHASE_POINTS points where integer-valued sequence elements put a periodic
    argument nearest a quarter period (:mod:`.element_phases`), from each trial's first point."""
    out: list[tuple[Trial, Any]] = []
    for trial in trials:
        out += [(trial, pt) for pt in trial.element_phase_points(ELEMENT_PHASE_POINTS - len(out))]
    return out


def _rechecked(ranked: list[tuple[float, int, int]], relation: Any) -> list[tuple[float, int, int]]:
    """The agreeing points re-checked in high precision: the PRECISE_POINTS of largest float
    discrepancy, and where the relation holds an integral, as many more from the middle of the
    ranking: float quadrature misses a peak narrower than its nodes at every point, and the
    points of largest discrepancy are then where the relation is tight for other reasons
    (``x**2*Integral(y**2*(1 + exp(-10**10*(t - 1/pi)**2)), (t, 0, 1)) <= x**2*y**2*(1 + 10**-9)``
    at ``y = 0``; red team 15), while a generic point sees the closed form's peak."""
    chosen, middle = ranked[:PRECISE_POINTS], ranked[PRECISE_POINTS:]
    sides = (relation.lhs, relation.rhs)
    if middle and any(isinstance(side, sympy.Basic) and side.has(sympy.Integral) for side in sides):
        chosen += [middle[len(middle) * j // (PRECISE_POINTS + 1)] for j in range(1, PRECISE_POINTS + 1)]
    return list(dict.fromkeys(chosen))


def _descended(trials: list["Trial"], seed: int, deadline: Deadline) -> tuple[Counterexample | None, bool]:
    """A counterexample confirmed where a short descent on an inequality's violation leads
    (its shrunk point first), and whether the deadline cut the descents short."""
    for trial in trials:
        if trial.main.op == "=":
            continue
        if deadline.passed():
            return None, True
        pt = descend(trial, seed)
        if pt is None:
            continue
        small = shrink(trial.params, pt, trial.fails, deadline)
        for candidate in ([small, pt] if small != pt else [pt]):
            found = trial.confirm(candidate, seed)
            if found is not None:
                return found, False
    return None, False


def _refuted_precisely(found: Counterexample, prepared: Any, valid: int, where: str) -> Evidence:
    if prepared.caveats:
        return inconclusive(valid, f"disagreement at {found.values} in 50 digits, "
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
    ties: list = []  # points where the sides (or a hypothesis's) are told apart at no precision
    outside: list = []  # violated points not shown inside the domain (a divisor not told from 0)
    count = sum(len(t.hard) for t in failing) or sum(len(t.failing) for t in failing)
    for trial in failing:
        for i in trial.failing:
            if attempts >= MAX_CONFIRMATIONS + ROUNDING_SETTLES or deadline.passed():
                break
            attempts += 1
            original = point_at(trial.params, trial.batch, i)
            known = len(outside)
            holds, found = trial.settle(original, seed, ties, outside)
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
            # agreement in 50 digits, or a point that may have no value (no evidence either way)
            rounding += (holds is True or len(outside) > known) and i in trial.hard
    if ties:  # the equality case of a strict inequality may lie here: no acceptance on it
        return inconclusive(valid, f"float64 agreement at {valid} points, but at {len(ties)} point(s) "
                                   "where a strict inequality held only within the float slack, the sides "
                                   f"{TIES_TEXT}" + (f"; skipped {'; '.join(notes)}" if notes else ""))
    if rounding == sum(len(t.hard) for t in failing):
        # every float disagreement is agreement in 50 digits (rounding), a strict inequality
        # holding within the float slack, or a point where a divisor is not told from 0:
        # agreement, re-checked as any other
        return None
    return inconclusive(valid, f"float disagreement at {count} points, not confirmed in high precision"
                         + (f"; skipped {'; '.join(notes)}" if notes else ""))


def _confirmed(found: Counterexample, prepared: Any, valid: int, count: int) -> Evidence:
    if prepared.caveats:
        return inconclusive(valid, f"disagreement at {found.values}, but {'; '.join(prepared.caveats)}")
    return Evidence(Status.DISAGREE, valid, TOLERANCE_TEXT, found,
                         f"counterexample confirmed to 50 digits (float disagreement at "
                         f"{count} of {valid} points)")


def _wide_trials(prepared: Prepared, scope: Scope, fixed: dict, trials: list["Trial"],
                 ranges: dict, kinds: dict, seed: int, arrays: Arrays, points: int,
                 deadline: Deadline, only_phases: bool = False) -> list["Trial"]:
    """Trials at the wide integer configurations (:func:`derivcheck.check.numeric.wide.wide_configs`),
    those at the equality cases and those near a quarter period (``only_phases``: these alone); one
    that cannot be realised there (an index beyond a matrix) is left out."""
    out = []

    configs = [] if only_phases else [(c, r, False) for c, r in wide_configs(trials, ranges, kinds, scope, seed)
                                      + equality_configs(prepared.relation, trials, ranges, scope)]
    configs += [(c, r, True) for c, r in phase_configs(prepared.relation, trials, ranges, kinds, scope)]
    for k, (config, reduced, phase) in enumerate(configs):
        if deadline.passed():
            raise _WideCut(f"{deadline.text()} before {show_config(config)}")
        try:
            trial = Trial.build(prepared, scope, {**fixed, **config}, seed, arrays)
            trial.wide = True
            trial.phase = phase
            trial.run(REDUCED_POINTS if reduced else points, seed * 1000 + 500 + k)
            trial.rescue(seed)
            # float64 cannot tell sin(a*n) near a quarter period at a large n: 50 digits do
            violated = trial.settle_first(seed) if phase else bool(trial.failing)
        except (RealizeError, Unsupported):  # extra coverage only: the evidence states what was covered
            continue
        out.append(trial)
        if violated:  # (a float disagreement elsewhere near a quarter period, often rounding at a
            break     # wide real, is confirmed later with the others; the next phases are tried first)
    return out


class _WideCut(Exception):
    """A wide configuration was left out for time: the coverage the check states is not met."""


def _order_beyond_samples(relation: objects.Relation, trials: list["Trial"], scope: Scope) -> str | None:
    """Why agreement says nothing of an order relation, or None.

    The random smooth functions that stand for a declared function, and the finite spaces
    that stand for random variables without a declared law, are a family chosen to catch
    wrong identities (a false identity fails on almost every member). An inequality can
    fail only on members the family does not reach: a function of scale 10**9 or growth
    exp(x**2), a Bernoulli variable with probability 10**-4. So there, agreement is no
    evidence."""
    if relation.op not in ("<", "<=", ">", ">="):
        return None
    sides = [x for x in (relation.lhs, relation.rhs) if isinstance(x, sympy.Basic)]
    functions = {d.name for d in scope.names.values() if isinstance(d, FunctionDecl)}
    if functions and any(type(n).__name__ in functions for x in sides for n in sympy.preorder_traversal(x)
                         if isinstance(n, sympy.Function)):
        return ("an order between values of a declared function is not checked at points: the sample "
                "functions reach neither every scale nor every growth")
    if any(t.main.space is not None for t in trials):
        return ("an order between moments is not checked on finite probability spaces: their probabilities "
                "and values reach neither every scale nor every tail")
    return None


def _limitation(trials: list["Trial"]) -> str | None:
    """Why agreement on the trials' finite probability spaces is no evidence
    (:mod:`derivcheck.check.realize.genericity`); None when they are generic or absent."""
    return next((t.main.space.limitation for t in trials if t.main.space and t.main.space.limitation), None)


def tied(evidence: Evidence) -> bool:
    """Whether ``evidence`` is inconclusive because sides were told apart at no precision tried
    (see :data:`TIES_TEXT`): a possible equality case of a strict inequality, which no float
    agreement elsewhere outweighs (a boundary of the hypotheses where the claim ties)."""
    return evidence.status is Status.INCONCLUSIVE and TIES_TEXT in evidence.detail


def inconclusive(points: int, detail: str) -> Evidence:
    return Evidence(Status.INCONCLUSIVE, points, TOLERANCE_TEXT, None, detail)
