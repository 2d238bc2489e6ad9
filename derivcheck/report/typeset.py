"""``derivcheck show FILE``: a derivation as the file writes it (or in LaTeX), without checking it.

The file is loaded and its expressions parsed (so reading errors show up), but
nothing is proved or evaluated. Each chain step is shown as its relation to the
previous expression, the way a derivation is read on paper. Each relation and
expression reads as the file writes it (defined names kept, ``@`` products), as
every report shows it (:mod:`.written`); ``expanded`` adds each one as it is
checked, typeset in 2-D with definitions expanded. LaTeX is of the checked form,
or a step's own ``latex:``.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from ..model import Derivation

_OPS = {"start": " ", "eq": "=", "le": "≤", "lt": "<", "ge": "≥", "gt": ">"}
_LATEX_OPS = {"start": "", "eq": "=", "le": r"\le", "lt": "<", "ge": r"\ge", "gt": ">"}


class _Shown(NamedTuple):
    """One relation or expression as shown: as written (or LaTeX), and as checked when that is asked for and differs."""

    text: str
    checked: str | None = None


def typeset_derivation(derivation: Derivation, *, latex: bool = False, expanded: bool = False) -> str:
    """The derivation as text: header, claim, each step, each check.

    Each relation or expression is shown as the file writes it; with ``expanded``,
    also as checked (definitions expanded, typeset in 2-D) where that differs.
    With ``latex``, expressions are LaTeX of the checked form instead (the step's
    own ``latex:`` when given, else SymPy's).
    """
    from ..expr.declarations import build_scope

    lines = [f"{derivation.id.value}: {derivation.title.value}"]
    if derivation.source is not None:
        lines.append(f"source: {derivation.source.value}")
    lines.append(f"file: {derivation.path}")
    scope = build_scope(derivation)
    if derivation.claim is not None:
        under = f" (under [{', '.join(u.value for u in derivation.using)}])" if derivation.using else ""
        claim = _relation(derivation.claim, scope, latex, expanded)
        lines += ["", f"claim{under}:", _indent(claim.text)]
        if claim.checked is not None:
            lines.append(_indent(_checked(claim.checked)))
    if derivation.steps:
        lines += ["", "steps:"]
    for step in derivation.steps:
        lines.append(_step(step, scope, latex, expanded))
    for check in derivation.checks:
        fields = ", ".join(f"{k}: {v.value}" for k, v in check.fields.items() if k not in ("by", "expect"))
        lines += ["", f"check {check.index} ({check.kind}): {fields}"]
    return "\n".join(lines) + "\n"


def _step(step: Any, scope: Any, latex: bool, expanded: bool) -> str:
    head = f"{step.index:>3} "
    if step.relation == "claim":
        shown = _relation(step.expr, scope, latex, expanded)
        mark = "fact"
    else:
        shown = _expression(step, scope, latex, expanded)
        mark = (_LATEX_OPS if latex else _OPS)[step.relation]
    notes = [] if shown.checked is None else [_checked(shown.checked)]
    if step.by is not None:
        notes.append(f"by: {step.by.value}")
    if step.using:
        notes.append(f"under [{', '.join(u.value for u in step.using)}]")
    if step.expect is not None and step.expect.value == "refuted":
        notes.append("expected to be refuted")
    return "\n".join([_hang(head + f"{mark:<4} ", shown.text), *(_indent(note, 9) for note in notes)])


def _expression(step: Any, scope: Any, latex: bool, expanded: bool) -> _Shown:
    """``step``'s expression as written (and, ``expanded``, as checked), or in LaTeX."""
    from ..errors import InputError
    from ..expr.parser import parse_expression

    if latex and step.latex is not None:
        return _Shown(step.latex.value)
    try:
        expr = parse_expression(step.expr, scope)
    except InputError as exc:
        return _Shown(f"{_written(step.expr)}    (cannot be read: {exc.format()})")
    if latex:
        return _Shown(_draw(expr, latex))
    return _as_written(step.expr, (lambda: _draw(expr, latex)) if expanded else None)


def _relation(text: Any, scope: Any, latex: bool, expanded: bool) -> _Shown:
    """A relation as written (and, ``expanded``, as checked), or in LaTeX."""
    from ..errors import InputError
    from ..expr.latex import latex_relation
    from ..expr.parser import parse_relation
    from ..expr.pretty import pretty_relation

    try:
        relation = parse_relation(text, scope)
    except InputError as exc:
        return _Shown(f"{_written(text)}    (cannot be read: {exc.format()})")
    if latex:
        return _Shown(latex_relation(relation.lhs, relation.op, relation.rhs) or text.value)
    return _as_written(text, (lambda: pretty_relation(relation.lhs, relation.op, relation.rhs)) if expanded else None)


def _written(text: Any) -> str:
    """The file's text on one line, as every report shows it (:func:`.written.written_statements`)."""
    return " ".join(text.value.split())


def _as_written(text: Any, checked: Callable[[], str] | None) -> _Shown:
    """``text`` as written, with the checked form (when ``checked`` is given) where it differs."""
    written = _written(text)
    form = checked() if checked is not None else None
    return _Shown(written, None if form == written else form)


def _checked(form: str) -> str:
    """The checked form under its label: on the label's line when it is one line, else below it."""
    return f"checked as: {form}" if "\n" not in form else "checked as:\n" + form


def _draw(expr: Any, latex: bool) -> str:
    """One expression drawn as the reports draw relations (``@`` products, a 1 x 1 product as the product)."""
    from ..expr.latex import latex_side
    from ..expr.pretty import distinct_names, draw, plain_text

    try:
        if latex:
            return latex_side(expr) or plain_text(expr)
        return draw(distinct_names(expr)).render(wrap_line=False)
    except Exception:  # cosmetic: fall back to plain text
        return plain_text(expr)


def _hang(head: str, body: str) -> str:
    """``head`` before the first line of ``body`` (which may be a 2-D drawing), the rest aligned under it."""
    rows = body.splitlines() or [""]
    pad = " " * len(head)
    # A 2-D drawing's baseline is not known here; the operator goes on its middle line.
    middle = len(rows) // 2
    return "\n".join((head if i == middle else pad) + row for i, row in enumerate(rows))


def _indent(text: str, width: int = 4) -> str:
    """Every line of ``text`` indented by ``width`` spaces."""
    return "\n".join(" " * width + row for row in text.splitlines())


__all__ = ["typeset_derivation"]
