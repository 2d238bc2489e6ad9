"""Run derivations in a pool of worker processes, one derivation per worker.

Each task runs in its own forked process (fork is cheap: the parent has already
imported SymPy and torch, and the children share those pages), at most ``jobs``
at a time. A worker is not daemonic, because each step's symbolic proof forks a
child of its own (:mod:`derivcheck.check.runtime.limits`). A worker that dies (a crash,
the kernel's OOM killer) or runs past ``deadline`` seconds costs only its own
task: the caller's ``on_failure`` turns it into a result saying why, and the
other tasks go on. Results come back keyed by task index, so the caller can put
them in a deterministic order whatever order they finish in.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Sequence

DEFAULT_DEADLINE = 600.0
"""Seconds one worker may run before it is killed (a hang costs only its derivation)."""


def default_jobs() -> int:
    """The number of CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Failure:
    """Why a worker produced no result: ``kind`` is ``"died"`` or ``"timeout"``."""

    kind: str
    message: str


def _worker(conn: Connection, fn: Callable[[Any], Any], task: Any) -> None:
    try:
        os.setpgrp()  # its own process group: stopping it also stops its symbolic children
    except OSError:  # pragma: no cover
        pass
    torch = sys.modules.get("torch")
    if torch is not None:
        # A thread pool the parent used does not survive fork: the child's first
        # parallel region would wait forever on it. One intra-op thread per worker
        # (as torch's own DataLoader workers do) never enters that pool.
        torch.set_num_threads(1)
    try:
        try:
            payload = pickle.dumps(("ok", fn(task)))
        except BaseException as exc:  # reported to the parent, which decides what it means
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
        conn.send_bytes(payload)
    finally:
        conn.close()
        os._exit(0)


def run_pool(
    tasks: Sequence[Any],
    fn: Callable[[Any], Any],
    jobs: int,
    *,
    deadline: float = DEFAULT_DEADLINE,
    on_done: Callable[[int, Any], None] | None = None,
) -> dict[int, Any | Failure]:
    """``fn(task)`` for every task, in forked workers, at most ``jobs`` at once.

    Returns ``{index: result}``; a task whose worker died, raised, or ran past
    ``deadline`` seconds maps to a :class:`Failure`. ``on_done(index, result)``
    is called in the parent as each task finishes (for a progress bar).
    ``fn``'s result must be picklable. Where fork is unavailable, tasks run in
    this process one after the other.

    >>> run_pool([1, 2, 3], lambda x: x * 10, jobs=2)
    {0: 10, 1: 20, 2: 30}
    """
    results: dict[int, Any] = {}
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        for index, task in enumerate(tasks):
            results[index] = fn(task)
            if on_done is not None:
                on_done(index, results[index])
        return results
    ctx = multiprocessing.get_context("fork")
    pending = list(enumerate(tasks))
    running: dict[int, tuple[Any, Connection, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                index, task = pending.pop(0)
                parent, child = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_worker, args=(child, fn, task), daemon=False)
                process.start()
                child.close()
                running[index] = (process, parent, time.monotonic() + deadline)
            soonest = min(end for _, _, end in running.values())
            ready = wait([conn for _, conn, _ in running.values()], timeout=max(0.0, soonest - time.monotonic()))
            for index in [i for i, (_, conn, _) in running.items() if conn in ready]:
                process, conn, _ = running.pop(index)
                results[index] = _receive(conn, process)
                if on_done is not None:
                    on_done(index, results[index])
            now = time.monotonic()
            for index in [i for i, (_, _, end) in running.items() if end <= now]:
                process, conn, _ = running.pop(index)
                _stop(process, conn)
                results[index] = Failure("timeout", f"the worker ran past {deadline:g} s and was stopped")
                if on_done is not None:
                    on_done(index, results[index])
    finally:
        for process, conn, _ in running.values():  # interrupted (Ctrl-C): leave no worker behind
            _stop(process, conn)
    return results


def _receive(conn: Connection, process: Any) -> Any:
    try:
        status, value = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError, pickle.UnpicklingError):
        try:  # its symbolic children, if any, go with it
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
        process.join(5)
        code = process.exitcode
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        conn.close()
        return Failure("died", f"the worker died without a result ({why})")
    conn.close()
    process.join(5)
    if status == "ok":
        return value
    return Failure("died", f"the worker failed: {value}")


def _stop(process: Any, conn: Connection) -> None:
    if process.is_alive():
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
    process.join(5)
    conn.close()


__all__ = ["DEFAULT_DEADLINE", "Failure", "default_jobs", "run_pool"]
