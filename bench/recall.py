"""Recall on the corpus ``bench/recall/``: how many true items are proved, and how many planted mistakes are caught.

    python bench/recall.py [--family NAME ...] [--jobs N] [--timeout S] [--seed S] [-v] [--json FILE] [--reports DIR]

Each folder under ``bench/recall/`` is a family (matrix, losses, probability, ...).
A file ``NAME.deriv.yaml`` is a correct derivation written from a cited source;
``NAME.wrong.deriv.yaml`` is the same with one planted mistake, marked
``expect: refuted`` (it replaces the correct step, or sits just before it where the
correct step ends a chain, so that the rest of the file still holds). Each family is
checked by one cold ``derivcheck verify FAMILY --format json --no-cache`` run (this
checkout's derivcheck, so a fresh clone works without an install), and the script
prints per family:

- files: correct + wrong;
- true items: items expected to hold in the correct files, and the share of them at
  ``proved`` or ``proved-instances``, with the count of each verdict;
- time: wall-clock seconds of the cold run (process start and torch import included);
- caught: wrong files whose every ``expect: refuted`` item is ``refuted``;
- true refuted: items expected to hold (in any file) that were refuted -- must be 0.

Exit status: 0, or 1 when a true item is refuted or a file cannot be read (derivcheck's
exit status 2), 3 when derivcheck itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "recall"
VERDICTS = ("proved", "proved-instances", "numeric", "unknown", "refuted", "error")
PROVED = ("proved", "proved-instances")


@dataclass
class Family:
    """What one family's run established."""

    name: str
    correct: int = 0
    wrong: int = 0
    verdicts: Counter = field(default_factory=Counter)  # of the true items of the correct files
    caught: int = 0
    true_refuted: list[str] = field(default_factory=list)
    not_proved: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    read_errors: list[str] = field(default_factory=list)
    limits: int = 0
    wall: float = 0.0
    seconds: float = 0.0
    status: int = 0

    @property
    def true_items(self) -> int:
        return sum(self.verdicts.values())

    @property
    def proved(self) -> int:
        return sum(self.verdicts[v] for v in PROVED)


def families(selected: list[str]) -> list[Path]:
    """The family folders to run, in name order (all of them when none is selected)."""
    found = sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not selected:
        return found
    names = {p.name: p for p in found}
    unknown = [s for s in selected if s not in names]
    if unknown:
        sys.exit(f"no family {', '.join(unknown)} under {CORPUS} (have: {', '.join(names) or 'none'})")
    return [names[s] for s in selected]


def run_family(folder: Path, args: argparse.Namespace) -> tuple[dict, float, int]:
    """(JSON report, wall seconds, exit status) of one cold ``derivcheck verify`` of a family."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "derivcheck", "verify", str(folder), "--format", "json", "-o", str(out),
                   "--no-cache", "-q", "--seed", str(args.seed), "--timeout", str(args.timeout)]
        if args.jobs:
            command += ["-j", str(args.jobs)]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
        wall = time.perf_counter() - started
        if done.returncode == 3 or not out.exists():
            sys.exit(f"derivcheck failed on {folder} (exit {done.returncode}):\n{done.stderr[-4000:]}")
        text = out.read_text(encoding="utf-8")
    if args.reports:
        args.reports.mkdir(parents=True, exist_ok=True)
        (args.reports / f"{folder.name}.json").write_text(text, encoding="utf-8")
    return json.loads(text), wall, done.returncode


def tally(name: str, report: dict, wall: float, status: int) -> Family:
    """Count one family's report: verdicts of true items, caught mistakes, refuted true items."""
    fam = Family(name, wall=wall, seconds=report["seconds"], status=status)
    for d in report["derivations"]:
        where = Path(d["path"]).name
        wrong = where.endswith(".wrong.deriv.yaml")
        fam.wrong += wrong
        fam.correct += not wrong
        if d["errors"]:
            fam.read_errors.append(f"{where}: {d['errors'][0]}")
        planted = [o for o in d["outcomes"] if o["expect"] == "refuted"]
        if wrong and planted and all(o["verdict"] == "refuted" for o in planted):
            fam.caught += 1
        elif wrong:
            got = ", ".join(f"{o['label']} {o['verdict']}" for o in planted) or "no item says expect: refuted"
            fam.missed.append(f"{where}: {got}")
        for o in d["outcomes"]:
            fam.limits += bool(o.get("limit"))
            if o["expect"] != "holds":
                continue
            if o["verdict"] == "refuted":
                fam.true_refuted.append(f"{where}: {o['label']}")
            if not wrong:
                fam.verdicts[o["verdict"]] += 1
                if o["verdict"] not in PROVED:
                    fam.not_proved.append(f"{where}: {o['label']} {o['verdict']} ({o['method'] or '-'})")
    return fam


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    -  "


