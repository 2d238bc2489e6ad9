"""Start-up time of ``derivcheck --help`` (target: under 0.3 s).

    python bench/startup.py [--runs 10]

Runs the console script and ``python -m derivcheck`` in fresh processes and
prints the minimum and median wall time of each, and which heavy modules a bare
``import derivcheck.cli`` pulls in (none of sympy, torch, rich is expected).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def measure(command: list[str], runs: int) -> list[float]:
    """Wall times of ``runs`` fresh runs of ``command`` (output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def heavy_modules() -> list[str]:
    """Heavy modules loaded by ``import derivcheck.cli`` in a fresh interpreter."""
    code = "import sys, derivcheck.cli; print(' '.join(m for m in ('sympy', 'torch', 'rich', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return out.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    commands = {"python -c pass (interpreter floor)": [sys.executable, "-c", "pass"],
                "python -m derivcheck --help": [sys.executable, "-m", "derivcheck", "--help"]}
    script = shutil.which("derivcheck")
    if script:
        commands["derivcheck --help"] = [script, "--help"]
    for name, command in commands.items():
        times = measure(command, args.runs)
        print(f"{name:40} min {min(times):.3f} s  median {statistics.median(times):.3f} s  ({args.runs} runs)")
    print(f"heavy modules after `import derivcheck.cli`: {heavy_modules() or 'none'}")


if __name__ == "__main__":
    main()
