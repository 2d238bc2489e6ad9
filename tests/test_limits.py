"""Bounded symbolic work: a runaway computation is cut at its limit."""

from __future__ import annotations

import time

from derivcheck.check.limits import run_bounded


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
