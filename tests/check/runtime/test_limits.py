"""Bounded symbolic work: a runaway computation is cut at its limit."""

from __future__ import annotations

import time

from derivcheck.check.runtime import limits
from derivcheck.check.runtime.limits import BoundedSession, run_bounded


def test_result_comes_back():
    assert run_bounded(lambda: {"x": 1}, 5).value == {"x": 1}


def _spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def test_runaway_work_is_cut_at_its_cpu_limit():
    out = run_bounded(lambda: _spin(60), 0.5)
    assert out.status == "timeout" and out.final  # a CPU-time limit: final, like the file's verdict


def test_a_child_that_waits_without_working_is_stopped_and_the_result_is_not_final():
    started = time.perf_counter()
    out = run_bounded(lambda: time.sleep(60), 0.5)
    assert out.status == "timeout" and not out.final
    assert "no CPU time" in out.message
    assert time.perf_counter() - started < 60


def test_errors_are_reported_not_raised():
    out = run_bounded(lambda: 1 / 0, 5)
    assert out.status == "error" and "ZeroDivisionError" in out.message


def test_memory_is_bounded():
    out = run_bounded(lambda: len(bytearray(8 * 1024**3)), 10)
    assert out.status == "error" and "memory" in out.message


def _counter_session() -> BoundedSession:
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    def stubborn(seconds: float) -> str:  # swallows the alarm, as a call into C would ignore it
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                while time.monotonic() < end:
                    pass
            except BaseException:
                continue
        return "done"

    def fail() -> None:
        raise ValueError("broken")

    return BoundedSession({"count": count, "spin": _spin, "stubborn": stubborn, "fail": fail})


def test_a_session_keeps_its_state_between_calls():
    with _counter_session() as session:
        assert [session.run(5, "count").value for _ in range(3)] == [1, 2, 3]


def test_a_session_call_past_its_limit_is_stopped_and_the_child_goes_on():
    with _counter_session() as session:
        assert session.run(5, "count").value == 1
        late = session.run(0.3, "spin", 30)
        assert late.status == "timeout" and late.final
        assert session.run(5, "count").value == 2  # same child: its state survived


def test_a_session_child_that_ignores_its_alarm_is_killed_and_replaced():
    with _counter_session() as session:
        assert session.run(5, "count").value == 1
        late = session.run(0.2, "stubborn", 60)
        # killed by the kernel at its CPU limit (RLIMIT_CPU), not by the wall clock: final
        assert late.status == "timeout" and late.final, late
        assert session.run(5, "count").value == 1  # a fresh child


def test_a_session_call_that_waits_without_using_cpu_is_stopped_and_is_not_final():
    # the limit is CPU time (a loaded machine does not change answers); a child that uses
    # none is hung, and is stopped after STALL_SECONDS; that outcome depends on the machine
    mark = limits.limits_mark()
    with BoundedSession({"wait": lambda: time.sleep(60)}) as session:
        late = session.run(0.2, "wait")
    assert late.status == "timeout" and not late.final
    assert "no CPU time" in limits.limits_since(mark)


def test_the_wall_clock_backstop_is_not_final(monkeypatch):
    # a loaded machine can starve a child past the backstop: its outcome must never be final
    monkeypatch.setattr(limits, "WALL_FACTOR", 0.0)
    monkeypatch.setattr(limits, "WALL_GRACE_SECONDS", 0.3)
    mark = limits.limits_mark()
    with _counter_session() as session:
        late = session.run(5, "spin", 3)
    assert late.status == "timeout" and not late.final
    assert "wall-clock backstop" in limits.limits_since(mark)


def test_a_cpu_deadline_ignores_the_wall_clock(monkeypatch):
    deadline = limits.Deadline(30)
    monkeypatch.setattr(time, "monotonic", lambda: 1e12)  # hours of wall-clock time pass
    monkeypatch.setattr(time, "perf_counter", lambda: 1e12)
    monkeypatch.setattr(time, "time", lambda: 1e12)
    assert not deadline.passed()
    monkeypatch.setattr(time, "process_time", lambda: 1e12)  # CPU time spent
    mark = limits.limits_mark()
    assert deadline.passed() and deadline.hit
    assert "safety limit of 30 s of CPU time" in limits.limits_since(mark)


def test_a_failing_session_call_is_reported_and_the_next_call_gets_a_fresh_child():
    with _counter_session() as session:
        assert session.run(5, "count").value == 1
        failed = session.run(5, "fail")
        assert failed.status == "error" and "ValueError: broken" in failed.message
        assert session.run(5, "count").value == 1
