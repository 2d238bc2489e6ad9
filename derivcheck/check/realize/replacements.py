"""Declared functions replaced by concrete ones: a ``Lambda`` per name, partials by name.

A declared function ``f`` (and its partial ``f__d1__d2``, see
:mod:`derivcheck.expr.objects`) stays undefined through realisation; the numeric
checker and the confirmation give it a random smooth body afterwards.
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy

from ...expr import objects
from .base import FunctionReplacement, RealizeError


def resolve_function(functions: Mapping[str, FunctionReplacement], name: str, nargs: int) -> sympy.Lambda | None:
    """The Lambda standing for the declared function ``name`` (``f`` or a partial ``f__d1__d2``)
    of ``nargs`` arguments, or None when ``f`` has no replacement."""
    base = name.split("__d")[0]
    found = functions.get(base)
    if found is None:
        return None
    lam = found if isinstance(found, sympy.Lambda) else found(nargs)
    if len(lam.variables) != nargs:
        raise RealizeError(f"replacement for {base} takes {len(lam.variables)} arguments, not {nargs}")
    parts = tuple(int(p) for p in name.split("__d")[1:])
    if not parts:
        return lam
    key = (lam, parts)
    if key not in _PARTIALS:
        if len(_PARTIALS) > 512:
            _PARTIALS.clear()
        body = lam.expr
        for part in parts:
            body = sympy.diff(body, lam.variables[part - 1])
        _PARTIALS[key] = sympy.Lambda(lam.variables, body)
    return _PARTIALS[key]


_PARTIALS: dict[tuple[sympy.Lambda, tuple[int, ...]], sympy.Lambda] = {}


def substitute_functions(expr: Any, functions: Mapping[str, FunctionReplacement]) -> Any:
    """A realised expression with each declared function (and its partials) replaced.

    Differentiating first with the functions undefined and substituting afterwards
    (what the numeric checker does) is much cheaper than differentiating the bodies.
    """
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.applyfunc(lambda x: substitute_functions(x, functions)))
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return expr
    args = [substitute_functions(a, functions) for a in expr.args]
    if objects.is_declared_function(expr):
        lam = resolve_function(functions, type(expr).__name__, len(args))
        if lam is not None:
            return lam(*args)
    if all(a is b for a, b in zip(args, expr.args)):
        return expr
    return expr.func(*args)


__all__ = ["resolve_function", "substitute_functions"]
