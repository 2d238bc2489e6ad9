"""Limits on checking work, in CPU time, so that a loaded machine does not change a verdict.

SymPy cannot be interrupted inside a thread, so each symbolic attempt runs in a
forked child with a CPU-time limit and an address-space limit; past the limit the
caller falls back to numeric evidence. The child's limit is CPU time twice over:
an alarm (``ITIMER_PROF``) that stops the call in Python code, and the kernel's
``RLIMIT_CPU`` a little later, which kills a child stuck in a long call into C.
The parent also kills a child that stops using CPU time (a hang) or that runs far
past its limit in wall-clock time (a backstop that a loaded machine can reach).

:func:`run_bounded` forks a child per call. A :class:`BoundedSession` keeps one
child for a series of calls (the steps of one derivation), so that SymPy's caches
carry over from one call to the next; each call is still bounded on its own.

Work in this process (the numeric checks) is counted in work units (points,
configurations, shrink steps, confirmations); its :class:`Deadline` is a safety
limit in CPU time of this process against a runaway evaluation.

A limit that depends on the machine's load (a wall-clock kill), or a safety limit
that cut work short, makes the outcome not final: it is written to the record
(:func:`note_limit`), the pipeline marks the item's outcome, and the cache never
stores it.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Mapping

MEMORY_LIMIT_BYTES = 4 * 1024**3
GRACE_SECONDS = 2.0
"""CPU seconds past a call's limit before the kernel kills the child (``RLIMIT_CPU``):
the alarm, which stops the call cleanly, has that long to be handled."""
WALL_FACTOR = 20.0
WALL_GRACE_SECONDS = 60.0
"""The wall-clock backstop: the parent kills a child that has not answered after
``WALL_FACTOR`` times its limit plus ``WALL_GRACE_SECONDS``. The limit proper is CPU
time, enforced in the child; the backstop is far out so that only an extreme load
reaches it, and an outcome that reaches it is not final (see :func:`note_limit`)."""
STALL_SECONDS = 5.0
"""A child that has used no CPU time at all for this long (its CPU time is read from
``/proc``) is waiting, not working (say, on a lock that did not survive fork), and is
killed; that too is not final. A runnable process gets some CPU time every few hundred
milliseconds even on a heavily loaded machine."""


@dataclass(frozen=True)
class Bounded:
    """What a bounded call produced: ``value`` when ``status`` is ``"ok"``.

    ``final`` is False when the answer depends on the machine's load (the child was
    killed by the wall-clock backstop): such an outcome is never cached.
    """

    status: str  # "ok" | "timeout" | "crashed" | "error"
    value: Any = None
    message: str = ""
    final: bool = True


_LIMITS_HIT: list[str] = []


def note_limit(text: str) -> None:
    """Record that a limit which is not a function of the file (a wall-clock kill, a
    safety limit that cut work short) was reached in this process: the outcome being
    computed is not final (see :func:`limits_since`)."""
    _LIMITS_HIT.append(text)


def limits_mark() -> int:
    """A position in the record of limits hit, for :func:`limits_since`."""
    return len(_LIMITS_HIT)


def limits_since(mark: int) -> str:
    """The limits hit since ``mark`` (from :func:`limits_mark`), ``"; "``-joined; ``""`` when none."""
    return "; ".join(dict.fromkeys(_LIMITS_HIT[mark:]))


class Deadline:
    """A safety limit on work in this process, in CPU time of this process.

    The numeric checks count their work (points, configurations, shrink steps,
    confirmations); this limit only stops a runaway evaluation. CPU time, unlike
    wall-clock time, barely changes with the machine's load, and a passed deadline
    is recorded (:func:`note_limit`), so the outcome is said to be cut short and is
    not cached.

    >>> Deadline(3600, "test").passed()
    False
    """

    def __init__(self, seconds: float, what: str = "the numeric check") -> None:
        self.seconds = seconds
        self.what = what
        self._end = time.process_time() + seconds
        self.hit = False

    def passed(self) -> bool:
        """Whether the limit is spent (recorded the first time it is)."""
        if not self.hit and time.process_time() > self._end:
            self.hit = True
            note_limit(self.text())
        return self.hit

    def text(self) -> str:
        """``the numeric check stopped at its safety limit of 20 s of CPU time``."""
        return f"{self.what} stopped at its safety limit of {self.seconds:g} s of CPU time"


def _limit_child() -> None:
    torch = sys.modules.get("torch")
    if torch is not None:  # the parent's thread pool does not survive fork (see check/runtime/parallel.py)
        torch.set_num_threads(1)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a child killed at its CPU limit leaves no core file
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


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _limit_cpu(seconds: float | None) -> None:
    """The kernel's CPU-time limit (``RLIMIT_CPU``, whole seconds) at ``seconds`` more than
    used so far, plus :data:`GRACE_SECONDS`; None lifts it. Past it the kernel kills the
    child with SIGXCPU, even inside a long call into C that the alarm cannot interrupt."""
    try:
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = hard if seconds is None else math.ceil(_cpu_used() + seconds + GRACE_SECONDS)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):  # pragma: no cover - platform without the limit
        pass


def _bounded_answer(fn: Callable[[], Any], seconds: float) -> tuple[str, Any]:
    """``_answer(fn)`` stopped after ``seconds`` of CPU time (alarm, then ``RLIMIT_CPU``)."""
    _limit_cpu(seconds)
    try:
        signal.setitimer(signal.ITIMER_PROF, max(seconds, 1e-3))  # (0 would disarm the alarm)
        try:
            return _answer(fn)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
    except _SoftTimeout:
        return "timeout", f"no symbolic result within {seconds:g} s"
    finally:
        _limit_cpu(None)


def _child(conn: Any, fn: Callable[[], Any], seconds: float) -> None:
    _limit_child()
    signal.signal(signal.SIGPROF, _on_alarm)
    try:
        conn.send(_bounded_answer(fn, seconds))
    finally:
        conn.close()
        os._exit(0)


def _await(conn: Any, process: Any, seconds: float) -> str:
    """Wait for a child's answer to a call limited to ``seconds`` of CPU time:
    ``"answered"`` (or the child is gone: reading tells which), ``"wall"`` (the
    backstop: :data:`WALL_FACTOR`) or ``"stalled"`` (no CPU time used for
    :data:`STALL_SECONDS`)."""
    started = time.monotonic()
    end = started + WALL_FACTOR * seconds + WALL_GRACE_SECONDS
    last_cpu, last_change = _child_cpu(process.pid), started
    while True:
        now = time.monotonic()
        if conn.poll(max(0.0, min(0.5, end - now))) or not process.is_alive():
            return "answered"  # an answer, or the child is gone: reading tells which
        now = time.monotonic()
        cpu = _child_cpu(process.pid)
        if cpu is None or cpu != last_cpu:
            last_cpu, last_change = cpu, now
        elif now - last_change > STALL_SECONDS:
            return "stalled"
        if now >= end:
            return "wall"


def _child_cpu(pid: int) -> float | None:
    """The CPU time a child has used (Linux ``/proc``); None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            fields = stream.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _unanswered(how: str, seconds: float) -> Bounded:
    """The result of a call whose child did not answer: a CPU-limit kill is final, like the
    alarm; a wall-clock or stall kill depends on the machine and is recorded as not final."""
    if how == "cpu":
        return Bounded("timeout", message=f"no symbolic result within {seconds:g} s")
    why = ("the symbolic worker used no CPU time for %g s and was stopped" % STALL_SECONDS if how == "stalled"
           else f"the symbolic worker was stopped by its wall-clock backstop "
                f"({WALL_FACTOR:g} x {seconds:g} s + {WALL_GRACE_SECONDS:g} s) on a loaded machine")
    note_limit(why)
    return Bounded("timeout", message=why, final=False)


