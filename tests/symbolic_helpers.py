"""Hand-built scopes for unit tests of the checker (no parser involved)."""

from __future__ import annotations

import sympy

from derivcheck.errors import Span
from derivcheck.expr.scope import MatrixDecl, RandomDecl, ScalarDecl, Scope, SequenceDecl

HERE = Span("test.deriv.yaml", 1, 1)


def scope_with(**kinds: str) -> tuple[Scope, dict[str, sympy.Basic]]:
    """``scope_with(x="real", n="dimension", A="matrix n n", X="random", S="random sequence")``;
    also ``c="complex"`` and qualified matrices such as ``C="complex matrix n n"``."""
    scope = Scope("test.deriv.yaml")
    objects: dict[str, sympy.Basic] = {}
    for name, kind in kinds.items():
        words = kind.split()
        if words[-1] == "sequence":
            assumptions = {"positive": True} if words[0] == "positive" else {"real": True}
            base = sympy.IndexedBase(name, **assumptions)
            scope.names[name] = SequenceDecl(name, base, words[0] if words[0] == "positive" else "real", None,
                                             words[0] == "random", None, HERE)
            objects[name] = base
        elif words[0] in ("real", "positive", "natural", "dimension", "integer"):
            assumptions = {
                "real": {"real": True},
                "positive": {"positive": True},
                "natural": {"integer": True, "positive": True},
                "dimension": {"integer": True, "positive": True},
                "integer": {"integer": True},
            }[words[0]]
            symbol = sympy.Symbol(name, **assumptions)
            scope.names[name] = ScalarDecl(name, symbol, words[0], None, HERE)
            objects[name] = symbol
        elif kind == "complex":
            symbol = sympy.Symbol(name, complex=True)
            scope.names[name] = ScalarDecl(name, symbol, "complex", None, HERE)
            objects[name] = symbol
        elif words[0] in ("matrix", "symmetric", "psd", "orthogonal", "diagonal", "complex"):
            qualifiers = frozenset(words[:-3])
            rows, cols = (objects.get(w, sympy.Integer(int(w)) if w.isdigit() else None) for w in words[-2:])
            symbol = sympy.MatrixSymbol(name, rows, cols)
            scope.names[name] = MatrixDecl(name, symbol, rows, cols, qualifiers, HERE)
            objects[name] = symbol
        elif kind == "random":
            symbol = sympy.Symbol(name, real=True)
            scope.names[name] = RandomDecl(name, symbol, None, HERE)
            objects[name] = symbol
        elif words[-1] == "sequence":
            base = sympy.IndexedBase(name, real=True)
            scope.names[name] = SequenceDecl(name, base, "real", None, words[0] == "random", None, HERE)
            objects[name] = base
        else:
            raise ValueError(kind)
    return scope, objects
