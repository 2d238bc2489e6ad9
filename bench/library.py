"""Cold and warm ``derivcheck verify derivations/``: wall time, peak memory, per-step times, where time goes.

    python bench/library.py [PATHS...] [--jobs N]

1. cold: ``derivcheck verify PATHS -q --cache-dir TMP`` in a fresh process (empty
   cache), wall time and peak resident memory of the largest process of the run
   (the parent or one of its forks: ``RUSAGE_CHILDREN.ru_maxrss``);
2. warm: the same command again, now reading the cache;
3. in-process, one derivation at a time (``--jobs 1`` semantics): every item's
   ``Outcome.seconds`` and ``method`` -- median, p95, slowest five -- and a
   breakdown: torch import, symbolic attempts (forked children, with their count),
   numeric checks, and the rest.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(args: list[str]) -> tuple[float, int, float]:
    """(wall seconds, exit status, peak RSS in MiB of the largest process) of one ``derivcheck`` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "derivcheck", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return wall, done.returncode, peak


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def profile_in_process(paths: list[str]) -> None:
    """Per-item times and a breakdown of where one sequential run spends its time."""
    started = time.perf_counter()
    import torch  # noqa: F401  -- timed on its own: every cold run pays it once

    torch_import = time.perf_counter() - started
    from derivcheck.check.pipeline import derivation as pipeline
    from derivcheck.check.runtime import limits
    from derivcheck.format.library import load_library
    from derivcheck.model import Options

    spent = {"symbolic (session child)": 0.0, "numeric": 0.0}
    calls = [0]
    session_run, checker = limits.BoundedSession.run, pipeline._numeric

    def timed_run(self, seconds, name, *args):
        t = time.perf_counter()
        calls[0] += 1
        try:
            return session_run(self, seconds, name, *args)
        finally:
            spent["symbolic (session child)"] += time.perf_counter() - t

    def timed_numeric(*a, **k):
        t = time.perf_counter()
        try:
            return checker(*a, **k)
        finally:
            spent["numeric"] += time.perf_counter() - t

    limits.BoundedSession.run = timed_run
    pipeline._numeric = timed_numeric
    t0 = time.perf_counter()
    derivations, _ = load_library(paths)
    outcomes = []
    for d in derivations:
        outcomes.extend(pipeline.check_derivation(d, Options()).outcomes)
    total = time.perf_counter() - t0
    seconds = [o.seconds for o in outcomes]
    print(f"in-process sequential run: {len(outcomes)} items in {total:.2f} s (+ torch import {torch_import:.2f} s)")
    print(f"  per item: median {statistics.median(seconds):.3f} s, p95 {percentile(seconds, 0.95):.3f} s, "
          f"max {max(seconds):.3f} s, sum {sum(seconds):.2f} s")
    print("  slowest five:")
    for o in sorted(outcomes, key=lambda o: -o.seconds)[:5]:
        print(f"    {o.seconds:6.2f} s  {o.derivation} {o.label}: {o.verdict.value} by {o.method or '-'}")
    print(f"  symbolic attempts (one child per derivation): {calls[0]} calls, "
          f"{spent['symbolic (session child)']:.2f} s")
    print(f"  numeric checks: {spent['numeric']:.2f} s")
    rest = total - sum(spent.values())
    print(f"  rest (loading, parsing, hypotheses, claim links): {rest:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["derivations/"])
    parser.add_argument("--jobs", type=int, default=None, help="passed to derivcheck verify -j")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    with tempfile.TemporaryDirectory() as cache:
        command = ["verify", *args.paths, "-q", "--cache-dir", cache, *jobs]
        wall, status, peak = run_cli(command)
        print(f"cold: derivcheck {' '.join(command)}: {wall:.2f} s, exit {status}, peak RSS {peak:.0f} MiB")
        wall, status, _ = run_cli(command)
        print(f"warm (cached): {wall:.2f} s, exit {status}")
    os.chdir(ROOT)
    profile_in_process(args.paths)


if __name__ == "__main__":
    main()
