"""Whether a finite probability space can show every law that the declarations allow.

A claim about moments is checked on a finite space
(:mod:`derivcheck.check.finite_space`): its E/Var/Cov become exact sums in the
space's free quantities (the atoms' probabilities and the variables' values),
and agreement at random values of those is evidence only if the space's moments
are **generic**: if every law the declarations allow gives moments that some
law of the space can give too, up to a polynomial condition. Five dependent
variables on five outcomes are not: their covariance determinant is always 0.
Mutually independent variables standing for pairwise independent ones are not:
``E(X*Y*Z) = E(X)*E(Y)*E(Z)`` always.

The test. The claim depends on the law only through its **coordinates**: the
moments ``E(m)`` of the monomials ``m`` in the finite random variables that its
E/Var/Cov need (after linearity), where a monomial whose variables one
``independent`` group holds is replaced by its factors' own moments (the
declarations force that product, and nothing else), and the values of the
variables that occur outside E. The space gives a polynomial map from its free
quantities to the coordinates. If its Jacobian has full rank (the number of
coordinates) at one point, some minor is a non-zero polynomial, so at almost
every point of the space the map is open: its image holds an open set of
coordinates, and a rational function of the coordinates that vanishes there
vanishes everywhere. So a claim that is false for some declared law is false on
the space too, as a non-zero rational function of the space's quantities, and
the Schwartz-Zippel bound of :mod:`derivcheck.check.exact` bounds the chance
that it passes. The rank is computed exactly, modulo a large prime, at a
pseudo-random point (the rank modulo a prime never exceeds the rank over the
rationals, so full rank there is a proof). A rank below full makes agreement
no evidence (``limitation``); a disagreement is still a counterexample, since
every law of the space is a declared law.

Not covered: moments of non-polynomial functions (``E(exp(X))``) give a
limitation too, since their coordinates are not finitely many.
"""

from __future__ import annotations

import random
from typing import Any, Iterable

import sympy

from ..expr import objects
from .finite_space import FiniteSpace, unique_nodes, within_group
from .realize_env import is_matrix

PRIME = 2**61 - 1
MAX_COORDINATES = 400  # beyond this the rank is not computed (the space is not certified)
_MOMENTS = (objects.Expectation, objects.Variance, objects.Covariance)


class NotPolynomial(Exception):
    """A coordinate is not a rational function of the space's quantities."""


def coordinates(sides: Iterable[Any], space: FiniteSpace) -> list[sympy.Expr]:
    """The monomials whose moments (and the atoms whose values) the realised ``sides`` depend on:
    ``E(m)`` for each monomial ``m``, as ``m`` itself; an atom outside E as ``Outside(atom)``."""
    finite = set(space.variables)
    found: dict[sympy.Expr, None] = {}
    roots = [x for side in sides for x in (list(side) if is_matrix(side) else [side]) if isinstance(x, sympy.Basic)]
    nodes = unique_nodes(roots)
    inner = {n for n in nodes if isinstance(n, _MOMENTS)}
    placeholders = {n: sympy.Dummy("moment") for n in inner}
    for node in nodes:
        if not isinstance(node, _MOMENTS):
            continue
        args = [a.xreplace(placeholders) for a in node.args]
        if isinstance(node, objects.Expectation):
            arguments = args
        elif isinstance(node, objects.Variance):
            arguments = [args[0], args[0] ** 2]
        else:
            arguments = [args[0], args[1], args[0] * args[1]]
        for g in arguments:
            for m in _monomials(g, finite, space):
                found.setdefault(m, None)
    outside = _outside(roots, inner, finite)
    return [*found, *(Outside(a) for a in sorted(outside, key=str))]


def interactions(sides: Iterable[Any], atoms: Iterable[sympy.Basic]) -> list[frozenset[sympy.Basic]]:
    """The sets of random atoms that occur together in a monomial under some E/Var/Cov of
    ``sides``: the joint moments the space must be able to give."""
    atoms = set(atoms)
    roots = [x for side in sides for x in (list(side) if is_matrix(side) else [side]) if isinstance(x, sympy.Basic)]
    out: dict[frozenset[sympy.Basic], None] = {}
    for node in unique_nodes(roots):
        if not isinstance(node, _MOMENTS):
            continue
        # the monomials of g (E), g**2 (Var) and g*h (Cov)
        product = node.args[0] ** 2 if isinstance(node, objects.Variance) else sympy.Mul(*node.args)
        present = {a for a in atoms if product.has(a)}
        if len(present) < 3:
            continue
        for term in sympy.Add.make_args(sympy.expand(product)):
            found = frozenset(a for a in present if term.has(a))
            if len(found) >= 3:
                out.setdefault(found, None)
    return list(out)


class Outside(sympy.Function):
    """A coordinate: the value of a random atom that occurs outside E/Var/Cov."""


def _outside(roots: list[sympy.Basic], inner: set[sympy.Basic], finite: set[sympy.Basic]) -> set[sympy.Basic]:
    seen, stack, out = set(), list(roots), set()
    while stack:
        node = stack.pop()
        if node in seen or node in inner:
            continue
        seen.add(node)
        if node in finite:
            out.add(node)
        stack.extend(a for a in node.args if isinstance(a, sympy.Basic))
    return out


