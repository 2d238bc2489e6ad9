"""Runaway symbolic work is contained: cut at ``--timeout``, numeric evidence decides, total time bounded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from derivcheck.check.runtime.limits import run_bounded
from derivcheck.check.pipeline.derivation import check_derivation
from derivcheck.cli import main
from derivcheck.format.loader import load_derivation
from derivcheck.model import Options, Verdict
from repo_paths import DATA

RUNAWAY = DATA / "runaway" / "expansion.deriv.yaml"


def _expand_runaway() -> int:
    import sympy

    x, y, p = sympy.symbols("x y p", real=True)
    return len(sympy.expand((x + y + p) ** 40 * (x - y + p) ** 40 - ((x + p) ** 2 - y ** 2) ** 40).args)


def test_the_expansion_itself_is_cut_at_its_limit() -> None:
    started = time.perf_counter()
    result = run_bounded(_expand_runaway, 1.0)
    elapsed = time.perf_counter() - started
    assert result.status == "timeout", result
    # a CPU-time limit: on a loaded machine one CPU second takes several wall seconds; the
    # bound only tells "gave up" from "ran the expansion to its end" (minutes)
    assert elapsed < 30, f"took {elapsed:.1f} s to give up"


@pytest.mark.slow
def test_a_runaway_step_falls_back_to_numeric_within_its_limit() -> None:
    started = time.perf_counter()
    report = check_derivation(load_derivation(str(RUNAWAY)), Options(timeout=2))
    elapsed = time.perf_counter() - started
    (outcome,) = report.outcomes
    assert outcome.verdict is Verdict.NUMERIC, outcome.detail
    assert "no symbolic result within 2 s" in outcome.detail
    # 2 s of symbolic work plus the numeric check (torch import included) -- not minutes
    assert elapsed < 60, f"{elapsed:.1f} s"


@pytest.mark.slow
def test_the_cli_timeout_bounds_the_run_and_strict_refuses_numeric_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["verify", str(RUNAWAY), "--timeout", "1", "--strict"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1, result.output  # numeric only: not enough under --strict
    assert "numeric" in result.output
    assert elapsed < 60


def _outcomes(text: str) -> list:
    from derivcheck.format.loader import load_text

    report = check_derivation(load_text("derivation: t\ntitle: t\n" + text, "t.deriv.yaml"), Options())
    assert not report.errors, report.errors
    return list(report.outcomes)


@pytest.mark.slow
def test_a_vector_of_a_million_entries_ends_with_a_verdict_or_says_why() -> None:
    # every size the format accepts must end quickly: nothing is written out beyond
    # MAX_ENTRIES entries, so this test is fast by construction (it took minutes before)
    proved, false = _outcomes("symbols:\n  z: vector[1000000]\nsteps:\n  - claim: z.T @ z >= 0\n"
                              "  - claim: z.T @ z >= 1\n")
    assert proved.verdict is Verdict.PROVED, proved.detail  # a Gram form, in general
    assert false.verdict is Verdict.UNKNOWN and not false.passed
    assert "z is 1000000x1 (1000000 entries): matrices up to 1024 entries are written out" in false.detail


@pytest.mark.slow
def test_large_matrices_and_outer_products_say_they_are_not_evaluated() -> None:
    trace, outer = _outcomes("symbols:\n  A, B: matrix[1000, 1000]\n  z: vector[1000]\nsteps:\n"
                             "  - claim: trace(A @ B) = trace(A) * trace(B)\n"
                             "  - claim: trace(z @ z.T) = z.T @ z + 1\n")
    assert trace.verdict is Verdict.UNKNOWN and "A is 1000x1000 (1000000 entries)" in trace.detail
    assert outer.verdict is Verdict.UNKNOWN and "a matrix product is 1000x1000" in outer.detail


@pytest.mark.slow
def test_a_large_listed_dimension_is_refused_at_its_instance_and_sampled_small() -> None:
    (step,) = _outcomes("symbols:\n  n: dimension\n  A: matrix[n, n]\nfor:\n  n: [1000]\n"
                        "steps:\n  - claim: det(A @ A.T + eye(n)) >= 1\n")
    # the instance n = 1000 cannot be written out (said so); the numeric check samples small n
    assert step.verdict is Verdict.NUMERIC, step.detail
    assert "could not realise at n = 1000: A is 1000x1000" in step.detail


@pytest.mark.slow
def test_a_gradient_through_symbolic_inverses_ends_promptly() -> None:
    """``grad(trace(inv(X)), X) = -(inv(X) @ inv(X)).T`` at sampled n up to 8: the autograd
    cross-check inverts per point (lazy nodes), and the realised check writes out symbolic
    inverses only up to 3x3 (it once ran for minutes, outside every limit)."""
    import resource
    import subprocess
    import sys

    def cpu() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    path = RUNAWAY.parent / "gradient-trace-of-inverse.deriv.yaml"
    before = cpu()
    done = subprocess.run([sys.executable, "-m", "derivcheck", "verify", "--no-cache", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=600)  # a hang fails here
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert '"verdict": "proved"' in done.stdout
    assert cpu() - before < 90  # seconds of CPU time, the checker's children included (about 10 idle)


def test_symbolic_inverses_beyond_the_differentiated_limit_are_refused() -> None:
    import sympy

    from derivcheck.check.realize import MAX_DIFFERENTIATED_INVERSE, Realization, RealizeError, realize

    X = sympy.MatrixSymbol("X", 4, 4)
    entries = sympy.ImmutableMatrix(4, 4, sympy.symbols("x0:16"))
    power = sympy.MatPow(X, -2)
    with pytest.raises(RealizeError, match="written out here only up to 3x3"):
        realize(power, Realization(matrices={X: entries}, max_symbolic_inverse=MAX_DIFFERENTIATED_INVERSE))
    small = sympy.MatrixSymbol("Y", 2, 2)
    value = realize(sympy.MatPow(small, -2), Realization(matrices={small: sympy.ImmutableMatrix([[1, 2], [3, 5]])}))
    assert value == sympy.ImmutableMatrix([[1, 2], [3, 5]]).inv() ** 2
