"""Whether a finite probability space can show every law that the declarations allow.

A claim about moments is checked on a finite space
(:mod:`derivcheck.check.realize.finite_space`): its E/Var/Cov become exact sums in the
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
the Schwartz-Zippel bound of :mod:`derivcheck.check.numeric.exact` bounds the chance
that it passes. The rank is computed exactly, modulo a large prime, at a
pseudo-random point (the rank modulo a prime never exceeds the rank over the
rationals, so full rank there is a proof). A rank below full makes agreement
no evidence (``limitation``); a disagreement is still a counterexample, since
every law of the space is a declared law.

Not covered: moments of non-polynomial functions (``E(exp(X))``) give a
limitation too, since their coordinates are not finitely many.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any, Iterable

import sympy

from ...expr import objects
from ...expr.scope import Scope
from ..trees import unique_nodes
from .base import RealizeError, is_matrix
from .finite_space import FiniteSpace, build_space, within_group

PRIME = 2**61 - 1
MAX_COORDINATES = 400  # beyond this the rank is not computed (the space is not certified)
MAX_EXTRA = 64  # atoms added to every factor of a space whose moments are not generic, at most
MAX_MONOMIALS = 4000  # monomials of one E argument beyond which it counts as opaque
_MOMENTS = (objects.Expectation, objects.Variance, objects.Covariance)

Monomial = tuple[tuple[sympy.Basic, int], ...]  # (atom, power) pairs, sorted by atom name


@dataclass(frozen=True)
class Moments:
    """What a claim needs of the law: the monomials ``m`` whose ``E(m)`` its E/Var/Cov take
    (after linearity), the random atoms that occur outside E, and, when some E argument is
    not a polynomial in the random atoms, that argument (``opaque``)."""

    monomials: tuple[Monomial, ...]
    outside: tuple[sympy.Basic, ...]
    opaque: str | None = None

    def interactions(self) -> list[frozenset[sympy.Basic]]:
        """The sets of atoms that occur together in one monomial."""
        return list(dict.fromkeys(frozenset(a for a, _ in m) for m in self.monomials if len(m) > 1))


def needed_moments(sides: Iterable[Any], atoms: Iterable[sympy.Basic]) -> Moments:
    """The :class:`Moments` of the realised ``sides`` (E/Var/Cov not yet evaluated).

    The monomials are read off the expression tree without expanding it (a product
    of two sums gives every pair), so a monomial whose coefficient cancels may be
    listed too: that can only make the test harder to pass, never easier."""
    gens = sorted(set(atoms), key=str)
    index = {a: k for k, a in enumerate(gens)}
    roots = [x for side in sides for x in (list(side) if is_matrix(side) else [side]) if isinstance(x, sympy.Basic)]
    nodes = unique_nodes(roots)
    memo: dict[sympy.Basic, frozenset[tuple[int, ...]] | None] = {}
    found: dict[Monomial, None] = {}
    opaque = None
    for node in nodes:
        if not isinstance(node, _MOMENTS):
            continue
        supports = [_support(a, index, memo) for a in node.args]
        if any(s is None for s in supports):
            opaque = opaque or str(node)
            continue
        if isinstance(node, objects.Variance):
            supports = [supports[0], _sum(supports[0], supports[0])]
        elif isinstance(node, objects.Covariance):
            supports = [*supports, _sum(*supports)]
        for support in supports:
            if support is None:
                opaque = opaque or str(node)
                continue
            for exponents in support:
                if any(exponents):
                    found.setdefault(tuple((gens[k], e) for k, e in enumerate(exponents) if e), None)
    inner = {n for n in nodes if isinstance(n, _MOMENTS)}
    return Moments(tuple(found), tuple(sorted(_outside(roots, inner, set(gens)), key=str)), opaque)


def _support(e: Any, index: dict[sympy.Basic, int], memo: dict) -> frozenset[tuple[int, ...]] | None:
    """The exponent vectors of the monomials of ``e`` in the atoms (None: not a polynomial in them)."""
    zero = (0,) * len(index)
    if not isinstance(e, sympy.Basic) or isinstance(e, _MOMENTS):
        return frozenset({zero})  # a number, or a moment (a constant here)
    if e in memo:
        return memo[e]
    if e in index:
        out = frozenset({tuple(int(k == index[e]) for k in range(len(index)))})
    elif not e.args:
        out = frozenset({zero})
    elif isinstance(e, sympy.Add):
        parts = [_support(a, index, memo) for a in e.args]
        out = None if any(p is None for p in parts) else frozenset().union(*parts)
    elif isinstance(e, sympy.Mul):
        out = frozenset({zero})
        for a in e.args:
            out = _sum(out, _support(a, index, memo))
    elif isinstance(e, sympy.Pow) and e.exp.is_Integer and e.exp >= 0:
        base, out = _support(e.base, index, memo), frozenset({zero})
        for _ in range(int(e.exp)):
            out = _sum(out, base)
    else:  # any other function: a constant if its arguments are
        parts = [_support(a, index, memo) for a in e.args]
        out = frozenset({zero}) if all(p == frozenset({zero}) for p in parts) else None
    if out is not None and len(out) > MAX_MONOMIALS:
        out = None
    memo[e] = out
    return out


def _sum(a: frozenset | None, b: frozenset | None) -> frozenset | None:
    """Minkowski sum of two sets of exponent vectors (the monomials of a product)."""
    if a is None or b is None or len(a) * len(b) > MAX_MONOMIALS:
        return None
    return frozenset(tuple(x + y for x, y in zip(u, v)) for u in a for v in b)


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


def coordinates(moments: Moments, space: FiniteSpace) -> list[Monomial | sympy.Basic]:
    """The coordinates of the declared laws that the claim depends on: each needed monomial
    of the space's finite atoms, or, where one ``independent`` group holds its atoms, its
    factors' own powers (the declaration makes its moment their product); then the atoms
    that occur outside E."""
    out: dict[Any, None] = {}
    for m in moments.monomials:
        m = tuple((a, k) for a, k in m if a in space.variables)  # a law's moments are exact numbers
        if not m:
            continue
        if len(m) > 1 and within_group([a for a, _ in m], space.groups):
            for pair in m:
                out.setdefault((pair,), None)
        else:
            out.setdefault(m, None)
    out.update((a, None) for a in moments.outside if a in space.variables)
    return list(out)


def generic_space(sides: list[tuple[str, Any, Any]], atoms: set[sympy.Basic], scope: Scope,
                   per_factor: int) -> FiniteSpace:
    """The smallest of a family of finite spaces for ``atoms`` whose moments are generic for ``sides``
    (:mod:`derivcheck.check.realize.genericity`): factors of ``per_factor`` atoms, else the smallest
    enlargement found by bisection, between the first with as many free quantities as the
    claim needs moments and one atom per variable and one more. A space that is still not
    generic carries its ``limitation``, so that agreement on it is no evidence."""
    moments = needed_moments([side for _, lhs, rhs in sides for side in (lhs, rhs)], atoms)
    blocks = moments.interactions()
    space = build_space(atoms, scope, per_factor, blocks)
    space.limitation = certify(space, moments)
    if space.limitation is None or moments.opaque:
        return space
    tried: dict[int, FiniteSpace | None] = {}
    certified: set[int] = set()

    def attempt(extra: int, check: bool = True) -> FiniteSpace | None:
        if extra not in tried:
            try:
                tried[extra] = build_space(atoms, scope, per_factor, blocks, extra)
            except RealizeError:  # too large
                tried[extra] = None
        found = tried[extra]
        if check and found is not None and extra not in certified:
            certified.add(extra)
            found.limitation = certify(found, moments)
        return found

    wanted, low = len(coordinates(moments, space)), 1
    while low < MAX_EXTRA:
        found = attempt(low, check=False)
        if found is None:
            return space  # too large before it has enough free quantities: the limitation stands
        if found.free_count() >= wanted:
            break
        low += 1
    # the moments of two sets of dependent variables need as many atoms as the smaller set
    # has members, and one more (their cross-moment matrix has full rank): the largest tried
    high = max(low + 1, len(atoms) + 2 - per_factor)

    while low < high:  # the smallest generic space, by bisection (more atoms never lose rank)
        middle = (low + high) // 2
        found = attempt(middle)
        if found is not None and found.limitation is None:
            high = middle
        else:
            low = middle + 1
    return attempt(low) or space


_CERTIFIED: dict[tuple, str | None] = {}


def certify(space: FiniteSpace, moments: Moments) -> str | None:
    """None when the space's moments are generic for ``moments``; else why agreement on it is
    no evidence about every declared law (:data:`FiniteSpace.limitation`)."""
    if moments.opaque:
        return (f"{moments.opaque} takes E of a function that is not a polynomial in the random variables: "
                "the finite probability space is not shown to represent every declared law")
    coords = coordinates(moments, space)
    if not coords:
        return None
    if len(coords) > MAX_COORDINATES:
        return (f"the claim depends on {len(coords)} moments of its random variables, more than "
                f"{MAX_COORDINATES}: the finite probability space is not shown to represent every declared law")
    key = (space.signature(), tuple(coords))
    if key not in _CERTIFIED:
        if len(_CERTIFIED) > 256:
            _CERTIFIED.clear()
        rng = random.Random(104729)  # a fixed point: the verdict is a function of the file alone
        values: dict[sympy.Basic, int] = {}
        rows = [_gradient(c, space, values, rng) for c in coords]
        rank = _rank(rows, rng)
        _CERTIFIED[key] = None if rank == len(coords) else (
            f"the finite probability space does not represent every law the declarations allow: the "
            f"{len(coords)} moments the claim needs ({_show(coords)}) have only {rank} degrees of freedom on it")
    return _CERTIFIED[key]


def _show(coords: list[Any]) -> str:
    def one(c: Any) -> str:
        if isinstance(c, tuple):
            return "E(" + "*".join(str(a) if k == 1 else f"{a}**{k}" for a, k in c) + ")"
        return str(c)

    return ", ".join(one(c) for c in coords[:6]) + (", ..." if len(coords) > 6 else "")


def _value(symbol: sympy.Basic, values: dict[sympy.Basic, int], rng: random.Random) -> int:
    if symbol not in values:
        values[symbol] = rng.randrange(1, PRIME)
    return values[symbol]


def _gradient(coord: Any, space: FiniteSpace, values: dict[sympy.Basic, int],
              rng: random.Random) -> dict[sympy.Basic, int]:
    """The gradient modulo PRIME of one coordinate in the space's free quantities, at
    pseudo-random values: ``E(m) = sum over outcomes of P(outcome) * m(values)``."""
    if not isinstance(coord, tuple):  # an atom outside E: its value at one outcome
        var = space.variables[coord]
        return {var.table[next(iter(var.table))]: 1}
    atoms = [a for a, _ in coord]
    used = sorted({d for a in atoms for d in space.variables[a].deps})
    position = {f: k for k, f in enumerate(used)}
    grad: dict[sympy.Basic, int] = {}

    def add(symbol: sympy.Basic, amount: int) -> None:
        grad[symbol] = (grad.get(symbol, 0) + amount) % PRIME

    for combo in itertools.product(*[range(space.factors[f].size) for f in used]):
        weights = []
        for f, c in zip(used, combo):
            factor = space.factors[f]
            if factor.uniform:
                weights.append(pow(factor.uniform, -1, PRIME))
            elif c < len(factor.free):
                weights.append(_value(factor.free[c], values, rng))
            else:
                weights.append((1 - sum(_value(s, values, rng) for s in factor.free)) % PRIME)
        xs = []
        for a, k in coord:
            var = space.variables[a]
            symbol = var.table[tuple(combo[position[d]] for d in var.deps)]
            xs.append((symbol, _value(symbol, values, rng), k))
        weight = _product(weights)
        monomial = _product(pow(x, k, PRIME) for _, x, k in xs)
        for i, (symbol, x, k) in enumerate(xs):
            rest = _product(pow(y, j, PRIME) for n, (_, y, j) in enumerate(xs) if n != i)
            add(symbol, weight * k * pow(x, k - 1, PRIME) * rest)
        for n, (f, c) in enumerate(zip(used, combo)):
            factor = space.factors[f]
            if factor.uniform:
                continue
            others = _product(w for m, w in enumerate(weights) if m != n) * monomial
            if c < len(factor.free):
                add(factor.free[c], others)
            else:
                for s in factor.free:
                    add(s, -others)
    return grad


def _product(items: Iterable[int]) -> int:
    out = 1
    for x in items:
        out = out * x % PRIME
    return out


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
            out = [o + d * r for o, r in zip(out, projection[k])]
        dense.append([x % PRIME for x in out])
    rank = 0
    for col in range(m):
        pivot = next((r for r in range(rank, m) if dense[r][col]), None)
        if pivot is None:
            continue
        dense[rank], dense[pivot] = dense[pivot], dense[rank]
        inverse = pow(dense[rank][col], -1, PRIME)
        lead = dense[rank][col:]
        for r in range(rank + 1, m):
            if dense[r][col]:
                f = dense[r][col] * inverse % PRIME
                # rows from `rank` down are 0 left of `col`: only the rest changes
                dense[r][col:] = [(a - f * b) % PRIME for a, b in zip(dense[r][col:], lead)]
        rank += 1
    return rank
