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
