"""Relations as LaTeX, for the Markdown, HTML and JSON reports.

A step's own ``latex:`` text (how its author wants the expression shown) is
preferred; otherwise SymPy's LaTeX printer draws the side. Printing is
cosmetic: any failure gives ``""`` and the reports fall back to Unicode.
"""

from __future__ import annotations

import functools
from typing import Any

from ..model import Derivation, Step

LATEX_OPS = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">", "~": r"\sim", "chain": r"\;\ldots\;"}


def latex_side(expr: Any) -> str:
    """SymPy's LaTeX of one side, or ``""`` when the printer cannot draw it."""
    try:
        return _latex(expr)
    except Exception:  # cosmetic: never let printing fail a check (an unhashable side too)
        return ""


@functools.lru_cache(maxsize=512)
def _latex(expr: Any) -> str:
    """(Remembered: consecutive steps share their sides.) A renamed bound variable is primed
    (:func:`~derivcheck.expr.pretty.distinct_names`)."""
    from .pretty import distinct_names

    return _printer().doprint(distinct_names(expr))


@functools.lru_cache(maxsize=1)
def _printer() -> Any:
    """SymPy's LaTeX printer, with a 1 x 1 product shown as the product (``z^T X^T X z``, not its trace)
    and an entry with the file's 1-based indices."""
    import sympy
    from sympy.printing.latex import LatexPrinter
    from sympy.printing.precedence import PRECEDENCE

    from .pretty import file_indices

    class Printer(LatexPrinter):
        def _print_MatrixElement(self, expr: Any) -> str:  # X_{i, 1}, z_{i}: 1-based, as the file writes them
            parent = self.parenthesize(expr.parent, PRECEDENCE["Atom"], strict=True)
            return f"{parent}_{{{', '.join(self._print(k) for k in file_indices(expr))}}}"

        def _print_Trace(self, expr: Any) -> str:
            arg = expr.arg
            if getattr(arg, "is_Matrix", False) and tuple(arg.shape) == (1, 1):
                return self._print(arg)
            return super()._print_Trace(expr)

        def parenthesize(self, item: Any, level: int, is_neg: bool = False, strict: bool = False) -> str:
            if isinstance(item, sympy.Trace) and isinstance(item.arg, sympy.MatMul) and tuple(item.arg.shape) == (1, 1):
                return r"\left(%s\right)" % self._print(item)
            return super().parenthesize(item, level, is_neg, strict)

    return Printer()


def latex_relation(lhs: Any, op: str, rhs: Any, *, lhs_latex: str | None = None,
                   rhs_latex: str | None = None) -> str:
    """``lhs op rhs`` in LaTeX; a side given as text is used as written.

    >>> import sympy
    >>> latex_relation(sympy.Symbol("x") ** 2, ">=", 0)
    'x^{2} \\\\ge 0'
    """
    try:
        from .pretty import distinct_sides

        lhs, rhs = distinct_sides(lhs, rhs)
    except Exception:  # cosmetic: never let printing fail a check
        pass
    left = lhs_latex or latex_side(lhs)
    right = rhs_latex or latex_side(rhs)
    if not left or not right:
        return ""
    return f"{left} {LATEX_OPS.get(op, op)} {right}"


def item_latex(item: Any, derivation: Derivation) -> str:
    """The LaTeX of one checked item (``step-N``, ``claim``, ``check-N``).

    For a chain step, the right side is the step's ``latex:`` when given and
    the left side the ``latex:`` of the step it continues from, when given.
    """
    relation = getattr(item, "relation", None)
    if relation is None:
        return ""
    step = _step(derivation, item.key)
    if step is None or step.relation == "claim":
        return latex_relation(relation.lhs, relation.op, relation.rhs)
    previous = _previous_in_chain(derivation, step)
    return latex_relation(
        relation.lhs, relation.op, relation.rhs,
        lhs_latex=previous.latex.value if previous is not None and previous.latex is not None else None,
        rhs_latex=step.latex.value if step.latex is not None else None,
    )


def _step(derivation: Derivation, key: str) -> Step | None:
    if not key.startswith("step-"):
        return None
    return next((s for s in derivation.steps if f"step-{s.index}" == key), None)


def _previous_in_chain(derivation: Derivation, step: Step) -> Step | None:
    """The step whose expression this chain step relates to (recorded errors skipped)."""
    for earlier in reversed([s for s in derivation.steps if s.index < step.index]):
        if earlier.relation == "claim":
            return None
        if earlier.expect is not None and earlier.expect.value == "refuted":
            continue
        return earlier
    return None
