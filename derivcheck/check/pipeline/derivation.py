"""The per-step pipeline: load, parse, prove (bounded), cross-check numerically, judge.

For every item (a relation whose two sides are the same expression is proved by
reflexivity at once):

1. the numeric check (unless ``--no-numeric``): a confirmed counterexample refutes
   the item; derivcheck's general strategies still run briefly, and a general
   proof of a refuted item is reported as a conflict (a soundness guard);
2. otherwise a general symbolic proof by every strategy but ``simplify`` (in the
   derivation's child process, ``options.timeout`` s of CPU time per attempt);
3. then a symbolic proof at each instance (``for`` values; a proof that needs the
   default small shapes of a dimension no ``for`` lists is shown, but is no verdict);
4. then ``simplify`` (a short upgrade attempt when the instances gave a proof);
5. otherwise numeric agreement alone gives ``numeric``.

A proof under hypotheses stands only where they hold somewhere: hypotheses found
inconsistent, or without any point where they all hold, leave the step ``unknown``
(:func:`~.vacuity.hypotheses_hold`).

The gate: an item expected to hold passes at ``numeric`` or better
(``--strict``: ``proved-instances`` or better); an item expected to be refuted
passes only when refuted.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from sympy.core.cache import clear_cache

from ...errors import DerivcheckError, InputError, InputErrors
from ...expr.constants import certified_signs
from ...expr.declarations import build_scope
from ...expr.latex import item_latex
from ...expr.parser import parse_expression, parse_relation
from ...expr.pretty import pretty_relation
from ...expr.scope import Scope
from ...model import Counterexample, Derivation, DerivationReport, Options, Outcome, Verdict
from ..evidence import Evidence, Status
from ..numeric import check_numerically
from ..realize import untrusted_integrals
from ..runtime import limits_mark, limits_since
from ..symbolic import refusal, trusted_closed_form
from .claim_link import claim_link
from .definedness import valueless
from .items import Item, build_items
from .prover import Prover
from .vacuity import hypotheses_hold
from .verdicts import distribution_verdict, refutation, weigh


GUARD_SECONDS = 1.0
"""Budget of the general symbolic attempt on an item a counterexample has refuted."""

NUMERIC_SECONDS = 30.0
"""The numeric check's safety limit, in CPU time (the larger of it and ``--timeout``). Its
work is counted, not timed (see :func:`~derivcheck.check.numeric.entry.check_numerically`); the
limit only stops a runaway evaluation, and an outcome it cut short is not final (never cached)."""

RECURSION_SECONDS = 5.0
"""Budget of the proof of a distribution check by the moment recursion (the library's DDPM
check needs about 0.1 s)."""

UPGRADE_SECONDS = 0.25
"""Budget of ``simplify`` on an item already proved at its instances (a general proof
would upgrade it to ``proved``); an item with no instance proof gives ``simplify``
the whole ``--timeout``."""


def check_derivation(derivation: Derivation, options: Options) -> DerivationReport:
    """All outcomes of one loaded derivation (SymPy reads a constant's sign only as certified:
    :func:`~derivcheck.expr.constants.certified_signs`)."""
    with certified_signs(trusted_closed_form):
        return _check_derivation(derivation, options)


def _check_derivation(derivation: Derivation, options: Options) -> DerivationReport:
    # SymPy's cache makes repeated work fast: kept from whatever this process checked
    # before, it would let a proof near its CPU limit depend on the order of the work
    # (which derivations a worker took), not on the file alone
    clear_cache()
    started = time.perf_counter()
    head = dict(path=derivation.path, id=derivation.id.value, title=derivation.title.value,
                source=derivation.source.value if derivation.source else None)
    try:
        scope = build_scope(derivation)
    except (InputErrors, InputError) as exc:
        errors = exc.errors if isinstance(exc, InputErrors) else [exc]
        return DerivationReport(**head, outcomes=(), errors=tuple(e.format() for e in errors),
                                seconds=time.perf_counter() - started)
    items = build_items(derivation, scope, parse_expression, parse_relation)
    outcomes: dict[str, Outcome] = {}
    with Prover(items, scope) as prover:
        for item in items:
            mark = limits_mark()
            if item.key == "claim" and item.chain:
                link_started = time.perf_counter()
                link = claim_link(item, scope, outcomes, _base_outcome(item, derivation), options, prover)
                outcomes[item.key] = _judge(link, options, link_started)
            else:
                outcomes[item.key] = check_item(item, scope, derivation, options, prover)
            hit = limits_since(mark)  # cut short or load-dependent: not final (never cached)
            if hit:
                outcomes[item.key] = replace(outcomes[item.key], limit=hit)
    return DerivationReport(**head, outcomes=tuple(outcomes.values()), seconds=time.perf_counter() - started)


def _distribution(item: Item, scope: Scope, derivation: Derivation, options: Options, outcome: Outcome,
                  prover: Prover) -> Outcome:
    """The outcome of a distribution check ``item``: the proof by the moment recursion
    (:func:`~derivcheck.check.stochastic.prove_linear_law`, bounded like every symbolic
    attempt) and the Monte Carlo evidence (unless ``--no-numeric``), read together by
    :func:`~.verdicts.distribution_verdict`."""

    attempt = prover.recursion(item, min(options.timeout, RECURSION_SECONDS))
    if attempt.status == "ok":
        proof, why = attempt.value
    else:
        proof, why = None, f"moment recursion: {attempt.message.splitlines()[0] if attempt.message else attempt.status}"
    if not options.numeric:
        return distribution_verdict(outcome, None, proof, why)
    from ..stochastic import check_distribution  # here: a file without one does not load the simulator

    try:
        result = check_distribution(item.distribution.fields, scope, seed=options.seed, device=options.device,
                                    instances=item.instances, key=f"{derivation.id.value}:{item.key}",
                                    path=derivation.path)
    except InputError as exc:
        return replace(outcome, verdict=Verdict.ERROR, detail=exc.format())
    return distribution_verdict(outcome, result, proof, why)


def _base_outcome(item: Item, derivation: Derivation) -> Outcome:
    return Outcome(derivation=derivation.id.value, item=item.key, label=item.label, verdict=Verdict.UNKNOWN,
                   expect=item.expect, span=item.span, by=item.by, pretty=item.text, using=tuple(item.using))


def check_item(item: Item, scope: Scope, derivation: Derivation, options: Options,
               prover: Prover | None = None) -> Outcome:
    """The verdict on one step or check; ``prover`` is the derivation's (else one for this item)."""
    if prover is None:
        with certified_signs(trusted_closed_form), Prover([item], scope) as own:
            return check_item(item, scope, derivation, options, own)
    started = time.perf_counter()
    return _judge(_outcome(item, scope, derivation, options, prover), options, started)


