"""Relations and expressions as a reader writes them, for reports and messages.

Two printers share the file's spelling: ``@`` between the factors of a matrix
product (SymPy prints ``*`` or ``⋅``), a 1 x 1 product as the product (the parser
reads it as the scalar ``tr(zᵀXᵀXz)``), ``inv``, ``det``, ``trace``, ``eye``, and
a variable the parser made (a ``Dummy``, printed ``_i`` by SymPy) by its bare name.
:func:`plain_text` is one line of text, as an expression is written in a file;
:func:`pretty_relation` draws in Unicode (SymPy's pretty printer), falling back to
plain text when the drawing is too wide.
"""

from __future__ import annotations

import functools
from typing import Any

import sympy
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm, stringPict
from sympy.printing.str import StrPrinter

_SYMBOLS = {"=": " = ", "<=": " ≤ ", "<": " < ", ">=": " ≥ ", ">": " > ", "~": " ~ ", "chain": " … "}


def _is_matrix(expr: Any) -> bool:
    return bool(getattr(expr, "is_Matrix", False))


def file_indices(entry: Any) -> tuple[Any, ...]:
    """The indices of a matrix entry as a file writes them: 1-based (the parser reads ``X[i, 1]``
    as SymPy's ``X[i - 1, 0]``), one index for an entry of a vector (``z[i]``)."""
    indices = (entry.i + 1, entry.j + 1)
    return indices[:1] if entry.parent.shape[1] == 1 else indices


def _one_by_one(expr: Any) -> bool:
    """A matrix expression of shape 1 x 1 (``z.T @ A @ z``): shown as itself, not as its trace."""
    return _is_matrix(expr) and tuple(expr.shape) == (1, 1)


class PlainPrinter(StrPrinter):
    """SymPy's ``sstr`` with the file's spelling (see the module's docstring).

    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> X, z = sympy.MatrixSymbol("X", n, n), sympy.MatrixSymbol("z", n, 1)
    >>> plain_text(sympy.Trace(z.T * X.T * X * z)), plain_text(2 * X * sympy.Inverse(X + X.T))
    ('z.T @ X.T @ X @ z', '2*X @ inv(X + X.T)')
    """

    def _print_MatMul(self, expr: Any) -> str:
        coefficient = sympy.Mul(*(a for a in expr.args if not _is_matrix(a)))
        matrices = [a for a in expr.args if _is_matrix(a)]
        sign = ""
        if coefficient.could_extract_minus_sign():
            sign, coefficient = "-", -coefficient
        level = PRECEDENCE["Mul"]
        text = " @ ".join(self.parenthesize(m, level) for m in matrices)
        if coefficient != 1:
            text = self.parenthesize(coefficient, level) + "*" + text
        return sign + text

    def parenthesize(self, item: Any, level: int, strict: bool = False) -> str:
        if isinstance(item, sympy.Trace) and isinstance(item.arg, sympy.MatMul) and _one_by_one(item.arg):
            return f"({self._print(item)})"  # (z.T @ z)*X: a 1 x 1 product as a factor or a base
        return super().parenthesize(item, level, strict)

    def _print_Trace(self, expr: Any) -> str:
        if _one_by_one(expr.arg):
            return self._print(expr.arg)
        return f"trace({self._print(expr.arg)})"

    def _print_Determinant(self, expr: Any) -> str:
        return f"det({self._print(expr.arg)})"

    def _print_Inverse(self, expr: Any) -> str:
        return f"inv({self._print(expr.arg)})"

    def _print_Identity(self, expr: Any) -> str:
        return f"eye({self._print(expr.rows)})"

    def _print_ZeroMatrix(self, expr: Any) -> str:
        return f"zeros({self._print(expr.rows)}, {self._print(expr.cols)})"

    def _print_OneMatrix(self, expr: Any) -> str:
        return f"ones({self._print(expr.rows)}, {self._print(expr.cols)})"

    def _print_Dummy(self, expr: Any) -> str:
        return expr.name

    def _print_Symbol(self, expr: Any) -> str:
        return expr.name.lstrip("_") or expr.name  # an internal name (`_entry`) without its marker

    def _print_MatrixElement(self, expr: Any) -> str:
        parent = self.parenthesize(expr.parent, PRECEDENCE["Atom"], strict=True)
        return f"{parent}[{', '.join(self._print(k) for k in file_indices(expr))}]"


