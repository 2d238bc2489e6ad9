"""One derivation to its outcomes (:mod:`.derivation`): the checkable items (:mod:`.items`),
the bounded symbolic work (:mod:`.prover`), the claim established by its chain
(:mod:`.claim_link`), proofs that stand only where their hypotheses hold somewhere
(:mod:`.vacuity`), and the one place where evidence becomes a verdict (:mod:`.verdicts`).
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