def _outcome(item: Item, scope: Scope, derivation: Derivation, options: Options, prover: Prover) -> Outcome:
    """The item's outcome before the gate: a distribution check's; an item settled at once; a
    step the numeric check refutes; a step with no value; else what its proof and evidence give."""
    if item.error is None and item.distribution is not None:
        return _distribution(item, scope, derivation, options, _base_outcome(item, derivation), prover)
    outcome, settled = _settled_at_once(item, scope, derivation, options)
    if settled and outcome.verdict is Verdict.PROVED:
        why, _ = valueless(item, scope, options, prover)
        if why is not None:  # `d/d = 1`, read as `1 = 1`
            outcome = replace(outcome, verdict=Verdict.UNKNOWN, method="", detail=why)
    if settled:
        return outcome
    # The numeric check runs first: a confirmed counterexample settles the item
    # (it would override any symbolic proof anyway), so no time goes into instances
    # on false steps. Only the general symbolic attempt still runs then, as a guard:
    # a general proof of a refuted step would be a soundness bug, and is reported.
    numeric = _numeric(item.relation, scope, item, options) if options.numeric else None
    if numeric is not None and numeric.refutes:
        return _refuted_first(item, scope, derivation, options, prover, numeric, outcome)
    why, undecided = valueless(item, scope, options, prover)
    if why is not None:
        # SymPy cancelled what has no value (a 0/0, inv(M) @ M of a singular M, oo - oo)
        # while reading: nothing may be accepted, and no point can refute it
        return replace(outcome, verdict=Verdict.UNKNOWN, method="", detail=why)
    return _proved_or_weighed(item, scope, derivation, options, prover, numeric, outcome, undecided)


