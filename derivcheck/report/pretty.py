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
        return f"FAIL: expected refuted, got {verdict.value}"
    if verdict is Verdict.NUMERIC:
        return "FAIL: numeric evidence only (--strict needs proved-instances)"
    return f"FAIL: expected {outcome.expect}, got {verdict.value}"


def verdict_counts(report: Report) -> dict[Verdict, int]:
    """How many items of ``report`` got each verdict, in :data:`VERDICT_ORDER`."""
    counts = Counter(o.verdict for d in report.derivations for o in d.outcomes)
    return {verdict: counts.get(verdict, 0) for verdict in VERDICT_ORDER}
