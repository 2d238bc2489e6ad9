"""Plain-text pieces of the report: verdict symbols and colours, phrases, times.

Nothing here prints; :mod:`derivcheck.report.rich_report` assembles these into
Rich renderables. Kept apart so that other writers (JSON, Markdown) can share
the same words.
"""

from __future__ import annotations

from collections import Counter

from ..model import Outcome, Report, Verdict

VERDICT_SYMBOL: dict[Verdict, str] = {
    Verdict.PROVED: "✔",
    Verdict.PROVED_INSTANCES: "✔",
    Verdict.NUMERIC: "≈",
    Verdict.REFUTED: "✘",
    Verdict.UNKNOWN: "?",
    Verdict.ERROR: "!",
}
"""The symbol shown before each verdict."""

VERDICT_STYLE: dict[Verdict, str] = {
    Verdict.PROVED: "green",
    Verdict.PROVED_INSTANCES: "cyan",
    Verdict.NUMERIC: "yellow",
    Verdict.REFUTED: "red",
    Verdict.UNKNOWN: "magenta",
    Verdict.ERROR: "bold red",
}
"""The Rich style of each verdict."""

VERDICT_ORDER: tuple[Verdict, ...] = (
    Verdict.PROVED,
    Verdict.PROVED_INSTANCES,
    Verdict.NUMERIC,
    Verdict.REFUTED,
    Verdict.UNKNOWN,
    Verdict.ERROR,
)
"""Order of the verdict counts in the summary: strongest evidence first."""


CONDITIONAL_VERDICTS = frozenset({Verdict.PROVED, Verdict.PROVED_INSTANCES, Verdict.NUMERIC, Verdict.REFUTED})
"""Verdicts that, reached under hypotheses, hold only where those hold (a counterexample
to a step with hypotheses is one where they hold); ``unknown`` and ``error`` claim nothing."""


def hypotheses_phrase(using: tuple[str, ...] | list[str]) -> str:
    """``under [h, g]``, the words every report puts beside a conditional verdict (``""`` without hypotheses).

    >>> hypotheses_phrase(("h", "g")), hypotheses_phrase(())
    ('under [h, g]', '')
    """
    return f"under [{', '.join(using)}]" if using else ""


def is_conditional(outcome: Outcome) -> bool:
    """Whether ``outcome``'s verdict holds only under hypotheses (its ``using``)."""
    return bool(outcome.using) and outcome.verdict in CONDITIONAL_VERDICTS


def verdict_text(outcome: Outcome) -> str:
    """The verdict in words, with the hypotheses it rests on: ``proved`` or ``proved under [h]``.

    >>> from derivcheck.model import Outcome, Verdict
    >>> verdict_text(Outcome("d", "claim", "claim link", Verdict.PROVED, using=("h",)))
    'proved under [h]'
    """
    if is_conditional(outcome):
        return f"{outcome.verdict.value} {hypotheses_phrase(outcome.using)}"
    return outcome.verdict.value


def item_name(outcome: Outcome) -> str:
    """The item's name in every report (:attr:`~derivcheck.model.Outcome.name`).

    >>> from derivcheck.model import Outcome, Verdict
    >>> item_name(Outcome("d", "claim", "claim link", Verdict.PROVED)), item_name(Outcome("d", "step-2", "step 2 (eq)", Verdict.PROVED))
    ('claim', 'step 2 (eq)')
    """
    return outcome.name


def check_seconds(report: Report) -> float:
    """The time the derivations took to check, cached ones at the time they took when checked."""
    return sum(d.seconds for d in report.derivations)


def time_text(report: Report) -> str:
    """The run's time; with cached derivations, the real check time first, then this run's.

    >>> from derivcheck.model import DerivationReport
    >>> d = DerivationReport(path="a", id="a", title="a", source=None, seconds=90.0, cached=True)
    >>> time_text(Report(derivations=(d,), seconds=0.5))
    '1 min 30 s checking (this run 500 ms: 1 of 1 derivations from the cache)'
    """
    cached = sum(1 for d in report.derivations if d.cached)
    if not cached:
        return format_seconds(report.seconds)
    return (f"{format_seconds(check_seconds(report))} checking (this run {format_seconds(report.seconds)}: "
            f"{cached} of {len(report.derivations)} derivations from the cache)")


def format_seconds(seconds: float) -> str:
    """A short human duration.

    >>> format_seconds(0.0123), format_seconds(2.5), format_seconds(125.0)
    ('12 ms', '2.50 s', '2 min 5 s')
    """
    if seconds < 1.0:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60.0:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s"


def expectation_phrase(outcome: Outcome) -> str:
    """Whether ``outcome`` met its expectation, in words.

    The pipeline decides ``outcome.passed``; this only explains it. A recorded
    error (``expect: refuted``) that is refuted passes "as expected".
    """
    verdict = outcome.verdict
    if outcome.passed:
        if outcome.expect == "refuted" and verdict is Verdict.REFUTED:
            return "refuted as expected"
        return "pass"
    if outcome.expect == "refuted":
        return f"FAIL: expected refuted, got {verdict_text(outcome)}"
    if verdict is Verdict.NUMERIC:
        return "FAIL: numeric evidence only (--strict needs proved-instances)"
    return f"FAIL: expected {outcome.expect}, got {verdict_text(outcome)}"


def verdict_counts(report: Report) -> dict[Verdict, int]:
    """How many items of ``report`` got each verdict, in :data:`VERDICT_ORDER`."""
    counts = Counter(o.verdict for d in report.derivations for o in d.outcomes)
    return {verdict: counts.get(verdict, 0) for verdict in VERDICT_ORDER}


def conditional_counts(report: Report) -> dict[Verdict, int]:
    """How many items of ``report`` got each verdict only under hypotheses (see :func:`is_conditional`)."""
    counts = Counter(o.verdict for d in report.derivations for o in d.outcomes if is_conditional(o))
    return {verdict: counts.get(verdict, 0) for verdict in VERDICT_ORDER}


def count_text(count: int, conditional: int) -> str:
    """A verdict count with how many of those items hold only under hypotheses.

    >>> count_text(5, 2), count_text(5, 0)
    ('5 (2 under hypotheses)', '5')
    """
    return f"{count} ({conditional} under hypotheses)" if conditional else str(count)