def _proved_or_weighed(item: Item, scope: Scope, derivation: Derivation, options: Options, prover: Prover,
                       numeric: Evidence | None, outcome: Outcome, undecided: str) -> Outcome:
    """A step with a value: the proof attempts (:func:`_prove`), the gates a proof must pass
    (an integral's closed form, hypotheses that hold somewhere), then the numeric evidence
    weighed in (``numeric``: None with ``--no-numeric``; ``undecided``: what
    :func:`~.definedness.valueless` left open)."""
    relation = item.relation
    verdict, method, detail = _prove(item, options, prover)
    if undecided and verdict is not Verdict.UNKNOWN:
        detail = "; ".join(x for x in (detail, undecided) if x)
    if verdict is Verdict.UNKNOWN:
        why = refusal(relation.lhs, relation.rhs)
        detail = "; ".join(x for x in (why, detail) if x)
    elif verdict in (Verdict.PROVED, Verdict.PROVED_INSTANCES):
        gated = _integrals_gate(relation, numeric, method)
        if gated is not None:
            numeric, why = gated
            if numeric is not None and numeric.refutes:
                return refutation(outcome, numeric, derivation.path, options)
            if numeric is not None and numeric.status is Status.AGREE:
                detail = f"{detail}; {why}".lstrip("; ")
            else:
                verdict, method, detail = Verdict.UNKNOWN, "", why
    proved = verdict in (Verdict.PROVED, Verdict.PROVED_INSTANCES)
    if item.hypotheses and (proved or numeric is None or numeric.points == 0 or numeric.unrelated):
        holds, why = hypotheses_hold(item, scope, options, prover, numeric, witness=proved)
        if not holds:
            # a proof under hypotheses that hold nowhere is vacuous, and no point can refute the step
            if proved:
                vacuous = "is vacuous" if why.startswith("the hypotheses are inconsistent") else "may be vacuous"
                why = f"{why}; a proof under them (strategy '{method}') {vacuous}"
            return replace(outcome, verdict=Verdict.UNKNOWN, method="", detail=why)
        if proved:
            detail = "; ".join(x for x in (detail, why) if x)
    if numeric is not None and verdict is Verdict.UNKNOWN and numeric.status is Status.AGREE:
        numeric = numeric.rechecked()  # float agreement would be the verdict: 50 digits first
        if numeric.refutes:
            return refutation(outcome, numeric, derivation.path, options)
    if numeric is not None:
        verdict, method, detail = weigh(verdict, method, detail, numeric)
    return replace(outcome, verdict=verdict, method=method, detail=detail)


def _settled_at_once(item: Item, scope: Scope, derivation: Derivation, options: Options) -> tuple[Outcome, bool]:
    """``(outcome, True)`` for an item that needs no proof attempt (an error, an unsupported form, a ``~`` step, the same tree on both sides); else
    ``(outcome with the relation shown, False)``."""
    outcome = _base_outcome(item, derivation)
    if item.error is not None:
        return replace(outcome, verdict=Verdict.ERROR, detail=item.error), True
    if item.unsupported is not None:
        return replace(outcome, verdict=Verdict.UNKNOWN, method="none", detail=item.unsupported), True
    relation = item.relation
    outcome = replace(outcome, pretty=pretty_relation(relation.lhs, relation.op, relation.rhs),
                      latex=item_latex(item, derivation))
    if relation.op == "~":
        return replace(outcome, method="none", detail="`~` claims are checked by distribution checks, not as steps"), True
    if relation.op in ("=", "<=", ">=") and _same_tree(relation.lhs, relation.rhs):
        # `E = E` (definitions expanded): reflexivity; no point can tell the sides apart
        return replace(outcome, verdict=Verdict.PROVED, method="structural",
                       detail="the two sides are the same expression"), True
    return outcome, False


def _refuted_first(item: Item, scope: Scope, derivation: Derivation, options: Options, prover: Prover,
                   numeric: Evidence, outcome: Outcome) -> Outcome:
    """The outcome of an item the numeric check refuted before any proof attempt."""
    if numeric.unrelated:
        # the point need not satisfy the hypotheses on other variables: it is a
        # counterexample only where those can hold at all
        holds, why = hypotheses_hold(item, scope, options, prover, numeric, witness=True)
        if not holds:
            return replace(outcome, verdict=Verdict.UNKNOWN, method="", detail=f"{numeric.detail}, but {why}")
    # the counterexample already decided the item: the guard gets a short budget,
    # for derivcheck's own strategies (SymPy's simplify is not re-run)
    general = prover.general(item, min(options.timeout, GUARD_SECONDS), simplify=False)
    general = general.value if general.status == "ok" else None
    conflict = "" if general is None else f" (symbolic strategy '{general.method}' had claimed a proof: soundness guard)"
    return refutation(outcome, numeric, derivation.path, options, note=conflict)


