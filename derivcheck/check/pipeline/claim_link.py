"""The claim link: the claim established by the derivation's first chain.

The chain's ends must be the claim's sides (either way round, each pair proved equal by
the prover), the relation the chain composes to must imply the claim's, and every
hypothesis the chain's steps use must be stated by the claim (top-level ``using``). The
claim then takes the verdict of the weakest step, unless the steps were proved at
instances of their own ``for``, the claim's text has no value, or the hypotheses hold
nowhere (:func:`~.vacuity.hypotheses_hold`).
"""

from __future__ import annotations

from dataclasses import replace

from ...expr.latex import latex_relation
from ...expr.pretty import pretty_relation
from ...expr.scope import Scope
from ...model import Options, Outcome, Verdict
from ..evidence import Evidence, Status
from .definedness import valueless
from .items import Item
from .prover import Prover
from .vacuity import hypotheses_hold


def claim_link(item: Item, scope: Scope, outcomes: dict[str, Outcome], outcome: Outcome, options: Options,
               prover: Prover) -> Outcome:
    """The claim's outcome (before the gate), from the ``outcomes`` of the steps so far and the
    claim's base ``outcome``: established by the first chain when its ends are the claim's
    sides, its relation implies the claim's, every step holds, and every hypothesis the
    chain's steps use is stated by the claim (top-level ``using``)."""
    claim = item.claim
    composed = item.note or "="
    outcome = replace(outcome, pretty=pretty_relation(claim.lhs, claim.op, claim.rhs),
                      latex=latex_relation(claim.lhs, claim.op, claim.rhs))

    def unknown(detail: str) -> Outcome:
        return replace(outcome, verdict=Verdict.UNKNOWN, method="claim link", detail=detail)

    missing = [name for name in item.chain_using if name not in item.using]
    if missing:
        # the chain holds only under these hypotheses, and the claim does not say so:
        # accepting it would state the claim unconditionally
        stated = ", ".join(item.using + missing)
        return unknown(f"the chain uses hypotheses the claim does not state: {', '.join(missing)} "
                       f"(add `using: [{stated}]` at the top level)")
    if not _ends_linked(item, composed, prover, options):
        return unknown(f"the first chain establishes `start {composed} last`, which does not give "
                       f"the claim `{item.text}`")
    steps = [outcomes[k] for k in item.chain if k in outcomes]
    weakest = min(steps, key=lambda o: o.verdict.strength)
    verdict = weakest.verdict if weakest.verdict.strength > Verdict.UNKNOWN.strength else Verdict.UNKNOWN
    under = f" under [{', '.join(weakest.using)}]" if weakest.using else ""
    detail = f"chain composes to {composed}; weakest step: {weakest.label} ({weakest.verdict.value}{under})"
    objection, note = _link_objection(item, steps, verdict, scope, options, prover)
    if objection is not None:
        return unknown(f"{detail}; but {objection}")
    if note:
        detail = f"{detail}; {note}"
    return replace(outcome, verdict=verdict, method="claim link", detail=detail)


def _ends_linked(item: Item, composed: str, prover: Prover, options: Options) -> bool:
    """Whether the chain's ends are the claim's sides (either way round) and the relation
    the chain composes to (``composed``) implies the claim's."""

    def same(left: str, right: str) -> bool:
        return prover.same(item, left, right, options.timeout)

    forward = _implies(composed, item.claim.op)
    backward = _implies(_flip(composed), item.claim.op)
    return (forward and same("claim.lhs", "start") and same("claim.rhs", "end")) or (
        backward and same("claim.lhs", "end") and same("claim.rhs", "start"))


def _link_objection(item: Item, steps: list[Outcome], verdict: Verdict, scope: Scope, options: Options,
                    prover: Prover) -> tuple[str | None, str]:
    """Why a linked chain whose weakest step has ``verdict`` does not give the claim that
    verdict, or None; and a note on what the verdict then rests on (the hypotheses' witness)."""
    if verdict is Verdict.PROVED_INSTANCES:
        # steps proved at different instances compose to nothing: each holds where the other
        # was not shown (n = 5 for one, n = 6 for the next); the claim has the top-level `for`
        differ = [o.label for o in steps if o.verdict is Verdict.PROVED_INSTANCES
                  and prover.item(o.item).instances != item.instances]
        if differ:
            return (f"{', '.join(differ)} {'is' if len(differ) == 1 else 'are'} proved at instances of "
                    "their own `for`, not at the claim's: the chain composes only where "
                    "every step holds (give the instances in the top-level `for`)"), ""
    if verdict.strength > Verdict.UNKNOWN.strength:
        # the claim's own text may hold what SymPy cancelled while reading it (`d/d`)
        why, _ = valueless(item, scope, options, prover)
        if why is not None:
            return why, ""
    if verdict in (Verdict.PROVED, Verdict.PROVED_INSTANCES) and item.hypotheses:
        # each step's hypotheses may hold somewhere while all of them together hold nowhere
        # the link has no numeric check of its own: no usable point, so a witness is looked for
        unsampled = Evidence(Status.INCONCLUSIVE, detail="the claim link is not checked at points")
        holds, why = hypotheses_hold(item, scope, options, prover, unsampled if options.numeric else None,
                                      witness=True)
        if not holds:
            return why, ""
        return None, why
    return None, ""


def _flip(op: str) -> str:
    return {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "=": "="}[op]


def _implies(composed: str, claim_op: str) -> bool:
    allowed = {"=": {"=", "<=", ">="}, "<=": {"<="}, "<": {"<", "<="}, ">=": {">="}, ">": {">", ">="}}
    return claim_op in allowed.get(composed, set())


__all__ = ["claim_link"]
