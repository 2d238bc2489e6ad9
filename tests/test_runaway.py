"""Runaway symbolic work is contained: cut at ``--timeout``, numeric evidence decides, total time bounded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from derivcheck.check.limits import run_bounded
from derivcheck.check.pipeline import check_derivation
from derivcheck.cli import main
from derivcheck.format.loader import load_derivation
from derivcheck.model import Options, Verdict

RUNAWAY = Path(__file__).resolve().parent / "data" / "runaway" / "expansion.deriv.yaml"


def _expand_runaway() -> int:
    import sympy

    x, y, p = sympy.symbols("x y p", real=True)
    return len(sympy.expand((x + y + p) ** 40 * (x - y + p) ** 40 - ((x + p) ** 2 - y ** 2) ** 40).args)


def test_the_expansion_itself_is_cut_at_its_limit() -> None:
    started = time.perf_counter()
    result = run_bounded(_expand_runaway, 1.0)
    elapsed = time.perf_counter() - started
    assert result.status == "timeout", result
    assert elapsed < 5, f"took {elapsed:.1f} s to give up"


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
