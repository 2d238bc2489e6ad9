"""The Markdown report, for code-hosting pages (pull-request comments, job summaries).

Relations are written as inline math ``$...$`` (GitHub and GitLab render it),
from the outcome's LaTeX; an item without LaTeX shows its Unicode text in a
code span. Failing items get a details block with the counterexample and the
replay command.
"""

from __future__ import annotations

from ..model import DerivationReport, Outcome, Report
from .junit import failure_text
from .pretty import (VERDICT_ORDER, VERDICT_SYMBOL, conditional_counts, count_text, expectation_phrase,
                     format_seconds, item_name, time_text, verdict_counts, verdict_text)


def render_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown text."""
    outcomes = [o for d in report.derivations for o in d.outcomes]
    failed = sum(1 for o in outcomes if not o.passed)
    result = "PASSED" if report.passed else "FAILED"
    lines = [
        "# derivcheck report",
        "",
        f"**{result}**: {len(report.derivations)} derivations, {len(outcomes)} items, {failed} failed; "
        f"{time_text(report)}, seed {report.seed}.",
        "",
        "| verdict | items |",
        "| --- | --- |",
    ]
    counts, conditional = verdict_counts(report), conditional_counts(report)
    lines.extend(f"| {VERDICT_SYMBOL[v]} {v.value} | {count_text(counts[v], conditional[v])} |"
                 for v in VERDICT_ORDER)
    for derivation in report.derivations:
        lines.extend(["", *_derivation(derivation)])
    return "\n".join(lines) + "\n"


def _derivation(derivation: DerivationReport) -> list[str]:
    mark = "✔" if derivation.passed else "✘"
    lines = [f"## {mark} {_inline(derivation.id)}: {_inline(derivation.title)}", ""]
    where = f"`{derivation.path}`, {format_seconds(derivation.seconds)}" + (" (cached)" if derivation.cached else "")
    if derivation.source:
        lines.append(f"Source: {_inline(derivation.source)}. File: {where}.")
    else:
        lines.append(f"File: {where}.")
    if derivation.outcomes:
        lines += ["", "| | item | relation | verdict | method | result |", "| --- | --- | --- | --- | --- | --- |"]
        lines.extend(_row(o) for o in derivation.outcomes)
    for message in derivation.errors:
        lines += ["", f"- ! input error: `{_code(message)}`"]
    for outcome in derivation.outcomes:
        if not outcome.passed:
            lines += ["", "<details><summary>" + _html(f"{item_name(outcome)}: {expectation_phrase(outcome)}")
                      + "</summary>", "", "```text", failure_text(outcome).replace("```", "'''"), "```", "",
                      "</details>"]
    return lines


def _row(outcome: Outcome) -> str:
    cells = [
        VERDICT_SYMBOL[outcome.verdict],
        _cell(item_name(outcome)),
        math_cell(outcome),
        f"`{_code(verdict_text(outcome))}`",
        _cell(outcome.method),
        ("**" + _cell(expectation_phrase(outcome)) + "**") if not outcome.passed else _cell(expectation_phrase(outcome)),
    ]
    return "| " + " | ".join(cells) + " |"


def math_cell(outcome: Outcome) -> str:
    """The relation for a table cell: as the file writes it (a code span), else as ``$...$``
    math, else the checked form as a code span.

    >>> from derivcheck.model import Outcome, Verdict
    >>> math_cell(Outcome("d", "step-2", "step 2", Verdict.PROVED, latex=r"a \\le |b|"))
    '$a \\\\le \\\\|b\\\\|$'
    >>> math_cell(Outcome("d", "claim", "claim", Verdict.PROVED, latex="q", written="z.T @ A @ z >= 0"))
    '`z.T @ A @ z >= 0`'
    """
    if outcome.written:
        return f"`{_code(outcome.written)}`"
    latex = " ".join(outcome.latex.split())
    if latex and "$" not in latex:
        return "$" + latex.replace("|", r"\|") + "$"
    text = " ".join(outcome.pretty.split()) if "\n" not in outcome.pretty else ""
    return f"`{_code(text)}`" if text else ""


def _cell(text: str) -> str:
    return _inline(text).replace("|", r"\|")


def _inline(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links or HTML from a derivation file."""
    out = " ".join(text.split())
    for char in "\\`*_[]<>#$":
        out = out.replace(char, "\\" + char)
    return out


def _code(text: str) -> str:
    return " ".join(text.split()).replace("`", "'").replace("|", r"\|")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["math_cell", "render_markdown"]
