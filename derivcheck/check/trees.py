"""Generic SymPy tree helpers: the bottom-up rebuild the rewrites share, shared-node
traversal, and bound variables renamed by position."""

from __future__ import annotations

from typing import Callable

import sympy


def bottom_up(expr: sympy.Basic, transform: Callable[[sympy.Basic], sympy.Basic],
              skip: Callable[[sympy.Basic], bool] | None = None) -> sympy.Basic:
    """``expr`` rebuilt from its leaves up, ``transform`` applied to every inner node
    after its arguments were transformed (leaves are kept as they are).

    >>> x = sympy.Symbol("x")
    >>> bottom_up(sympy.sin(x) + 1, lambda n: sympy.cos(*n.args) if isinstance(n, sympy.sin) else n)
    cos(x) + 1
    """

    def visit(node: sympy.Basic) -> sympy.Basic:
        if not node.args or (skip is not None and skip(node)):  # a skipped subtree is left as it is
            return node
        new = [visit(a) if isinstance(a, sympy.Basic) else a for a in node.args]
        if not all(x is y for x, y in zip(new, node.args)):
            node = node.func(*new)
        return transform(node)

    return visit(expr)


def replace_shared(expr: sympy.Basic, rule: dict) -> sympy.Basic:
    """``expr.xreplace(rule)``, each distinct sub-expression rebuilt once.

    SymPy's ``xreplace`` walks a realised expression (a DAG) once per path to a shared
    node, which grows exponentially; the result here is the same tree."""
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda entry: replace_shared(entry, rule))
    done: dict[sympy.Basic, sympy.Basic] = {}

    def visit(node: sympy.Basic) -> sympy.Basic:
        if node in rule:
            return rule[node]
        if not node.args:
            return node
        known = done.get(node)
        if known is not None:
            return known
        new = [visit(a) if isinstance(a, sympy.Basic) else a for a in node.args]
        out = node.func(*new) if not all(x is y for x, y in zip(new, node.args)) else node
        done[node] = out
        return out

    return visit(expr)


def unique_nodes(roots: list[sympy.Basic]) -> list[sympy.Basic]:
    """Every distinct sub-expression of ``roots``, each once.

    Realised expressions share sub-expressions heavily (a DAG); a plain preorder
    traversal visits a shared node once per path to it, which grows exponentially.
    """
    seen: set[sympy.Basic] = set()
    stack = list(roots)
    out: list[sympy.Basic] = []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out.append(node)
        stack.extend(a for a in node.args if isinstance(a, sympy.Basic))
    return out


def rename_dummies(expr: sympy.Basic) -> sympy.Basic:
    """Rename the bound variables of Sum/Product/Integral by position, so that
    ``Sum(f(i), (i, 1, n))`` and ``Sum(f(j), (j, 1, n))`` become the same object."""
    if not isinstance(expr, sympy.Basic):
        return expr
    def visit(node: sympy.Basic, depth: int) -> sympy.Basic:
        if not node.args:
            return node
        if isinstance(node, (sympy.Sum, sympy.Product, sympy.Integral)):
            mapping = {}
            limits = []
            for position, limit in enumerate(node.limits):
                var = limit[0]
                fresh = sympy.Symbol(f"_b{depth}_{position}", **_assumptions(var))
                bounds = tuple(visit(b.xreplace(mapping), depth) for b in limit[1:])
                mapping[var] = fresh
                limits.append((fresh,) + bounds)
            body = visit(node.function.xreplace(mapping), depth + 1)
            return node.func(body, *limits)
        new = [visit(a, depth) if isinstance(a, sympy.Basic) else a for a in node.args]
        if all(x is y for x, y in zip(new, node.args)):
            return node
        return node.func(*new)

    return visit(expr, 0)


def _assumptions(var: sympy.Symbol) -> dict[str, bool]:
    return {"integer": True} if var.is_integer else {"real": True}
