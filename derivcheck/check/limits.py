"""Run a piece of SymPy work where it can be stopped: a forked child process.

SymPy cannot be interrupted inside a thread, so each symbolic attempt runs in a
child with a time limit and an address-space limit; past the limit the caller
falls back to numeric evidence.

:func:`run_bounded` forks a child per call and kills it at a wall-clock limit. A
:class:`BoundedSession` keeps one child for a series of calls (the steps of one
derivation), so that SymPy's caches carry over from one call to the next; each
call is still bounded on its own, by CPU time (an alarm in the child), with a
wall-clock backstop.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Mapping

MEMORY_LIMIT_BYTES = 4 * 1024**3
GRACE_SECONDS = 2.0
WALL_FACTOR = 3.0
"""A session call's limit is CPU time, so that a loaded machine does not change what
is proved; the parent kills a child that has not answered after ``WALL_FACTOR`` times
the limit plus ``GRACE_SECONDS`` of wall-clock time."""


@dataclass(frozen=True)
class Bounded:
    """What a bounded call produced: ``value`` when ``status`` is ``"ok"``."""

    status: str  # "ok" | "timeout" | "crashed" | "error"
    value: Any = None
    message: str = ""


def _limit_child() -> None:
    torch = sys.modules.get("torch")
    if torch is not None:  # the parent's thread pool does not survive fork (see check/parallel.py)
        torch.set_num_threads(1)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    except (ValueError, OSError):  # pragma: no cover - platform without the limit
        pass


class _SoftTimeout(BaseException):
    """Raised in a session child by its alarm (a BaseException, so SymPy's own handlers let it pass)."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _SoftTimeout()


def _answer(fn: Callable[[], Any]) -> tuple[str, Any]:
    """``("ok", fn())``, or ``("error", why)``: raises only :class:`_SoftTimeout`."""
    try:
        return "ok", fn()
    except _SoftTimeout:
        raise
    except MemoryError:
        return "error", "out of memory (limit %d MiB)" % (MEMORY_LIMIT_BYTES // 2**20)
    except RecursionError:
        return "error", "expression too deep"
    except BaseException as exc:  # report, never hide: the parent decides what it means
        return "error", "%s: %s\n%s" % (type(exc).__name__, exc, traceback.format_exc(limit=3))


def _child(conn: Any, fn: Callable[[], Any]) -> None:
    _limit_child()
    try:
        conn.send(_answer(fn))
    finally:
        conn.close()
        os._exit(0)


def _serve(conn: Any, functions: Mapping[str, Callable[..., Any]]) -> None:
    """The session child: answer ``(name, args, seconds)`` requests until told to stop.

    Each call is stopped by an alarm after ``seconds`` of CPU time, which leaves the child
    usable: what an interrupted SymPy computation leaves behind is at worst an
    assumption recorded as unknown, and nothing half-computed is cached. (The
    parent still kills a child that does not answer in time: the alarm cannot
    interrupt a long call into C.)
    """
    _limit_child()
    signal.signal(signal.SIGPROF, _on_alarm)
    try:
        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                break
            if request is None:
                break
            name, args, seconds = request
            try:
                signal.setitimer(signal.ITIMER_PROF, seconds)
                try:
                    answer = _answer(lambda: functions[name](*args))
                finally:
                    signal.setitimer(signal.ITIMER_PROF, 0)
            except _SoftTimeout:
                answer = ("timeout", f"no symbolic result within {seconds:g} s")
            conn.send(answer)
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


class BoundedSession:
    """A forked child that answers a series of calls, each bounded in time like :func:`run_bounded`.

    ``functions`` maps names to callables; they (and whatever they refer to)
    must exist before the first call, because the child inherits them at fork
    time. A call sends only the name and its (small, picklable) arguments and gets
    the picklable result back. SymPy's caches live on in the child between calls,
    which is the point: consecutive steps of a derivation share most of their
    sub-expressions. A call past its time (CPU time: a loaded machine does not
    change the answers) is stopped by an alarm in the child, which goes on
    serving; a call that fails, or does not answer in time (see
    :data:`WALL_FACTOR`), ends the child, and the next call forks a fresh one.
    Use as a context manager, or call :meth:`close`.

    >>> with BoundedSession({"add": lambda a, b: a + b}) as session:
    ...     session.run(5, "add", 1, 2).value
    3
    """

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        self._functions = dict(functions)
        self._process: Any = None
        self._conn: Any = None

    def __enter__(self) -> "BoundedSession":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def run(self, seconds: float, name: str, *args: Any) -> Bounded:
        """``functions[name](*args)`` in the child; give up after ``seconds``."""
        if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
            status, value = _answer(lambda: self._functions[name](*args))
            return Bounded(status, value) if status == "ok" else Bounded(status, message=str(value))
        if self._process is None:
            self._start()
        try:
            self._conn.send((name, args, seconds))
            if not self._conn.poll(WALL_FACTOR * seconds + GRACE_SECONDS):
                self._stop()
                return Bounded("timeout", message=f"no symbolic result within {seconds:g} s")
            status, value = self._conn.recv()
        except (EOFError, OSError):
            self._stop()
            return Bounded("crashed", message="the symbolic worker died")
        if status == "ok":
            return Bounded("ok", value)
        if status != "timeout":
            self._stop()
        return Bounded(status, message=str(value))

    def close(self) -> None:
        """Stop the child, if there is one."""
        if self._process is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._stop()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=True)
        self._process = ctx.Process(target=_serve, args=(child, self._functions), daemon=True)
        self._process.start()
        child.close()

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is None:
            return
        process.join(0.05)
        if process.is_alive():
            process.kill()
        process.join(1)
        conn.close()