def _prove(item: Item, options: Options, prover: Prover) -> tuple[Verdict, str, str]:
    """General strategies, then instances, then ``simplify`` (see :data:`UPGRADE_SECONDS`)."""
    general = prover.general(item, options.timeout, simplify=False)
    if general.status == "ok" and general.value is not None:
        return Verdict.PROVED, general.value.method, general.value.detail
    notes = [] if general.status == "ok" else [f"general proof: {general.message.splitlines()[0]}"]
    at = prover.instances(item, options.timeout)
    at_instances = at.status == "ok" and at.value is not None and at.value.proved
    if at.status == "ok" and at.value is not None and not at_instances:
        notes.append(at.value.detail)
    elif at.status != "ok":
        notes.append(f"instances: {at.message.splitlines()[0]}")
    if general.status == "ok":  # (past the limit on the cheaper strategies, simplify would be too)
        last = prover.simplify(item, min(options.timeout, UPGRADE_SECONDS) if at_instances else options.timeout,
                               upgrade=at_instances)
        if last.status == "ok" and last.value is not None:
            return Verdict.PROVED, last.value.method, last.value.detail
        if last.status != "ok" and not at_instances:
            notes.insert(0, f"general proof: {last.message.splitlines()[0]}")
    if at_instances and at.value.defaulted:
        # default shapes are not instances the author chose: the proof is evidence, not a verdict
        notes.append(f"proved symbolically only at default shapes ({at.value.at}), not proved-instances: "
                     f"no `for` lists {', '.join(at.value.defaulted)}")
    elif at_instances:
        return Verdict.PROVED_INSTANCES, at.value.detail, f"at {at.value.at}"
    return Verdict.UNKNOWN, "", "; ".join(notes)


def _integrals_gate(relation: Any, numeric: Any, method: str) -> tuple[Any, str] | None:
    """For a proof of a relation holding an integral SymPy's closed form is not trusted for
    (:func:`~derivcheck.check.realize.integrals.untrusted_integrals`): the numeric result re-checked
    in 50 digits, and what the proof then rests on; None for any other proof.

    The proof counts only where the numeric check agrees (float agreement, then its
    50-digit re-check through the closed form cross-checked by quadrature): a pole or a
    kink in the range makes SymPy's value wrong, and the proof then proves nothing.
    """

    import sympy

    found = [i for side in (relation.lhs, relation.rhs) if isinstance(side, sympy.Basic)
             for i in untrusted_integrals(side)]
    if not found:
        return None
    shown = ", ".join(sorted({str(i) for i in found}))
    rests = (f"the proof (strategy '{method}') rests on SymPy's closed form of {shown}, which is not "
             f"trusted on its own (a pole or kink in the range, or a special function's branch, makes "
             f"SymPy's value wrong)")
    if numeric is None:
        return None, f"{rests}; it counts only with numeric agreement, and numeric checks are off"
    if numeric.status is Status.AGREE:
        numeric = numeric.rechecked()
        if numeric.status is Status.AGREE:
            return numeric, f"{rests}: cross-checked numerically ({numeric.evidence or numeric.detail})"
    return numeric, f"{rests}; it counts only with numeric agreement"


def _same_tree(lhs: Any, rhs: Any) -> bool:
    try:
        return bool(lhs == rhs)
    except Exception:  # noqa: BLE001 - an object without structural equality is simply not the same
        return False


def _numeric(relation: Any, scope: Scope, item: Item, options: Options) -> Any:
    try:
        return check_numerically(relation, scope, seed=options.seed, points=options.points,
                                 hypotheses=item.hypotheses, device=options.device,
                                 budget=max(options.timeout, NUMERIC_SECONDS))
    except DerivcheckError:
        raise
    except Exception as exc:  # a numeric back-end failure is no verdict, and is said so
        return Evidence(Status.INCONCLUSIVE, detail=f"numeric check failed: {type(exc).__name__}: {exc}")


def _judge(outcome: Outcome, options: Options, started: float) -> Outcome:
    if outcome.expect == "refuted":
        passed = outcome.verdict is Verdict.REFUTED
    else:
        floor = Verdict.PROVED_INSTANCES if options.strict else Verdict.NUMERIC
        passed = outcome.verdict.strength >= floor.strength
    return replace(outcome, passed=passed, seconds=time.perf_counter() - started)


__all__ = ["check_derivation", "check_item", "Counterexample"]
