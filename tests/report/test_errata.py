"""The errata view (derivcheck/report/errata.py) and ``derivcheck errata``: hand-built reports, no checking."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from derivcheck import cli
from derivcheck.errors import Span
from derivcheck.format.loader import load_derivation
from derivcheck.model import Counterexample, DerivationReport, Outcome, Report, Verdict
from derivcheck.report.errata import collect_errata, errata_renderable, render_errata_markdown

SAMPLE = """\
derivation: sample
title: A sample with recorded errors
source: "A book, §7.2, eqs. (7.2.1)-(7.2.6)"
symbols:
  x: real
steps:
  - start: (x + 1)**2
  - eq: x**2 + 2*x + 1
    by: expand (7.2.1)
  - eq: x**2 + 1
    by: (7.2.2) AS PRINTED, the middle term dropped
    expect: refuted
  - eq: (x + 1)*(x + 1)
    by: (7.2.2) corrected
  - start: x*(x + 1)
  - eq: x**2 + x
    by: (7.2.3) corrected
  - eq: x**2 - x
    by: (7.2.3) AS PRINTED
    expect: refuted
  - eq: x*x + x
    by: rearranged (7.2.4)
  - claim: 2*x = x + x
    by: (7.2.5)
  - claim: 2*x = x
    by: (7.2.6) AS PRINTED
    expect: refuted
  - claim: 3*x = x + x + x
    by: (7.2.6) corrected
