"""No false accepts: a corpus of false identities that naive SymPy checking gets wrong.

Every file under ``tests/data/false/`` states one false identity as a separate
fact, or as a top-level claim (then the claim is what is judged); each must come
out ``refuted`` with a confirmed counterexample (the trust
policy allows ``unknown``, never ``proved``, ``proved-instances`` or ``numeric``;
the corpus pins today's stronger result so that a loss of refuting power shows),
except a claim link, which is judged through its chain and not at points: it must
be ``unknown``. A file whose first line says ``must be unknown`` has no
counterexample to confirm (its hypotheses hold nowhere): it must come out
``unknown``, saying why; a file whose header says ``# may end unknown: <why>``
may end ``unknown`` (never accepted, never passing).
With numeric checks off, the symbolic strategies alone must say ``unknown``, and
fail ``--strict``: that they never *prove* a false identity, at instances nobody
listed included, is checked without the numeric guard.
Every file under ``tests/data/true/`` is a tricky true identity that must never
be refuted. These run the real pipeline, so they are marked slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derivcheck.check.pipeline.derivation import check_derivation
from derivcheck.format.loader import load_derivation
from derivcheck.model import Options, Verdict
from repo_paths import DATA

pytestmark = pytest.mark.slow

FALSE = sorted((DATA / "false").glob("*.deriv.yaml"))
TRUE = sorted((DATA / "true").glob("*.deriv.yaml"))
ACCEPTED = {Verdict.PROVED, Verdict.PROVED_INSTANCES, Verdict.NUMERIC}


REFUSED = "this constant cannot be told from 0"  # the parser refuses what SymPy would misjudge


def _only_outcome(path: Path, options: Options):
    report = check_derivation(load_derivation(str(path)), options)
    if report.errors and path.parent.name == "false":
        # a hidden zero (log(6) - log(2) - log(3)) is refused while reading: never accepted
        assert all(REFUSED in str(e) for e in report.errors), report.errors
        return None
    assert not report.errors, report.errors
    claims = [o for o in report.outcomes if o.item == "claim"]
    if claims:
        # A file with a top-level claim is judged by its claim: its chain's steps may
        # well hold (under their hypotheses); the claim must not be accepted unless true.
        return claims[0]
    (outcome,) = report.outcomes
    if path.parent.name == "false" and outcome.verdict is Verdict.ERROR and REFUSED in outcome.detail:
        return None  # the item's expression refused while reading (as above)
    return outcome


def test_the_corpus_covers_the_named_traps() -> None:
    names = {p.name.removesuffix(".deriv.yaml") for p in FALSE}
    assert len(FALSE) >= 25 and len(TRUE) >= 15
    for trap in ("sqrt-of-square", "log-of-product", "transpose-of-product", "matrix-products-commute",
                 "variance-without-independence", "expectation-of-product", "covariance-zero",
                 "true-at-first-three-naturals", "product-off-by-one", "general-quadratic-form"):
        assert trap in names


def _may_end_unknown(path: Path) -> bool:
    """A false file whose header says ``# may end unknown: <why>``: no counterexample can be
    confirmed there (the trust policy's honest ``unknown``); it must still never be accepted."""
    return any(line.startswith(("# may end unknown: ", "# unknown allowed: ")) for line in path.read_text(encoding="utf-8").splitlines()[:3])


def _stays_unknown(path: Path) -> bool:
    """Whether the file says that no counterexample exists to confirm (see the module docstring)."""
    return "must be unknown" in path.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("path", FALSE, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_false_identity_is_refuted(path: Path) -> None:
    outcome = _only_outcome(path, Options())
    if outcome is None:
        return  # refused while reading (see _only_outcome)
    assert outcome.verdict not in ACCEPTED, f"FALSE ACCEPT: {outcome.verdict.value} by {outcome.method}"
    if outcome.method == "claim link":
        # the claim link is checked through its chain, not at points: it is withheld, never refuted
        assert outcome.verdict is Verdict.UNKNOWN and not outcome.passed, outcome.detail
        return
    if outcome.verdict is Verdict.UNKNOWN and _may_end_unknown(path):
        assert not outcome.passed and outcome.detail  # honest: it says why
        return
    if _stays_unknown(path):
        assert outcome.verdict is Verdict.UNKNOWN and not outcome.passed, outcome.detail
        assert outcome.detail.startswith(("the hypotheses are inconsistent", "no point satisfying the hypotheses"))
        return
    assert outcome.verdict is Verdict.REFUTED, outcome.detail
    ce = outcome.counterexample
    strict = any(op in path.read_text(encoding="utf-8") for op in (" < ", " > "))
    assert ce is not None and ce.values and (ce.lhs != ce.rhs or strict)  # `1 < 1` has equal sides
    assert not outcome.passed


@pytest.mark.parametrize("path", FALSE, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_symbolic_strategies_alone_never_prove_a_false_identity(path: Path) -> None:
    outcome = _only_outcome(path, Options(numeric=False, strict=True))
    if outcome is None:
        return  # refused while reading (see _only_outcome)
    assert outcome.verdict is not Verdict.PROVED, f"symbolic strategy '{outcome.method}' proved a false identity"
    if "\nfor:" in path.read_text(encoding="utf-8"):
        # proved at the listed instances is a true statement about them, never a general claim
        assert outcome.verdict in (Verdict.UNKNOWN, Verdict.PROVED_INSTANCES)
    else:
        # default shapes are no instances the author chose: no proved-instances, no --strict pass
        assert outcome.verdict is Verdict.UNKNOWN, f"{outcome.verdict.value} by '{outcome.method}'"
        assert not outcome.passed


@pytest.mark.parametrize("path", TRUE, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_tricky_true_identity_is_not_refuted(path: Path) -> None:
    outcome = _only_outcome(path, Options())
    assert outcome.verdict in ACCEPTED, f"{outcome.verdict.value}: {outcome.detail}"
    assert outcome.passed
    if outcome.verdict is Verdict.PROVED_INSTANCES:  # only instances the author listed count
        assert "\nfor:" in path.read_text(encoding="utf-8"), outcome.detail


def test_listed_instances_do_not_hide_a_failure_beyond_them() -> None:
    """(n-1)(n-2)(n-3) = 0 holds at the listed n = 1..3; the numeric check samples n = 4 and beyond."""
    outcome = _only_outcome(DATA / "false" / "true-at-listed-instances.deriv.yaml", Options())
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.counterexample.values["n"] not in ("1", "2", "3")


EXPECT_REFUTED = sorted((DATA / "expect-refuted").glob("*.deriv.yaml"))


@pytest.mark.parametrize("path", EXPECT_REFUTED, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_top_level_expect_refuted_applies_to_the_checks(path: Path, tmp_path: Path) -> None:
    """A file with checks and no claim: the top-level ``expect: refuted`` is what each check
    without its own ``expect`` is judged against, so the recorded error passes only refuted."""
    report = check_derivation(load_derivation(str(path)), Options())
    assert not report.errors, report.errors
    recorded = [o for o in report.outcomes if o.expect == "refuted"]
    assert recorded and all(o.verdict is Verdict.REFUTED and o.passed for o in recorded)
    assert all(o.passed for o in report.outcomes)
    # without the top-level expectation the same checks are expected to hold, and fail
    plain = tmp_path / path.name
    plain.write_text(path.read_text(encoding="utf-8").replace("\nexpect: refuted\n", "\n"), encoding="utf-8")
    again = check_derivation(load_derivation(str(plain)), Options())
    failing = [o for o in again.outcomes if not o.passed]
    assert [o.item for o in failing] == [o.item for o in recorded]
    assert all(o.expect == "holds" and o.verdict is Verdict.REFUTED for o in failing)
