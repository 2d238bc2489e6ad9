"""Calls of the file's own functions: declared ones (``function`` declarations, read as
undefined real functions) and defined ones (``define`` entries), whose body is
instantiated at the arguments, capture-avoiding.

:mod:`derivcheck.expr.calls` dispatches a call here when its name is no built-in; the
parser instantiates indexed families with :func:`instantiate` too.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from . import objects, shapes
from .scope import DefinitionDecl, FunctionDecl, may_be_complex

if TYPE_CHECKING:
    from .parser import Reader


def declared_call(reader: "Reader", node: ast.Call, decl: FunctionDecl, args: list[ast.expr]) -> Any:
    """A call of a declared function with ``args``: real scalars, or real matrices of the
    declared shapes."""
    values = []
    for arg, shape in zip(args, decl.arguments):
        if shape is None:
            value = reader.scalar(arg, f"a scalar argument of {decl.name}")
            if may_be_complex(value, reader.scope):
                reader.fail(arg, f"{decl.name} is a real function of real arguments, and this may be complex")
            values.append(value)
            continue
        value = reader.read(arg)
        if may_be_complex(value, reader.scope):
            reader.fail(arg, f"{decl.name} is a real function of real matrices, and this may be complex")
        if not shapes.is_matrix(value) or not (
            shapes.same_dimension(value.shape[0], shape[0]) and shapes.same_dimension(value.shape[1], shape[1])
        ):
            reader.fail(arg, f"{decl.name} takes a {shape[0]} x {shape[1]} matrix, got {shapes.describe(value)}")
        values.append(value)
    return decl.cls(*values)


def defined_call(reader: "Reader", node: ast.Call, definition: DefinitionDecl) -> Any:
    """A call of a defined function: each argument checked against its parameter (shape,
    integer, real), then the body instantiated (:func:`instantiate`)."""
    replacements: dict[Any, Any] = {}
    for arg, param in zip(node.args, definition.params):
        if isinstance(param, MatrixExpr):
            value = reader.read(arg)
            if not shapes.is_matrix(value) or not shapes.same_shape(value, param):
                reader.fail(arg, f"{definition.name} takes {shapes.describe(param)} here, got {shapes.describe(value)}")
        else:
            value = reader.scalar(arg, f"a scalar argument of {definition.name}")
            if param.is_integer and value.is_integer is not True:
                reader.fail(arg, f"{definition.name} takes an integer here")
            if param.is_real and may_be_complex(value, reader.scope):
                reader.fail(arg, f"{definition.name} takes a real scalar here, and this may be complex")
        replacements[param] = value
    return instantiate(reader, node, definition, replacements)


def instantiate(reader: "Reader", node: ast.AST, definition: DefinitionDecl, replacements: dict[Any, Any]) -> Any:
    """The body of ``definition`` with its parameters replaced, capture-avoiding: a Sum,
    Product or Integral of the body whose variable occurs in an argument gets a fresh
    variable first (``q(k): Sum(k*i, (i, 1, 2))`` called as ``q(i)`` is ``3*i``), and a
    derivative in a name that occurs in an argument is taken before the substitution
    (``h(a): diff(a*x, x)`` called as ``h(x)`` is ``x``), or refused when it cannot be."""
    body = definition.body
    reader.require_all(definition.conditions, replacements)
    if not isinstance(body, sympy.Basic):
        return body
    free: set[Any] = set()
    for value in replacements.values():
        free |= getattr(value, "free_symbols", set())
    if free:
        bound = {limit[0] for binder in body.atoms(sympy.Sum, sympy.Product, sympy.Integral)
                 for limit in binder.limits}
        # a bound variable of a body is never free in it (a declared name binds as a dummy)
        body = body.xreplace({v: sympy.Dummy(v.name, **v.assumptions0) for v in bound & free})
    body = _derivatives_first(body, replacements, free)
    params = set(replacements)
    for derivative in body.atoms(sympy.Derivative, objects.Gradient, objects.HessianMatrix):
        variables = set(derivative.variables) if isinstance(derivative, sympy.Derivative) else {derivative.args[1]}
        if variables & free and derivative.has(*params):
            names = ", ".join(sorted(f"`{v}`" for v in variables & free))
            reader.fail(node, f"an argument of {definition.name} contains {names}, the variable of a derivative "
                        "in its body, which would capture it", "rename the argument, or write the derivative out")
    return body.xreplace(replacements)


def _derivatives_first(body: Any, replacements: dict[Any, Any], free: set[Any] = frozenset()) -> Any:
    """``body`` with its derivatives in the (scalar) parameters taken first: a partial
    derivative is taken in its parameter, then evaluated at the arguments. So
    ``fp(u): diff(f(u), u)`` called as ``fp(g(z))`` is f' at g(z) (SymPy cannot
    differentiate with respect to ``g(z)``), and ``h1(u, v): diff(h(u, v), u)``
    called as ``h1(z, z**2)`` is the partial in the first argument, not the total
    derivative in z that substituting first would make of it. A derivative in a name
    that occurs in an argument (``free``) is taken first too: substituting into it
    would capture the argument."""
    params = {p for p in replacements if not isinstance(p, MatrixExpr)} | set(free)
    if not params or not isinstance(body, sympy.Basic) or not body.has(sympy.Derivative):
        return body
    return body.replace(lambda e: isinstance(e, sympy.Derivative) and any(v in params for v in e.variables),
                        lambda e: e.doit())
