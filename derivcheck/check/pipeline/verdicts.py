"""Evidence into verdicts: the one place where what a check found becomes an item's verdict.

A numeric, autograd or Monte Carlo check returns an
:class:`~derivcheck.check.evidence.Evidence`; :mod:`.derivation` decides which
checks run, and these functions say what their evidence makes of the item:

- a confirmed counterexample refutes (:func:`refutation`);
- agreement gives ``numeric`` where no proof was found, and is shown beside a
  proof when it came from torch autograd (:func:`weigh`);
- a relation with no value at any size is an ``error`` (:func:`weigh`);
- a distribution check's Monte Carlo evidence reads the same way, beside its proof by the
  moment recursion, if any (:func:`distribution_verdict`).
"""

from __future__ import annotations

from dataclasses import replace

from ...model import Options, Outcome, Verdict
from ..evidence import Evidence, EvidenceKind, Status


def replay_command(path: str, options: Options) -> str:
    """The command that reproduces a counterexample of the file at ``path``."""
    extra = "" if options.points == 24 else f" --points {options.points}"
    return f"derivcheck verify {path} --seed {options.seed}{extra}"


def refutation(outcome: Outcome, evidence: Evidence, path: str, options: Options, *, note: str = "") -> Outcome:
    """``outcome`` refuted by the confirmed counterexample of ``evidence`` (``evidence.refutes``),
    with its replay command; ``note`` is appended to the detail."""
    found = evidence.counterexample
    assert found is not None, "a refutation needs a confirmed counterexample"
    if found.replay is None:
        found = replace(found, replay=replay_command(path, options))
    return replace(outcome, verdict=Verdict.REFUTED, method="counterexample", detail=evidence.detail + note,
                   counterexample=found)


def weigh(verdict: Verdict, method: str, detail: str, evidence: Evidence) -> tuple[Verdict, str, str]:
    """``(verdict, method, detail)`` of the symbolic attempt, with the numeric ``evidence`` weighed in
    (``evidence`` does not refute: refutations are settled before)."""
    if verdict is Verdict.UNKNOWN and evidence.status is Status.UNDEFINED:
        # an index outside its matrix at every size: the step does not read as mathematics
        return Verdict.ERROR, "numeric", f"{evidence.detail}; {detail}".rstrip("; ")
    if verdict is Verdict.UNKNOWN and evidence.status is Status.AGREE:
        shown = evidence.evidence or f"agreement at {evidence.points} random points, {evidence.tolerance}"
        return Verdict.NUMERIC, "numeric", f"numeric ({shown}); {detail}".rstrip("; ")
    if evidence.status is Status.AGREE and evidence.kind is EvidenceKind.AUTOGRAD:
        return verdict, method, f"{detail}; cross-checked: {evidence.evidence}".lstrip("; ")
    if evidence.status is not Status.AGREE and verdict is Verdict.UNKNOWN:
        return verdict, method, f"{detail}; numeric: {evidence.detail}".strip("; ")
    return verdict, method, detail


def distribution_verdict(outcome: Outcome, evidence: Evidence | None, proof: str | None = None,
                         why: str = "") -> Outcome:
    """A distribution check's ``outcome`` from its Monte Carlo ``evidence`` (None: not run,
    ``--no-numeric``) and its proof by the moment recursion (``proof``, its detail; ``why``
    it was not proved). A disagreement refutes, proof or not (and names the proof: a
    soundness guard); a proof gives ``proved`` beside any other evidence, which the detail
    states; without one, agreement gives ``numeric``."""
    if evidence is not None and evidence.status is Status.DISAGREE:
        guard = " (the moment recursion had claimed a proof: soundness guard)" if proof is not None else ""
        return replace(outcome, verdict=Verdict.REFUTED, method="monte carlo", detail=evidence.detail + guard,
                       counterexample=evidence.counterexample)
    if proof is not None:
        if evidence is None:
            checked = "Monte Carlo skipped (--no-numeric)"
        elif evidence.status is Status.AGREE:
            checked = f"Monte Carlo agrees: {evidence.detail}"
        else:
            checked = f"Monte Carlo: {evidence.detail}"
        return replace(outcome, verdict=Verdict.PROVED, method="moment recursion",
                       detail=f"proved (moment recursion: {proof}) · {checked}")
    if evidence is None:
        return replace(outcome, verdict=Verdict.UNKNOWN, method="none",
                       detail=f"distribution check skipped (--no-numeric); {why}".rstrip("; "))
    if evidence.status is Status.AGREE:
        return replace(outcome, verdict=Verdict.NUMERIC, method="monte carlo",
                       detail=f"{evidence.detail}; not proved: {why}" if why else evidence.detail)
    return replace(outcome, verdict=Verdict.UNKNOWN, method="monte carlo", detail=evidence.detail)


__all__ = ["distribution_verdict", "refutation", "replay_command", "weigh"]
