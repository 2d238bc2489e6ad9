"""The HTML report: one self-contained file, readable offline.

No scripts, fonts or style sheets are fetched: the CSS is inline and there is
no JavaScript. Each relation is shown typeset by SymPy's Unicode pretty printer
(2-D fractions, sums, roots, superscripts) in a math block; its LaTeX (SymPy's,
or the step's own ``latex:``) is one click away for copying, because MathJax
and KaTeX would need the network. Verdicts are coloured badges. Every piece of
text from a derivation file is escaped.
"""

from __future__ import annotations

from html import escape

from ..model import DerivationReport, Outcome, Report, Verdict
from .pretty import (VERDICT_ORDER, VERDICT_SYMBOL, conditional_counts, count_text, expectation_phrase,
                     format_seconds, hypotheses_phrase, is_conditional, item_name, time_text, verdict_counts)

VERDICT_COLOUR: dict[Verdict, str] = {
    Verdict.PROVED: "#1a7f37",
    Verdict.PROVED_INSTANCES: "#0e7490",
    Verdict.NUMERIC: "#9a6700",
    Verdict.REFUTED: "#cf222e",
    Verdict.UNKNOWN: "#8250df",
    Verdict.ERROR: "#a40e26",
}
"""Badge colour of each verdict (the terminal's colours, darkened for white paper)."""

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;color:#1f2328;
padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin:0}
.summary{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}
.badge{display:inline-block;border-radius:1rem;padding:.1rem .6rem;color:#fff;font-weight:600;font-size:.85rem;
white-space:nowrap}
.pass{background:#1a7f37}.fail{background:#cf222e}
section{border:1px solid #d0d7de;border-radius:.5rem;margin:1.2rem 0;padding:1rem}
section.failed{border-color:#cf222e}
.meta{color:#59636e;font-size:.85rem;margin:.3rem 0 .8rem}
table{border-collapse:collapse;width:100%}
td,th{border-top:1px solid #d0d7de;padding:.45rem;vertical-align:top;text-align:left}
th{font-size:.8rem;color:#59636e;font-weight:600}
pre.math{font-family:"STIX Two Math","Cambria Math","DejaVu Sans Mono","Noto Sans Math",monospace;
font-size:1rem;line-height:1.15;margin:0;white-space:pre;overflow-x:auto;max-width:62vw}
pre.math.line{white-space:pre-wrap;overflow-wrap:anywhere}
.under{font-size:.85rem;font-weight:600;margin-top:.2rem;white-space:nowrap}
.by{color:#59636e;font-style:italic;font-size:.85rem;margin-top:.3rem}
.detail{font-size:.85rem;margin-top:.3rem}
.result-fail{color:#cf222e;font-weight:600}
details{font-size:.8rem;margin-top:.3rem}code{font-size:.85rem}
.counterexample{background:#fff1f0;border-left:3px solid #cf222e;padding:.4rem .6rem;margin-top:.4rem;
font-family:monospace;font-size:.85rem;white-space:pre-wrap}
.errors{color:#a40e26;font-family:monospace;white-space:pre-wrap}
nav.failures{border:1px solid #cf222e;border-radius:.5rem;padding:.6rem 1rem;margin:1rem 0}
nav.failures li{margin:.2rem 0}tr:target{background:#fff8c5}
"""


def render_html(report: Report) -> str:
    """The report as one HTML document (no external resources, no scripts)."""
    outcomes = [o for d in report.derivations for o in d.outcomes]
    failed = sum(1 for o in outcomes if not o.passed)
    result = _badge("PASSED", "pass") if report.passed else _badge("FAILED", "fail")
    counts, conditional = verdict_counts(report), conditional_counts(report)
    summary = "".join(
        f'<span class="badge" style="background:{VERDICT_COLOUR[v]}">{VERDICT_SYMBOL[v]} {v.value}: '
        f'{escape(count_text(counts[v], conditional[v]))}</span>'
        for v in VERDICT_ORDER)
    # failing derivations first (in file order), each failure linked from the summary
    ordered = [d for d in report.derivations if not d.passed] + [d for d in report.derivations if d.passed]
    body = "\n".join(_derivation(d) for d in ordered)
    failures = _failure_links(report)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>derivcheck report</title>
<style>{_CSS}</style>
</head>
<body>
<h1>derivcheck report {result}</h1>
<p>{len(report.derivations)} derivations, {len(outcomes)} items, {failed} failed;
{escape(time_text(report))}; seed {report.seed}.</p>
<div class="summary">{summary}</div>
{failures}
{body}
</body>
</html>
"""


def anchor(derivation: DerivationReport, outcome: Outcome | None = None) -> str:
    """The ``id`` of a derivation's section, or of one of its items' rows (links from the summary).

    >>> from derivcheck.model import DerivationReport
    >>> anchor(DerivationReport(path="a", id="psd", title="t", source=None))
    'd-psd'
    """
    name = f"d-{derivation.id}" if outcome is None else f"d-{derivation.id}--{outcome.item}"
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _failure_links(report: Report) -> str:
    """The list of failures under the summary, each a link to its row (or to its file's input errors)."""
    links: list[str] = []
    for derivation in report.derivations:
        for outcome in derivation.outcomes:
            if not outcome.passed:
                links.append(f'<li><a href="#{anchor(derivation, outcome)}">{escape(derivation.id)}: '
                             f'{escape(item_name(outcome))}</a> — {escape(expectation_phrase(outcome))}</li>')
        if derivation.errors:
            links.append(f'<li><a href="#{anchor(derivation)}-errors">{escape(derivation.id)}: '
                         f'{len(derivation.errors)} input error(s)</a></li>')
    if not links:
        return ""
    return f'<nav class="failures"><h2>Failures ({len(links)})</h2><ul>\n' + "\n".join(links) + "\n</ul></nav>"


def _derivation(derivation: DerivationReport) -> str:
    status = _badge("PASS", "pass") if derivation.passed else _badge("FAIL", "fail")
    meta = [f"file <code>{escape(derivation.path)}</code>", escape(format_seconds(derivation.seconds))]
    if derivation.cached:
        meta.append("cached")
    source = f'<div class="meta">source: {escape(derivation.source)}</div>' if derivation.source else ""
    rows = "\n".join(_row(o, anchor(derivation, o)) for o in derivation.outcomes)
    table = (f"<table><thead><tr><th>verdict</th><th>item</th><th>relation</th><th>result</th></tr></thead>"
             f"<tbody>\n{rows}\n</tbody></table>") if derivation.outcomes else ""
    errors = ""
    if derivation.errors:
        errors = (f'<div class="errors" id="{anchor(derivation)}-errors">' + escape("\n".join(derivation.errors))
                  + "</div>")
    css = "failed" if not derivation.passed else "passed"
    return (f'<section class="{css}" id="{anchor(derivation)}"><h2>{status} {escape(derivation.id)}: '
            f'{escape(derivation.title)}</h2>{source}<div class="meta">{" · ".join(meta)}</div>{table}{errors}'
            f"</section>")


def _row(outcome: Outcome, row_id: str) -> str:
    verdict = outcome.verdict
    badge = (f'<span class="badge" style="background:{VERDICT_COLOUR[verdict]}">'
             f"{VERDICT_SYMBOL[verdict]} {verdict.value}</span>")
    if is_conditional(outcome):  # the hypotheses the verdict rests on, beside it
        badge += f'<div class="under">{escape(hypotheses_phrase(outcome.using))}</div>'
    relation = _relation(outcome)
    if outcome.by:
        relation += f'<div class="by">by: {escape(outcome.by)}</div>'
    if outcome.detail:
        relation += f'<div class="detail">{escape(outcome.detail)}</div>'
    if outcome.counterexample is not None:
        example = outcome.counterexample
        lines = [f"{name} = {value}" for name, value in example.values.items()]
        lines += [f"left side  = {example.lhs}", f"right side = {example.rhs}"]
        if example.replay:
            lines.append(f"replay: {example.replay}")
        relation += '<div class="counterexample">counterexample\n' + escape("\n".join(lines)) + "</div>"
    if outcome.latex:
        relation += f"<details><summary>LaTeX</summary><code>{escape(outcome.latex)}</code></details>"
    where = f"<br><small>line {outcome.span.line}</small>" if outcome.span is not None else ""
    method = f"<br><small>{escape(outcome.method)}</small>" if outcome.method else ""
    result_class = "" if outcome.passed else ' class="result-fail"'
    return (f'<tr id="{row_id}"><td>{badge}</td><td>{escape(item_name(outcome))}{where}</td><td>{relation}</td>'
            f"<td{result_class}>{escape(expectation_phrase(outcome))}{method}</td></tr>")


def _relation(outcome: Outcome) -> str:
    """The relation as the file writes it, with the checked (expanded) form folded away under it;
    the checked form alone when nothing is written."""
    kind = "math" if "\n" in outcome.pretty else "math line"  # one line of text may wrap; a drawing may not
    checked = f'<pre class="{kind}">{escape(outcome.pretty)}</pre>' if outcome.pretty else ""
    if not outcome.written:
        return checked
    written = f'<pre class="math line">{escape(outcome.written)}</pre>'
    if checked and outcome.pretty != outcome.written:
        written += f"<details><summary>as checked</summary>{checked}</details>"
    return written


def _badge(text: str, kind: str) -> str:
    return f'<span class="badge {kind}">{escape(text)}</span>'


__all__ = ["VERDICT_COLOUR", "anchor", "render_html"]
