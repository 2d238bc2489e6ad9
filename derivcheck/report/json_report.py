"""The JSON report: a versioned, documented form of a run (schema in ``report.schema.json``).

The same form is the incremental cache's storage format
(:mod:`derivcheck.check.session.cache`), so :func:`derivation_from_dict` reads back
exactly what :func:`derivation_to_dict` writes. The schema is documented in
``docs/ci.md``; its version changes whenever a field changes meaning or is
removed (adding an optional field keeps the version).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import Span
from ..model import Counterexample, DerivationReport, Outcome, Report, Verdict
from .pretty import item_name

SCHEMA_VERSION = 2
"""Version of the report's JSON form; bumped when a field changes meaning or is removed
(2: ``options`` values are typed, booleans and numbers, no longer strings)."""

SCHEMA_ID = f"urn:derivcheck:schema:report:{SCHEMA_VERSION}"
"""The schema's ``$id``: a name of this project's that stays the same, not a web address that could lapse."""

SCHEMA_FILE = Path(__file__).with_name("report.schema.json")


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every JSON report validates against."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def report_to_dict(report: Report) -> dict[str, Any]:
    """The whole run as plain JSON data (see ``report.schema.json``)."""
    outcomes = [o for d in report.derivations for o in d.outcomes]
    counts = {v.value: 0 for v in Verdict}
    for outcome in outcomes:
        counts[outcome.verdict.value] += 1
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "derivcheck_version": __version__,
        "passed": report.passed,
        "seconds": round(report.seconds, 6),
        "seed": report.seed,
        "options": {name: typed_option(value) for name, value in sorted(report.options.items())},
        "summary": {
            "derivations": len(report.derivations),
            "derivations_failed": sum(1 for d in report.derivations if not d.passed),
            "items": len(outcomes),
            "items_failed": sum(1 for o in outcomes if not o.passed),
            "input_errors": sum(len(d.errors) for d in report.derivations),
            "verdicts": counts,
        },
        "derivations": [derivation_to_dict(d) for d in report.derivations],
    }


def typed_option(value: Any) -> Any:
    """An option's value as JSON: a boolean or a number when it is one, else its text.

    >>> typed_option("True"), typed_option("20"), typed_option("0.5"), typed_option("cpu"), typed_option(False)
    (True, 20, 0.5, 'cpu', False)
    """
    if not isinstance(value, str):
        return value
    if value in ("True", "False", "true", "false"):
        return value.lower() == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def derivation_to_dict(derivation: DerivationReport) -> dict[str, Any]:
    """One derivation's outcomes as plain JSON data."""
    return {
        "path": derivation.path,
        "id": derivation.id,
        "title": derivation.title,
        "source": derivation.source,
        "passed": derivation.passed,
        "seconds": round(derivation.seconds, 6),
        "cached": derivation.cached,
        "errors": list(derivation.errors),
        "outcomes": [outcome_to_dict(o) for o in derivation.outcomes],
    }


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """One item's verdict, evidence and location as plain JSON data."""
    return {
        "item": outcome.item,
        "label": item_name(outcome),  # the name every report gives it
        "verdict": outcome.verdict.value,
        "using": list(outcome.using),
        "expect": outcome.expect,
        "passed": outcome.passed,
        "method": outcome.method,
        "detail": outcome.detail,
        "seconds": round(outcome.seconds, 6),
        "span": None if outcome.span is None else
        {"file": outcome.span.file, "line": outcome.span.line, "col": outcome.span.col},
        "by": outcome.by,
        "pretty": outcome.pretty,
        "latex": outcome.latex,
        "counterexample": None if outcome.counterexample is None else _counterexample_to_dict(outcome.counterexample),
        **({"limit": outcome.limit} if outcome.limit else {}),  # not final: a limit cut it short
    }


def _counterexample_to_dict(example: Counterexample) -> dict[str, Any]:
    return {"values": dict(example.values), "lhs": example.lhs, "rhs": example.rhs,
            "seed": example.seed, "replay": example.replay}


def derivation_from_dict(data: dict[str, Any]) -> DerivationReport:
    """The inverse of :func:`derivation_to_dict`; raises ``KeyError``/``ValueError``/``TypeError`` on bad data."""
    return DerivationReport(
        path=str(data["path"]),
        id=str(data["id"]),
        title=str(data["title"]),
        source=None if data["source"] is None else str(data["source"]),
        outcomes=tuple(_outcome_from_dict(o, str(data["id"])) for o in data["outcomes"]),
        seconds=float(data["seconds"]),
        errors=tuple(str(e) for e in data["errors"]),
        cached=bool(data.get("cached", False)),
    )


def _outcome_from_dict(data: dict[str, Any], derivation_id: str) -> Outcome:
    span = data["span"]
    example = data["counterexample"]
    return Outcome(
        derivation=derivation_id,
        item=str(data["item"]),
        label=str(data["label"]),
        verdict=Verdict(data["verdict"]),
        expect=str(data["expect"]),
        method=str(data["method"]),
        detail=str(data["detail"]),
        counterexample=None if example is None else Counterexample(
            values={str(k): str(v) for k, v in example["values"].items()}, lhs=str(example["lhs"]),
            rhs=str(example["rhs"]), seed=example["seed"], replay=example["replay"]),
        seconds=float(data["seconds"]),
        span=None if span is None else Span(str(span["file"]), int(span["line"]), int(span["col"])),
        by=data["by"],
        pretty=str(data["pretty"]),
        passed=bool(data["passed"]),
        latex=str(data.get("latex", "")),
        using=tuple(str(name) for name in data.get("using", ())),  # absent from reports written before it
        limit=str(data.get("limit", "")),
    )


def render_json(report: Report) -> str:
    """The JSON report as text (UTF-8, indented, keys in a fixed order)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


__all__ = ["SCHEMA_ID", "SCHEMA_VERSION", "typed_option", "derivation_from_dict", "derivation_to_dict", "render_json", "report_schema",
           "report_to_dict"]
