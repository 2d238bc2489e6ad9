"""Checking many derivation files: loading and sharding them, the incremental cache, and
the worker pool around each one.

Light to import (no SymPy, no torch): the CLI reads the cache and the shard
option before anything is checked.
"""

from __future__ import annotations

from .cache import DEFAULT_CACHE_DIR, ResultCache
from .run import preload_checker, run_derivations
from .shard import parse_shard, shard_paths
from .verify import verify_paths

__all__ = [
    "DEFAULT_CACHE_DIR",
    "ResultCache",
    "parse_shard",
    "preload_checker",
    "run_derivations",
    "shard_paths",
    "verify_paths",
]
