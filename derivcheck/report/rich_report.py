"""The terminal report: a line per derivation, failing items in full, then a summary table.

Like pytest: a passing derivation is one line with its verdict counts; a
failing item is shown whole (relation, detail, counterexample, replay command);
``-v`` adds a line per item and ``-vv`` the whole tree of every derivation.
Replay commands and ``FILE:LINE:COL`` locations are never wrapped (they are
copied and pasted), whatever the console's width.

Every piece of text that comes from a derivation file (labels, expressions,
``by`` notes, error messages) is wrapped in :class:`rich.text.Text`, never
interpolated into console markup, so ``alpha[t]`` or ``[bold]`` print verbatim.
Colour is Rich's business: with ``NO_COLOR`` or when piped, the same report
prints as plain text.
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping

from rich.console import Console, Group, RenderableType
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..model import Counterexample, DerivationReport, Outcome, Report, Verdict
from .pretty import (VERDICT_ORDER, VERDICT_STYLE, VERDICT_SYMBOL, conditional_counts, count_text, expectation_phrase,
                     format_seconds, hypotheses_phrase, is_conditional, item_name, time_text, verdict_counts)

PASS_STYLE = "green"
FAIL_STYLE = "bold red"
DIM = "dim"


UNWRAPPED_WIDTH = 100_000
"""Width of a console that is not a terminal: long lines stay whole in logs and files."""


def report_console(*, stderr: bool = False) -> Console:
    """The console a command prints its report on: the terminal's width, or no wrapping when not a terminal.

    Piped output (CI logs, files) is never wrapped at 80 columns, so a replay
    command or a ``FILE:LINE:COL`` location stays on one line.
    """
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console.width = UNWRAPPED_WIDTH
    return console


QUIET, NORMAL, VERBOSE, FULL = -1, 0, 1, 2
"""Verbosity levels: ``-q``, the default, ``-v``, ``-vv``."""


def render_report(report: Report, console: Console, *, verbosity: int = NORMAL, quiet: bool = False,
                  shown: frozenset[str] | set[str] = frozenset(),
                  written: Mapping[tuple[str, str], str] | None = None) -> None:
    """Print ``report`` on ``console``, as much as ``verbosity`` asks, then the summary.

    * ``QUIET`` (``-q``): only the failing items, in full, and the summary;
    * ``NORMAL``: one line per derivation with its verdict counts
      (:func:`derivation_line`), then every failing item in full, then the summary;
    * ``VERBOSE`` (``-v``): also one line per item under its derivation;
    * ``FULL`` (``-vv``): the whole tree of every derivation (every item with its
      relation, method, time and location), then the summary.

    Each item shows its relation as the file writes it (its
    :attr:`~derivcheck.model.Outcome.written`, or ``written``'s entry for
    ``(path, item)``) instead of the checked, expanded form, which ``FULL``
    shows as well.

    ``quiet=True`` is ``verbosity=QUIET``. Derivations whose paths are in
    ``shown`` already had their lines printed as they finished (progress when
    piped) and are not listed again.

    Example (plain text, as when piped)::

        console = Console(file=io.StringIO(), no_color=True, width=100)
        render_report(report, console)
    """
    verbosity = QUIET if quiet else verbosity
    if verbosity >= FULL:
        for derivation in report.derivations:
            _print_tree(console, derivation, quiet=False, written=written, expanded=True)
            console.print()
        _print_input_errors(console, report)
        console.print(summary_table(report))
        return
    if verbosity >= NORMAL:
        listed = [d for d in report.derivations if d.path not in shown]
        for derivation in listed:
            console.print(derivation_lines(derivation, verbosity=verbosity), crop=False, soft_wrap=True)
        if listed or any(d.path in shown for d in report.derivations):
            console.print()
    failing = [d for d in report.derivations if not d.passed]
    if failing:
        items = sum(_failed_items(d) for d in failing)
        console.print(Text(f"Failures: {_plural(items, 'item')} in {_plural(len(failing), 'derivation')}",
                           style=FAIL_STYLE))
        console.print()
    for derivation in failing:
        _print_tree(console, derivation, quiet=True, written=written, expanded=verbosity >= FULL)
        console.print()
    _print_input_errors(console, report)
    console.print(summary_table(report))


def input_error_lines(report: Report) -> list[str]:
    """Every input error of the run as one ``FILE:LINE:COL: message`` line.

    The file's load errors, and the detail of each item whose verdict is
    ``error`` (an expression that does not parse), located at the item when
    the message is not.
    """
    lines: list[str] = []
    for derivation in report.derivations:
        lines.extend(derivation.errors)
        for outcome in derivation.outcomes:
            if outcome.verdict is Verdict.ERROR:
                located = outcome.detail.startswith(derivation.path)
                lines.append(outcome.detail if located or outcome.span is None else f"{outcome.span}: {outcome.detail}")
    return lines


def _print_input_errors(console: Console, report: Report) -> None:
    """The input errors, once each, as unindented ``FILE:LINE:COL: message`` lines (editors jump to them)."""
    lines = input_error_lines(report)
    if not lines:
        return
    console.print(Text(f"Input errors ({len(lines)})", style=FAIL_STYLE))
    for line in lines:
        console.print(_unwrapped(line, "red"), crop=False, soft_wrap=True)
    console.print()


def _print_tree(console: Console, derivation: DerivationReport, *, quiet: bool,
                written: Mapping[tuple[str, str], str] | None = None, expanded: bool = True) -> None:
    """Print a derivation's tree at least as wide as its longest unwrappable line (locations, replay)."""
    lines: list[str] = []
    for outcome in derivation.outcomes:
        if quiet and outcome.passed:
            continue
        lines.append(_method_line(outcome).plain)
        if outcome.counterexample is not None and outcome.counterexample.replay:
            lines.append("replay: " + outcome.counterexample.replay)
    needed = max((len(line) for line in lines), default=0) + _TREE_INDENT
    width = max(console.width, needed)
    if width == console.width:
        console.print(derivation_tree(derivation, quiet=quiet, written=written, expanded=expanded))
        return
    # Console.print never renders wider than the console: render the lines here, print them uncropped
    lines = console.render_lines(derivation_tree(derivation, quiet=quiet, written=written, expanded=expanded),
                                 console.options.update_width(width),
                                 pad=False)
    console.print(Segments([segment for line in lines for segment in (*line, Segment.line())]), crop=False,
                  end="")


