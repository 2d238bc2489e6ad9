"""The model as plain JSON data and back: one derivation's outcomes.

The JSON report (:mod:`derivcheck.report.json_report`) writes each derivation in
this form, and the incremental cache (:mod:`derivcheck.check.session.cache`)
stores it, so :func:`derivation_from_dict` reads back exactly what
:func:`derivation_to_dict` writes. It lives beside the model, below both of
its users, so that the checker never imports a report module.
"""

from __future__ import annotations

from typing import Any

from .errors import Span
from .model import Counterexample, DerivationReport, Outcome, Verdict


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
        "label": outcome.name,  # the name every report gives it
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
        **({"written": outcome.written} if outcome.written else {}),  # as the file writes it
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
        written=str(data.get("written", "")),
    )


__all__ = ["derivation_from_dict", "derivation_to_dict", "outcome_to_dict"]
