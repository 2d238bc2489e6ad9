"""The terminal report: one Rich tree per derivation, then a summary table.

Every piece of text that comes from a derivation file (labels, expressions,
``by`` notes, error messages) is wrapped in :class:`rich.text.Text`, never
interpolated into console markup, so ``alpha[t]`` or ``[bold]`` print verbatim.
Colour is Rich's business: with ``NO_COLOR`` or when piped, the same report
prints as plain text.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..model import Counterexample, DerivationReport, Outcome, Report
from .pretty import (VERDICT_STYLE, VERDICT_SYMBOL, conditional_counts, count_text, expectation_phrase,
                     format_seconds, hypotheses_phrase, is_conditional, verdict_counts)

PASS_STYLE = "green"
FAIL_STYLE = "bold red"
DIM = "dim"


def render_report(report: Report, console: Console, *, quiet: bool = False) -> None:
    """Print ``report`` on ``console``: a tree per derivation, then the summary.

    With ``quiet``, passing items and derivations that pass entirely are left
    out; failures, input errors and the summary remain.

    Example (plain text, as when piped)::

        console = Console(file=io.StringIO(), no_color=True, width=100)
        render_report(report, console)
    """
    for derivation in report.derivations:
        if quiet and derivation.passed:
            continue
        console.print(derivation_tree(derivation, quiet=quiet))
        console.print()
    console.print(summary_table(report))


def derivation_tree(derivation: DerivationReport, *, quiet: bool = False) -> Tree:
    """The tree of one derivation: header, one node per outcome, then input errors."""
    tree = Tree(_header(derivation), guide_style=DIM)
    for outcome in derivation.outcomes:
        if quiet and outcome.passed:
            continue
        _add_outcome(tree, outcome)
    if derivation.errors:
        errors = tree.add(Text(f"! input errors ({len(derivation.errors)})", style=FAIL_STYLE))
        for message in derivation.errors:
            errors.add(Text(message, style="red"))
    return tree


def summary_table(report: Report) -> Table:
    """Totals of a run: derivations, items, verdict counts, time, and the gate's result."""
    outcomes = [o for d in report.derivations for o in d.outcomes]
    failed_derivations = sum(1 for d in report.derivations if not d.passed)
    failed_items = sum(1 for o in outcomes if not o.passed)
    input_errors = sum(len(d.errors) for d in report.derivations)

    table = Table(title="Summary", title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row(
        "derivations",
        _passed_failed(len(report.derivations), len(report.derivations) - failed_derivations, failed_derivations),
    )
    table.add_row("items", _passed_failed(len(outcomes), len(outcomes) - failed_items, failed_items))
    conditional = conditional_counts(report)
    for verdict, count in verdict_counts(report).items():
        table.add_row(
            Text.assemble((f"{VERDICT_SYMBOL[verdict]} ", VERDICT_STYLE[verdict]), verdict.value),
            Text(count_text(count, conditional[verdict]), style=VERDICT_STYLE[verdict] if count else DIM),
        )
    if input_errors:
        table.add_row("input errors", Text(str(input_errors), style=FAIL_STYLE))
    table.add_row("time", format_seconds(report.seconds))
    table.add_row("seed", str(report.seed))
    if report.options:
        table.add_row("options", Text(", ".join(f"{k}={v}" for k, v in sorted(report.options.items()))))
    table.add_row("result", _result(report, input_errors))
    return table


def _header(derivation: DerivationReport) -> Group:
    status = Text("PASS", style=PASS_STYLE) if derivation.passed else Text("FAIL", style=FAIL_STYLE)
    title = Text.assemble(status, "  ", (derivation.id, "bold"), " — ", derivation.title)
    lines: list[RenderableType] = [title]
    if derivation.source:
        lines.append(Text.assemble(("source: ", DIM), derivation.source))
    lines.append(Text.assemble(("file: ", DIM), derivation.path, ("  ", DIM), (format_seconds(derivation.seconds), DIM)))
    return Group(*lines)


def _add_outcome(tree: Tree, outcome: Outcome) -> None:
    verdict = outcome.verdict
    phrase = expectation_phrase(outcome)
    label = Text.assemble(
        (f"{VERDICT_SYMBOL[verdict]} {verdict.value}", VERDICT_STYLE[verdict]),
        # a verdict reached under hypotheses holds only where they hold: said beside it
        (f" {hypotheses_phrase(outcome.using)}" if is_conditional(outcome) else "", VERDICT_STYLE[verdict]),
        "  ",
        (outcome.label, "bold"),
        "  ",
        (phrase, PASS_STYLE if outcome.passed else FAIL_STYLE),
    )
    node = tree.add(label)
    if outcome.pretty:
        # Lines of a 2-D pretty print that fit are kept as they are (alignment
        # intact); a line wider than the console is wrapped, and a word wider
        # than it folded, never cropped: no part of the expression is lost.
        node.add(Text(outcome.pretty, overflow="fold"))
    if outcome.by:
        node.add(Text.assemble(("by: ", DIM), outcome.by))
    node.add(_method_line(outcome))
    if outcome.detail:
        node.add(Text(outcome.detail, style=None if outcome.passed else "red"))
    if outcome.counterexample is not None:
        _add_counterexample(node, outcome.counterexample)


def _method_line(outcome: Outcome) -> Text:
    parts: list[str] = []
    if outcome.method:
        parts.append(f"method: {outcome.method}")
    parts.append(format_seconds(outcome.seconds))
    if outcome.span is not None:
        parts.append(f"at {outcome.span}")
    return Text(" · ".join(parts), style=DIM)


def _add_counterexample(node: Tree, example: Counterexample) -> None:
    branch = node.add(Text("counterexample", style="red"))
    for name, value in example.values.items():
        branch.add(Text(f"{name} = {value}", overflow="fold"))
    branch.add(Text.assemble(("left side  = ", DIM), example.lhs))
    branch.add(Text.assemble(("right side = ", DIM), example.rhs))
    if example.seed is not None:
        branch.add(Text.assemble(("seed: ", DIM), str(example.seed)))
    if example.replay:
        branch.add(Text.assemble(("replay: ", DIM), (example.replay, "bold")))


def _passed_failed(total: int, passed: int, failed: int) -> Text:
    return Text.assemble(
        str(total),
        " (",
        (f"{passed} passed", PASS_STYLE if passed else DIM),
        ", ",
        (f"{failed} failed", FAIL_STYLE if failed else DIM),
        ")",
    )


def _result(report: Report, input_errors: int) -> Text:
    if input_errors:
        return Text("FAILED (bad input)", style=FAIL_STYLE)
    if report.passed:
        return Text("PASSED", style="bold green")
    return Text("FAILED", style=FAIL_STYLE)


__all__ = ["derivation_tree", "render_report", "summary_table"]
