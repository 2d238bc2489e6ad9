"""Bounded symbolic work: a runaway computation is cut at its limit."""

from __future__ import annotations

import time

from derivcheck.check import limits
from derivcheck.check.limits import BoundedSession, run_bounded


def test_result_comes_back():
    assert run_bounded(lambda: {"x": 1}, 5).value == {"x": 1}


def test_runaway_work_is_cut():
    started = time.perf_counter()
    out = run_bounded(lambda: time.sleep(30), 0.5)
    assert out.status == "timeout"
    assert time.perf_counter() - started < 5


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

    def spin(seconds: float) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass
        return "done"

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

    return BoundedSession({"count": count, "spin": spin, "stubborn": stubborn, "fail": fail})


def test_a_session_keeps_its_state_between_calls():
    with _counter_session() as session:
        assert [session.run(5, "count").value for _ in range(3)] == [1, 2, 3]


def test_a_session_call_past_its_limit_is_stopped_and_the_child_goes_on():
    with _counter_session() as session:
        assert session.run(5, "count").value == 1
        started = time.monotonic()
        late = session.run(0.3, "spin", 30)
        assert late.status == "timeout"
        assert time.monotonic() - started < limits.WALL_FACTOR * 0.3 + limits.GRACE_SECONDS
        assert session.run(5, "count").value == 2  # same child: its state survived


def test_a_session_child_that_ignores_its_alarm_is_killed_and_replaced():
    with _counter_session() as session:
        assert session.run(5, "count").value == 1
        started = time.monotonic()
        assert session.run(0.2, "stubborn", 60).status == "timeout"
        assert time.monotonic() - started < limits.WALL_FACTOR * 0.2 + limits.GRACE_SECONDS + 1.5
        assert session.run(5, "count").value == 1  # a fresh child


def test_a_session_call_that_waits_without_using_cpu_is_stopped_by_the_wall_clock():
    # the limit is CPU time (a loaded machine does not change answers); the wall clock is the backstop
    with BoundedSession({"wait": lambda: time.sleep(60)}) as session:
        started = time.monotonic()
        assert session.run(0.2, "wait").status == "timeout"
        assert time.monotonic() - started < limits.WALL_FACTOR * 0.2 + limits.GRACE_SECONDS + 1.5


def test_a_failing_session_call_is_reported_and_the_next_call_gets_a_fresh_child():
    with _counter_session() as session:
        assert session.run(5, "count").value == 1
        failed = session.run(5, "fail")
        assert failed.status == "error" and "ValueError: broken" in failed.message
        assert session.run(5, "count").value == 1
