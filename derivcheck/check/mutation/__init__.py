"""Mutation testing of proofs: break every step that should hold, and see it refuted.
"""

from __future__ import annotations

from .mutate import MutationReport, apply_judgements, run_mutation

__all__ = [
    "MutationReport",
    "apply_judgements",
    "run_mutation",
]
