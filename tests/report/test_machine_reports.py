"""JSON (against its schema), JUnit (parsed back), Markdown and HTML reports of a hand-built run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from dataclasses import replace

from derivcheck.model import Verdict
from derivcheck.report.pretty import item_name
from derivcheck.report.html import render_html
from derivcheck.model_json import derivation_from_dict, derivation_to_dict
from derivcheck.report.json_report import render_json, report_schema
from derivcheck.report.junit import render_junit
from derivcheck.report.markdown import render_markdown
from report_samples import sample_report


def test_json_report_validates_against_its_schema() -> None:
    data = json.loads(render_json(sample_report()))
    jsonschema.Draft202012Validator.check_schema(report_schema())
    jsonschema.validate(data, report_schema())
    assert data["schema_version"] == 2
    assert data["passed"] is False
    assert data["summary"]["verdicts"]["refuted"] == 2
    assert data["summary"]["items_failed"] == 2
    failing = data["derivations"][1]["outcomes"][0]
    assert failing["counterexample"]["replay"] == "derivcheck verify lib/b.deriv.yaml --seed 0"
    assert failing["span"] == {"file": "lib/b.deriv.yaml", "line": 9, "col": 5}


def test_the_schema_rejects_a_wrong_report() -> None:
    # Guards the guard: a report with an unknown verdict or a missing field does not validate.
    data = json.loads(render_json(sample_report()))
    data["derivations"][0]["outcomes"][0]["verdict"] = "probably"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema())
    data = json.loads(render_json(sample_report()))
    del data["derivations"][0]["outcomes"][0]["latex"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema())


def test_json_form_round_trips() -> None:
    for derivation in sample_report().derivations:
        back = derivation_from_dict(json.loads(json.dumps(derivation_to_dict(derivation))))
        assert back == derivation


def test_junit_parses_back_with_counts_and_failures() -> None:
    root = ET.fromstring(render_junit(sample_report()).encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "2")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["psd-example", "wrong-sign"]
    cases = suites[1].findall("testcase")
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "refuted"
    assert cases[0].get("line") == "9" and cases[0].get("file") == "lib/b.deriv.yaml"
    assert "replay: derivcheck verify lib/b.deriv.yaml --seed 0" in failure.text
    assert cases[1].find("error") is not None  # the error verdict
    assert "\ufffd" in cases[1].find("error").text  # a control character made XML-safe
    assert suites[0].findall("testcase")[1].find("failure") is None  # refuted as expected passes


def test_markdown_has_math_and_escapes_file_text() -> None:
    text = render_markdown(sample_report())
    assert "**FAILED**" in text
    assert r"$x = \left\|x\right\|$" in text  # | inside a table cell is escaped
    assert "X^T X is \\<psd\\> & fine" in text
    assert "replay: derivcheck verify lib/b.deriv.yaml --seed 0" in text
    assert "| ✘ refuted | 2 |" in text


def test_html_is_self_contained_escaped_and_coloured() -> None:
    page = render_html(sample_report())
    assert page.startswith("<!DOCTYPE html>")
    for remote in ("http://", "https://", "<script", "<link", "src="):
        assert remote not in page
    assert "X^T X is &lt;psd&gt; &amp; fine" in page
    assert "<psd>" not in page
    assert "background:#cf222e" in page and "background:#1a7f37" in page
    assert '<pre class="math line">a - b = b - a</pre>' in page
    assert page.count("<section") == 2
    assert Verdict.ERROR.value in page


def test_json_carries_the_hypotheses_of_each_verdict() -> None:
    from report_samples import conditional_report

    data = json.loads(render_json(conditional_report()))
    jsonschema.validate(data, report_schema())
    assert [o["using"] for o in data["derivations"][0]["outcomes"]] == [["h"], ["h", "g"], ["g"], ["g"], ["h"]]
    assert json.loads(render_json(sample_report()))["derivations"][0]["outcomes"][0]["using"] == []
    for derivation in conditional_report().derivations:
        # read back whole; the claim's label is the name every report gives it ("claim", not "claim link")
        named = replace(derivation, outcomes=tuple(replace(o, label=item_name(o)) for o in derivation.outcomes))
        assert derivation_from_dict(json.loads(json.dumps(derivation_to_dict(derivation)))) == named


def test_json_written_before_the_hypotheses_field_still_reads_and_validates() -> None:
    data = derivation_to_dict(sample_report().derivations[0])
    for entry in data["outcomes"]:
        del entry["using"]
    assert derivation_from_dict(data) == sample_report().derivations[0]
    whole = json.loads(render_json(sample_report()))
    del whole["derivations"][0]["outcomes"][0]["using"]
    jsonschema.validate(whole, report_schema())  # an optional field: the schema version stays 1
    whole["derivations"][0]["outcomes"][1]["using"] = "h"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(whole, report_schema())


def test_junit_shows_the_hypotheses_beside_the_verdict() -> None:
    from report_samples import conditional_report

    root = ET.fromstring(render_junit(conditional_report()).encode("utf-8"))
    cases = root.find("testsuite").findall("testcase")
    assert cases[0].find("system-out").text.splitlines()[0] == "verdict: proved under [h] (expected holds): pass"
    assert cases[1].find("system-out").text.splitlines()[0] == \
        "verdict: numeric under [h, g] (expected holds): pass"
    assert cases[2].find("system-out").text.splitlines()[0] == \
        "verdict: refuted under [g] (expected refuted): refuted as expected"
    assert cases[3].find("failure").text.splitlines()[0] == \
        "verdict: unknown (expected holds): FAIL: expected holds, got unknown"
    assert [(p.get("name"), p.get("value")) for p in cases[1].find("properties")] == [("using", "h, g")]
    assert cases[4].get("name") == "claim"
    assert cases[4].find("system-out").text.splitlines()[0] == "verdict: proved under [h] (expected holds): pass"
    assert ET.fromstring(render_junit(sample_report()).encode("utf-8")).find(".//properties") is None


def test_markdown_shows_the_hypotheses_beside_the_verdict() -> None:
    from report_samples import conditional_report

    text = render_markdown(conditional_report())
    assert "| ✔ proved | 2 (2 under hypotheses) |" in text
    assert "| ? unknown | 1 |" in text
    assert "| ✔ | step 2 (eq) | $a = b$ | `proved under [h]` | canonical | pass |" in text
    assert r"| ≈ | step 3 (le) | $b \le c$ | `numeric under [h, g]` | numeric | pass |" in text
    assert "| ✘ | step 4 (eq) | $c = 0$ | `refuted under [g]` | counterexample | refuted as expected |" in text
    assert "| ? | step 5 (eq) | $c = d$ | `unknown` |  | **FAIL: expected holds, got unknown** |" in text
    assert "| ✔ | claim | $a = b$ | `proved under [h]` | claim link | pass |" in text


def test_html_shows_the_hypotheses_beside_the_verdict() -> None:
    from report_samples import conditional_report

    page = render_html(conditional_report())
    assert ('<td><span class="badge" style="background:#1a7f37">✔ proved</span>'
            '<div class="under">under [h]</div></td><td>claim<br>') in page
    assert '≈ numeric</span><div class="under">under [h, g]</div></td><td>step 3 (le)' in page
    assert '? unknown</span></td><td>step 5 (eq)' in page
    assert "✔ proved: 2 (2 under hypotheses)</span>" in page
    assert page.count('<div class="under">') == 4


def test_an_outcome_cut_short_carries_its_limit_in_json_and_validates() -> None:
    from dataclasses import replace

    report = sample_report()
    first = report.derivations[0]
    cut = replace(first.outcomes[0], verdict=Verdict.UNKNOWN, limit="the numeric check stopped at its safety limit")
    report = replace(report, derivations=(replace(first, outcomes=(cut, *first.outcomes[1:])),
                                          *report.derivations[1:]))
    data = json.loads(render_json(report))
    jsonschema.validate(data, report_schema())
    shown = data["derivations"][0]["outcomes"]
    assert shown[0]["limit"] == "the numeric check stopped at its safety limit"
    assert "limit" not in shown[1]  # only where a limit was reached
    assert derivation_from_dict(data["derivations"][0]).outcomes[0].limit == cut.limit


def test_json_options_are_typed_and_the_schema_id_is_the_projects() -> None:
    from derivcheck.report.json_report import SCHEMA_ID

    data = json.loads(render_json(sample_report()))  # the sample's options hold the pipeline's strings
    assert data["options"] == {"strict": False}
    from dataclasses import replace as swap

    typed = json.loads(render_json(swap(sample_report(), options={"timeout": "20", "numeric": "True",
                                                                  "strict": "False", "device": "cpu"})))
    assert typed["options"] == {"device": "cpu", "numeric": True, "strict": False, "timeout": 20}
    jsonschema.validate(typed, report_schema())
    assert report_schema()["$id"] == SCHEMA_ID == data["schema"] == "urn:derivcheck:schema:report:2"
    from derivcheck.authoring.file_schema import file_schema

    assert file_schema()["$id"] == "urn:derivcheck:schema:derivation:1"
    assert "invalid" not in json.dumps(report_schema()) + json.dumps(file_schema())


def cached_report():
    """The sample report as a re-run that took 0.2 s because every derivation came from the cache."""
    from dataclasses import replace as swap

    report = sample_report()
    return swap(report, seconds=0.2, derivations=tuple(swap(d, cached=True) for d in report.derivations))


def test_every_format_names_the_claim_as_json_does() -> None:
    from report_samples import conditional_report

    report = conditional_report()
    data = json.loads(render_json(report))
    claim = data["derivations"][0]["outcomes"][-1]
    assert (claim["item"], claim["label"]) == ("claim", "claim")
    assert "| ✔ | claim | $a = b$" in render_markdown(report)
    assert ">claim<br>" in render_html(report)
    cases = ET.fromstring(render_junit(report).encode("utf-8")).find("testsuite").findall("testcase")
    assert cases[-1].get("name") == "claim"
    assert "claim link" not in render_markdown(report).replace("| claim link | pass |", "")  # only as the method


def test_junit_and_markdown_times_are_the_real_check_times_not_the_cached_rerun() -> None:
    report = cached_report()  # checked in 1.5 s + 2.0 s; this re-run took 0.2 s
    root = ET.fromstring(render_junit(report).encode("utf-8"))
    assert root.get("time") == "3.500"
    assert [s.get("time") for s in root.findall("testsuite")] == ["1.500", "2.000"]
    text = render_markdown(report)
    assert "3.50 s checking (this run 200 ms: 2 of 2 derivations from the cache)" in text
    assert "`lib/a.deriv.yaml`, 1.50 s (cached)" in text


def test_junit_failure_message_carries_verdict_counterexample_and_replay() -> None:
    root = ET.fromstring(render_junit(sample_report()).encode("utf-8"))
    failure = root.find(".//failure")
    assert failure.get("message") == ("step 2 (eq): refuted (expected holds); counterexample a = 1, b = 0: "
                                      "left side 1, right side -1; replay: derivcheck verify lib/b.deriv.yaml "
                                      "--seed 0")
    error = root.find(".//testcase[@name='check-1: check 1 (gradient)']/error")
    assert error.get("message").startswith("check 1 (gradient): error (expected holds); lib/b.deriv.yaml:20:9:")


def test_html_puts_failures_first_and_links_to_them_from_the_summary() -> None:
    import re
    from html.parser import HTMLParser

    page = render_html(sample_report())  # a.deriv.yaml passes, b.deriv.yaml fails
    assert page.index('id="d-wrong-sign"') < page.index('id="d-psd-example"')
    nav = page[page.index('<nav class="failures">'):page.index("</nav>")]
    assert page.index("</nav>") < page.index("<section")
    links = re.findall(r'href="#([^"]+)"', nav)
    assert links == ["d-wrong-sign--step-2", "d-wrong-sign--check-1", "d-wrong-sign-errors"]

    class Ids(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.ids += [value for name, value in attrs if name == "id"]

    parser = Ids()
    parser.feed(page)
    assert len(parser.ids) == len(set(parser.ids))  # every anchor unique
    assert set(links) <= set(parser.ids)  # every link lands
    assert '<nav class="failures">' not in render_html(cached_report().__class__(derivations=(
        sample_report().derivations[0],)))  # nothing failed: no list


def test_the_formats_table_is_what_the_cli_offers_and_every_row_renders() -> None:
    from click.testing import CliRunner

    from derivcheck.cli import main
    from derivcheck.report.formats import FORMAT_OF_EXTENSION, FORMATS, REPORT_FORMATS
    from derivcheck.report.writers import format_for_output, renderer

    verify = main.commands["verify"]
    (choice,) = [p.type.choices for p in verify.params if p.name == "output_format"]
    assert tuple(choice) == FORMATS
    report = sample_report()
    for row in REPORT_FORMATS:
        assert renderer(row.name)(report).strip(), row.name
        for extension in row.extensions:
            assert format_for_output(f"out/report{extension.upper()}") == row.name
    assert len(FORMAT_OF_EXTENSION) == sum(len(row.extensions) for row in REPORT_FORMATS)  # no extension twice
    help_text = CliRunner().invoke(main, ["verify", "--help"]).output
    assert all(ext in help_text for ext in FORMAT_OF_EXTENSION)
    with pytest.raises(ValueError, match="unknown report format"):
        renderer("pdf")


def written_report():
    """A failing chain step whose file writes a defined name and `@` products; checked, expanded."""
    from derivcheck.model import DerivationReport, Outcome, Report

    item = Outcome("psd", "step-2", "step 2 (eq)", Verdict.REFUTED, passed=False, method="counterexample",
                   written="z.T @ G @ z = 2 * (X @ z).T @ (X @ z)", latex=r"z^{T} X^{T} X z = 2 z^{T} X^{T} X z",
                   pretty="z.T @ X.T @ X @ z = 2*z.T @ X.T @ X @ z")
    plain = Outcome("psd", "claim", "claim", Verdict.PROVED, passed=True, pretty="a = a", latex="a = a")
    return Report(derivations=(DerivationReport(path="psd.deriv.yaml", id="psd", title="t", source=None,
                                                outcomes=(item, plain)),))


def test_every_format_shows_the_relation_as_written_and_json_keeps_the_checked_form() -> None:
    report = written_report()
    written, checked = "z.T @ G @ z = 2 * (X @ z).T @ (X @ z)", "z.T @ X.T @ X @ z = 2*z.T @ X.T @ X @ z"
    data = json.loads(render_json(report))
    jsonschema.validate(data, report_schema())
    step, claim = data["derivations"][0]["outcomes"]
    assert (step["written"], step["pretty"]) == (written, checked)
    assert "written" not in claim and claim["pretty"] == "a = a"  # nothing written: the field is left out
    assert derivation_from_dict(data["derivations"][0]) == report.derivations[0]  # round trip keeps it
    markdown = render_markdown(report)
    assert f"`{written}`" in markdown and "$a = a$" in markdown  # the written text, else the LaTeX
    html = render_html(report)
    assert f'<pre class="math line">{written}</pre><details><summary>as checked</summary>' in html
    assert checked in html  # one click away
    junit = ET.fromstring(render_junit(report).encode("utf-8"))
    text = junit.find(".//failure").text
    assert text.index(written) < text.index("as checked:") < text.index(checked)
    for rendered in (markdown, html, text, json.dumps(data)):
        assert "tr(" not in rendered and "*X" not in rendered