class DrawingPrinter(PrettyPrinter):
    """SymPy's Unicode pretty printer with ``@`` between matrix factors and 1 x 1 products as products."""

    def _print_MatMul(self, expr: Any) -> prettyForm:
        coefficient = sympy.Mul(*(a for a in expr.args if not _is_matrix(a)))
        if coefficient.could_extract_minus_sign():
            drawn = self._print_MatMul(sympy.MatMul(-coefficient, *(a for a in expr.args if _is_matrix(a))))
            return prettyForm(*drawn.left("-"), binding=prettyForm.NEG)
        forms = []
        for factor in (a for a in expr.args if _is_matrix(a)):
            form = self._print(factor)
            if precedence(factor) < PRECEDENCE["Mul"]:
                form = prettyForm(*form.parens())
            forms.append(form)
        drawn = forms[0]
        for form in forms[1:]:
            drawn = prettyForm(*drawn.right(" @ ", form), binding=prettyForm.MUL)
        if coefficient != 1:
            return prettyForm.__mul__(self._print(coefficient), drawn)
        return drawn

    def _print_MatAdd(self, expr: Any) -> prettyForm:
        drawn = None
        for term in expr.args:
            negative = isinstance(term, sympy.MatMul) and sympy.Mul(
                *(a for a in term.args if not _is_matrix(a))).could_extract_minus_sign()
            form = self._print(-term if negative else term)
            if drawn is None:
                drawn = prettyForm(*form.left("-")) if negative else form
            else:
                drawn = prettyForm(*drawn.right(" - " if negative else " + ", form))
        drawn.binding = prettyForm.ADD
        return drawn

    def _print_Trace(self, expr: Any) -> prettyForm:
        if _one_by_one(expr.arg):
            drawn = self._print(expr.arg)
            if isinstance(expr.arg, sympy.MatMul):
                drawn.binding = prettyForm.ADD  # (zᵀ @ z)⋅X: bracketed as a factor or a base
            return drawn
        return super()._print_Trace(expr)

    def _print_MatrixElement(self, expr: Any) -> prettyForm:
        parent = self._print(expr.parent)  # not X₀₀ for X[1, 1], nor (X)[i - 1, 0] for X[i, 1]
        if not isinstance(expr.parent, sympy.MatrixSymbol):
            parent = prettyForm(*parent.parens())
        indices = self._print_seq(file_indices(expr), delimiter=", ").parens(left="[", right="]")[0]
        return prettyForm(*stringPict.next(parent, indices), binding=prettyForm.ATOM)

    def _print_Symbol(self, expr: Any, bold_name: bool = False) -> prettyForm:
        if expr.name.startswith("_") and expr.name.strip("_"):
            expr = sympy.Symbol(expr.name.lstrip("_"))
        return super()._print_Symbol(expr, bold_name)


def plain_text(expr: Any) -> str:
    """``expr`` on one line as a file writes it (``@``, ``inv``, a 1 x 1 product as the product)."""
    if not isinstance(expr, sympy.Basic):
        return str(expr)
    try:
        return _plain_text(distinct_names(expr))
    except TypeError:  # an unhashable expression
        return PlainPrinter().doprint(distinct_names(expr))


def relation_text(lhs: Any, op: str, rhs: Any) -> str:
    """``lhs op rhs`` on one line in the file's spelling (``op`` as written: ``<=``, not ``≤``)."""
    lhs, rhs = distinct_sides(lhs, rhs)
    return f"{_plain(lhs)} {op} {_plain(rhs)}"


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
    if not isinstance(expr, sympy.Basic):
        return str(expr)
    try:
        return _plain_text(expr)
    except TypeError:  # an unhashable side
        return PlainPrinter().doprint(expr)


@functools.lru_cache(maxsize=512)
def _plain_text(expr: Any) -> str:
    return PlainPrinter().doprint(expr)


@functools.lru_cache(maxsize=512)
def _form(expr: Any) -> prettyForm:
    """The drawing of one side (remembered: consecutive steps share their sides)."""
    return draw(expr)


def draw(expr: Any) -> prettyForm:
    """``expr`` drawn by :class:`DrawingPrinter` in Unicode, whatever the terminal's locale:
    SymPy's products read a global flag, set from the locale at import (``*`` under ``LANG=C``)."""
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

    before = pretty_use_unicode(True)
    try:
        return DrawingPrinter({"use_unicode": True, "wrap_line": False})._print(expr)
    finally:
        pretty_use_unicode(before)


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


__all__ = ["DrawingPrinter", "PlainPrinter", "distinct_names", "draw", "distinct_sides", "file_indices", "plain_text", "pretty_relation", "relation_text"]
