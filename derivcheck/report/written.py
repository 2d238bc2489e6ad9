"""Each item's relation as the file writes it: defined names kept, ``@`` for matrix products.

The pipeline's ``pretty`` is the relation it checked, with definitions expanded.
Every report shows what the author wrote (a chain step as ``previous op
expression``): the CLI fills :attr:`~derivcheck.model.Outcome.written` with
:func:`with_written` before rendering; the expanded form stays in ``-vv`` and
the JSON report.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Derivation, Report

OPS = {"eq": "=", "le": "<=", "lt": "<", "ge": ">=", "gt": ">"}


def written_statement(derivation: Derivation, item: str) -> str | None:
    """The relation of ``item`` (``step-N``, ``claim``, ``check-N``) as ``derivation``'s file writes it.

    A chain step relates the chain's last expression expected to hold (a
    refuted step does not advance the chain) to its own; None when there is
    nothing written to show (a chain's ``start``, an unknown item).
    """
    if item == "claim":
        return derivation.claim.value if derivation.claim is not None else None
    if item.startswith("check-"):
        check = next((c for c in derivation.checks if f"check-{c.index}" == item), None)
        if check is None:
            return None
        fields = {key: text.value for key, text in check.fields.items()}
        if check.kind == "gradient" and {"of", "wrt", "equals"} <= set(fields):
            return f"grad({fields['of']}, {fields['wrt']}) = {fields['equals']}"
        return fields.get("claim")
    steps = list(derivation.steps)
    at = next((i for i, s in enumerate(steps) if f"step-{s.index}" == item), None)
    if at is None:
        return None
    step = steps[at]
    if step.relation == "claim":
        return step.expr.value
    if step.relation == "start":
        return None
    for previous in reversed(steps[:at]):
        if previous.relation == "claim":
            break
        if previous.relation == "start" or previous.expect is None or previous.expect.value != "refuted":
            return f"{previous.expr.value} {OPS[step.relation]} {step.expr.value}"
    return None


def written_statements(report: Report) -> dict[tuple[str, str], str]:
    """``(path, item) -> relation as written`` for every item of ``report`` whose file still reads.

    The files are read again (YAML only, no SymPy); a file that no longer
    loads contributes nothing, and its items show the checked form.
    """
    from ..errors import DerivcheckError
    from ..format.loader import load_derivation

    found: dict[tuple[str, str], str] = {}
    for derivation_report in report.derivations:
        if not derivation_report.outcomes or not os.path.isfile(derivation_report.path):
            continue
        try:
            derivation = load_derivation(derivation_report.path)
        except DerivcheckError:
            continue
        for outcome in derivation_report.outcomes:
            text = written_statement(derivation, outcome.item)
            if text:
                found[(derivation_report.path, outcome.item)] = " ".join(text.split())
    return found


def with_written(report: Report) -> Report:
    """``report`` with each outcome's :attr:`~derivcheck.model.Outcome.written` filled in
    from its file (:func:`written_statements`), so that every format shows it."""
    from dataclasses import replace

    found = written_statements(report)
    if not found:
        return report
    derivations = tuple(
        replace(d, outcomes=tuple(replace(o, written=found.get((d.path, o.item), o.written)) for o in d.outcomes))
        for d in report.derivations)
    return replace(report, derivations=derivations)


__all__ = ["OPS", "with_written", "written_statement", "written_statements"]
