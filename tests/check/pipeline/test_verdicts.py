"""Evidence and the one place where it becomes a verdict (check/evidence.py, check/pipeline/verdicts.py)."""

from __future__ import annotations

from derivcheck.check.evidence import Evidence, EvidenceKind, Status
from derivcheck.check.pipeline.verdicts import distribution_verdict, refutation, replay_command, weigh
from derivcheck.errors import Span
from derivcheck.model import Counterexample, Options, Outcome, Verdict

FOUND = Counterexample(values={"x": "2"}, lhs="5", rhs="4")
OUTCOME = Outcome(derivation="d", item="step-1", label="step 1", verdict=Verdict.UNKNOWN,
                  span=Span("d.deriv.yaml", 3, 5))


def test_status_compares_equal_to_its_text() -> None:
    # StrEnum: the JSON and the free-text details read the same as before the enum
    assert Status.AGREE == "agree" and f"{Status.DISAGREE}" == "disagree"
    assert EvidenceKind.AUTOGRAD == "torch autograd"


def test_only_a_disagreement_with_a_counterexample_refutes() -> None:
    assert Evidence(Status.DISAGREE, 3, "tol", FOUND, "differs").refutes
    assert not Evidence(Status.DISAGREE, 3, "tol", None, "differs, unconfirmed").refutes
    assert not Evidence(Status.AGREE, 3, "tol", None, "agrees").refutes


def test_rechecked_keeps_runs_or_reports_a_failed_recheck() -> None:
    plain = Evidence(Status.AGREE, 5, "tol", None, "agrees")
    assert plain.rechecked() is plain

    def broken() -> Evidence:
        raise ValueError("no value")

    failed = Evidence(Status.AGREE, 5, "tol", None, "agrees", recheck=broken).rechecked()
    assert failed.status is Status.INCONCLUSIVE and failed.points == 5 and failed.tolerance == "tol"
    assert failed.detail == "float64 agreement; its 50-digit re-check failed: ValueError: no value"
    confirmed = Evidence(Status.AGREE, 5, "tol", None, "agrees", recheck=lambda: None).rechecked()
    assert confirmed.status is Status.AGREE and confirmed.recheck is None


def test_a_refutation_carries_the_counterexample_and_its_replay() -> None:
    options = Options(seed=7, points=10)
    out = refutation(OUTCOME, Evidence(Status.DISAGREE, 9, "tol", FOUND, "disagree at 1 of 9 points"),
                     "d.deriv.yaml", options, note=" (guard)")
    assert out.verdict is Verdict.REFUTED and out.method == "counterexample"
    assert out.detail == "disagree at 1 of 9 points (guard)"
    assert out.counterexample.replay == "derivcheck verify d.deriv.yaml --seed 7 --points 10"
    assert replay_command("d.deriv.yaml", Options(seed=0)) == "derivcheck verify d.deriv.yaml --seed 0"


def test_weigh_turns_agreement_into_numeric_only_without_a_proof() -> None:
    agree = Evidence(Status.AGREE, 24, "tol", None, "agree at 24 points", evidence="float64 at 24 points")
    assert weigh(Verdict.UNKNOWN, "", "", agree) == (Verdict.NUMERIC, "numeric", "numeric (float64 at 24 points)")
    assert weigh(Verdict.PROVED, "sums", "telescoping", agree) == (Verdict.PROVED, "sums", "telescoping")
    autograd = Evidence(Status.AGREE, 24, "tol", None, "d", evidence="torch autograd at 24 points",
                        kind=EvidenceKind.AUTOGRAD)
    assert weigh(Verdict.PROVED, "canonical form", "", autograd)[2] == "cross-checked: torch autograd at 24 points"
    undefined = Evidence(Status.UNDEFINED, 0, "tol", None, "no value at any size")
    assert weigh(Verdict.UNKNOWN, "", "why", undefined) == (Verdict.ERROR, "numeric", "no value at any size; why")
    unsure = Evidence(Status.INCONCLUSIVE, 2, "tol", None, "only 2 usable points")
    assert weigh(Verdict.UNKNOWN, "", "no proof", unsure) == (Verdict.UNKNOWN, "", "no proof; numeric: only 2 usable points")


def test_distribution_evidence_reads_the_same_way() -> None:
    kind = EvidenceKind.MONTE_CARLO
    agree = distribution_verdict(OUTCOME, Evidence(Status.AGREE, detail="all pass", kind=kind))
    assert (agree.verdict, agree.method, agree.detail) == (Verdict.NUMERIC, "monte carlo", "all pass")
    refuted = distribution_verdict(OUTCOME, Evidence(Status.DISAGREE, counterexample=FOUND, detail="mean", kind=kind))
    assert refuted.verdict is Verdict.REFUTED and refuted.counterexample == FOUND
    assert distribution_verdict(OUTCOME, Evidence(Status.INCONCLUSIVE, detail="?", kind=kind)).verdict is Verdict.UNKNOWN


def test_a_moment_recursion_proof_stands_beside_the_monte_carlo_check() -> None:
    kind = EvidenceKind.MONTE_CARLO
    agree = Evidence(Status.AGREE, detail="all pass, false-alarm rate <= 1e-06", kind=kind)
    proved = distribution_verdict(OUTCOME, agree, "affine in normal noise", "")
    assert (proved.verdict, proved.method) == (Verdict.PROVED, "moment recursion")
    assert proved.detail == ("proved (moment recursion: affine in normal noise) · "
                             "Monte Carlo agrees: all pass, false-alarm rate <= 1e-06")
    # a disagreement still refutes, and names the proof it contradicts
    refuted = distribution_verdict(OUTCOME, Evidence(Status.DISAGREE, counterexample=FOUND, detail="mean", kind=kind),
                                   "affine in normal noise", "")
    assert refuted.verdict is Verdict.REFUTED and refuted.counterexample == FOUND
    assert refuted.detail == "mean (the moment recursion had claimed a proof: soundness guard)"
    unsure = distribution_verdict(OUTCOME, Evidence(Status.INCONCLUSIVE, detail="no draw covered", kind=kind), "p", "")
    assert unsure.verdict is Verdict.PROVED and unsure.detail.endswith("· Monte Carlo: no draw covered")
    skipped = distribution_verdict(OUTCOME, None, "p", "")
    assert skipped.verdict is Verdict.PROVED and skipped.detail.endswith("Monte Carlo skipped (--no-numeric)")
    # without a proof: numeric at best, and the reason is shown
    numeric = distribution_verdict(OUTCOME, agree, None, "the noise u is uniform, not normal")
    assert numeric.verdict is Verdict.NUMERIC and numeric.detail.endswith("; not proved: the noise u is uniform, not normal")
    off = distribution_verdict(OUTCOME, None, None, "why")
    assert (off.verdict, off.detail) == (Verdict.UNKNOWN, "distribution check skipped (--no-numeric); why")
