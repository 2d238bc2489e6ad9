"""What a numeric check samples: the free quantities of realised relations, with domains.

Shared by the numeric cross-check (:mod:`derivcheck.check.numeric.random_points`) and the
gradient check (:mod:`derivcheck.check.numeric.gradient`): the integer parameters and
their ranges, the declared matrices written out with one symbol per entry, the
random smooth stand-ins for declared functions, and one :class:`Param` per free
quantity (matrix, scalar, sequence element, probability simplex) with the
domain it is drawn from.
"""

from __future__ import annotations

import functools
import random
import zlib
from typing import Any

import sympy

from ...expr import objects
from ...expr.scope import INTEGER_KINDS, FunctionDecl, MatrixDecl, RandomDecl, ScalarDecl, Scope, SequenceDecl
from ..realize import MAX_ENTRIES, Realization, RealizedRelation, entry_symbol
from ..symbolic import integer_parameters
from .domains import REAL, domain_of, integer_domain, integer_range, matrix_transform
from .evaluate import Unsupported
from .sampling import Param, random_function, random_matrix_function


def integer_parameters_of(
    relations: list[objects.Relation], scope: Scope, fixed: dict[sympy.Symbol, int]
) -> tuple[dict[sympy.Symbol, list[int]], dict[sympy.Symbol, str]]:
    """The integer parameters (dimensions, naturals) the relations use, except ``fixed``,
    each with the range its configurations are drawn from, and its kind."""

    used = {p for relation in relations for p in integer_parameters(relation, scope)}
    ranges, kinds = {}, {}
    for d in scope.names.values():
        if isinstance(d, ScalarDecl) and d.symbol in used and d.symbol not in fixed:
            ranges[d.symbol] = integer_range(d.kind, d.interval)
            kinds[d.symbol] = d.kind
    return ranges, kinds


def entry_matrices(scope: Scope, config: dict) -> dict[sympy.MatrixSymbol, sympy.ImmutableMatrix]:
    """Every declared matrix at ``config``'s sizes, written out with one symbol per entry;
    one beyond :data:`~derivcheck.check.realize.base.MAX_ENTRIES` entries gets no value (its
    realisation is refused, saying so, where a relation uses it)."""
    matrices = {}
    for decl in scope.names.values():
        if isinstance(decl, MatrixDecl):
            try:
                r, c = (int(sympy.sympify(x, strict=True).xreplace({k: sympy.Integer(v) for k, v in config.items()}))
                        for x in (decl.rows, decl.cols))
            except TypeError:
                continue
            if r * c > MAX_ENTRIES:
                continue
            matrices[decl.symbol] = sympy.ImmutableMatrix(
                r, c, lambda i, j, name=decl.name, cols=c: entry_symbol(name, i, j, cols))
    return matrices


def random_replacement(decl: FunctionDecl, seed: int) -> Any:
    """The random smooth stand-in for a declared function (per argument count)."""
    matrix = any(a is not None for a in decl.arguments)
    return lambda nargs: random_model(seed, decl.name, matrix, nargs)


@functools.lru_cache(maxsize=256)
def random_model(seed: int, name: str, matrix: bool, nargs: int) -> sympy.Lambda:
    """The random smooth function standing for ``name`` (the same one for the same seed)."""
    rng = random.Random(zlib.crc32(f"{seed}:{name}:{nargs}".encode()))
    return (random_matrix_function if matrix else random_function)(name, nargs, rng)


_ORDER = {"scalar": 0, "matrix": 1, "simplex": 2}


def parameters_of(realized: list[RealizedRelation], env: Realization, scope: Scope) -> list[Param]:
    """One param per free quantity of the realised relations, with its domain."""
    entries = {s: m for m, value in env.matrices.items() for s in value if isinstance(s, sympy.Symbol)}
    space = realized[0].space
    probabilities = {s: f for f in (space.factors if space else ()) for s in f.free}
    found: dict[str, Param] = {}
    memo: dict[sympy.Basic, set[sympy.Basic]] = {}
    seen: set[sympy.Basic] = set()  # each leaf classified once (the sides share most of them)
    for rel in realized:
        for case in rel.cases:
            for side in case:
                for item in (list(side) if isinstance(side, sympy.MatrixBase) else [side]):
                    for leaf in _leaves(item, memo):
                        if leaf not in seen:
                            seen.add(leaf)
                            _classify(leaf, found, entries, probabilities, space, env, scope)
    return sorted(found.values(), key=lambda p: (_ORDER[p.kind], p.key))