def _monomials(g: sympy.Expr, finite: set[sympy.Basic], space: FiniteSpace) -> list[sympy.Expr]:
    gens = sorted((a for a in finite if g.has(a)), key=str)
    if not gens:
        return []
    try:
        poly = sympy.Poly(sympy.expand(g), *gens)
    except sympy.PolynomialError:
        return [g]  # an opaque coordinate: evaluating it raises NotPolynomial
    out = []
    for exponents, _ in poly.terms():
        powers = [(x, k) for x, k in zip(gens, exponents) if k]
        if not powers:
            continue
        if len(powers) > 1 and within_group([x for x, _ in powers], space.groups):
            out.extend(x**k for x, k in powers)  # the declared independence factors it
        else:
            out.append(sympy.Mul(*[x**k for x, k in powers]))
    return out


def certify(space: FiniteSpace, sides: Iterable[Any], seed: int = 0) -> str | None:
    """None when the space's moments are generic for ``sides``; else why agreement on it is no
    evidence about every declared law (:data:`FiniteSpace.limitation`)."""
    coords = coordinates(list(sides), space)
    if not coords:
        return None
    if len(coords) > MAX_COORDINATES:
        return (f"the claim depends on {len(coords)} moments of its random variables, more than "
                f"{MAX_COORDINATES}: the finite probability space is not shown to represent every declared law")
    rng = random.Random(seed * 7919 + 104729)
    values: dict[sympy.Basic, int] = {}
    try:
        rows = [_gradient(_coordinate(c, space), values, rng) for c in coords]
    except NotPolynomial as exc:
        return (f"the claim takes E of a function that is not a polynomial ({exc}): the finite probability "
                "space is not shown to represent every declared law")
    rank = _rank(rows, rng)
    if rank == len(coords):
        return None
    return (f"the finite probability space does not represent every law the declarations allow: the "
            f"{len(coords)} moments the claim needs ({_show(coords)}) have only {rank} degrees of freedom on it")


def _show(coords: list[sympy.Expr]) -> str:
    shown = ", ".join(f"E({c})" if not isinstance(c, Outside) else str(c.args[0]) for c in coords[:6])
    return shown + (", ..." if len(coords) > 6 else "")


def _coordinate(c: sympy.Expr, space: FiniteSpace) -> sympy.Expr:
    if isinstance(c, Outside):
        var = space.variables[c.args[0]]
        return var.table[next(iter(var.table))]
    return space.expectation(c)


def _gradient(expr: sympy.Expr, values: dict[sympy.Basic, int], rng: random.Random) -> dict[sympy.Basic, int]:
    """The gradient modulo PRIME of ``expr`` in its symbols, at pseudo-random values (forward mode)."""
    memo: dict[sympy.Basic, tuple[int, dict[sympy.Basic, int]]] = {}

    def walk(e: sympy.Basic) -> tuple[int, dict[sympy.Basic, int]]:
        hit = memo.get(e)
        if hit is not None:
            return hit
        if isinstance(e, (sympy.Symbol, sympy.Indexed)):
            if e not in values:
                values[e] = rng.randrange(1, PRIME)
            out = (values[e], {e: 1})
        elif e.is_Rational:
            out = (int(e.p) * pow(int(e.q), -1, PRIME) % PRIME, {})
        elif isinstance(e, sympy.Add):
            total, grad = 0, {}
            for a in e.args:
                v, g = walk(a)
                total = (total + v) % PRIME
                for k, d in g.items():
                    grad[k] = (grad.get(k, 0) + d) % PRIME
            out = (total, grad)
        elif isinstance(e, sympy.Mul):
            total, grad = 1, {}
            for a in e.args:
                v, g = walk(a)
                grad = {k: d * v % PRIME for k, d in grad.items()}
                for k, d in g.items():
                    grad[k] = (grad.get(k, 0) + d * total) % PRIME
                total = total * v % PRIME
            out = (total, grad)
        elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
            v, g = walk(e.base)
            k = int(e.exp)
            if v == 0 and k < 0:
                raise NotPolynomial(f"a zero denominator in {e}")
            power = pow(v, k, PRIME)
            factor = k * pow(v, k - 1, PRIME) % PRIME
            out = (power, {s: d * factor % PRIME for s, d in g.items()})
        else:
            raise NotPolynomial(str(e.func.__name__))
        memo[e] = out
        return out

    return walk(expr)[1]


def _rank(rows: list[dict[sympy.Basic, int]], rng: random.Random) -> int:
    """The rank modulo PRIME of the sparse rows, through a random projection to len(rows) columns
    (a projection never raises the rank, so a full rank found is the rows' rank)."""
    columns = sorted({k for row in rows for k in row}, key=str)
    m = len(rows)
    projection = {k: [rng.randrange(PRIME) for _ in range(m)] for k in columns}
    dense = []
    for row in rows:
        out = [0] * m
        for k, d in row.items():
            for j, r in enumerate(projection[k]):
                out[j] += d * r
        dense.append([x % PRIME for x in out])
    rank = 0
    for col in range(m):
        pivot = next((r for r in range(rank, m) if dense[r][col]), None)
        if pivot is None:
            continue
        dense[rank], dense[pivot] = dense[pivot], dense[rank]
        inverse = pow(dense[rank][col], -1, PRIME)
        for r in range(rank + 1, m):
            if dense[r][col]:
                f = dense[r][col] * inverse % PRIME
                dense[r] = [(a - f * b) % PRIME for a, b in zip(dense[r], dense[rank])]
        rank += 1
    return rank
