"""One derivation to its outcomes: the checkable items, the bounded prover, and the one
place where evidence becomes a verdict (:mod:`.verdicts`).
"""

from __future__ import annotations

from .derivation import check_derivation, check_item
from .items import Item, build_items

__all__ = [
    "Item",
    "build_items",
    "check_derivation",
    "check_item",
]
