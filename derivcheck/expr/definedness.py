"""Definedness conditions: what an expression needs to have a value, recorded while it is read.

SymPy evaluates while it builds: ``d/d`` becomes 1, ``S - S`` becomes 0 and
``inv(M) @ M`` the identity before any checker sees the denominator, the inverse or
the two sums. So ``trace(C - C.T)/trace(C - C.T) = 1`` would be proved, though its
left side has no value anywhere (the trace of a skew-symmetric matrix is 0). The
parser records, at the moment it builds each operation and before SymPy combines
it with anything, what the expression needs:

* ``nonzero``: a divisor (``a / d``, ``d**-k`` with an exponent not provably
  nonnegative) is not 0;
* ``invertible``: a matrix given to ``inv`` is invertible;
* ``convergent``: a ``Sum``/``Product`` with an infinite bound converges.

A condition on a bound variable (the term of a sum, the integrand) is not
recorded: it constrains one term, not the point (rule 18 judges terms). The
pipeline requires the conditions of a relation to hold together at some point where
the declarations and hypotheses hold before the relation may be accepted
(``docs/trust.md``, rule 33).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

KINDS = ("nonzero", "invertible", "convergent")


@dataclass(frozen=True)
class Condition:
    """What ``expr`` must satisfy (``kind``, one of :data:`KINDS`) for an expression to have a value.

    ``side`` is where it was read (``left``, ``right`` or ``""``), for messages. ``each``,
    for a condition on every entry of a matrix (``elementwise``), is ``(body, matrix)``: the
    condition on one entry ``u`` and the matrix, which messages show instead of ``expr``
    (the product over the entries, with the parser's own index variables)."""

    kind: str
    expr: Any
    side: str = ""
    each: tuple[Any, Any] | None = None

    def describe(self) -> str:
        """``the denominator x - y``, ``the inverted matrix A - B``, ``the infinite sum S``,
        ``the denominator 1 + u at an entry u of D``, in the file's spelling."""
        from .pretty import plain_text

        what = {"nonzero": "the denominator", "invertible": "the inverted matrix",
                "convergent": "the infinite " + ("product" if isinstance(self.expr, sympy.Product) else "sum")}
        if self.each is not None:
            body, matrix = self.each
            return f"{what[self.kind]} {plain_text(body)} at an entry u of {plain_text(matrix)}"
        return f"{what[self.kind]} {plain_text(self.expr)}"

    def on(self, side: str) -> "Condition":
        """The same condition, read on ``side``."""
        return Condition(self.kind, self.expr, side, self.each)

    def replaced(self, replacements: dict[Any, Any]) -> "Condition":
        """The condition with ``replacements`` substituted (a definition's arguments)."""
        def put(expr: Any) -> Any:
            return expr.xreplace(replacements) if isinstance(expr, sympy.Basic) else expr

        each = None if self.each is None else (put(self.each[0]), put(self.each[1]))
        return Condition(self.kind, put(self.expr), self.side, each)


def needed(kind: str, expr: Any, bound: set[Any]) -> Condition | None:
    """The condition ``kind`` on ``expr``, or None when it is trivial or not the point's:
    a nonzero rational or a divisor nonzero by its symbols' assumptions, or an expression holding a bound
    variable of ``bound`` (a term's condition, not the point's)."""
    if not isinstance(expr, sympy.Basic):
        return None
    if bound and expr.free_symbols & bound:
        return None
    if kind == "nonzero" and _plainly_nonzero(expr):
        return None
    if kind == "invertible" and isinstance(expr, sympy.Identity):
        return None
    return Condition(kind, expr)


def _plainly_nonzero(expr: sympy.Basic) -> bool:
    """A nonzero rational, or nonzero to SymPy with no compound number inside: SymPy may read
    the sign of a compound number from a rounded value (``tanh(log(6) - log(2) - log(3))`` is
    "negative" to it, and is 0), so such a divisor is recorded and the checker certifies it."""
    if expr.is_Rational:
        return expr != 0
    if expr.is_zero is not False:
        return False
    return not any(node.args and node.is_number for node in sympy.preorder_traversal(expr))


def has_infinite_bound(node: Any) -> bool:
    """Whether a ``Sum``/``Product`` has a bound that is ``oo`` or ``-oo``."""
    return isinstance(node, (sympy.Sum, sympy.Product)) and any(
        b.is_infinite for limit in node.limits for b in limit[1:])
