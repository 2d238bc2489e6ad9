"""The errata view: every recorded error (``expect: refuted``) with its evidence and its correction.

For each item expected to be refuted: where it is (section from ``source:``,
the equations its ``by:`` cites), the statement as the file writes it (a chain
step as ``previous op expression``), whether the tool
refuted it and with which counterexample, and the correction beside it.

The correction of a chain step is the chain's step expected to hold right
before or right after it (a refuted step does not advance the chain, so the
corrected step may come first or second); of the two, the one whose ``by:``
cites one of the same equations wins (between two that do, the one whose
``by:`` says "corrected"), else the one after. For a separate fact
(``- claim:``) the neighbouring facts expected to hold are the candidates, by
the same rule. A refuted check or top-level claim has no correction.

Rendered with Rich (:func:`errata_renderable`) or as Markdown
(:func:`render_errata_markdown`); nothing here prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..model import Counterexample, Derivation, DerivationReport, Outcome, Step, Verdict
from .index import equation_numbers, format_equations, section_of
from .pretty import CONDITIONAL_VERDICTS, hypotheses_phrase
from .written import written_statement

FENCE = "`" * 3


@dataclass(frozen=True)
class Correction:
    """The item expected to hold beside an erratum."""

    label: str
    statement: str
    by: str | None
    verdict: Verdict
    pretty: str = ""
    using: tuple[str, ...] = ()  # the hypotheses its verdict rests on


@dataclass(frozen=True)
class Erratum:
    """One recorded error and the evidence about it."""

    path: str
    derivation: str
    section: str
    equations: str
    label: str
    statement: str
    by: str | None
    verdict: Verdict
    detail: str
    counterexample: Counterexample | None
    correction: Correction | None
    location: str
    pretty: str = ""
    using: tuple[str, ...] = ()  # the hypotheses it was checked under (a counterexample satisfies them)

    @property
    def refuted(self) -> bool:
        """Whether the tool refuted it (with a confirmed counterexample)."""
        return self.verdict is Verdict.REFUTED


def collect_errata(derivations: list[Derivation], reports: list[DerivationReport]) -> list[Erratum]:
    """The errata of every derivation that has a report, in path and file order."""
    loaded = {os.path.normpath(d.path): d for d in derivations}
    found: list[Erratum] = []
    for report in sorted(reports, key=lambda r: r.path):
        derivation = loaded.get(os.path.normpath(report.path))
        outcomes = {o.item: o for o in report.outcomes}
        for outcome in report.outcomes:
            if outcome.expect != "refuted":
                continue
            correction = None if derivation is None else _correction(derivation, outcome.item, outcomes)
            found.append(Erratum(
                path=report.path, derivation=report.id, section=section_of(report.source),
                equations=format_equations(equation_numbers(outcome.by or "")), label=outcome.label,
                statement=_written(derivation, outcome), pretty=outcome.pretty, by=outcome.by, verdict=outcome.verdict, detail=outcome.detail,
                counterexample=outcome.counterexample, correction=correction,
                location=str(outcome.span) if outcome.span is not None else report.path,
                using=outcome.using))
    return found


def _correction(derivation: Derivation, key: str, outcomes: dict[str, Outcome]) -> Correction | None:
    steps = list(derivation.steps)
    at = next((i for i, s in enumerate(steps) if f"step-{s.index}" == key), None)
    if at is None:
        return None
    erratum = steps[at]
    fact = erratum.relation == "claim"

    def kin(step: Step) -> bool:
        return (step.relation == "claim") == fact

    before = _neighbour(steps, at, -1, kin, fact)
    after = _neighbour(steps, at, +1, kin, fact)
    cited = set(equation_numbers(erratum.by.value if erratum.by else ""))

    def score(step: Step | None) -> tuple[bool, bool]:
        """(cites one of the erratum's equations, its ``by:`` says "corrected"): higher wins."""
        by = step.by.value if step is not None and step.by else ""
        shared = step is not None and bool(cited & set(equation_numbers(by)))
        return shared, shared and "correct" in by.lower()

    chosen = after if after is not None and score(after) >= score(before) else before
    if chosen is None:
        return None
    outcome = outcomes.get(f"step-{chosen.index}")
    if outcome is None:
        return None
    return Correction(label=outcome.label, statement=_written(derivation, outcome), by=outcome.by,
                      verdict=outcome.verdict, pretty=outcome.pretty, using=outcome.using)


def _written(derivation: Derivation | None, outcome: Outcome) -> str:
    """The item's relation as the file writes it, a step's, the claim's or a check's (see
    :func:`~derivcheck.report.written.written_statement`: a gradient check reads
    ``grad(of, wrt) = equals``); a chain's start, or an item without a file, falls back to
    the outcome's pretty print."""
    text = None if derivation is None else written_statement(derivation, outcome.item)
    return " ".join(text.split()) if text else outcome.pretty


def _neighbour(steps: list[Step], at: int, direction: int, kin: Any, fact: bool) -> Step | None:
    """The nearest step expected to hold in ``direction``, staying in the same chain (or among facts)."""
    i = at + direction
    while 0 <= i < len(steps):
        step = steps[i]
        if not kin(step):
            return None
        if not fact and step.relation == "start":
            return None  # a chain's start relates nothing: the chain begins here
        if step.expect is None or step.expect.value != "refuted":
            return step
        i += direction
    return None


def errata_markdown_items(errata: list[Erratum]) -> list[str]:
    """Markdown lines: one list entry per erratum, with its counterexample and correction."""
    lines: list[str] = []
    for number, erratum in enumerate(errata, 1):
        where = f"§{erratum.section}" if erratum.section else "no section"
        eqs = f", eq. {erratum.equations}" if erratum.equations else ""
        status = _verdict(erratum.verdict, erratum.using)
        status = status if erratum.refuted else f"**NOT refuted ({status})**"
        lines.append(f"{number}. `{erratum.derivation}` {erratum.label} ({where}{eqs}): {status}")
        lines += _statement("printed", erratum.statement)
        if erratum.by:
            lines.append(f"   - by: {_text(erratum.by)}")
        example = erratum.counterexample
        if example is not None:
            values = ", ".join(f"{k} = {v}" for k, v in example.values.items())
            lines.append(f"   - counterexample: `{_code(values) or '(no free values)'}`; "
                         f"left side `{_code(example.lhs)}`, right side `{_code(example.rhs)}`")
        elif erratum.detail:
            lines.append(f"   - {_text(erratum.detail)}")
        fix = erratum.correction
        if fix is not None:
            lines += _statement(f"correction ({fix.label}, {_verdict(fix.verdict, fix.using)})", fix.statement)
        else:
            lines.append("   - correction: none recorded beside it")
    return lines


def _recorded(errata: list[Erratum]) -> str:
    return f"{len(errata)} recorded error" + ("" if len(errata) == 1 else "s")


def render_errata_markdown(errata: list[Erratum], *, heading: str = "## Errata") -> str:
    """The errata view as Markdown: a heading, a count, and one list entry per erratum."""
    refuted = sum(1 for e in errata if e.refuted)
    lines = [heading, "", f"{_recorded(errata)} (`expect: refuted`); {refuted} refuted by a "
             "counterexample found and confirmed by derivcheck.", ""]
    lines += errata_markdown_items(errata)
    return "\n".join(lines) + "\n"


def errata_renderable(errata: list[Erratum]) -> Any:
    """The errata view as a Rich renderable: a tree per erratum under a heading."""
    from rich.console import Group
    from rich.text import Text
    from rich.tree import Tree

    refuted = sum(1 for e in errata if e.refuted)
    parts: list[Any] = [Text.assemble(("Errata", "bold"), f": {_recorded(errata)}, ",
                                      (f"{refuted} refuted", "green"),
                                      *([", ", (f"{len(errata) - refuted} NOT refuted", "bold red")]
                                        if refuted < len(errata) else []))]
    for erratum in errata:
        where = f"§{erratum.section}" if erratum.section else "no section"
        eqs = f", eq. {erratum.equations}" if erratum.equations else ""
        status = _verdict(erratum.verdict, erratum.using)
        mark = (f"✘ {status}", "red") if erratum.refuted else (f"! NOT refuted: {status}", "bold red")
        tree = Tree(Text.assemble(mark, "  ", (erratum.derivation, "bold"), f" {erratum.label} ({where}{eqs})"),
                    guide_style="dim")
        tree.add(Text.assemble(("printed: ", "dim"), Text(erratum.statement, overflow="fold")))
        if erratum.pretty and erratum.pretty != erratum.statement:
            tree.add(Text(erratum.pretty, style="dim", overflow="fold"))
        if erratum.by:
            tree.add(Text.assemble(("by: ", "dim"), erratum.by))
        example = erratum.counterexample
        if example is not None:
            branch = tree.add(Text("counterexample", style="red"))
            for name, value in example.values.items():
                branch.add(Text(f"{name} = {value}", overflow="fold"))
            branch.add(Text.assemble(("left side  = ", "dim"), example.lhs))
            branch.add(Text.assemble(("right side = ", "dim"), example.rhs))
            if example.replay:
                branch.add(Text.assemble(("replay: ", "dim"), example.replay))
        elif erratum.detail:
            tree.add(Text(erratum.detail, style="red"))
        fix = erratum.correction
        if fix is not None:
            node = tree.add(Text.assemble(("correction ", "green"),
                                          f"{fix.label} ({_verdict(fix.verdict, fix.using)})"))
            node.add(Text(fix.statement, overflow="fold"))
            if fix.by:
                node.add(Text.assemble(("by: ", "dim"), fix.by))
        else:
            tree.add(Text("correction: none recorded beside it", style="dim"))
        tree.add(Text(f"at {erratum.location}", style="dim"))
        parts += [Text(""), tree]
    return Group(*parts)


def _verdict(verdict: Verdict, using: tuple[str, ...]) -> str:
    """``refuted``, or ``refuted under [h]`` when the verdict rests on hypotheses."""
    if using and verdict in CONDITIONAL_VERDICTS:
        return f"{verdict.value} {hypotheses_phrase(using)}"
    return verdict.value


def _statement(name: str, text: str) -> list[str]:
    """A list entry with a relation: a code span, or a text block for a two-dimensional print."""
    if "\n" not in text.strip("\n"):
        return [f"   - {name}: `{_code(text)}`"]
    body = [f"     {line}".rstrip() for line in text.strip("\n").replace(FENCE, "'''").splitlines()]
    return [f"   - {name}:", "", "     " + FENCE + "text", *body, "     " + FENCE, ""]


def _code(text: str) -> str:
    return " ".join(text.split()).replace("`", "'")


def _text(text: str) -> str:
    out = " ".join(text.split())
    for char in "\\`*_[]<>#$|":
        out = out.replace(char, "\\" + char)
    return out


__all__ = ["Correction", "Erratum", "collect_errata", "errata_markdown_items", "errata_renderable",
           "render_errata_markdown"]
