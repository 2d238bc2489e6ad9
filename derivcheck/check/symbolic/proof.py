"""What a symbolic strategy answers: a :class:`Proof` naming the strategy, or nothing.

It sits below :mod:`.strategies` (the table and the entry points) and :mod:`.order`
(the order strategies), which both build proofs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Proof:
    """How a relation was proved (``method`` names the strategy)."""

    method: str
    detail: str = ""


def shortened(how: str, limit: int = 300) -> str:
    """A case split's account grows with its cases: the report keeps its start."""
    return how if len(how) <= limit else how[:limit - 5] + " ..."


__all__ = ["Proof", "shortened"]
