"""Deterministic sharding: ``--shard K/N`` keeps every N-th derivation file, starting at the K-th.

Files are taken in sorted path order and dealt out round-robin, so N CI jobs
given the same paths verify disjoint parts of the library that together cover
all of it, with file counts differing by at most one.
"""

from __future__ import annotations

import re

from ...errors import UsageError

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*\Z")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``; raises :class:`UsageError` unless ``1 <= K <= N``.

    >>> parse_shard("1/3")
    (1, 3)
    """
    match = _SHARD.match(text)
    if match is None:
        raise UsageError(f"--shard '{text}' is not K/N (for example --shard 1/4)")
    k, n = int(match.group(1)), int(match.group(2))
    if not 1 <= k <= n:
        raise UsageError(f"--shard {k}/{n}: K must be between 1 and N")
    return k, n


def shard_paths(paths: list[str], k: int, n: int) -> list[str]:
    """The paths of shard ``k`` of ``n`` (1-based), in sorted order.

    >>> shard_paths(["d", "a", "c", "b", "e"], 2, 2)
    ['b', 'd']
    """
    return [p for i, p in enumerate(sorted(set(paths))) if i % n == k - 1]


__all__ = ["parse_shard", "shard_paths"]
