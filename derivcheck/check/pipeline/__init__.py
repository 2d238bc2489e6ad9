"""One derivation to its outcomes (:mod:`.derivation`): the checkable items (:mod:`.items`),
the bounded symbolic work (:mod:`.prover`), and the one place where evidence becomes a
verdict (:mod:`.verdicts`).
"""

from __future__ import annotations

from .derivation import check_derivation, check_item
from .items import Item, build_items
from .prover import Prover

__all__ = [
    "Item",
    "Prover",
    "build_items",
    "check_derivation",
    "check_item",
]
