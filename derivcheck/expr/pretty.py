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
        lhs, rhs = distinct_sides(lhs, rhs)
        left, right = _form(lhs), _form(rhs)
        form = prettyForm(*left.right(_SYMBOLS.get(op, f" {op} "), right))
        text = form.render(wrap_line=False)
        if max(len(line) for line in text.splitlines()) <= width:
            return text
    except Exception:  # pretty printing is cosmetic: never let it fail a check
        pass
    return f"{_plain(lhs)}{_SYMBOLS.get(op, op)}{_plain(rhs)}"


def _plain(expr: Any) -> str:
    """One side as plain text (remembered, as :func:`_form`: a step's right side is the next one's left)."""
    try:
        return _plain_text(expr)
    except TypeError:  # an unhashable side
        return sympy.sstr(expr)


@functools.lru_cache(maxsize=512)
def _plain_text(expr: Any) -> str:
    return sympy.sstr(expr)


@functools.lru_cache(maxsize=512)
def _form(expr: Any) -> prettyForm:
    """The drawing of one side (remembered: consecutive steps share their sides)."""
    return PrettyPrinter({"use_unicode": True, "wrap_line": False})._print(expr)


def distinct_sides(lhs: Any, rhs: Any) -> tuple[Any, Any]:
    """Both sides of a relation through :func:`distinct_names` together (a bound ``s`` on
    one side and the declared ``s`` on the other are told apart too)."""
    if not (isinstance(lhs, sympy.Basic) and isinstance(rhs, sympy.Basic)):
        return distinct_names(lhs), distinct_names(rhs)
    both = distinct_names(sympy.Tuple(lhs, rhs))
    return both[0], both[1]


def distinct_names(expr: Any) -> Any:
    """``expr`` with each bound variable that shares its name with another symbol in it (one
    the reader made distinct: a declared ``s`` and the variable ``s`` of a sum have other
    assumptions, or a renamed ``Dummy``) shown primed: ``s'``. Printed as plain ``s``,
    ``s + Sum(s', (s', 1, t))`` would read as the declared ``s`` summed over."""
    if not isinstance(expr, sympy.Basic):
        return expr
    symbols = expr.atoms(sympy.Symbol)
    free = expr.free_symbols
    by_name: dict[str, list[sympy.Symbol]] = {}
    for symbol in sorted(symbols, key=lambda s: (s not in free, isinstance(s, sympy.Dummy), sympy.default_sort_key(s))):
        by_name.setdefault(symbol.name, []).append(symbol)
    # the first of each name keeps it (a free symbol first, then one the file wrote); the others are primed
    clashing = [s for same in by_name.values() for s in same[1:]]
    if not clashing:
        return expr
    taken = {s.name for s in symbols} | {m.name for m in expr.atoms(sympy.MatrixSymbol)}
    shown = {}
    for symbol in clashing:
        name = symbol.name + "'"
        while name in taken:
            name += "'"
        taken.add(name)
        shown[symbol] = sympy.Symbol(name, **symbol.assumptions0)
    return expr.xreplace(shown)
