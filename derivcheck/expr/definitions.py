"""``define`` and ``given`` entries, read against the scope built so far.

Heads: ``q(x, y)`` (a function), ``alpha_bar[t]`` (an indexed family), ``Y`` (a
name). A function parameter that is a declared matrix or vector keeps that
name's shape and qualifiers but is a placeholder matrix symbol of its own (a use
replaces the parameter, never the declared name inside other definitions); any
other parameter is a fresh dummy: real, or integer for integer kinds, or complex
for complex ones, so that nothing the body simplified relies on a sign the
argument may not have. Index parameters
are always fresh integer dummies. Uses substitute the arguments (see
:mod:`derivcheck.expr.function_calls`).
"""

from __future__ import annotations

import ast
from dataclasses import replace

import sympy

from ..errors import InputError
from ..model import Definition, Hypothesis
from . import objects
from .names import declaration_problem, normalize
from .parser import parse_expression, parse_relation, reader_for
from .segments import Source
from .scope import INTEGER_KINDS, DefinitionDecl, MatrixDecl, RandomDecl, ScalarDecl, Scope

_HEAD_HINT = "a head is a name (Y), a function q(x, y) or an indexed family a[t]"


def _dummy(name: str, decl: object) -> tuple[sympy.Dummy, str]:
    kind = decl.kind if isinstance(decl, ScalarDecl) else "real"
    if kind == "complex":
        return sympy.Dummy(name, complex=True), "complex"
    if kind in INTEGER_KINDS:
        return sympy.Dummy(name, integer=True), "integer"
    return sympy.Dummy(name, real=True), "real"


def read_definition(definition: Definition, scope: Scope) -> DefinitionDecl:
    """One ``define`` entry as a :class:`DefinitionDecl`; its body is parsed now."""
    node, reader = reader_for(Source(definition.head), scope)
    if isinstance(node, ast.Name):
        name_node, param_nodes, indexed = node, [], False
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords and node.args:
        name_node, param_nodes, indexed = node.func, node.args, False
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        index = node.slice
        name_node, indexed = node.value, True
        param_nodes = list(index.elts) if isinstance(index, ast.Tuple) else [index]
    else:
        reader.fail(node, "cannot read this definition head", _HEAD_HINT)
    name = name_node.id
    problem = declaration_problem(name)
    if problem is not None:
        reader.fail(name_node, problem)
    if name in scope.names or name in scope.definitions:
        reader.fail(name_node, f"`{name}` is already {'declared' if name in scope.names else 'defined'}")
    params: list[object] = []
    overrides: dict[str, object] = {}
    for param_node in param_nodes:
        if not isinstance(param_node, ast.Name):
            reader.fail(param_node, "a parameter is a plain name", _HEAD_HINT)
        param = param_node.id
        problem = declaration_problem(param)
        if problem is not None:
            reader.fail(param_node, problem)
        if param in overrides or param == name:
            reader.fail(param_node, f"parameter `{param}` appears twice")
        if param in scope.definitions:
            reader.fail(param_node, f"parameter `{param}` is already defined")
        decl = scope.names.get(param)
        if indexed:
            symbol, kind = sympy.Dummy(param, integer=True), "integer"
        elif isinstance(decl, MatrixDecl):
            # a placeholder of the same shape, never the declared symbol: a use substitutes
            # the parameter's occurrences only, not the declared name's inside other
            # definitions expanded into the body (`u: w.T @ w; q(w): u + w.T @ w`)
            placeholder = sympy.MatrixSymbol(f"{param}'{name}", decl.rows, decl.cols)
            params.append(placeholder)
            overrides[param] = replace(decl, symbol=placeholder)
            continue
        elif decl is None or isinstance(decl, (ScalarDecl, RandomDecl)):
            symbol, kind = _dummy(param, decl)
        else:
            reader.fail(param_node, f"parameter `{param}` is declared as a {type(decl).__name__[:-4].lower()}",
                        "parameters are scalars or declared matrices and vectors")  # fmt: skip
        params.append(symbol)
        overrides[param] = ScalarDecl(param, symbol, kind, None, reader.span_of(param_node))
    inner = Scope(scope.path, {**scope.names, **overrides}, dict(scope.definitions), scope.hypotheses, scope.independent)
    conditions: list = []
    body = parse_expression(definition.body, inner, conditions)
    return DefinitionDecl(name, tuple(params), body, indexed, reader.span_of(name_node), tuple(conditions))


def read_hypothesis(hypothesis: Hypothesis, scope: Scope) -> tuple[str, objects.Relation]:
    """One ``given`` entry: its name and its relation (``~`` is not allowed here)."""
    name = normalize(hypothesis.name.value)
    if not name:
        raise InputError("a hypothesis needs a name", hypothesis.name.span)
    return name, parse_relation(hypothesis.relation, scope)