"""

CHAIN_LABELS = {2: "eq", 3: "eq", 4: "eq", 6: "eq", 7: "eq", 8: "eq", 9: "claim", 10: "claim", 11: "claim"}


def _outcome(index: int, verdict: Verdict, expect: str = "holds", example: Counterexample | None = None,
             by: str | None = None) -> Outcome:
    return Outcome(derivation="sample", item=f"step-{index}", label=f"step {index} ({CHAIN_LABELS[index]})",
                   verdict=verdict, expect=expect, pretty=f"relation {index}", by=by, counterexample=example,
                   passed=(verdict is Verdict.REFUTED) == (expect == "refuted"),
                   span=Span("sample.deriv.yaml", index, 5))


@pytest.fixture
def sample(tmp_path: Path) -> tuple[object, DerivationReport]:
    path = tmp_path / "sample.deriv.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    derivation = load_derivation(str(path))
    example = Counterexample(values={"x": "1"}, lhs="5", rhs="2", seed=0, replay="derivcheck verify sample")
    outcomes = [_outcome(2, Verdict.PROVED), _outcome(3, Verdict.REFUTED, "refuted", example,
                                                       by="(7.2.2) AS PRINTED, the middle term dropped"),
                _outcome(4, Verdict.PROVED), _outcome(6, Verdict.PROVED),
                _outcome(7, Verdict.REFUTED, "refuted", example, by="(7.2.3) AS PRINTED"),
                _outcome(8, Verdict.PROVED), _outcome(9, Verdict.PROVED),
                _outcome(10, Verdict.NUMERIC, "refuted", by="(7.2.6) AS PRINTED"), _outcome(11, Verdict.PROVED)]
    report = DerivationReport(path=str(path), id="sample", title="A sample", source="A book, §7.2, eqs. (7.2.1)",
                              outcomes=tuple(outcomes))
    return derivation, report


def test_every_expected_refutation_is_listed_with_its_section_and_equation(sample) -> None:
    derivation, report = sample
    errata = collect_errata([derivation], [report])
    assert [e.label for e in errata] == ["step 3 (eq)", "step 7 (eq)", "step 10 (claim)"]
    assert [e.section for e in errata] == ["7.2", "7.2", "7.2"]
    assert [e.equations for e in errata] == ["7.2.2", "7.2.3", "7.2.6"]
    assert [e.refuted for e in errata] == [True, True, False]


def test_statements_are_shown_as_written_a_chain_step_with_the_expression_before_it(sample) -> None:
    derivation, report = sample
    first, second, third = collect_errata([derivation], [report])
    assert first.statement == "x**2 + 2*x + 1 = x**2 + 1"  # step 2's expression, not the refuted step's
    assert second.statement == "x**2 + x = x**2 - x"
    assert third.statement == "2*x = x"
    assert first.pretty == "relation 3"
    assert second.correction is not None and second.correction.statement == "x*(x + 1) = x**2 + x"


def test_the_correction_is_the_neighbour_that_cites_the_same_equation(sample) -> None:
    derivation, report = sample
    first, second, third = collect_errata([derivation], [report])
    # after the erratum in its chain (step 4 cites 7.2.2; step 2 cites 7.2.1)
    assert first.correction is not None and first.correction.label == "step 4 (eq)"
    # before it (step 6 cites 7.2.3; step 8 cites 7.2.4)
    assert second.correction is not None and second.correction.label == "step 6 (eq)"
    # among separate facts: step 11 cites 7.2.6, step 9 does not
    assert third.correction is not None and third.correction.label == "step 11 (claim)"


def test_without_a_shared_equation_the_next_step_is_the_correction(tmp_path: Path) -> None:
    path = tmp_path / "plain.deriv.yaml"
    path.write_text("derivation: plain\ntitle: t\nsymbols:\n  x: real\nsteps:\n  - start: x\n"
                    "  - eq: 2*x\n    expect: refuted\n  - eq: x + 0\n", encoding="utf-8")
    outcomes = (Outcome("plain", "step-2", "step 2 (eq)", Verdict.REFUTED, expect="refuted", passed=True),
                Outcome("plain", "step-3", "step 3 (eq)", Verdict.PROVED, passed=True))
    report = DerivationReport(path=str(path), id="plain", title="t", source=None, outcomes=outcomes)
    (erratum,) = collect_errata([load_derivation(str(path))], [report])
    assert erratum.correction is not None and erratum.correction.label == "step 3 (eq)"
    assert erratum.section == ""


def test_between_two_citing_neighbours_the_corrected_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "tie.deriv.yaml"
    path.write_text("derivation: tie\ntitle: t\nsymbols:\n  x: real\nsteps:\n"
                    "  - claim: 2*x = x + x\n    by: (1.1.1) corrected\n"
                    "  - claim: 2*x = x\n    by: (1.1.1) AS PRINTED\n    expect: refuted\n"
                    "  - claim: 3*x = x + 2*x\n    by: also about (1.1.1)\n", encoding="utf-8")
    outcomes = tuple(Outcome("tie", f"step-{i}", f"step {i} (claim)", v, expect=e, passed=True)
                     for i, v, e in ((1, Verdict.PROVED, "holds"), (2, Verdict.REFUTED, "refuted"),
                                     (3, Verdict.PROVED, "holds")))
    report = DerivationReport(path=str(path), id="tie", title="t", source=None, outcomes=outcomes)
    (erratum,) = collect_errata([load_derivation(str(path))], [report])
    assert erratum.correction is not None and erratum.correction.statement == "2*x = x + x"


def test_a_chain_start_is_never_a_correction(tmp_path: Path) -> None:
    path = tmp_path / "alone.deriv.yaml"
    path.write_text("derivation: alone\ntitle: t\nsymbols:\n  x: real\nsteps:\n  - start: x\n"
                    "  - eq: 2*x\n    expect: refuted\n", encoding="utf-8")
    outcomes = (Outcome("alone", "step-2", "step 2 (eq)", Verdict.REFUTED, expect="refuted", passed=True),)
    report = DerivationReport(path=str(path), id="alone", title="t", source=None, outcomes=outcomes)
    (erratum,) = collect_errata([load_derivation(str(path))], [report])
    assert erratum.correction is None


def test_markdown_shows_counterexample_correction_and_what_was_not_refuted(sample) -> None:
    derivation, report = sample
    text = render_errata_markdown(collect_errata([derivation], [report]))
    assert "3 recorded errors (`expect: refuted`); 2 refuted" in text
    assert "1. `sample` step 3 (eq) (§7.2, eq. 7.2.2): refuted" in text
    assert "   - counterexample: `x = 1`; left side `5`, right side `2`" in text
    assert "   - printed: `x**2 + 2*x + 1 = x**2 + 1`" in text
    assert "   - correction (step 4 (eq), proved): `x**2 + 2*x + 1 = (x + 1)*(x + 1)`" in text
    assert "   - printed: `x*(x + 1) = x**2 + x`" not in text  # a step expected to hold is no erratum
    assert "3. `sample` step 10 (claim) (§7.2, eq. 7.2.6): **NOT refuted (numeric)**" in text


def test_a_two_dimensional_statement_becomes_a_text_block() -> None:
    from derivcheck.report.errata import Erratum

    erratum = Erratum(path="p", derivation="d", section="1", equations="", label="step 2 (eq)",
                      statement="  2\nx  = 1", by=None, verdict=Verdict.REFUTED, detail="", counterexample=None,
                      correction=None, location="p")
    text = render_errata_markdown([erratum])
    assert "   - printed:\n\n     ```text\n       2\n     x  = 1\n     ```\n" in text


def test_one_recorded_error_is_counted_in_the_singular() -> None:
    from derivcheck.report.errata import Erratum

    erratum = Erratum(path="p", derivation="d", section="1", equations="", label="step 2 (eq)",
                      statement="x = 1", by=None, verdict=Verdict.REFUTED, detail="", counterexample=None,
                      correction=None, location="p")
    assert "\n1 recorded error (`expect: refuted`); 1 refuted" in render_errata_markdown([erratum])
    buffer = io.StringIO()
    Console(file=buffer, no_color=True, width=100).print(errata_renderable([erratum]))
    assert buffer.getvalue().startswith("Errata: 1 recorded error, 1 refuted\n")


def test_rich_view_lists_values_and_replay(sample) -> None:
    derivation, report = sample
    buffer = io.StringIO()
    Console(file=buffer, no_color=True, width=100).print(errata_renderable(collect_errata([derivation], [report])))
    text = buffer.getvalue()
    assert "Errata: 3 recorded errors, 2 refuted, 1 NOT refuted" in text
    assert "x = 1" in text and "replay: derivcheck verify sample" in text
    assert "! NOT refuted: numeric" in text
    assert "correction step 11 (claim) (proved)" in text


def test_errata_command_exits_1_when_an_erratum_is_not_refuted(sample, monkeypatch: pytest.MonkeyPatch) -> None:
    derivation, report = sample
    monkeypatch.setattr(cli.library, "run_verify", lambda paths, options, **run: Report(derivations=(report,)))
    result = CliRunner().invoke(cli.main, ["errata", derivation.path, "--format", "markdown"])
    assert result.exit_code == 1, result.output
    assert "**NOT refuted (numeric)**" in result.output


def test_errata_command_exits_0_when_every_erratum_is_refuted(sample, monkeypatch: pytest.MonkeyPatch) -> None:
    derivation, report = sample
    fixed = tuple(o if o.item != "step-10" else Outcome(**{**o.__dict__, "verdict": Verdict.REFUTED, "passed": True})
                  for o in report.outcomes)
    good = DerivationReport(**{**report.__dict__, "outcomes": fixed})
    monkeypatch.setattr(cli.library, "run_verify", lambda paths, options, **run: Report(derivations=(good,)))
    result = CliRunner().invoke(cli.main, ["errata", derivation.path])
    assert result.exit_code == 0, result.output
    assert "Errata: 3 recorded errors, 3 refuted" in result.output


def test_errata_show_the_hypotheses_beside_each_conditional_verdict(sample) -> None:
    from dataclasses import replace

    derivation, report = sample
    under = {"step-3": ("h",), "step-4": ("h", "g"), "step-10": ("g",)}
    conditional = replace(report, outcomes=tuple(replace(o, using=under.get(o.item, ())) for o in report.outcomes))
    errata = collect_errata([derivation], [conditional])
    assert errata[0].using == ("h",) and errata[0].correction.using == ("h", "g")
    text = render_errata_markdown(errata)
    assert "1. `sample` step 3 (eq) (§7.2, eq. 7.2.2): refuted under [h]" in text
    assert "   - correction (step 4 (eq), proved under [h, g]): `x**2 + 2*x + 1 = (x + 1)*(x + 1)`" in text
    assert "2. `sample` step 7 (eq) (§7.2, eq. 7.2.3): refuted\n" in text  # no hypotheses: nothing added
    assert "3. `sample` step 10 (claim) (§7.2, eq. 7.2.6): **NOT refuted (numeric under [g])**" in text
    buffer = io.StringIO()
    Console(file=buffer, no_color=True, width=100).print(errata_renderable(errata))
    view = buffer.getvalue()
    assert "✘ refuted under [h]  sample step 3 (eq) (§7.2, eq. 7.2.2)" in view
    assert "correction step 4 (eq) (proved under [h, g])" in view
    assert "! NOT refuted: numeric under [g]  sample step 10 (claim)" in view


@pytest.mark.parametrize("fmt", ["rich", "markdown"])
def test_errata_with_an_input_error_says_so_on_stdout(sample, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    derivation, report = sample
    broken = DerivationReport(path="broken.deriv.yaml", id="broken.deriv.yaml", title="(could not be loaded)",
                              source=None, outcomes=(), errors=("broken.deriv.yaml:3:1: unknown key 'sybmols'",))
    monkeypatch.setattr(cli.library, "run_verify",
                        lambda paths, options, **run: Report(derivations=(report, broken)))
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()  # click >= 8.2 keeps result.stdout apart
    result = runner.invoke(cli.main, ["errata", derivation.path, "--format", fmt])
    assert result.exit_code == 2
    assert "1 input error(s): files that could not be read have no errata above" in result.stdout
    assert result.stdout.count("broken.deriv.yaml:3:1: unknown key 'sybmols'") == 1
    assert "derivcheck errata: 1 input error(s)" in result.stderr


def test_a_refuted_check_is_shown_as_written_with_its_defined_names(tmp_path: Path) -> None:
    path = tmp_path / "grad.deriv.yaml"
    path.write_text("derivation: grad\ntitle: t\nsymbols:\n  n: dimension\n  A: matrix[n, n]\n  x: vector[n]\n"
                    "define:\n  q: x.T @ A @ x\nchecks:\n  - gradient:\n      of: q\n      wrt: x\n"
                    "      equals: 2 * A @ x\n    expect: refuted\n", encoding="utf-8")
    outcome = Outcome("grad", "check-1", "check 1 (gradient)", Verdict.REFUTED, expect="refuted", passed=True,
                      pretty="grad(x.T @ A @ x, x) = 2*A @ x")
    report = DerivationReport(path=str(path), id="grad", title="t", source=None, outcomes=(outcome,))
    (erratum,) = collect_errata([load_derivation(str(path))], [report])
    assert erratum.statement == "grad(q, x) = 2 * A @ x"  # the defined name kept, as the file writes it
    assert erratum.pretty == "grad(x.T @ A @ x, x) = 2*A @ x"  # the checked form beside it
