"""JSON (against its schema), JUnit (parsed back), Markdown and HTML reports of a hand-built run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from derivcheck.model import Verdict
from derivcheck.report.html import render_html
from derivcheck.report.json_report import derivation_from_dict, derivation_to_dict, render_json, report_schema
from derivcheck.report.junit import render_junit
from derivcheck.report.markdown import render_markdown
from report_samples import sample_report


def test_json_report_validates_against_its_schema() -> None:
    data = json.loads(render_json(sample_report()))
    jsonschema.Draft202012Validator.check_schema(report_schema())
    jsonschema.validate(data, report_schema())
    assert data["schema_version"] == 1
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
        assert derivation_from_dict(json.loads(json.dumps(derivation_to_dict(derivation)))) == derivation


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
    assert cases[4].get("name") == "claim: claim link"
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
    assert "| ✔ | claim link | $a = b$ | `proved under [h]` | claim link | pass |" in text


def test_html_shows_the_hypotheses_beside_the_verdict() -> None:
    from report_samples import conditional_report

    page = render_html(conditional_report())
    assert ('<td><span class="badge" style="background:#1a7f37">✔ proved</span>'
            '<div class="under">under [h]</div></td><td>claim link') in page
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
