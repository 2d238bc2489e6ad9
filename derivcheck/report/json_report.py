"""The JSON report: a versioned, documented form of a run (schema in ``report.schema.json``).

Each derivation's part is :mod:`derivcheck.model_json`'s codec, which the
incremental cache (:mod:`derivcheck.check.session.cache`) also stores. The schema is documented in
``docs/ci.md``; its version changes whenever a field changes meaning or is
removed (adding an optional field keeps the version).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..model import Report, Verdict
from ..model_json import derivation_to_dict

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


def render_json(report: Report) -> str:
    """The JSON report as text (UTF-8, indented, keys in a fixed order)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


__all__ = ["SCHEMA_ID", "SCHEMA_VERSION", "typed_option", "render_json", "report_schema", "report_to_dict"]