def print_table(rows: list[Family]) -> None:
    total = Family("all", wall=sum(r.wall for r in rows), seconds=sum(r.seconds for r in rows))
    for r in rows:
        total.correct += r.correct
        total.wrong += r.wrong
        total.verdicts.update(r.verdicts)
        total.caught += r.caught
        total.true_refuted += r.true_refuted
        total.limits += r.limits
    names = ("proved", "p-inst.", "numeric", "unknown", "refuted", "error")
    head = (f"{'family':<14}{'files':>8}{'true':>6}{'proved*':>9}" + "".join(f"{v:>9}" for v in names)
            + f"{'time s':>9}{'caught':>16}{'true ref.':>10}")
    print(head)
    print("-" * len(head))
    for r in [*rows, total] if len(rows) > 1 else rows:
        counts = "".join(f"{r.verdicts[v]:>9}" for v in VERDICTS)
        caught = f"{r.caught}/{r.wrong} " + share(r.caught, r.wrong).strip()
        print(f"{r.name:<14}{f'{r.correct}+{r.wrong}':>8}{r.true_items:>6}{share(r.proved, r.true_items):>9}{counts}"
              f"{r.wall:>9.1f}{caught:>16}{len(r.true_refuted):>10}")
    print("\nproved* = share of true items (expected to hold, in the correct files) at proved or proved-instances"
          "\n(p-inst.); the verdict columns count those true items;"
          "\nfiles = correct + wrong; time = wall seconds of the cold run; caught = wrong files whose planted"
          "\nmistakes (expect: refuted) are all refuted; true ref. = items expected to hold that were refuted.")
    if total.limits:
        print(f"{total.limits} item(s) reached a resource limit (marked `limit` in the report): "
              "rerun on a quieter machine.")


def print_details(rows: list[Family], verbose: bool) -> None:
    for r in rows:
        lists = [("TRUE ITEM REFUTED", r.true_refuted), ("read error", r.read_errors), ("mistake not caught", r.missed)]
        if verbose:
            lists.append(("not proved", r.not_proved))
        for title, items in lists:
            for item in items:
                print(f"  {r.name}: {title}: {item}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", action="append", default=[],
                        help="a family folder under bench/recall/ (repeatable)")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="passed to derivcheck verify -j")
    parser.add_argument("--timeout", type=float, default=20.0, help="passed to derivcheck verify --timeout")
    parser.add_argument("--seed", type=int, default=0, help="passed to derivcheck verify --seed")
    parser.add_argument("--json", type=Path, default=None, help="also write the per-family figures here")
    parser.add_argument("--reports", type=Path, default=None,
                        help="keep each family's derivcheck JSON report in this folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every true item not proved")
    args = parser.parse_args()
    folders = families(args.family)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; jobs {args.jobs or 'default'}")
    rows = []
    for folder in folders:
        report, wall, status = run_family(folder, args)
        rows.append(tally(folder.name, report, wall, status))
        print(f"  {folder.name}: {wall:.1f} s (derivcheck exit {status})", flush=True)
    print()
    print_table(rows)
    print_details(rows, args.verbose)
    if args.json:
        args.json.write_text(json.dumps([{
            "family": r.name, "correct_files": r.correct, "wrong_files": r.wrong, "true_items": r.true_items,
            "proved_share": r.proved / r.true_items if r.true_items else None, "verdicts": dict(r.verdicts),
            "caught": r.caught, "true_refuted": r.true_refuted, "missed": r.missed, "not_proved": r.not_proved,
            "read_errors": r.read_errors, "wall_seconds": round(r.wall, 2)} for r in rows], indent=2) + "\n")
    bad = any(r.true_refuted or r.read_errors or r.status == 2 for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