def _serve(conn: Any, functions: Mapping[str, Callable[..., Any]]) -> None:
    """The session child: answer ``(name, args, seconds)`` requests until told to stop.

    Each call is stopped by an alarm after ``seconds`` of CPU time, which leaves the child
    usable: what an interrupted SymPy computation leaves behind is at worst an
    assumption recorded as unknown, and nothing half-computed is cached. (The
    alarm cannot interrupt a long call into C: the kernel's ``RLIMIT_CPU`` then
    kills the child a little later, see :func:`_limit_cpu`.)
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
            conn.send(_bounded_answer(lambda: functions[name](*args), seconds))
    finally:
        conn.close()
        os._exit(0)


def run_bounded(fn: Callable[[], Any], seconds: float) -> Bounded:
    """Call ``fn()`` in a forked child; give up after ``seconds`` of the child's CPU time.

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
    proc = ctx.Process(target=_child, args=(child, fn, seconds), daemon=True)
    proc.start()
    child.close()
    try:
        how = _await(parent, proc, seconds)
        if how != "answered":
            return _unanswered(how, seconds)
        try:
            status, value = parent.recv()
        except (EOFError, OSError):
            proc.join(1)
            if proc.exitcode == -signal.SIGXCPU:
                return _unanswered("cpu", seconds)
            return Bounded("crashed", message="the symbolic worker died")
        if status == "ok":
            return Bounded("ok", value)
        return Bounded(status, message=str(value))
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
    serving; a call that fails, or does not answer (killed at its CPU limit by the
    kernel, or by the backstops: see :func:`_await`), ends the child, and the next
    call forks a fresh one.
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
            how = _await(self._conn, self._process, seconds)
            if how != "answered":
                self._stop()
                return _unanswered(how, seconds)
            status, value = self._conn.recv()
        except (EOFError, OSError):
            process = self._process
            self._stop()
            if process is not None and process.exitcode == -signal.SIGXCPU:
                return _unanswered("cpu", seconds)
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


__all__ = ["Bounded", "BoundedSession", "Deadline", "limits_mark", "limits_since", "note_limit", "run_bounded"]
