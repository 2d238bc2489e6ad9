"""Relations as Unicode math (SymPy's pretty printer), for reports."""

from __future__ import annotations

from typing import Any

import sympy
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm

_SYMBOLS = {"=": " = ", "<=": " ≤ ", "<": " < ", ">=": " ≥ ", ">": " > ", "~": " ~ ", "chain": " … "}


def pretty_relation(lhs: Any, op: str, rhs: Any, width: int = 64) -> str:
    """``lhs op rhs`` drawn in Unicode; falls back to one line of plain text."""
    try:
        printer = PrettyPrinter({"use_unicode": True, "wrap_line": False})
        left, right = printer._print(lhs), printer._print(rhs)
        form = prettyForm(*left.right(_SYMBOLS.get(op, f" {op} "), right))
        text = form.render(wrap_line=False)
        if max(len(line) for line in text.splitlines()) <= width:
            return text
    except Exception:  # pretty printing is cosmetic: never let it fail a check
        pass
    return f"{sympy.sstr(lhs)}{_SYMBOLS.get(op, op)}{sympy.sstr(rhs)}"
