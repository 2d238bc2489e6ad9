"""Rebuilding SymPy trees from the leaves up: the one traversal the rewrites share."""

from __future__ import annotations

from typing import Callable

import sympy


def bottom_up(expr: sympy.Basic, transform: Callable[[sympy.Basic], sympy.Basic]) -> sympy.Basic:
    """``expr`` rebuilt from its leaves up, ``transform`` applied to every inner node
    after its arguments were transformed (leaves are kept as they are).

    >>> x = sympy.Symbol("x")
    >>> bottom_up(sympy.sin(x) + 1, lambda n: sympy.cos(*n.args) if isinstance(n, sympy.sin) else n)
    cos(x) + 1
    """

    def visit(node: sympy.Basic) -> sympy.Basic:
        if not node.args:
            return node
        new = [visit(a) if isinstance(a, sympy.Basic) else a for a in node.args]
        if not all(x is y for x, y in zip(new, node.args)):
            node = node.func(*new)
        return transform(node)

    return visit(expr)
