"""What a numeric, autograd or Monte Carlo check found: one :class:`Evidence` type.

Evidence is not a verdict: the pipeline turns it into one, in one place
(:mod:`derivcheck.check.pipeline.verdicts`). A check reports its :class:`Status`
and its :class:`EvidenceKind`; nothing downstream reads the free-text fields to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Callable

from ..model import Counterexample


class NoEvidence(Exception):
    """This check cannot speak here: the relation holds something it has no meaning for.

    The family of "no evidence either way" (an undefined function for the torch
    evaluator, an irrational relation for exact points, a law the simulation cannot
    draw soundly): a check that meets one says nothing, or tries another way.
    """


class Status(StrEnum):
    """What the evidence says about the relation."""

    AGREE = "agree"
    DISAGREE = "disagree"  # with a confirmed counterexample, when ``counterexample`` is set
    INCONCLUSIVE = "inconclusive"
    UNDEFINED = "undefined"  # no value at any size tried: an index outside its matrix


class EvidenceKind(StrEnum):
    """Which check produced the evidence."""

    RANDOM_POINTS = "random points"  # float64 points, exact rational points, 50-digit re-checks
    AUTOGRAD = "torch autograd"  # a gradient relation against torch autograd
    MONTE_CARLO = "monte carlo"  # a simulated recursion against its claimed law


@dataclass(frozen=True)
class Evidence:
    """One check's finding: ``status``, how many ``points`` it rests on, the ``tolerance``
    it used, a confirmed ``counterexample`` for ``disagree``, and what to show.

    >>> Evidence(Status.AGREE, 24, "exact", None, "agrees at 24 points").refutes
    False
    """

    status: Status
    points: int = 0
    tolerance: str = ""
    counterexample: Counterexample | None = None
    detail: str = ""
    evidence: str = ""  # for agreement: its kind and its bound or tolerance (shown in the report)
    kind: EvidenceKind = EvidenceKind.RANDOM_POINTS
    # hypotheses sharing no variable with the claim: not enforced at its points (see numeric.prepare)
    unrelated: tuple[str, ...] = ()
    # float64 agreement only: its re-check in 50 digits (see :meth:`rechecked`)
    recheck: Callable[[], "Evidence | None"] | None = field(default=None, compare=False, repr=False)

    @property
    def refutes(self) -> bool:
        """A disagreement with a confirmed counterexample."""
        return self.status is Status.DISAGREE and self.counterexample is not None

    def rechecked(self) -> "Evidence":
        """Float64 agreement re-checked in 50 digits at a few points, for when it would be the
        verdict: the same result, a refutation (true only within the float tolerance, as
        ``pi = 3.14159265358979``), or inconclusive (no 50-digit value, as an integral
        without a closed form)."""
        if self.recheck is None:
            return self
        try:
            return self.recheck() or replace(self, recheck=None)
        except Exception as exc:  # noqa: BLE001 - a failed re-check is no evidence, and is said so
            return Evidence(Status.INCONCLUSIVE, self.points, self.tolerance, None,
                            f"float64 agreement; its 50-digit re-check failed: {type(exc).__name__}: {exc}")


__all__ = ["Evidence", "EvidenceKind", "NoEvidence", "Status"]
