"""``derivcheck show FILE``: a derivation typeset as Unicode (or LaTeX), without checking it.

The file is loaded and its expressions parsed (so reading errors show up), but
nothing is proved or evaluated. Each chain step is shown as its relation to the
previous expression, the way a derivation is read on paper.
"""

from __future__ import annotations

from typing import Any

from ..model import Derivation

_OPS = {"start": " ", "eq": "=", "le": "≤", "lt": "<", "ge": "≥", "gt": ">"}
_LATEX_OPS = {"start": "", "eq": "=", "le": r"\le", "lt": "<", "ge": r"\ge", "gt": ">"}


def typeset_derivation(derivation: Derivation, *, latex: bool = False) -> str:
    """The derivation as text: header, claim, each step (typeset), each check.

    With ``latex``, expressions are LaTeX (the step's own ``latex:`` when given,
    else SymPy's) and chains are written as one ``aligned`` block.
    """
    from ..expr.declarations import build_scope

    lines = [f"{derivation.id.value}: {derivation.title.value}"]
    if derivation.source is not None:
        lines.append(f"source: {derivation.source.value}")
    lines.append(f"file: {derivation.path}")
    scope = build_scope(derivation)
    if derivation.claim is not None:
        under = f" (under [{', '.join(u.value for u in derivation.using)}])" if derivation.using else ""
        lines += ["", f"claim{under}:", _indent(_relation(derivation.claim, scope, latex))]
    if derivation.steps:
        lines += ["", "steps:"]
    for step in derivation.steps:
        lines.append(_step(step, scope, latex))
    for check in derivation.checks:
        fields = ", ".join(f"{k}: {v.value}" for k, v in check.fields.items() if k not in ("by", "expect"))
        lines += ["", f"check {check.index} ({check.kind}): {fields}"]
    return "\n".join(lines) + "\n"


def _step(step: Any, scope: Any, latex: bool) -> str:
    head = f"{step.index:>3} "
    if step.relation == "claim":
        body = _relation(step.expr, scope, latex)
        mark = "fact"
    else:
        body = _expression(step, scope, latex)
        mark = (_LATEX_OPS if latex else _OPS)[step.relation]
    notes = []
    if step.by is not None:
        notes.append(f"by: {step.by.value}")
    if step.using:
        notes.append(f"under [{', '.join(u.value for u in step.using)}]")
    if step.expect is not None and step.expect.value == "refuted":
        notes.append("expected to be refuted")
    text = _hang(head + f"{mark:<4} ", body)
    return text + "".join(f"\n{' ' * 9}{note}" for note in notes)


def _expression(step: Any, scope: Any, latex: bool) -> str:
    from ..errors import InputError
    from ..expr.parser import parse_expression

    if latex and step.latex is not None:
        return step.latex.value
    try:
        expr = parse_expression(step.expr, scope)
    except InputError as exc:
        return f"{step.expr.value}    (cannot be read: {exc.format()})"
    return _draw(expr, latex)


def _relation(text: Any, scope: Any, latex: bool) -> str:
    from ..errors import InputError
    from ..expr.latex import latex_relation
    from ..expr.parser import parse_relation
    from ..expr.pretty import pretty_relation

    try:
        relation = parse_relation(text, scope)
    except InputError as exc:
        return f"{text.value}    (cannot be read: {exc.format()})"
    if latex:
        return latex_relation(relation.lhs, relation.op, relation.rhs) or text.value
    return pretty_relation(relation.lhs, relation.op, relation.rhs)


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


def _indent(text: str) -> str:
    return "\n".join("    " + row for row in text.splitlines())


__all__ = ["typeset_derivation"]