_TREE_INDENT = 16
"""Columns the tree's guides take before its deepest lines (counterexample entries), with a margin."""


def derivation_line(derivation: DerivationReport) -> Text:
    """One line for a derivation: PASS or FAIL, id, file, verdict counts, time.

    >>> from derivcheck.model import DerivationReport
    >>> print(derivation_line(DerivationReport(path="d.deriv.yaml", id="d", title="t", source=None)))
    PASS  d  d.deriv.yaml  (no items; 0 ms)
    """
    status = Text("PASS", style=PASS_STYLE) if derivation.passed else Text("FAIL", style=FAIL_STYLE)
    counts = Counter(o.verdict for o in derivation.outcomes)
    parts: list[tuple[str, str]] = []
    for verdict in VERDICT_ORDER:
        if counts[verdict]:
            parts.append((f"{counts[verdict]} {verdict.value}", VERDICT_STYLE[verdict]))
    if derivation.errors:
        parts.append((_plural(len(derivation.errors), "input error"), FAIL_STYLE))
    failed = _failed_items(derivation)
    if failed:
        parts.append((f"{failed} failed", FAIL_STYLE))
    listed: list[str | tuple[str, str]] = []
    for number, part in enumerate(parts or [("no items", DIM)]):
        listed += [", "] if number else []
        listed.append(part)
    timing = format_seconds(derivation.seconds) + (", cached" if derivation.cached else "")
    line = Text.assemble(status, "  ", (derivation.id, "bold"), "  ", derivation.path, "  (", *listed,
                         "; ", (timing, DIM), ")")
    return _unwrapped(line)


