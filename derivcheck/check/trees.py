"""Generic SymPy tree helpers: the bottom-up rebuild the rewrites share, shared-node
traversal (with free symbols looked up once per node), and bound variables renamed by
position."""

from __future__ import annotations

import functools
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


def unique_nodes(roots: list[sympy.Basic], stop: tuple[type, ...] = ()) -> list[sympy.Basic]:
    """Every distinct sub-expression of ``roots``, each once; below a node of a type in
    ``stop`` nothing is visited (the node itself is).

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
        if not isinstance(node, stop):
            stack.extend(a for a in node.args if isinstance(a, sympy.Basic))
    return out


class FreeSymbols:
    """Whether a sub-expression has free symbols, each distinct node looked at once.

    ``node.free_symbols`` walks the node's whole subtree on every call, so asking it of
    every node of a realised DAG costs time quadratic in its size (seconds for one large
    relation). Here a node whose free symbols are the union of its arguments' (SymPy's
    default, :attr:`sympy.Basic.free_symbols`) is answered from its arguments' answers,
    remembered; any other (a symbol, an integral or sum with bound variables, an indexed
    object) asks SymPy. The answers are SymPy's.

    >>> x = sympy.Symbol("x")
    >>> free = FreeSymbols()
    >>> free(sympy.exp(x) + 1), free(sympy.exp(2) + 1), free(sympy.Integral(x, (x, 0, 1)))
    (True, False, False)
    """

    def __init__(self) -> None:
        self._known: dict[sympy.Basic, bool] = {}

    def __call__(self, expr: sympy.Basic) -> bool:
        known = self._known
        if expr in known:
            return known[expr]
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if node in known:
                continue
            if not _union_of_args(type(node)) or not all(isinstance(a, sympy.Basic) for a in node.args):
                known[node] = bool(node.free_symbols)
            elif ready:
                known[node] = any(known[a] for a in node.args)
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in known)
        return known[expr]


@functools.lru_cache(maxsize=None)
def _union_of_args(cls: type) -> bool:
    """Whether ``cls`` keeps SymPy's default ``free_symbols``: the union of its arguments'."""
    default = sympy.Basic.__dict__["free_symbols"]
    return next((k.__dict__["free_symbols"] is default for k in cls.__mro__ if "free_symbols" in k.__dict__), False)


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
