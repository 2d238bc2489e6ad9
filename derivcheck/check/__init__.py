"""Checking: symbolic strategies, numeric cross-checks, the per-step pipeline and time limits.

The face of the checker. Its packages, from the bottom up (each imports only its
own modules and the faces of the layers below it; docs/architecture.md):

- ``runtime/``: CPU-time limits, worker processes, the torch device;
- ``trees.py``, ``evidence.py``: generic SymPy tree helpers; the one
  :class:`~derivcheck.check.evidence.Evidence` type that numeric checks return;
- ``realize/``: expressions at concrete sizes, entry by entry;
- ``symbolic/``: canonical forms and the ordered proof strategies;
- ``numeric/``: random-point, exact and autograd evidence;
- ``stochastic/``: Monte Carlo distribution checks;
- ``pipeline/``: one derivation to its outcomes (evidence becomes a verdict here);
- ``session/``: many files, the cache, shards, the worker pool;
- ``mutation/``: mutation testing of proofs.

Importing this package is light: a name is imported from its package on first use
(``from derivcheck.check import ResultCache`` loads neither SymPy nor torch), and
only this package imports torch, lazily.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "DEFAULT_CACHE_DIR": "session",
    "ResultCache": "session",
    "parse_shard": "session",
    "preload_checker": "session",
    "run_derivations": "session",
    "verify_paths": "session",
    "default_jobs": "runtime",
    "check_derivation": "pipeline",
    "check_item": "pipeline",
    "build_items": "pipeline",
    "parse_plan": "stochastic",
    "MutationReport": "mutation",
    "apply_judgements": "mutation",
    "run_mutation": "mutation",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """``derivcheck.check.NAME``, imported from its package on first use (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