def derivation_lines(derivation: DerivationReport, *, verbosity: int = NORMAL) -> Group:
    """:func:`derivation_line`, and with ``verbosity >= VERBOSE`` one line per item under it."""
    lines: list[RenderableType] = [derivation_line(derivation)]
    if verbosity >= VERBOSE:
        for outcome in derivation.outcomes:
            line = Text.assemble("    ", _outcome_label(outcome))
            if outcome.span is not None:
                line.append(f"  at {outcome.span}", style=DIM)
            lines.append(_unwrapped(line))
    return Group(*lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _failed_items(derivation: DerivationReport) -> int:
    return sum(1 for o in derivation.outcomes if not o.passed) + len(derivation.errors)


def derivation_tree(derivation: DerivationReport, *, quiet: bool = False,
                    written: Mapping[tuple[str, str], str] | None = None, expanded: bool = True) -> Tree:
    """The tree of one derivation: header, one node per outcome (with ``quiet``, the failing ones), input errors."""
    tree = Tree(_header(derivation), guide_style=DIM)
    for outcome in derivation.outcomes:
        if quiet and outcome.passed:
            continue
        _add_outcome(tree, outcome, (written or {}).get((derivation.path, outcome.item), outcome.written), expanded)
    if derivation.errors:  # the messages are listed once, unindented, under "Input errors"
        tree.add(Text(f"! input errors ({len(derivation.errors)}), listed under Input errors", style=FAIL_STYLE))
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
    table.add_row("time", time_text(report))
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


def _outcome_label(outcome: Outcome) -> Text:
    """``✔ proved  step 2 (eq)  pass``: verdict (with its hypotheses), label, whether it met its expectation."""
    verdict = outcome.verdict
    phrase = expectation_phrase(outcome)
    return Text.assemble(
        (f"{VERDICT_SYMBOL[verdict]} {verdict.value}", VERDICT_STYLE[verdict]),
        # a verdict reached under hypotheses holds only where they hold: said beside it
        (f" {hypotheses_phrase(outcome.using)}" if is_conditional(outcome) else "", VERDICT_STYLE[verdict]),
        "  ",
        (item_name(outcome), "bold"),
        "  ",
        (phrase, PASS_STYLE if outcome.passed else FAIL_STYLE),
    )


def _add_outcome(tree: Tree, outcome: Outcome, written: str | None = None, expanded: bool = True) -> None:
    node = tree.add(_outcome_label(outcome))
    if written:  # as the author wrote it: defined names, @ products
        node.add(Text(written, overflow="fold"))
    if outcome.pretty and (expanded or not written) and outcome.pretty != written:
        # Lines of a 2-D pretty print that fit are kept as they are (alignment
        # intact); a line wider than the console is wrapped, and a word wider
        # than it folded, never cropped: no part of the expression is lost.
        node.add(Text(outcome.pretty, overflow="fold"))
    if outcome.by:
        node.add(Text.assemble(("by: ", DIM), outcome.by))
    node.add(_method_line(outcome))
    if outcome.detail:
        if outcome.verdict is Verdict.ERROR:  # listed once, unindented, under "Input errors"
            node.add(Text("input error, listed under Input errors", style="red"))
        else:
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
    return _unwrapped(" · ".join(parts), DIM)


def _add_counterexample(node: Tree, example: Counterexample) -> None:
    branch = node.add(Text("counterexample", style="red"))
    for name, value in example.values.items():
        branch.add(Text(f"{name} = {value}", overflow="fold"))
    branch.add(Text.assemble(("left side  = ", DIM), example.lhs))
    branch.add(Text.assemble(("right side = ", DIM), example.rhs))
    if example.seed is not None:
        branch.add(Text.assemble(("seed: ", DIM), str(example.seed)))
    if example.replay:
        branch.add(_unwrapped(Text.assemble(("replay: ", DIM), (example.replay, "bold"))))


def _unwrapped(text: str | Text, style: str | None = None) -> Text:
    """Text printed on one line, past the console's width if need be (never wrapped or cropped)."""
    line = Text(text, style=style or "") if isinstance(text, str) else text
    line.no_wrap = True
    line.overflow = "ignore"
    return line


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


__all__ = ["FULL", "NORMAL", "QUIET", "UNWRAPPED_WIDTH", "VERBOSE", "input_error_lines", "report_console", "derivation_line", "derivation_lines", "derivation_tree",
           "render_report", "summary_table"]
