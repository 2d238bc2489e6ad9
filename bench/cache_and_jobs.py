"""Benchmark: incremental cache (warm vs cold) and --jobs 2 vs --jobs 1 on the bundled library.

Runs ``derivcheck verify`` on a frozen copy of the package and of
``derivations/`` (taken when the benchmark starts, so edits made meanwhile do
not disturb it), in fresh subprocesses, and appends a section to
``bench/RESULTS.md``:

1. cold, ``--jobs 1 --no-cache``;
2. cold, ``--jobs 2``, filling an empty cache;
3. warm, ``--jobs 2``, the same cache (target: at least 10x faster than 2);
4. after editing one step of one file: which derivations were checked again.

Verdicts and their order are compared between 1 and 2 (and 3). Usage::

    python bench/cache_and_jobs.py [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(workdir: Path, *args: str) -> tuple[float, dict]:
    """Time one ``derivcheck verify`` run; return (seconds, JSON report)."""
    output = workdir / "report.json"
    env = dict(os.environ, PYTHONPATH=str(workdir), NO_COLOR="1")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "derivcheck", "verify", "lib", "-q", "--format", "json",
                    "--output", str(output), *args], cwd=workdir, env=env, stdout=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - started
    return seconds, json.loads(output.read_text(encoding="utf-8"))


def verdicts(report: dict) -> list[tuple[str, str, str]]:
    """(file, item, verdict) in report order."""
    return [(d["path"], o["item"], o["verdict"]) for d in report["derivations"] for o in d["outcomes"]]


def main() -> None:
    """Run the four measurements and print (and append) the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; do not append to bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="derivcheck-bench-") as folder:
        work = Path(folder)
        shutil.copytree(REPO / "derivcheck", work / "derivcheck", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(REPO / "derivations", work / "lib")
        files = sorted(p.name for p in (work / "lib").glob("*.deriv.yaml"))
        cache = str(work / "cache")
        t1, r1 = run(work, "--jobs", "1", "--no-cache")
        t2, r2 = run(work, "--jobs", "2", "--cache-dir", cache)
        t3, r3 = run(work, "--jobs", "2", "--cache-dir", cache)
        edited = work / "lib" / files[0]
        text = edited.read_text(encoding="utf-8")
        marker = "\n    by: "
        at = text.index(marker)
        edited.write_text(text[:at] + marker + "(edited) " + text[at + len(marker):], encoding="utf-8")
        t4, r4 = run(work, "--jobs", "2", "--cache-dir", cache)
    rechecked = [d["path"] for d in r4["derivations"] if not d["cached"]]
    same_12 = verdicts(r1) == verdicts(r2)
    same_23 = verdicts(r2) == verdicts(r3)
    lines = [
        "",
        f"## Cache and jobs ({time.strftime('%Y-%m-%d')}, bench/cache_and_jobs.py)",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs (`nproc`), "
        "no GPU (torch CPU build).",
        f"Library: {len(files)} derivation files, {len(verdicts(r1))} items (a frozen copy of `derivations/`).",
        "",
        "| run | seconds |",
        "| --- | --- |",
        f"| cold, `--jobs 1 --no-cache` | {t1:.1f} |",
        f"| cold, `--jobs 2`, empty cache | {t2:.1f} |",
        f"| warm, `--jobs 2`, same cache | {t3:.2f} |",
        f"| after editing one step of `{files[0]}` | {t4:.1f} |",
        "",
        f"- warm vs cold (both `--jobs 2`): {t2 / t3:.0f}x faster; warm run reused "
        f"{sum(d['cached'] for d in r3['derivations'])} of {len(r3['derivations'])} derivations.",
        f"- `--jobs 2` vs `--jobs 1` (both cold): {t1 / t2:.2f}x faster; identical verdicts and order: {same_12}.",
        f"- warm verdicts identical to cold: {same_23}.",
        f"- after the edit, checked again: {', '.join(Path(p).name for p in rechecked) or 'nothing'} "
        f"({len(rechecked)} of {len(r4['derivations'])}).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        results = REPO / "bench" / "RESULTS.md"
        if not results.exists():
            results.write_text("# Benchmark results\n\nEach section says how it was measured and on what machine.\n",
                               encoding="utf-8")
        with results.open("a", encoding="utf-8") as stream:
            stream.write(text)


if __name__ == "__main__":
    main()
