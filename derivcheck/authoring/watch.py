"""``derivcheck check FILE``: wait for a file to change (polling its modification time and size)."""

from __future__ import annotations

import os
import time
from typing import Iterable

Stamp = tuple[int, int] | None


def stamp(path: str) -> Stamp:
    """The file's (mtime in ns, size), or None when it does not exist (an editor mid-save)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def wait_for_change(paths: Iterable[str], since: dict[str, Stamp], *, interval: float = 0.3,
                    until: float | None = None) -> dict[str, Stamp] | None:
    """Block until one of ``paths`` differs from ``since``; return the new stamps.

    Returns None when the monotonic clock passes ``until`` first. A change is
    reported once the file has stayed the same for one more ``interval``, so a
    save in several writes is checked once.
    """
    paths = list(paths)
    while until is None or time.monotonic() < until:
        now = {p: stamp(p) for p in paths}
        if now != since:
            time.sleep(interval)
            settled = {p: stamp(p) for p in paths}
            if settled == now:
                return now
            continue
        time.sleep(interval)
    return None


__all__ = ["stamp", "wait_for_change"]
