"""No false accepts: a corpus of false identities that naive SymPy checking gets wrong.

Every file under ``tests/data/false/`` states one false identity as a separate
fact; each must come out ``refuted`` with a confirmed counterexample (the trust
policy allows ``unknown``, never ``proved``, ``proved-instances`` or ``numeric``;
the corpus pins today's stronger result so that a loss of refuting power shows).
With numeric checks off, the symbolic strategies alone must say ``unknown``:
that they never *prove* a false identity is checked without the numeric guard.
Every file under ``tests/data/true/`` is a tricky true identity that must never
be refuted. These run the real pipeline, so they are marked slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derivcheck.check.pipeline import check_derivation
from derivcheck.format.loader import load_derivation
from derivcheck.model import Options, Verdict

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data"
FALSE = sorted((DATA / "false").glob("*.deriv.yaml"))
TRUE = sorted((DATA / "true").glob("*.deriv.yaml"))
ACCEPTED = {Verdict.PROVED, Verdict.PROVED_INSTANCES, Verdict.NUMERIC}


def _only_outcome(path: Path, options: Options):
    report = check_derivation(load_derivation(str(path)), options)
    assert not report.errors, report.errors
    (outcome,) = report.outcomes
    return outcome


def test_the_corpus_covers_the_named_traps() -> None:
    names = {p.name.removesuffix(".deriv.yaml") for p in FALSE}
    assert len(FALSE) >= 25 and len(TRUE) >= 15
    for trap in ("sqrt-of-square", "log-of-product", "transpose-of-product", "matrix-products-commute",
                 "variance-without-independence", "expectation-of-product", "covariance-zero",
                 "true-at-first-three-naturals", "product-off-by-one", "general-quadratic-form"):
        assert trap in names


UNKNOWN_ALLOWED = "# unknown allowed:"
"""A false file whose header says why no counterexample can be confirmed (a size too large
to evaluate) may end ``unknown``; it is still never accepted."""


@pytest.mark.parametrize("path", FALSE, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_false_identity_is_refuted(path: Path) -> None:
    outcome = _only_outcome(path, Options())
    assert outcome.verdict not in ACCEPTED, f"FALSE ACCEPT: {outcome.verdict.value} by {outcome.method}"
    if outcome.verdict is Verdict.UNKNOWN and UNKNOWN_ALLOWED in path.read_text(encoding="utf-8"):
        assert not outcome.passed and outcome.detail  # honest: it says why
        return
    assert outcome.verdict is Verdict.REFUTED, outcome.detail
    ce = outcome.counterexample
    strict = any(op in path.read_text(encoding="utf-8") for op in (" < ", " > "))
    assert ce is not None and ce.values and (ce.lhs != ce.rhs or strict)  # `1 < 1` has equal sides
    assert not outcome.passed


@pytest.mark.parametrize("path", FALSE, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_symbolic_strategies_alone_never_prove_a_false_identity(path: Path) -> None:
    outcome = _only_outcome(path, Options(numeric=False))
    assert outcome.verdict is not Verdict.PROVED, f"symbolic strategy '{outcome.method}' proved a false identity"
    if "\nfor:" in path.read_text(encoding="utf-8"):
        # proved at the listed instances is a true statement about them, never a general claim
        assert outcome.verdict in (Verdict.UNKNOWN, Verdict.PROVED_INSTANCES)
    else:
        assert outcome.verdict is Verdict.UNKNOWN, f"{outcome.verdict.value} by '{outcome.method}'"


@pytest.mark.parametrize("path", TRUE, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_tricky_true_identity_is_not_refuted(path: Path) -> None:
    outcome = _only_outcome(path, Options())
    assert outcome.verdict in ACCEPTED, f"{outcome.verdict.value}: {outcome.detail}"
    assert outcome.passed


def test_listed_instances_do_not_hide_a_failure_beyond_them() -> None:
    """(n-1)(n-2)(n-3) = 0 holds at the listed n = 1..3; the numeric check samples n = 4 and beyond."""
    outcome = _only_outcome(DATA / "false" / "true-at-listed-instances.deriv.yaml", Options())
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.counterexample.values["n"] not in ("1", "2", "3")
