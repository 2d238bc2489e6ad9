"""The Rich report, rendered as plain text from hand-built Reports."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from derivcheck.errors import Span
from derivcheck.model import Counterexample, DerivationReport, Outcome, Report, Verdict
from derivcheck.report import render_report
from derivcheck.report.pretty import expectation_phrase, format_seconds, verdict_counts
from derivcheck.report.rich_report import FULL, NORMAL, QUIET, VERBOSE


def plain_console(width: int = 100) -> Console:
    return Console(file=io.StringIO(), force_terminal=False, no_color=True, width=width)


def render(report: Report, *, quiet: bool = False, width: int = 100, verbosity: int = FULL) -> str:
    """The report at ``verbosity`` (default ``-vv``, every tree in full: what most tests here look at)."""
    console = plain_console(width)
    render_report(report, console, quiet=quiet, verbosity=verbosity)
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
    assert "✔ proved under [h]  claim  pass" in text
    assert "✔ proved              2 (2 under hypotheses)" in text
    assert "≈ numeric             1 (1 under hypotheses)" in text
    assert "? unknown             1  " in text


def test_a_failing_conditional_verdict_names_its_hypotheses() -> None:
    failing = outcome("step 2 (eq)", Verdict.REFUTED, passed=False, using=("h",), counterexample=COUNTEREXAMPLE)
    assert expectation_phrase(failing) == "FAIL: expected holds, got refuted under [h]"


def many_passing(count: int) -> Report:
    derivations = tuple(
        DerivationReport(path=f"derivations/d{n}.deriv.yaml", id=f"d{n}", title=f"Derivation {n}", source="Book",
                         seconds=0.5, outcomes=tuple(
                             outcome(f"step {k} (eq)", Verdict.PROVED, passed=True, method="simplify",
                                     pretty="a = a", by="why", span=Span(f"derivations/d{n}.deriv.yaml", k, 5))
                             for k in range(1, 7)) + (outcome("claim link", Verdict.NUMERIC, passed=True),))
        for n in range(count))
    return Report(derivations=derivations, seconds=5.0)


def test_default_is_one_line_per_passing_derivation_with_its_verdict_counts() -> None:
    text = render(many_passing(10), verbosity=NORMAL)
    assert "PASS  d3  derivations/d3.deriv.yaml  (6 proved, 1 numeric; 500 ms)" in text.splitlines()
    assert "step 1 (eq)" not in text and "method:" not in text
    before_summary = text[: text.index("Summary")].strip().splitlines()
    assert len(before_summary) == 10  # one line each, nothing else
    assert len(text.splitlines()) <= 10 + 16
    full = render(many_passing(10), verbosity=FULL)
    assert len(full.splitlines()) > 10 * 7  # -vv: the trees as before


def test_default_shows_failing_items_in_full_after_the_lines() -> None:
    text = render(every_verdict(), verbosity=NORMAL)
    lines = text.splitlines()
    assert lines[0].startswith("FAIL  demo-id  derivations/demo.deriv.yaml  (1 proved, 1 proved-instances, "
                               "1 numeric, 2 refuted, 1 unknown, 1 error, 3 failed; 1.25 s)")
    assert "Failures: 3 items in 1 derivation" in text
    failures = text[text.index("Failures"):]
    assert "✘ refuted  step 5 (eq)  FAIL: expected holds, got refuted" in failures
    assert "replay: derivcheck verify demo.deriv.yaml --seed 7" in failures
    assert "alpha[1] = 1/2" in failures
    assert "step 1 (eq)" not in failures  # a passing item is not repeated


def test_verbose_lists_every_item_on_one_line() -> None:
    text = render(every_verdict(), verbosity=VERBOSE)
    listing = text[: text.index("Failures")]
    assert "    ✔ proved  step 1 (eq)  pass  at derivations/demo.deriv.yaml:9:5" in listing.splitlines()
    assert "    ✘ refuted  step 4 (eq)  refuted as expected" in listing
    assert "x⋅alpha[t] + 1" not in listing  # relations only with -vv


def test_quiet_verbosity_is_the_quiet_flag() -> None:
    assert render(every_verdict(), verbosity=QUIET) == render(every_verdict(), quiet=True)


def test_lines_already_shown_as_progress_are_not_repeated() -> None:
    report = many_passing(3)
    console = plain_console()
    render_report(report, console, shown={"derivations/d1.deriv.yaml"})
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "PASS  d0" in text and "PASS  d2" in text
    assert "PASS  d1" not in text


def test_replay_commands_and_locations_are_never_wrapped_in_a_narrow_console() -> None:
    path = "derivations/a-folder-with-a-rather-long-name/and-a-long-file-name.deriv.yaml"
    replay = f"derivcheck verify {path} --seed 123456 --points 24"
    example = Counterexample(values={"x": "1"}, lhs="1", rhs="2", seed=123456, replay=replay)
    failing = outcome("step 2 (eq)", Verdict.REFUTED, passed=False, counterexample=example, method="numeric",
                      span=Span(path, 12, 7))
    error = outcome("step 3 (eq)", Verdict.ERROR, passed=False, detail=f"{path}:14:9: unknown name `w`")
    report = Report(derivations=(DerivationReport(path=path, id="d", title="t", source=None,
                                                  outcomes=(failing, error), errors=(f"{path}:3:1: bad key",)),))
    for verbosity in (QUIET, NORMAL, VERBOSE, FULL):
        lines = render(report, width=40, verbosity=verbosity).splitlines()
        assert any(line.endswith(f"replay: {replay}") for line in lines), verbosity
        assert any(line.endswith(f"at {path}:12:7") for line in lines), verbosity
        assert any(line.endswith(f"{path}:14:9: unknown name `w`") for line in lines), verbosity
        assert any(line.endswith(f"{path}:3:1: bad key") for line in lines), verbosity


def test_a_console_that_is_not_a_terminal_does_not_wrap(monkeypatch) -> None:
    from derivcheck.report.rich_report import UNWRAPPED_WIDTH, report_console

    monkeypatch.setenv("COLUMNS", "80")
    assert report_console().width == UNWRAPPED_WIDTH  # pytest captures stdout: not a terminal


def test_derivation_lines_and_input_errors_stay_whole_at_width_20() -> None:
    path = "derivations/" + "long-" * 10 + "name.deriv.yaml"
    report = Report(derivations=(DerivationReport(path=path, id="d", title="t", source=None, outcomes=(),
                                                  errors=(f"{path}:3:1: bad key",)),))
    lines = render(report, width=20, verbosity=NORMAL).splitlines()
    assert f"FAIL  d  {path}  (1 input error, 1 failed; 0 ms)" in lines
    assert f"{path}:3:1: bad key" in lines  # once, unindented: editors jump to it
    assert sum(f"{path}:3:1: bad key" in line for line in lines) == 1