def _leaves(expr: Any, memo: dict | None = None) -> set[sympy.Basic]:
    """Symbols and sequence elements in ``expr``, not counting integrals' bound variables
    (memoised per distinct sub-expression: realised expressions share them heavily)."""
    if not isinstance(expr, sympy.Basic):
        return set()
    memo = {} if memo is None else memo
    hit = memo.get(expr)
    if hit is not None:
        return hit
    if isinstance(expr, (sympy.Symbol, sympy.Indexed)):
        out = {expr}
    elif isinstance(expr, sympy.Integral):
        bound = {limit[0] for limit in expr.limits}
        out = _leaves(expr.function, memo) - bound
        for limit in expr.limits:
            for end in limit[1:]:
                out = out | _leaves(end, memo)
    else:
        out = set()
        for arg in expr.args:
            out = out | _leaves(arg, memo)
    memo[expr] = out
    return out


def _classify(leaf: sympy.Basic, found: dict[str, Param], entries: dict, probabilities: dict,
              space: Any, env: Realization, scope: Scope) -> None:
    if leaf in entries:
        m = entries[leaf]
        if m.name not in found:
            decl = scope.names[m.name]
            value = env.matrices[m]
            transform, invertible = matrix_transform(decl.qualifiers, value.rows, value.cols)
            found[m.name] = Param(m.name, "matrix", tuple(value), shape=value.shape,
                                  transform=transform, invertible=invertible)
        return
    if leaf in probabilities:
        factor = probabilities[leaf]
        found.setdefault(f"P({factor.name})", Param(f"P({factor.name})", "simplex", factor.free))
        return
    if space is not None and leaf in space.value_atoms:
        decl = scope.names.get(str(space.value_atoms[leaf].base.label) if isinstance(
            space.value_atoms[leaf], sympy.Indexed) else str(space.value_atoms[leaf]))
        domain = domain_of(decl.kind, decl.interval) if isinstance(decl, SequenceDecl) else REAL
        # a random variable's values stay in the window: moments of values across magnitudes
        # cancel in float64 (E(X**2) - E(X)**2), and each such disagreement costs a 50-digit settle
        found.setdefault(str(leaf), Param(str(leaf), "scalar", (leaf,), domain, wide=False))
        return
    name = str(leaf.base.label) if isinstance(leaf, sympy.Indexed) else leaf.name
    decl = scope.names.get(name)
    if isinstance(leaf, sympy.Indexed) and isinstance(decl, SequenceDecl):
        if decl.kind in INTEGER_KINDS:  # labels, counts: uniform on a few integers
            if decl.random:
                raise Unsupported(f"integer-valued random sequence element {leaf} is not sampled")
            found.setdefault(str(leaf), Param(str(leaf), "scalar", (leaf,), integer_domain(decl.kind, decl.interval)))
            return
        domain = REAL if decl.random else domain_of(decl.kind, decl.interval)
        found.setdefault(str(leaf), Param(str(leaf), "scalar", (leaf,), domain, wide=not decl.random))
    elif isinstance(decl, ScalarDecl) and decl.symbol == leaf and not decl.is_integer:
        found.setdefault(name, Param(name, "scalar", (leaf,), domain_of(decl.kind, decl.interval)))
    elif isinstance(decl, RandomDecl) and decl.symbol == leaf:
        found.setdefault(name, Param(name, "scalar", (leaf,), REAL, wide=False))
    else:
        raise Unsupported(f"{leaf} has no declared domain to sample from")


__all__ = ["integer_parameters_of", "entry_matrices", "random_replacement", "random_model", "parameters_of"]
