"""The JUnit XML report, for CI test viewers (GitHub, GitLab, Jenkins, Azure).

One ``<testsuite>`` per derivation, one ``<testcase>`` per item: a failing item
is a ``<failure>`` (an ``<error>`` when its verdict is ``error``), whose text
holds the relation, the detail, the counterexample and the replay command. A
file that could not be loaded is a suite with one errored case per message.
``file`` and ``line`` attributes point at the item in its ``.deriv.yaml``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import DerivationReport, Outcome, Report, Verdict
from .pretty import check_seconds, expectation_phrase, item_name, verdict_text


def render_junit(report: Report) -> str:
    """The report as JUnit XML text (UTF-8, with an XML declaration)."""
    # the real check time: a cached derivation counts the time it took when it was checked
    root = ET.Element("testsuites", name="derivcheck", time=_seconds(check_seconds(report)))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for derivation in report.derivations:
        suite = _suite(derivation)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _NOT_XML.sub("\ufffd", text) + "\n"


def _suite(derivation: DerivationReport) -> ET.Element:
    suite = ET.Element("testsuite", name=derivation.id, file=derivation.path, time=_seconds(derivation.seconds))
    failures = errors = 0
    for outcome in derivation.outcomes:
        case = _case(derivation, outcome)
        suite.append(case)
        failures += case.find("failure") is not None
        errors += case.find("error") is not None
    for number, message in enumerate(derivation.errors, start=1):
        case = ET.SubElement(suite, "testcase", classname=derivation.id, name=f"input error {number}",
                             file=derivation.path, time="0")
        ET.SubElement(case, "error", message=message.splitlines()[0] if message else "input error",
                      type="input-error").text = message
        errors += 1
    tests = len(derivation.outcomes) + len(derivation.errors)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return suite


def _case(derivation: DerivationReport, outcome: Outcome) -> ET.Element:
    name = item_name(outcome)
    case = ET.Element("testcase", classname=derivation.id, name=name if name == outcome.item else f"{outcome.item}: {name}",
                      file=derivation.path, time=_seconds(outcome.seconds))
    if outcome.span is not None:
        case.set("line", str(outcome.span.line))
    if outcome.using:  # the hypotheses the item was checked under, for tools that read properties
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="using", value=", ".join(outcome.using))
    body = failure_text(outcome)
    if not outcome.passed:
        tag = "error" if outcome.verdict is Verdict.ERROR else "failure"
        ET.SubElement(case, tag, message=failure_message(outcome), type=outcome.verdict.value).text = body
    else:
        ET.SubElement(case, "system-out").text = body
    return case


def failure_message(outcome: Outcome) -> str:
    """One line for a CI viewer's failure list: the verdict, the counterexample and the replay command.

    >>> from derivcheck.model import Counterexample, Outcome, Verdict
    >>> failure_message(Outcome("d", "step-2", "step 2 (eq)", Verdict.REFUTED, detail="confirmed",
    ...     counterexample=Counterexample({"a": "1"}, "1", "-1", 0, "derivcheck verify d.deriv.yaml --seed 0")))
    'step 2 (eq): refuted (expected holds); counterexample a = 1: left side 1, right side -1; replay: derivcheck verify d.deriv.yaml --seed 0'
    """
    parts = [f"{item_name(outcome)}: {verdict_text(outcome)} (expected {outcome.expect})"]
    example = outcome.counterexample
    if example is not None:
        values = ", ".join(f"{name} = {value}" for name, value in example.values.items()) or "(no free values)"
        parts.append(f"counterexample {values}: left side {example.lhs}, right side {example.rhs}")
        if example.replay:
            parts.append(f"replay: {example.replay}")
    elif outcome.detail:
        parts.append(" ".join(outcome.detail.split()))
    return "; ".join(parts)


def failure_text(outcome: Outcome) -> str:
    """Everything known about one item, as plain text lines (shared with the pytest plugin)."""
    lines = [f"verdict: {verdict_text(outcome)} (expected {outcome.expect}): {expectation_phrase(outcome)}"]
    if outcome.span is not None:
        lines.append(f"at: {outcome.span}")
    if outcome.written:  # as the file writes it, then as checked (definitions expanded)
        lines.append(outcome.written)
    if outcome.pretty and outcome.pretty != outcome.written:
        lines.append(("as checked:\n" if outcome.written else "") + outcome.pretty)
    if outcome.by:
        lines.append(f"by: {outcome.by}")
    if outcome.method:
        lines.append(f"method: {outcome.method}")
    if outcome.detail:
        lines.append(f"detail: {outcome.detail}")
    example = outcome.counterexample
    if example is not None:
        lines.append("counterexample:")
        lines.extend(f"  {name} = {value}" for name, value in example.values.items())
        lines.append(f"  left side  = {example.lhs}")
        lines.append(f"  right side = {example.rhs}")
        if example.seed is not None:
            lines.append(f"  seed: {example.seed}")
        if example.replay:
            lines.append(f"replay: {example.replay}")
    return "\n".join(lines)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold even escaped; replaced so the file always parses."""


def _seconds(value: float) -> str:
    return f"{value:.3f}"


__all__ = ["failure_message", "failure_text", "render_junit"]
