"""``derivcheck index`` (derivcheck/report/index.py) and the staleness of derivations/README.md."""

from __future__ import annotations

from dataclasses import replace

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from derivcheck import cli
from derivcheck.format.library import load_library
from derivcheck.format.loader import load_derivation
from derivcheck.model import DerivationReport, Outcome, Report, Verdict
from derivcheck.report.index import (MARKER, build_index, equation_numbers, establishes, format_equations,
                                     preamble_of, render_index_markdown, section_of, totals, verdict_strength)
from repo_paths import REPO

LIBRARY = REPO / "derivations"
README = LIBRARY / "README.md"
REGENERATE = "derivcheck index derivations --output derivations/README.md"

DEMO = """\
derivation: demo
title: A demo | with a bar
source: "Some notes, §4.2, eqs. (4.2.1)-(4.2.3)"
symbols:
  x: real
steps:
  - start: x + x
  - eq: 2*x
    by: collect (4.2.4)
  - le: 2*x + x**2
    by: a square is non-negative (4.2.7)
  - claim: x*0 = 0
  - claim: x = x + 1
    expect: refuted
"""


def _demo(tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "demo.deriv.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(DEMO, encoding="utf-8")
    return path


def test_equation_numbers_expand_ranges_and_skip_sections() -> None:
    assert equation_numbers("§2.5.1, eqs. (2.5.1)-(2.5.3)") == [(2, 5, 1), (2, 5, 2), (2, 5, 3)]
    assert equation_numbers("(4.1.3, 4.1.6-4.1.8)") == [(4, 1, 3), (4, 1, 6), (4, 1, 7), (4, 1, 8)]
    assert equation_numbers("§ 3.1.1 and (5.3, toward 5.3.2), DDPM (2020)") == [(5, 3, 2)]
    assert equation_numbers("(1.2.3)-(1.3.1)") == [(1, 2, 3), (1, 3, 1)]


def test_format_equations_joins_runs() -> None:
    assert format_equations([(2, 2, 9), (2, 2, 10), (2, 2, 4), (3, 1, 1), (2, 2, 5)]) == \
        "2.2.4–2.2.5, 2.2.9–2.2.10, 3.1.1"
    assert format_equations([]) == ""


def test_section_is_the_first_one_cited() -> None:
    assert section_of("A book (2024), §2.5.2, the normal density after eq. (2.5.33)") == "2.5.2"
    assert section_of("no section here") == "" and section_of(None) == ""


def test_establishes_composes_the_first_chain_and_counts_the_rest(tmp_path: Path) -> None:
    derivation = load_derivation(str(_demo(tmp_path)))
    assert establishes(derivation) == ("x + x <= 2*x + x**2", "1 fact")


def test_rows_cite_source_and_by_equations(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    (row,) = build_index([load_derivation(str(path))], base=str(path.parent))
    assert (row.file, row.id, row.section, row.equations) == ("demo.deriv.yaml", "demo", "4.2", "4.2.1–4.2.4, 4.2.7")
    assert row.counts == {}
    text = render_index_markdown([row])
    assert "| [`demo.deriv.yaml`](demo.deriv.yaml) | 4.2 | 4.2.1–4.2.4, 4.2.7 | A demo \\| with a bar | " \
           "`x + x <= 2*x + x**2` (+ 1 fact) |" in text
    assert "proved" not in text


def _outcome(item: str, verdict: Verdict, expect: str = "holds", passed: bool = True) -> Outcome:
    return Outcome("demo", item, item, verdict, expect=expect, passed=passed)


def test_verdict_strength_counts_each_kind() -> None:
    report = DerivationReport(path="demo.deriv.yaml", id="demo", title="t", source=None, outcomes=(
        _outcome("a", Verdict.PROVED), _outcome("b", Verdict.PROVED_INSTANCES), _outcome("c", Verdict.NUMERIC),
        _outcome("d", Verdict.REFUTED, "refuted"), _outcome("e", Verdict.UNKNOWN, passed=False),
        _outcome("f", Verdict.NUMERIC, "refuted", passed=False)), errors=("bad",))
    assert verdict_strength(report) == {"proved": 1, "proved-instances": 1, "numeric": 1, "conditional": 0,
                                        "errata": 1, "failed": 3}


def test_verified_rows_show_counts_totals_and_failures(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    report = DerivationReport(path=str(path), id="demo", title="t", source=None, outcomes=(
        _outcome("a", Verdict.PROVED), _outcome("b", Verdict.PROVED), _outcome("c", Verdict.NUMERIC),
        _outcome("d", Verdict.REFUTED, "refuted"), _outcome("e", Verdict.UNKNOWN, passed=False)))
    rows = build_index([load_derivation(str(path))], [report], base=str(path.parent))
    assert totals(rows)["proved_share"] == pytest.approx(66.7)
    text = render_index_markdown(rows)
    assert "| 2 | 0 | 1 | 0 | 1 (**1 failed**) |" in text
    assert "Items expected to hold: 3; proved 2, proved at instances 0, numeric only 1 (66.7% proved" in text
    assert "; 0 of them hold only under hypotheses they state (`using`)." in text


def test_verdicts_under_hypotheses_are_counted_apart(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    report = DerivationReport(path=str(path), id="demo", title="t", source=None, outcomes=(
        replace(_outcome("a", Verdict.PROVED), using=("h",)), _outcome("b", Verdict.PROVED),
        replace(_outcome("c", Verdict.NUMERIC), using=("h", "g")),
        replace(_outcome("d", Verdict.REFUTED, "refuted"), using=("h",)),  # a recorded error: not a holding item
        replace(_outcome("e", Verdict.UNKNOWN, passed=False), using=("h",))))
    assert verdict_strength(report) == {"proved": 2, "proved-instances": 0, "numeric": 1, "conditional": 2,
                                        "errata": 1, "failed": 1}
    rows = build_index([load_derivation(str(path))], [report], base=str(path.parent))
    text = render_index_markdown(rows)
    assert "| ✔ proved | ✔ instances | ≈ numeric | of which under hypotheses | ✘ errata refuted |" in text
    assert "| 2 | 0 | 1 | 2 | 1 (**1 failed**) |" in text
    assert ("Items expected to hold: 3; proved 2, proved at instances 0, numeric only 1 (66.7% proved or proved "
            "at instances); 2 of them hold only under hypotheses they state (`using`).") in text
    assert totals(rows)["conditional"] == 2


def test_preamble_is_kept_up_to_the_marker() -> None:
    assert preamble_of(f"# Title\n\nhand text\n{MARKER}\nold table\n") == f"# Title\n\nhand text\n{MARKER}\n"
    assert preamble_of(None) == MARKER + "\n"
    assert preamble_of("no marker at all") == MARKER + "\n"


def test_index_command_writes_keeps_preamble_and_checks(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    out = path.parent / "README.md"
    out.write_text(f"# My library\n{MARKER}\nstale\n", encoding="utf-8")
    runner = CliRunner()
    stale = runner.invoke(cli.main, ["index", str(path.parent), "--no-verify", "--output", str(out), "--check"])
    assert stale.exit_code == 1 and "is stale" in stale.output
    written = runner.invoke(cli.main, ["index", str(path.parent), "--no-verify", "--output", str(out)])
    assert written.exit_code == 0, written.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# My library\n{MARKER}\n\n1 derivation files.") and "stale" not in text
    fresh = runner.invoke(cli.main, ["index", str(path.parent), "--no-verify", "--output", str(out), "--check"])
    assert fresh.exit_code == 0 and "up to date" in fresh.output


def test_index_command_json_carries_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _demo(tmp_path)
    report = DerivationReport(path=str(path), id="demo", title="t", source=None,
                              outcomes=(_outcome("a", Verdict.PROVED), _outcome("d", Verdict.REFUTED, "refuted")))
    monkeypatch.setattr(cli.library, "run_verify", lambda paths, options, **run: Report(derivations=(report,)))
    result = CliRunner().invoke(cli.main, ["index", str(path.parent), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["files"][0]["counts"] == {"proved": 1, "proved-instances": 0, "numeric": 0, "conditional": 0,
                                          "errata": 1, "failed": 0}
    assert data["totals"]["proved_share"] == 100.0


def test_check_without_output_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli.main, ["index", "--check", "--no-verify"])
    assert result.exit_code == 2 and "--check needs --output" in result.output


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| [`")]


def test_library_readme_is_generated_and_lists_every_file_as_it_is_now() -> None:
    """Fast guard (metadata only): the README's rows start with what the files say today."""
    readme = README.read_text(encoding="utf-8")
    assert MARKER in readme, f"derivations/README.md is not generated; run: {REGENERATE}"
    derivations, errors = load_library([str(LIBRARY)])
    assert errors == []
    expected = [row[:-1] for row in _table_rows(render_index_markdown(build_index(derivations, base=str(LIBRARY))))]
    found = _table_rows(readme)
    assert len(found) == len(expected), f"derivations/README.md is stale; run: {REGENERATE}"
    for want, have in zip(expected, found):
        assert have.startswith(want + "| "), f"derivations/README.md is stale at {want!r}; run: {REGENERATE}"


@pytest.mark.slow
def test_library_readme_is_exactly_what_index_generates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole README, verdict counts and errata included, from a real verify run (the cache helps)."""
    monkeypatch.chdir(REPO)
    derivations, report = cli.library._verified_library(("derivations",), None, ".derivcheck-cache", False)
    text = cli.library.index_document(derivations, report, "markdown", "derivations/README.md")
    assert text == README.read_text(encoding="utf-8"), f"derivations/README.md is stale; run: {REGENERATE}"


def test_equation_numbers_read_other_books_styles() -> None:
    assert equation_numbers("Bishop (2006), eq. (3.2)") == [(3, 2)]
    assert equation_numbers("Eqs. 12-14 of the paper") == [(12,), (13,), (14,)]
    assert equation_numbers("equation 7, then (8) and (9)-(10)") == [(7,), (8,), (9,), (10,)]
    assert equation_numbers("Ho et al. (2020), (12)") == [(12,)]  # a year is not an equation
    assert equation_numbers("given (1), so (3.1.4)") == [(3, 1, 4)]  # beside a.b.c, (1) is an assumption
    assert format_equations(equation_numbers("eq. (3.2), eq. (3.3), (3.4)")) == "3.2–3.4"


def test_a_section_written_as_a_word_is_a_section_not_an_equation() -> None:
    assert equation_numbers("Section 2.5.1, eq. (2.5.3)") == [(2, 5, 3)]
    assert section_of("Section 2.5.1, eq. (2.5.3)") == "2.5.1"
    assert equation_numbers("Sec. 4.2.1 and sections 4.3.1-4.3.2, eqs. (12)-(13)") == [(12,), (13,)]
    assert section_of("Murphy, sec 4.2, (12)") == "4.2"
    assert section_of("an insect 2.5.1") == "" and equation_numbers("an insect 2.5.1") == [(2, 5, 1)]


def test_index_shows_equations_of_another_style(tmp_path) -> None:
    path = tmp_path / "e.deriv.yaml"
    path.write_text("derivation: e\ntitle: t\nsource: 'Goodfellow et al., eq. (6.12)'\nsymbols:\n  a: real\n"
                    "steps:\n  - start: a\n  - eq: a + 0\n    by: (6.13)\n", encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["index", str(tmp_path), "--no-verify", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "6.12–6.13" in result.output
