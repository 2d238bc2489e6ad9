"""Mutation testing: mutants of the library's steps are generated as intended, and refuted.

The fast tests check the generator (no pipeline). The slow test runs
``run_mutation`` over ``derivations/`` (seed 0, at most 4 mutants per step) and
keeps the kill rate: every accepted mutant must be ``equivalent`` (checked by
derivcheck) or listed in ``JUDGED_EQUIVALENT`` with the reason a human found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derivcheck.check.mutate import MutationReport, MutantResult, Mutant, generate_mutants, mutate_text
from derivcheck.format.loader import load_derivation, load_text
from derivcheck.report.mutation import mutation_lines

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"a": "real", "b": "real", "A": "matrix[n, n]", "B": "matrix[n, n]", "x": "sequence", "n": "natural"}

# Accepted mutants judged equivalent by hand: (derivation, item, mutant text) -> why it is still true.
_INDEPENDENT = "X is declared independent, so every Cov(X[i], X[j]) with i != j is 0 and the edited terms vanish"
JUDGED_EQUIVALENT = {
    ("s3-4-sample-mean-variance", "step-2",
     "Cov(Sum(a[i] * X[i], (i, 1, n)), Sum(a[i] * X[i], (i, 1 - 1, n)))"): _INDEPENDENT + " (adds a[0]*Cov(., X[0]))",
    ("s3-4-sample-mean-variance", "step-3",
     "Sum(Sum(a[i] * a[j] * Cov(X[i], X[j]), (j, 1, n)), (i, 1 - 1, n))"): _INDEPENDENT + " (adds the row i = 0)",
    ("s2-5-1-quadratic-critical-point", "step-7", "qp(x_star) <= qp(dx)"):
        "under critical_psd x_star is a critical point of the convex qp, hence a global minimiser",
    ("s2-5-1-quadratic-critical-point", "step-7", "qp(x_star) <= qp(b + dx)"):
        "under critical_psd x_star is a critical point of the convex qp, hence a global minimiser",
    ("s2-5-1-quadratic-critical-point", "step-10", "hessian(q(x), x) == 2 * A.T"): "A is declared symmetric",
    ("s2-5-1-quadratic-critical-point", "step-12", "qn(x_star / 2 + dx) <= qn(x_star)"):
        "under critical_nsd x_star is a critical point of the concave qn, hence a global maximiser",
    ("s2-5-1-quadratic-critical-point", "step-12", "qn(b + dx) <= qn(x_star)"):
        "under critical_nsd x_star is a critical point of the concave qn, hence a global maximiser",
    ("s2-5-1-quadratic-critical-point", "step-14", "qd(x_star) <= qd(dx)"):
        "under critical_pd x_star is a critical point of the convex qd, hence a global minimiser",
    ("s2-5-1-quadratic-critical-point", "step-14", "qd(x_star) <= qd(x_star / 2 + dx)"):
        "under critical_pd x_star is a critical point of the convex qd, hence a global minimiser",
    ("s2-5-2-gaussian-function", "step-14",
     "Sum(4 * u[i] ** 2 * Lam[i, i] ** 2, (i, 1, n)) * exp(2 * u.T @ Lam.T @ u) * g(x_star) ** 2"):
        "Lam is declared diagonal, so Lam.T = Lam",
}
_PREFIX_45 = "Sum(a[i] ** 2 * "


def _judged(result: MutantResult) -> bool:
    m = result.mutant
    if (m.derivation, m.item, m.text) in JUDGED_EQUIVALENT:
        return True
    # steps 4-5 of the sample-mean variance: edits inside the off-diagonal sums, which are 0 by independence
    return (m.derivation == "s3-4-sample-mean-variance" and m.item in ("step-4", "step-5")
            and m.text.startswith(_PREFIX_45) and result.verdict == "proved-instances")


def test_each_kind_of_edit_is_generated() -> None:
    texts = dict((t, op) for op, t in mutate_text("a + b", KINDS))
    assert texts["a - b"] == "flip sign" and texts["a"] == "drop a term" and texts["b"] == "drop a term"
    assert "a + 2 * b" in texts and "a / 2 + b" in texts and texts["b + b"] == "replace a by b"
    ops = {op for op, _ in mutate_text("(A @ B).T", KINDS)}
    assert {"swap transpose", "replace A by B", "scale by 2"} <= ops
    texts = {t for _, t in mutate_text("Sum(x[i], (i, 1, n))", KINDS)}
    assert {"Sum(x[i], (i, 1 + 1, n))", "Sum(x[i], (i, 1 - 1, n))", "Sum(x[i], (i, 1, n + 1))",
            "Sum(x[i], (i, 1, n - 1))"} <= texts
    assert "A[2, 1]" in {t for _, t in mutate_text("A[1, 2]", KINDS)}
    assert "a[n] * b[m]" in {t for _, t in mutate_text("a[m] * b[n]", {})}


def test_relations_keep_their_sign_and_mutate_both_sides() -> None:
    texts = [t for _, t in mutate_text("a + b = b + a", KINDS)]
    assert texts and all("==" in t for t in texts)
    assert "a - b == b + a" in texts and "a + b == b - a" in texts
    assert all("<=" in t for _, t in mutate_text("a <= a + b**2", KINDS))


def test_unreadable_text_gives_no_mutant() -> None:
    assert mutate_text("a +", KINDS) == [] and mutate_text("", KINDS) == []


def test_mutants_skip_start_and_refuted_steps_and_are_sampled_with_a_seed() -> None:
    derivation = load_derivation(str(ROOT / "derivations" / "s3-4-covariance-general.deriv.yaml"))
    every = generate_mutants(derivation, None)
    items = {m.item for m in every}
    assert "step-1" not in items  # start
    assert "step-3" not in items and "step-5" not in items  # recorded as false
    assert items == {"step-2", "step-4", "step-6", "step-7"}
    sample = generate_mutants(derivation, 3, seed=0)
    assert sample == generate_mutants(derivation, 3, seed=0) != generate_mutants(derivation, 3, seed=1)
    assert all(sum(m.item == key for m in sample) == 3 for key in items)
    assert all(m.text != m.original for m in every)


def test_mutants_are_filtered_to_readable_texts_of_the_right_shape() -> None:
    text = ("derivation: m\ntitle: t\nsymbols:\n  n, k: dimension\n  X: matrix[n, k]\n  z: vector[k]\n"
            "steps:\n  - start: z.T @ X.T @ X @ z\n  - eq: (X @ z).T @ (X @ z)\n")
    mutants = generate_mutants(load_text(text, "m.deriv.yaml"), None)
    assert mutants and all("X.T @ z" not in m.text for m in mutants)  # k x n times k x 1: unreadable


def test_report_lists_survivors_and_the_kill_rate() -> None:
    def result(status: str, text: str) -> MutantResult:
        return MutantResult(Mutant("d", "d.deriv.yaml", "step-2", "flip sign", "a + b", text), status, "numeric")

    report = MutationReport((result("killed", "a - b"), result("survived", "a"), result("equivalent", "b + a")))
    assert report.kill_rate() == 0.5 and report.counts()["equivalent"] == 1
    lines = mutation_lines(report)
    assert any(line.startswith("SURVIVED") for line in lines)
    assert "    mutant:   a" in lines
    assert lines[-1].startswith("overall: 3 mutants, 1 killed, 0 undecided, 1 equivalent, 1 survived")


@pytest.mark.slow
def test_every_non_equivalent_mutant_of_the_library_is_rejected() -> None:
    from derivcheck.check.mutate import run_mutation
    from derivcheck.model import Options

    report = run_mutation([str(ROOT / "derivations")], Options(timeout=10, device="cpu"), max_per_step=4, seed=0)
    survivors = [r for r in report.results if r.status == "survived" and not _judged(r)]
    assert not survivors, "\n".join(f"{r.mutant.derivation} {r.mutant.item} {r.verdict}: {r.mutant.text}"
                                    for r in survivors)
    counted = report.counts()
    # measured 2026-11-26: 479 killed, 4 undecided (not accepted: divergent integrals), 12
    # survived (all judged equivalent above): 96.8 % as the tool counts, 479 of 483
    # non-equivalent (99.2 %)
    assert counted["killed"] >= 0.95 * (counted["killed"] + counted["undecided"] + counted["survived"])


@pytest.mark.slow
def test_mutate_command_reports_the_kill_rate(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from derivcheck.cli import main

    monkeypatch.chdir(tmp_path)
    path = ROOT / "derivations" / "s5-2-alpha-bar-telescoping.deriv.yaml"
    result = CliRunner().invoke(main, ["mutate", str(path), "--max-per-step", "2"])
    assert result.exit_code == 0, result.output
    assert "s5-2-alpha-bar-telescoping" in result.output
    assert "kill rate 100.0% of non-equivalent mutants" in result.output.splitlines()[-1]
    missing = CliRunner().invoke(main, ["mutate", str(tmp_path / "none")])
    assert missing.exit_code == 2
