"""A hand-built :class:`~derivcheck.model.Report` covering every field the writers show."""

from __future__ import annotations

from derivcheck.errors import Span
from derivcheck.model import Counterexample, DerivationReport, Outcome, Report, Verdict


def sample_report() -> Report:
    """Two derivations: one passing (proved, recorded error refuted), one failing (refuted, error, input error)."""
    path_a, path_b = "lib/a.deriv.yaml", "lib/b.deriv.yaml"
    good = DerivationReport(
        path=path_a, id="psd-example", title="X^T X is <psd> & fine", source="Book §2.1", seconds=1.5,
        outcomes=(
            Outcome("psd-example", "step-2", "step 2 (eq)", Verdict.PROVED, method="canonical", passed=True,
                    span=Span(path_a, 12, 5), pretty="a + b = b + a", latex=r"a + b = b + a", by="commutes"),
            Outcome("psd-example", "step-3", "step 3 (eq)", Verdict.REFUTED, expect="refuted", passed=True,
                    method="counterexample", span=Span(path_a, 15, 5), pretty="x = |x|", latex=r"x = \left|x\right|"),
        ))
    bad = DerivationReport(
        path=path_b, id="wrong-sign", title="A sign error", source=None, seconds=2.0,
        outcomes=(
            Outcome("wrong-sign", "step-2", "step 2 (eq)", Verdict.REFUTED, method="counterexample",
                    detail="counterexample confirmed to 50 digits", span=Span(path_b, 9, 5),
                    pretty="a - b = b - a", latex="a - b = b - a",
                    counterexample=Counterexample(values={"a": "1", "b": "0"}, lhs="1", rhs="-1", seed=0,
                                                  replay=f"derivcheck verify {path_b} --seed 0")),
            Outcome("wrong-sign", "check-1", "check 1 (gradient)", Verdict.ERROR,
                    detail=f"{path_b}:20:9: undeclared name `w` \x01", span=Span(path_b, 20, 5)),
        ),
        errors=(f"{path_b}:3:1: unknown key 'sybmols'",))
    return Report(derivations=(good, bad), seconds=3.5, seed=7, options={"strict": "False"})


def conditional_report() -> Report:
    """One derivation whose verdicts rest on hypotheses (``using``): each writer must show them beside the verdict."""
    path = "lib/c.deriv.yaml"
    outcomes = (
        Outcome("under-h", "step-2", "step 2 (eq)", Verdict.PROVED, method="canonical", passed=True,
                span=Span(path, 10, 5), pretty="a = b", latex="a = b", using=("h",)),
        Outcome("under-h", "step-3", "step 3 (le)", Verdict.NUMERIC, method="numeric", passed=True,
                span=Span(path, 12, 5), pretty="b <= c", latex=r"b \le c", using=("h", "g")),
        Outcome("under-h", "step-4", "step 4 (eq)", Verdict.REFUTED, expect="refuted", method="counterexample",
                passed=True, span=Span(path, 14, 5), pretty="c = 0", latex="c = 0", using=("g",),
                counterexample=Counterexample(values={"c": "1"}, lhs="1", rhs="0", seed=0)),
        Outcome("under-h", "step-5", "step 5 (eq)", Verdict.UNKNOWN, method="", passed=False,
                detail="no proof", span=Span(path, 16, 5), pretty="c = d", latex="c = d", using=("g",)),
        Outcome("under-h", "claim", "claim link", Verdict.PROVED, method="claim link", passed=True,
                span=Span(path, 7, 8), pretty="a = b", latex="a = b", using=("h",)),
    )
    derivation = DerivationReport(path=path, id="under-h", title="Holds under h", source=None, seconds=1.0,
                                  outcomes=outcomes)
    return Report(derivations=(derivation,), seconds=1.0, seed=0)
