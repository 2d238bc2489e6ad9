"""Time to verify one small file (issue 14, item 21; target: 1.5 s or less).

    python bench/small_file.py [--runs 5] [--tree PATH ...] [--file F.deriv.yaml] [--importtime] [--as-is]

For each source tree (default: this one), runs ``python -m derivcheck verify FILE
--no-cache -q`` in fresh processes with ``PYTHONPATH=TREE`` and prints the wall
time and the CPU time (user + sys, from ``getrusage`` of the children) of each run,
their medians, and the load average before and after. The default file is the
3-step ``(a + b)**2 = (a + b)*(a + b) = a**2 + 2*a*b + b**2``. Trees are run in
alternation (run 1 of each, then run 2 of each, ...), so that a change of load
touches them alike. Byte code is compiled first (``compileall``), as an installed
package has it: with ``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__``, every
run would compile derivcheck's modules again (``--as-is`` measures the trees as they
are). ``--importtime`` adds, per tree, the cumulative import time of the heavy
packages from ``python -X importtime``. On a shared machine, the CPU time of
``python -c "import sympy"`` (about 0.4 s on an idle one) is printed as a yardstick
of the load.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL = """derivation: small
title: square of a sum
symbols:
  a: real
  b: real
steps:
  - start: (a + b)**2
  - eq: (a + b)*(a + b)
    by: definition of the square
  - eq: a**2 + 2*a*b + b**2
    by: expand
"""
HEAVY = ("torch", "sympy", "numpy", "derivcheck.check.pipeline", "derivcheck.check.numeric")


def command(file: Path, *flags: str) -> list[str]:
    return [sys.executable, *flags, "-m", "derivcheck", "verify", str(file), "--no-cache", "-q"]


def run_once(tree: Path, file: Path) -> tuple[float, float]:
    """(wall, user + sys) seconds of one fresh verify with ``tree`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command(file), env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: verify exited {done.returncode}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_of(argv: list[str]) -> float:
    """user + sys seconds of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_times(tree: Path, file: Path) -> dict[str, float]:
    """Cumulative import seconds of the :data:`HEAVY` modules (top-level entries of ``-X importtime``)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    err = subprocess.run(command(file, "-X", "importtime"), env=env, cwd=tree, capture_output=True, text=True).stderr
    found: dict[str, float] = {}
    for line in err.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] in HEAVY and parts[1].isdigit():
            found[parts[2]] = max(found.get(parts[2], 0.0), int(parts[1]) / 1e6)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, action="append", help="a source tree (default: this repository)")
    parser.add_argument("--file", type=Path, help="the file to verify (default: the 3-step file above)")
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--as-is", action="store_true", help="do not compile the trees' byte code first")
    args = parser.parse_args()
    trees = [t.resolve() for t in args.tree or [Path(__file__).resolve().parent.parent]]
    with tempfile.TemporaryDirectory() as folder:
        file = args.file.resolve() if args.file else Path(folder) / "small.deriv.yaml"
        if not args.file:
            file.write_text(SMALL, encoding="utf-8")
        for tree in trees:
            if not args.as_is:
                compileall.compile_dir(tree / "derivcheck", quiet=1)
            run_once(tree, file)  # a warm-up: the file system cache
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        results: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
        yardstick = []
        for _ in range(args.runs):
            for tree in trees:
                results[tree].append(run_once(tree, file))
            yardstick.append(cpu_of([sys.executable, "-c", "import sympy"]))
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"yardstick `python -c 'import sympy'` user+sys: {' '.join(f'{c:.2f}' for c in yardstick)} "
              f"(median {statistics.median(yardstick):.2f} s)")
        for tree, runs in results.items():
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(f"{tree}: wall {' '.join(f'{w:.2f}' for w in walls)} (median {statistics.median(walls):.2f} s); "
                  f"user+sys {' '.join(f'{c:.2f}' for c in cpus)} (median {statistics.median(cpus):.2f} s)")
            if args.importtime:
                shown = ", ".join(f"{k} {v:.2f} s" for k, v in import_times(tree, file).items())
                print(f"  -X importtime (cumulative): {shown}")


if __name__ == "__main__":
    main()
