"""Relations as Unicode math (SymPy's pretty printer), for reports."""

from __future__ import annotations

import functools
from typing import Any

import sympy
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm

_SYMBOLS = {"=": " = ", "<=": " ≤ ", "<": " < ", ">=": " ≥ ", ">": " > ", "~": " ~ ", "chain": " … "}


def pretty_relation(lhs: Any, op: str, rhs: Any, width: int = 64) -> str:
    """``lhs op rhs`` drawn in Unicode; falls back to one line of plain text."""
    try:
        left, right = _form(lhs), _form(rhs)
        form = prettyForm(*left.right(_SYMBOLS.get(op, f" {op} "), right))
        text = form.render(wrap_line=False)
        if max(len(line) for line in text.splitlines()) <= width:
            return text
    except Exception:  # pretty printing is cosmetic: never let it fail a check
        pass
    return f"{sympy.sstr(lhs)}{_SYMBOLS.get(op, op)}{sympy.sstr(rhs)}"


@functools.lru_cache(maxsize=512)
def _form(expr: Any) -> prettyForm:
    """The drawing of one side (remembered: consecutive steps share their sides)."""
    return PrettyPrinter({"use_unicode": True, "wrap_line": False})._print(expr)
