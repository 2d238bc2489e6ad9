"""derivcheck's symbolic checking against a plain baseline, on the same steps in the same run.

    python bench/baseline.py [PATHS...] [--timeout 20]

For every step, claim and gradient check of the library (as parsed by
derivcheck, definitions expanded, so both see the same SymPy expressions):

* baseline: ``sympy.simplify(lhs - rhs) == 0`` in a forked child with the same
  time limit (equalities only; it has no notion of inequalities, hypotheses,
  instances or refutation), one child per derivation as derivcheck has;
* derivcheck, symbolic only: ``check_item`` with ``--no-numeric`` (general
  strategies, instances, simplify), so numeric time is excluded.

Prints both totals, the ratio, how many items each decides (``proved`` or
``proved-instances`` for derivcheck, ``== 0`` for the baseline), and any item
the baseline "proves" that derivcheck refutes (a false accept of the baseline).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def baseline_decides(lhs, rhs) -> bool:
    """The plain check: ``simplify(lhs - rhs) == 0`` (matrices: every entry of the difference)."""
    import sympy

    diff = sympy.simplify(lhs - rhs)
    if isinstance(diff, sympy.MatrixBase):
        return all(e == 0 for e in diff)
    return diff == 0 or diff == sympy.ZeroMatrix(*getattr(diff, "shape", (0, 0))) if hasattr(diff, "shape") else diff == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["derivations/"])
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    os.chdir(ROOT)
    from derivcheck.check.pipeline.items import build_items
    from derivcheck.check.runtime.limits import BoundedSession
    from derivcheck.check.pipeline import Prover, check_item
    from derivcheck.expr.declarations import build_scope
    from derivcheck.expr.parser import parse_expression, parse_relation
    from derivcheck.format.library import load_library
    from derivcheck.model import Options, Verdict

    options = Options(numeric=False, timeout=args.timeout)
    derivations, _ = load_library(args.paths)
    rows = []
    for d in derivations:
        scope = build_scope(d)
        items = [item for item in build_items(d, scope, parse_expression, parse_relation)
                 if item.relation is not None and not item.error and not (item.key == "claim" and item.chain)]
        relations = {item.key: item.relation for item in items}
        # both sides get one child per derivation (SymPy's caches carry over within it)
        baseline = BoundedSession({"simplify": lambda key: bool(baseline_decides(relations[key].lhs,
                                                                                  relations[key].rhs))})
        with Prover(items, scope) as prover, baseline:
            for item in items:
                t = time.perf_counter()
                mine = check_item(item, scope, d, options, prover)
                mine_s = time.perf_counter() - t
                t = time.perf_counter()
                if item.relation.op == "=":
                    base = baseline.run(args.timeout, "simplify", item.key)
                    base_ok = base.status == "ok" and bool(base.value)
                    base_note = base.status if base.status != "ok" else ("== 0" if base_ok else "!= 0")
                else:
                    base_ok, base_note = False, "not an equality"
                base_s = time.perf_counter() - t
                rows.append((d.id.value, item.label, item.expect, mine.verdict, mine_s, base_ok, base_note, base_s))
    decided = [r for r in rows if r[3] in (Verdict.PROVED, Verdict.PROVED_INSTANCES)]
    base_decided = [r for r in rows if r[5]]
    mine_total, base_total = sum(r[4] for r in rows), sum(r[7] for r in rows)
    for r in rows:
        print(f"{r[0]:36} {r[1]:22} {r[2]:7} derivcheck {r[3].value:16} {r[4]:6.2f} s | baseline {r[6]:15} {r[7]:6.2f} s")
    print(f"\n{len(rows)} items (steps, separate facts, gradient checks; claim links excluded)")
    print(f"derivcheck symbolic (--no-numeric): {mine_total:.2f} s, decides {len(decided)}")
    print(f"baseline simplify(lhs - rhs) == 0: {base_total:.2f} s, decides {len(base_decided)}")
    print(f"ratio derivcheck / baseline time: {mine_total / base_total:.2f}" if base_total else "")
    only_base = [r for r in base_decided if r[3] not in (Verdict.PROVED, Verdict.PROVED_INSTANCES)]
    print(f"decided by the baseline only: {[(r[0], r[1], r[3].value) for r in only_base]}")
    false_accepts = [r for r in base_decided if r[2] == "refuted"]
    print(f"baseline false accepts (items recorded as false): {[(r[0], r[1]) for r in false_accepts]}")


if __name__ == "__main__":
    sys.exit(main())
