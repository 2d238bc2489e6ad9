"""Run a piece of SymPy work where it can be stopped: a forked child process.

SymPy cannot be interrupted inside a thread, so each symbolic attempt runs in a
child with a wall-clock limit and an address-space limit; on time-out the child is
killed and the caller falls back to numeric evidence.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable

MEMORY_LIMIT_BYTES = 4 * 1024**3


@dataclass(frozen=True)
class Bounded:
    """What a bounded call produced: ``value`` when ``status`` is ``"ok"``."""

    status: str  # "ok" | "timeout" | "crashed" | "error"
    value: Any = None
    message: str = ""


def _child(conn: Any, fn: Callable[[], Any]) -> None:
    torch = sys.modules.get("torch")
    if torch is not None:  # the parent's thread pool does not survive fork (see check/parallel.py)
        torch.set_num_threads(1)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    except (ValueError, OSError):  # pragma: no cover - platform without the limit
        pass
    try:
        conn.send(("ok", fn()))
    except MemoryError:
        conn.send(("error", "out of memory (limit %d MiB)" % (MEMORY_LIMIT_BYTES // 2**20)))
    except RecursionError:
        conn.send(("error", "expression too deep"))
    except BaseException as exc:  # report, never hide: the parent decides what it means
        conn.send(("error", "%s: %s\n%s" % (type(exc).__name__, exc, traceback.format_exc(limit=3))))
    finally:
        conn.close()
        os._exit(0)


def run_bounded(fn: Callable[[], Any], seconds: float) -> Bounded:
    """Call ``fn()`` in a forked child; give up after ``seconds``.

    ``fn``'s result must be picklable (send plain data back). Falls back to a
    direct call where fork is unavailable.

    >>> run_bounded(lambda: 1 + 1, 5).value
    2
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        try:
            return Bounded("ok", fn())
        except Exception as exc:
            return Bounded("error", message=f"{type(exc).__name__}: {exc}")
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(seconds):
            try:
                status, value = parent.recv()
            except (EOFError, OSError):
                return Bounded("crashed", message="the symbolic worker died")
            if status == "ok":
                return Bounded("ok", value)
            return Bounded("error", message=str(value))
        return Bounded("timeout", message=f"no symbolic result within {seconds:g} s")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        parent.close()
