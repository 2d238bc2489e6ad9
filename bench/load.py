"""Verdicts idle and under load: the same run twice, the second beside CPU-bound busy loops.

    python bench/load.py [PATHS...] [--busy N] [--jobs N] [--out DIR]

Runs ``derivcheck verify PATHS --no-cache --format json`` once as the machine is
(the "idle" run: on a shared machine it is not idle, and the report says what the
load was), then again with ``--busy`` (default 2) processes spinning on the CPU
beside it, and compares the two reports item by item: verdict, method, detail
(with its timings and point counts, which are part of the evidence) and
counterexample. A verdict must be a function of the file, the seed and the
options alone, so every difference is listed and the exit status is 1 when there
is one. ``seconds`` fields are left out of the comparison (they are times).
Outcomes marked not final (``limit`` in the JSON: a safety limit or a wall-clock
kill) are listed too: they are honest, but they are what load can change.

Default PATHS: the library and the false and true corpora.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = ["derivations/", "tests/data/false/", "tests/data/true/"]


def spin() -> None:  # pragma: no cover - runs in a busy process until it is terminated
    x = 0
    while True:
        x = (x * 1103515245 + 12345) % 2147483648


def run_verify(paths: list[str], jobs: int | None, out: Path) -> tuple[float, dict[str, Any]]:
    """(wall seconds, the JSON report) of one cold ``derivcheck verify`` run."""
    started = time.perf_counter()
    extra = [] if jobs is None else ["--jobs", str(jobs)]
    subprocess.run([sys.executable, "-m", "derivcheck", "verify", *paths, "--no-cache", "--format", "json",
                    "-o", str(out), *extra], cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started, json.loads(out.read_text(encoding="utf-8"))


def items(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every outcome by (file, item), without its timings; load errors as one pseudo-item."""
    found = {}
    for derivation in report["derivations"]:
        if derivation["errors"]:
            found[(derivation["path"], "(errors)")] = {"errors": derivation["errors"]}
        for outcome in derivation["outcomes"]:
            kept = {k: v for k, v in outcome.items() if k != "seconds"}
            found[(derivation["path"], outcome["item"])] = kept
    return found


def compare(idle: dict[str, Any], loaded: dict[str, Any]) -> list[str]:
    """Every item whose verdict, method, detail or counterexample differs, one line each."""
    a, b = items(idle), items(loaded)
    lines = []
    for key in sorted(set(a) | set(b)):
        left, right = a.get(key), b.get(key)
        if left == right:
            continue
        if left is None or right is None:
            lines.append(f"{key[0]} {key[1]}: only in the {'loaded' if left is None else 'idle'} run")
            continue
        fields = [f for f in sorted(set(left) | set(right)) if left.get(f) != right.get(f)]
        shown = "; ".join(f"{f}: {str(left.get(f))[:160]!r} -> {str(right.get(f))[:160]!r}" for f in fields)
        lines.append(f"{key[0]} {key[1]}: {shown}")
    return lines


def not_final(report: dict[str, Any]) -> list[str]:
    """Items marked not final (a limit cut them short), where the JSON carries the mark."""
    return [f"{path} {item}: {outcome['limit']}" for (path, item), outcome in items(report).items()
            if outcome.get("limit")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--busy", type=int, default=2, help="CPU-bound processes beside the loaded run")
    parser.add_argument("--jobs", type=int, default=None, help="passed on (default: derivcheck's own)")
    parser.add_argument("--out", type=Path, default=None, help="keep both JSON reports in this folder")
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="derivcheck-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    idle_seconds, idle = run_verify(args.paths, args.jobs, folder / "idle.json")
    print(f"idle run: {idle_seconds:.0f} s (load average {os.getloadavg()[0]:.1f})")
    busy = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
    for process in busy:
        process.start()
    try:
        loaded_seconds, loaded = run_verify(args.paths, args.jobs, folder / "loaded.json")
        print(f"loaded run ({args.busy} busy processes): {loaded_seconds:.0f} s "
              f"(load average {os.getloadavg()[0]:.1f})")
    finally:
        for process in busy:
            process.terminate()
            process.join(5)
    total = len(items(idle))
    differences = compare(idle, loaded)
    verdicts = sum(1 for line in differences if "verdict:" in line)
    print(f"{total} items; {len(differences)} differ ({verdicts} in verdict); reports in {folder}")
    for line in differences:
        print("  DIFF", line)
    for line in not_final(idle) + not_final(loaded):
        print("  NOT FINAL", line)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
