"""A proof under hypotheses stands only where they hold somewhere.

From hypotheses that no value satisfies every relation follows, so a proof under them
is vacuous. :func:`hypotheses_hold` asks for a contradiction between them
(:func:`~derivcheck.check.symbolic.inconsistency`, in the prover's child) and, for a
proof, for a point where they all hold: one of the numeric check's usable points, exact
values found by solving them (:func:`~derivcheck.check.symbolic.exact_witness`), or a
numeric check of the hypotheses alone (:func:`~derivcheck.check.numeric.witness`).
"""

from __future__ import annotations

from typing import Any

from ...errors import DerivcheckError
from ...expr.scope import Scope
from ...model import Options
from ..numeric import witness as hypotheses_alone
from .items import Item
from .prover import UNDEFINED_AT, Prover

CONSISTENCY_SECONDS = 5.0
"""Budget of the symbolic search for a contradiction between a step's hypotheses."""


def hypotheses_hold(item: Item, scope: Scope, options: Options, prover: Prover, numeric: Any, *,
                     witness: bool) -> tuple[bool, str]:
    """Whether the item's hypotheses may hold somewhere: ``(False, why)`` when they are
    inconsistent (:func:`consistency.inconsistency`), or, for a proof (``witness``), when no
    sampled point satisfies them; ``(True, note)`` otherwise, the note saying what the
    consistency rests on when it is not a sampled point.

    A proof under hypotheses stands only beside a point where they all hold: one of the
    numeric check's usable points, else exact values found by solving them, else one of a
    numeric check of the hypotheses alone (the claim may have no numeric value where they
    do). With ``--no-numeric`` a proof whose hypotheses have no exact witness stands on the
    symbolic detection alone, and the note says so.
    """
    found = prover.inconsistency(item, min(options.timeout, CONSISTENCY_SECONDS))
    if found is not None:
        return False, f"the hypotheses are inconsistent: {found}"
    if not witness:
        return True, ""
    if numeric is not None and numeric.points > 0 and not numeric.unrelated:
        return True, ""
    exact = prover.witness(item, min(options.timeout, CONSISTENCY_SECONDS))
    if exact is not None and exact.startswith(UNDEFINED_AT):
        return False, f"the claim has no value where the hypotheses hold ({exact[len(UNDEFINED_AT):]})"
    if exact is not None:
        return True, f"they hold at {exact}"
    if numeric is None:
        return True, "their consistency was not established (numeric checks off)"

    try:
        alone = hypotheses_alone(item.hypotheses, scope, seed=options.seed, points=options.points,
                                 device=options.device)
    except DerivcheckError:
        raise
    except Exception as exc:  # noqa: BLE001 - a failed search is no witness, and is said so
        return False, f"no point satisfying the hypotheses was found ({type(exc).__name__}: {exc})"
    if alone.points > 0:
        return True, ""
    return False, f"no point satisfying the hypotheses was found ({alone.detail})"


__all__ = ["CONSISTENCY_SECONDS", "hypotheses_hold"]
