"""End to end: the bundled library verifies, and every mutant of it is refuted.

These run the real pipeline (symbolic proofs in child processes, numeric checks
in torch), so they are marked slow.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from derivcheck.check.pipeline.derivation import check_derivation
from derivcheck.format.loader import load_derivation
from derivcheck.model import DerivationReport, Options, Verdict
from repo_paths import REPO

pytestmark = pytest.mark.slow

ORIGINALS = sorted((REPO / "derivations").glob("*.deriv.yaml"))
MUTANTS = sorted((REPO / "tests" / "data" / "mutants").glob("*.deriv.yaml"))
_MUST = re.compile(r"^# Must be refuted: (step|check) (\d+)", re.MULTILINE)


@lru_cache(maxsize=None)
def verified(path: Path) -> DerivationReport:
    return check_derivation(load_derivation(str(path)), Options())


@pytest.mark.parametrize("path", ORIGINALS, ids=lambda p: p.name)
def test_every_item_meets_its_expectation_without_numeric_only_evidence(path: Path) -> None:
    report = verified(path)
    assert not report.errors
    for outcome in report.outcomes:
        assert outcome.passed, f"{outcome.label}: {outcome.verdict.value} {outcome.detail}"
        if outcome.expect == "holds" and outcome.method == "moment recursion":  # a distribution check, proved
            assert outcome.verdict is Verdict.PROVED and "false-alarm rate" in outcome.detail, outcome.label
        elif outcome.expect == "holds" and outcome.method == "monte carlo":  # distribution checks are statistical
            assert outcome.verdict is Verdict.NUMERIC and "false-alarm rate" in outcome.detail, outcome.label
        elif outcome.expect == "holds":
            assert outcome.verdict in (Verdict.PROVED, Verdict.PROVED_INSTANCES), outcome.label
        else:
            assert outcome.verdict is Verdict.REFUTED and outcome.counterexample is not None


def test_telescoping_is_proved_for_general_t() -> None:
    report = verified(REPO / "derivations" / "s5-2-alpha-bar-telescoping.deriv.yaml")
    assert {o.item: o.verdict for o in report.outcomes} == {
        "step-2": Verdict.PROVED,
        "step-3": Verdict.PROVED,
        "claim": Verdict.PROVED,
    }


def test_printed_covariance_errors_are_refuted_with_values() -> None:
    report = verified(REPO / "derivations" / "s3-4-covariance-general.deriv.yaml")
    refuted = [o for o in report.outcomes if o.verdict is Verdict.REFUTED]
    assert [o.item for o in refuted] == ["step-3", "step-5"]
    for outcome in refuted:
        values = outcome.counterexample.values
        assert values["m"] != values["n"], "a_n b_m = a_m b_n when m = n: the counterexample must separate them"
        assert outcome.counterexample.lhs != outcome.counterexample.rhs


@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: p.name)
def test_mutant_is_refuted_with_a_counterexample(path: Path) -> None:
    kind, number = _MUST.search(path.read_text(encoding="utf-8")).groups()
    report = verified(path)
    assert not report.passed
    target = {o.item: o for o in report.outcomes}[f"{kind}-{number}"]
    assert target.verdict is Verdict.REFUTED, f"{target.label}: {target.verdict.value} {target.detail}"
    assert target.counterexample is not None and target.counterexample.values
    assert "derivcheck verify" in (target.counterexample.replay or "")
