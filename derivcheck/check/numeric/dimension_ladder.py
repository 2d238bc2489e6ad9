"""The dimension ladder: a relation in integer parameters alone, with no closed form and
nothing sampled (``det(eye(n) + ones(n, n)) <= 9``), written out at dimensions past the
configurations' window (which stops at 8) and settled in 50 digits, as any configuration.

Where SymPy gives a closed form, :mod:`.far_integers` reaches further; here each size is
realised entry by entry, so the sizes stop where a matrix has MAX_ENTRIES entries, and the
whole ladder runs in a child limited in CPU time.
"""

from __future__ import annotations

from typing import Callable

from ...model import Counterexample
from ..runtime import run_bounded

LADDER = (9, 10, 11, 12, 13, 14, 15, 16, 20, 24, 28, 32)  # sizes of a dimension written out
LADDER_SECONDS = 4.0  # a safety limit in CPU time: cut short, the ladder refutes nothing


def dimension_ladder(settle_at: Callable[[dict], tuple], ranges: dict, kinds: dict, base: dict,
                     entries: int) -> Counterexample | None:
    """Where a relation in integer parameters alone has no closed form (``det(eye(n) +
    ones(n, n))``), each dimension in turn written out at the sizes of :data:`LADDER` past
    its window (``n**2`` at most ``entries``), the others at ``base``: ``settle_at(config)``
    settles the realised relation there in 50 digits (:meth:`.trial.Trial.settle`). The
    first violated size is the counterexample (the sizes between it and the last holding one
    tried upwards first)."""

    def climb() -> Counterexample | None:
        for s in (s for s in ranges if kinds[s] == "dimension"):
            held = max(ranges[s])
            for size in (k for k in LADDER if k > held and k * k <= entries):
                holds, found = _settled(settle_at, {**base, s: size})
                if holds is False:
                    for between in range(held + 1, size):
                        earlier, first = _settled(settle_at, {**base, s: between})
                        if earlier is False:
                            return first
                    return found
                if holds is True:
                    held = size
        return None

    done = run_bounded(climb, LADDER_SECONDS)
    return done.value if done.status == "ok" else None


def _settled(settle_at: Callable[[dict], tuple], config: dict) -> tuple:
    try:
        return settle_at(config)
    except Exception:  # noqa: BLE001 - a size that cannot be written out settles nothing
        return None, None


__all__ = ["dimension_ladder", "LADDER"]
