"""Where and how long checking work runs: CPU-time limits, worker processes, the torch device.

The bottom layer of ``check/``: it imports nothing else of derivcheck's checker,
and nothing heavy (torch only inside :func:`resolve_device`).
"""

from __future__ import annotations

from .device import resolve_device
from .limits import Bounded, BoundedSession, Deadline, limits_mark, limits_since, note_limit, run_bounded
from .parallel import DEFAULT_DEADLINE, Failure, default_jobs, run_pool

__all__ = [
    "Bounded",
    "BoundedSession",
    "DEFAULT_DEADLINE",
    "Deadline",
    "Failure",
    "default_jobs",
    "limits_mark",
    "limits_since",
    "note_limit",
    "resolve_device",
    "run_bounded",
    "run_pool",
]
