"""The Rich report, rendered as plain text from hand-built Reports."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from derivcheck.errors import Span
from derivcheck.model import Counterexample, DerivationReport, Outcome, Report, Verdict
from derivcheck.report import render_report
from derivcheck.report.pretty import expectation_phrase, format_seconds, verdict_counts


def plain_console(width: int = 100) -> Console:
    return Console(file=io.StringIO(), force_terminal=False, no_color=True, width=width)


def render(report: Report, *, quiet: bool = False, width: int = 100) -> str:
    console = plain_console(width)
    render_report(report, console, quiet=quiet)
    return console.file.getvalue()  # type: ignore[attr-defined]


def outcome(label: str, verdict: Verdict, *, passed: bool, expect: str = "holds", **kw: object) -> Outcome:
    return Outcome(
        derivation="demo", item=label, label=label, verdict=verdict, expect=expect, passed=passed, **kw
    )  # type: ignore[arg-type]


COUNTEREXAMPLE = Counterexample(
    values={"t": "2", "alpha[1]": "1/2"},
    lhs="3/4",
    rhs="1/2",
    seed=7,
    replay="derivcheck verify demo.deriv.yaml --seed 7",
)


def report_of(*outcomes: Outcome, errors: tuple[str, ...] = (), seed: int = 0) -> Report:
    derivation = DerivationReport(
        path="derivations/demo.deriv.yaml",
        id="demo-id",
        title="A demonstration",
        source="Bishop (2006), eq. 3.1",
        outcomes=outcomes,
        seconds=1.25,
        errors=errors,
    )
    return Report(derivations=(derivation,), seconds=2.5, seed=seed)


def every_verdict() -> Report:
    return report_of(
        outcome(
            "step 1 (eq)",
            Verdict.PROVED,
            passed=True,
            method="simplify",
            seconds=0.012,
            by="transpose of a product",
            pretty="x⋅alpha[t] + 1",
            span=Span("derivations/demo.deriv.yaml", 9, 5),
        ),
        outcome("step 2 (eq)", Verdict.PROVED_INSTANCES, passed=True, method="instances t=1..12"),
        outcome("step 3 (le)", Verdict.NUMERIC, passed=True, method="numeric, 24 points"),
        outcome("step 4 (eq)", Verdict.REFUTED, passed=True, expect="refuted", counterexample=COUNTEREXAMPLE),
        outcome("step 5 (eq)", Verdict.REFUTED, passed=False, counterexample=COUNTEREXAMPLE),
        outcome("step 6 (ge)", Verdict.UNKNOWN, passed=False, detail="symbolic check timed out"),
        outcome("claim", Verdict.ERROR, passed=False, detail="claim does not match the chain"),
    )


def test_every_verdict_has_its_symbol_label_and_expectation() -> None:
    text = render(every_verdict())
    assert "✔ proved  step 1 (eq)  pass" in text
    assert "✔ proved-instances  step 2 (eq)  pass" in text
    assert "≈ numeric  step 3 (le)  pass" in text
    assert "✘ refuted  step 4 (eq)  refuted as expected" in text
    assert "✘ refuted  step 5 (eq)  FAIL: expected holds, got refuted" in text
    assert "? unknown  step 6 (ge)  FAIL: expected holds, got unknown" in text
    assert "! error  claim  FAIL: expected holds, got error" in text


def test_header_pretty_by_method_time_and_span() -> None:
    text = render(every_verdict())
    assert "FAIL  demo-id — A demonstration" in text
    assert "source: Bishop (2006), eq. 3.1" in text
    assert "file: derivations/demo.deriv.yaml" in text
    assert "x⋅alpha[t] + 1" in text
    assert "by: transpose of a product" in text
    assert "method: simplify · 12 ms · at derivations/demo.deriv.yaml:9:5" in text
    assert "symbolic check timed out" in text


def test_counterexample_values_sides_seed_and_replay() -> None:
    text = render(report_of(outcome("step 5 (eq)", Verdict.REFUTED, passed=False, counterexample=COUNTEREXAMPLE)))
    assert "counterexample" in text
    assert "t = 2" in text
    assert "alpha[1] = 1/2" in text
    assert "left side  = 3/4" in text
    assert "right side = 1/2" in text
    assert "seed: 7" in text
    assert "replay: derivcheck verify demo.deriv.yaml --seed 7" in text


def test_file_text_is_never_read_as_markup() -> None:
    text = render(
        report_of(
            outcome("[bold]step[/bold] 1", Verdict.PROVED, passed=True, by="see [red]x[/red]", pretty="X[i, j]"),
            errors=("demo.deriv.yaml:3:7: unknown name `[link]` (declare it under symbols)",),
        )
    )
    assert "[bold]step[/bold] 1" in text
    assert "by: see [red]x[/red]" in text
    assert "X[i, j]" in text
    assert "demo.deriv.yaml:3:7: unknown name `[link]` (declare it under symbols)" in text


def test_multiline_pretty_keeps_alignment_and_folds_instead_of_cropping() -> None:
    pretty = " 2\nx  + 1 = y\n" + "─" * 70
    text = render(report_of(outcome("step 1 (eq)", Verdict.PROVED, passed=True, pretty=pretty)), width=40)
    lines = [line.rstrip() for line in text.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.endswith(" 2"))
    assert lines[first + 1].endswith("x  + 1 = y")
    assert lines[first].index("2") == lines[first + 1].index("x") + 1
    # The 70-character rule does not fit in 40 columns: every character is still there.
    assert sum(line.count("─") for line in lines) >= 70


def test_input_errors_are_listed_and_fail_the_result() -> None:
    text = render(report_of(errors=("demo.deriv.yaml:1:1: unknown key `symbol` (did you mean `symbols`?)",)))
    assert "! input errors (1)" in text
    assert "demo.deriv.yaml:1:1: unknown key `symbol` (did you mean `symbols`?)" in text
    assert "FAILED (bad input)" in text


def summary_rows(text: str) -> dict[str, str]:
    rows = {}
    for line in text[text.index("Summary") :].splitlines()[1:]:
        parts = line.strip().split("  ", 1)
        if len(parts) == 2:
            rows[parts[0].strip()] = parts[1].strip()
    return rows


def test_summary_counts_each_verdict_and_the_result() -> None:
    rows = summary_rows(render(every_verdict(), quiet=False))
    assert rows["derivations"] == "1 (0 passed, 1 failed)"
    assert rows["items"] == "7 (4 passed, 3 failed)"
    assert rows["✔ proved"] == "1"
    assert rows["✔ proved-instances"] == "1"
    assert rows["≈ numeric"] == "1"
    assert rows["✘ refuted"] == "2"
    assert rows["? unknown"] == "1"
    assert rows["! error"] == "1"
    assert rows["time"] == "2.50 s"
    assert rows["result"] == "FAILED"


def test_passing_report_says_passed() -> None:
    report = report_of(outcome("step 1 (eq)", Verdict.PROVED, passed=True), seed=42)
    text = render(report)
    rows = summary_rows(text)
    assert rows["result"] == "PASSED"
    assert rows["seed"] == "42"
    assert "PASS  demo-id" in text


def test_quiet_shows_only_failures_and_the_summary() -> None:
    text = render(every_verdict(), quiet=True)
    assert "step 1 (eq)" not in text
    assert "refuted as expected" not in text
    assert "step 5 (eq)  FAIL" in text
    assert "step 6 (ge)  FAIL" in text
    assert "Summary" in text
    # The summary still counts the hidden, passing items.
    assert summary_rows(text)["✔ proved"] == "1"


def test_quiet_hides_a_derivation_that_passes() -> None:
    text = render(report_of(outcome("step 1 (eq)", Verdict.PROVED, passed=True)), quiet=True)
    assert "demo-id" not in text
    assert "PASSED" in text


def test_no_ansi_escapes_in_plain_output() -> None:
    assert "\x1b[" not in render(every_verdict())


def test_colour_when_a_terminal_allows_it() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", width=100)
    render_report(every_verdict(), console)
    assert "\x1b[" in console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0.0004, "0 ms"), (0.25, "250 ms"), (1.0, "1.00 s"), (59.5, "59.50 s"), (61, "1 min 1 s")]
)
def test_format_seconds(seconds: float, expected: str) -> None:
    assert format_seconds(seconds) == expected


def test_expectation_phrase_trusts_the_pipelines_passed_flag() -> None:
    # A refuted item expected refuted but marked not passed is shown as a failure:
    # the report explains the pipeline's decision, it does not make its own.
    item = outcome("s", Verdict.REFUTED, passed=False, expect="refuted")
    assert expectation_phrase(item).startswith("FAIL")
    assert expectation_phrase(outcome("s", Verdict.NUMERIC, passed=False)).startswith("FAIL: numeric evidence only")
    assert expectation_phrase(outcome("s", Verdict.PROVED, passed=False, expect="refuted")) == (
        "FAIL: expected refuted, got proved"
    )


def test_verdict_counts_cover_every_verdict() -> None:
    counts = verdict_counts(every_verdict())
    assert set(counts) == set(Verdict)
    assert list(counts)[0] is Verdict.PROVED
    assert counts[Verdict.REFUTED] == 2
    assert sum(counts.values()) == 7


def test_a_verdict_under_hypotheses_shows_them_beside_it() -> None:
    from report_samples import conditional_report

    text = render(conditional_report())
    assert "✔ proved under [h]  step 2 (eq)  pass" in text
    assert "≈ numeric under [h, g]  step 3 (le)  pass" in text
    assert "✘ refuted under [g]  step 4 (eq)  refuted as expected" in text
    assert "? unknown  step 5 (eq)  FAIL: expected holds, got unknown" in text  # unknown claims nothing
    assert "✔ proved under [h]  claim link  pass" in text
    assert "✔ proved              2 (2 under hypotheses)" in text
    assert "≈ numeric             1 (1 under hypotheses)" in text
    assert "? unknown             1  " in text


def test_a_failing_conditional_verdict_names_its_hypotheses() -> None:
    failing = outcome("step 2 (eq)", Verdict.REFUTED, passed=False, using=("h",), counterexample=COUNTEREXAMPLE)
    assert expectation_phrase(failing) == "FAIL: expected holds, got refuted under [h]"
