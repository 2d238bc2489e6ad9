"""Finite probability spaces for random variables: E, Var and Cov as exact finite sums.

Random variables are realised on a finite probability space (:class:`FiniteSpace`)
that holds exactly the declared independence (:func:`build_space`): variables
that may depend on each other share factors, the members of a group read
disjoint factors, and pairwise-only independence gets parity blocks, so that any
dependence the declarations allow can show up. E, Var and Cov are then exact
finite sums; whether the space is rich enough for a claim's moments is tested by
:mod:`derivcheck.check.realize.genericity`.
A ``normal(mean, variance)`` or ``uniform(low, high)`` variable is not finite: E
of a polynomial in such variables (independent of everything else in it) uses
their exact moments; anything else about it is refused (inconclusive, never
wrong).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import sympy

from ...expr import objects
from ...expr.laws import raw_moment
from ...expr.scope import RandomDecl, Scope, SequenceDecl
from ..trees import unique_nodes
from .base import RealizeError, is_matrix

MAX_ATOMS = 4096
MAX_ATOMS_PER_FACTOR = 6  # for moments of a high degree (see atoms_for_degree)
PARITY_SIZE = 2  # outcomes of each uniform component of a parity block (more when a space is boosted)
MAX_OUTCOMES = 200_000  # joint outcomes summed over for one moment
_MOMENTS = (objects.Expectation, objects.Variance, objects.Covariance)


def atom_name(atom: sympy.Basic) -> str:
    """The declared name behind a random atom: ``X`` for ``X`` and for ``X[3]``."""
    return str(atom.base.label) if isinstance(atom, sympy.Indexed) else str(atom)


def random_atoms(expr: Any, scope: Scope) -> set[sympy.Basic]:
    """Random scalars and random-sequence elements in ``expr`` (also inside E/Var/Cov)."""
    names = scope.random_names()
    found: set[sympy.Basic] = set()
    items = list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]
    for node in unique_nodes([i for i in items if isinstance(i, sympy.Basic)]):
        if isinstance(node, sympy.Indexed) and atom_name(node) in names:
            if not all(i.is_Integer for i in node.indices):
                raise RealizeError(f"random element {node} has no concrete index")
            found.add(node)
        elif isinstance(node, sympy.Symbol) and node.name in names:
            if isinstance(scope.names[node.name], RandomDecl):
                found.add(node)
    return found


@dataclass(frozen=True)
class Factor:
    """One independent factor: atoms with probabilities ``free`` + (1 - sum(free)), or, with
    ``uniform`` set, that many equally likely atoms (a component of a parity block)."""

    name: str
    free: tuple[sympy.Symbol, ...]
    uniform: int = 0

    @property
    def probabilities(self) -> tuple[sympy.Expr, ...]:
        if self.uniform:
            return (sympy.Rational(1, self.uniform),) * self.uniform
        return (*self.free, 1 - sympy.Add(*self.free))

    @property
    def size(self) -> int:
        return self.uniform or len(self.free) + 1


@dataclass(frozen=True)
class RandomVariable:
    """A finite random atom: its value for each combination of the atoms of ``deps``."""

    atom: sympy.Basic
    deps: tuple[int, ...]
    table: dict[tuple[int, ...], sympy.Expr]


@dataclass
class FiniteSpace:
    """The joint space: a product of factors; each random atom a function of some of them."""

    factors: tuple[Factor, ...]
    variables: dict[sympy.Basic, RandomVariable]
    laws: dict[sympy.Basic, tuple[str, sympy.Expr, sympy.Expr]]  # atoms with a law: (kind, p1, p2)
    independent: frozenset[frozenset[sympy.Basic]] = frozenset()
    value_atoms: dict[sympy.Symbol, sympy.Basic] = field(default_factory=dict)
    groups: tuple[frozenset[str], ...] = ()
    # why agreement on this space is no evidence about every law the declarations allow
    # (set by :mod:`derivcheck.check.realize.genericity`); None when its moments are generic
    limitation: str | None = None
    _moments: dict[sympy.Expr, sympy.Expr] = field(default_factory=dict, repr=False)  # E(monomial) memo

    def free_count(self) -> int:
        """How many free quantities the space has (probabilities and values)."""
        return sum(len(f.free) for f in self.factors) + sum(len(set(v.table.values())) for v in self.variables.values())

    def signature(self) -> tuple:
        """The space's shape: factor sizes and which table entries each variable has (for caching)."""
        return (tuple((f.name, f.size, f.uniform) for f in self.factors),
                tuple((a, v.deps, tuple(v.table.values())) for a, v in self.variables.items()))

    def outcomes_of(self, atoms: Iterable[sympy.Basic]) -> list[tuple[sympy.Expr, dict[sympy.Basic, sympy.Expr]]]:
        """(probability, values) for each joint outcome of the factors ``atoms`` depend on."""
        atoms = [a for a in atoms if a in self.variables]
        used = sorted({d for a in atoms for d in self.variables[a].deps})
        if math.prod(self.factors[f].size for f in used) > MAX_OUTCOMES:
            raise RealizeError(f"{', '.join(map(str, atoms))} depend on more than {MAX_OUTCOMES} joint outcomes")
        result = []
        for combo in itertools.product(*[range(self.factors[f].size) for f in used]):
            at = dict(zip(used, combo))
            p = sympy.Mul(*[self.factors[f].probabilities[at[f]] for f in used])
            values = {a: self.variables[a].table[tuple(at[d] for d in self.variables[a].deps)] for a in atoms}
            result.append((p, values))
        return result

    def constrain(self, atom: sympy.Basic, mean: sympy.Expr | None, variance: sympy.Expr | None) -> None:
        """Make ``E(atom) = mean`` and/or ``Var(atom) = variance`` hold exactly on this space:
        each value becomes ``mean + sqrt(variance) * (u - mu) / sd`` of its free value ``u``."""
        var = self.variables[atom]
        outcomes = self.outcomes_of([atom])
        mu = sympy.Add(*[p * v[atom] for p, v in outcomes])
        sd = sympy.sqrt(sympy.Add(*[p * (v[atom] - mu) ** 2 for p, v in outcomes]))
        centre = mu if mean is None else mean
        table = {}
        for combo, u in var.table.items():
            spread = (u - mu) if variance is None else sympy.sqrt(variance) * (u - mu) / sd
            table[combo] = centre + spread
        self.variables[atom] = RandomVariable(atom, var.deps, table)
        self._moments.clear()

    def expectation(self, g: sympy.Expr) -> sympy.Expr:
        """E(g), exactly: a finite sum over the outcomes, then normal moments."""
        # in a fixed order (a set's order follows the hash seed, and the refusal below names two)
        atoms = sorted(_atoms_in(g, set(self.variables) | set(self.laws)), key=sympy.default_sort_key)
        laws = [a for a in atoms if a in self.laws]
        finite = set(atoms) - set(laws)
        # the exact moments of the laws multiply: that needs mutual independence (one group
        # holding every atom of a term), not only pairwise
        mixed = bool(laws) and len(atoms) > 1 and not within_group(atoms, self.groups)
        if len(finite) > 1 or mixed:  # linearity first: each term only needs the factors of its own atoms
            terms = sympy.Add.make_args(sympy.expand(g))
        else:
            terms = (g,)
        parts = []  # one Add at the end: adding to a growing sum re-sorts it every time
        for term in terms:
            present = [a for a in atoms if term.has(a)]
            if (mixed and len(present) > 1 and any(a in self.laws for a in present)
                    and not within_group(present, self.groups)):
                law = next(a for a in present if a in self.laws)
                other = next(b for b in present if b != law)
                raise RealizeError(
                    f"E of {law} ({self.laws[law][0]}) together with {other}: not declared independent as a whole "
                    f"({', '.join(map(str, present))} are in no one group), joint law unknown")
            factors = sympy.Mul.make_args(term)
            random_part = sympy.Mul(*[f for f in factors if any(f.has(a) for a in finite)])
            coefficient = sympy.Mul(*[f for f in factors if not any(f.has(a) for a in finite)])
            known = self._moments.get(random_part)
            if known is None:  # E of each monomial once: the same ones recur across E/Var/Cov
                known = self._moments[random_part] = sympy.Add(
                    *[p * random_part.xreplace(v) for p, v in self.outcomes_of(present)])
            parts.append(coefficient * known)
        total = sympy.Add(*parts)
        return _law_moments(total, {a: self.laws[a] for a in laws}) if laws else total

    def evaluate_moments(self, expr: Any) -> Any:
        """Every E/Var/Cov in ``expr`` (innermost first) replaced by its exact value."""
        if isinstance(expr, sympy.MatrixBase):
            return sympy.ImmutableMatrix(expr.applyfunc(self.evaluate_moments))
        if not isinstance(expr, sympy.Basic) or not expr.has(*_MOMENTS):
            return expr
        args = [self.evaluate_moments(a) for a in expr.args]
        if isinstance(expr, objects.Expectation):
            return self.expectation(args[0])
        if isinstance(expr, objects.Variance):
            return self.expectation(args[0] ** 2) - self.expectation(args[0]) ** 2
        if isinstance(expr, objects.Covariance):
            return self.expectation(args[0] * args[1]) - self.expectation(args[0]) * self.expectation(args[1])
        return expr.func(*args)

    def outcomes(self, sides: tuple[Any, Any]) -> list[tuple[Any, Any]]:
        """The two sides at each outcome of the random atoms left in them (outside E)."""
        atoms: set[sympy.Basic] = set()
        for side in sides:
            for item in (list(side) if isinstance(side, sympy.MatrixBase) else [side]):
                if isinstance(item, sympy.Basic):
                    atoms |= _atoms_in(item, set(self.variables))
        if not atoms:
            return [sides]
        cases = []
        for _, values in self.outcomes_of(sorted(atoms, key=str)):
            cases.append(tuple(s.xreplace(values) if isinstance(s, sympy.Basic) else s for s in sides))
        return cases


def _atoms_in(expr: sympy.Basic, candidates: set[sympy.Basic]) -> set[sympy.Basic]:
    return {n for n in unique_nodes([expr]) if n in candidates}


def _law_moments(expr: sympy.Expr, laws: dict[sympy.Basic, tuple[str, sympy.Expr, sympy.Expr]]) -> sympy.Expr:
    """E of a polynomial in independent variables with a law, from their exact moments."""
    gens = list(laws)
    try:
        poly = sympy.Poly(sympy.expand(expr), *gens)
    except sympy.PolynomialError as exc:
        raise RealizeError(f"E of a non-polynomial function of normal or uniform variables: {exc}") from exc
    parts = []
    for monomial, coeff in poly.terms():
        term = coeff
        for g, k in zip(gens, monomial):
            term *= raw_moment(laws[g][0], laws[g][1:], k)
        parts.append(term)
    return sympy.Add(*parts)


def atoms_for_degree(sides: list[tuple[str, Any, Any]], atoms: set[sympy.Basic]) -> int:
    """Atoms per factor so that the moments in ``sides`` are generic: a distribution on k
    atoms has 2k - 1 free parameters, so moments up to degree D need k >= D/2 + 1 (three
    atoms make E(X**6) a function of the lower moments, and any identity in them could
    hold by accident). Non-polynomial moments get the most, MAX_ATOMS_PER_FACTOR."""
    gens = sorted(atoms, key=str)
    roots = [x for _, lhs, rhs in sides for side in (lhs, rhs)
             for x in (list(side) if is_matrix(side) else [side]) if isinstance(x, sympy.Basic)]
    degree = 0
    for node in unique_nodes(roots):
        if isinstance(node, (objects.Expectation, objects.Variance, objects.Covariance)):
            degrees = [_degree(a, gens) for a in node.args]
            degree = max(degree, sum(degrees) if len(degrees) > 1 else degrees[0] * (
                2 if isinstance(node, objects.Variance) else 1))
    return min(MAX_ATOMS_PER_FACTOR, degree // 2 + 2)


def _degree(expr: Any, gens: list[sympy.Basic]) -> int:
    if not gens or not expr.has(*gens):
        return 0
    try:
        return sympy.Poly(expr, *gens).total_degree()
    except (sympy.PolynomialError, sympy.GeneratorsNeeded):
        return 2 * MAX_ATOMS_PER_FACTOR


def build_space(atoms: Iterable[sympy.Basic], scope: Scope, atoms_per_factor: int = 3,
                interactions: Iterable[frozenset[sympy.Basic]] = (), boost: int = 0) -> FiniteSpace:
    """The finite space for ``atoms``, built so that exactly the declared independence holds.

    Two atoms may depend on each other unless they share an ``independent`` group.
    The pairs that may depend are covered by cliques (sets of atoms no two of which
    are declared independent); each clique gets a shared factor that all its members
    read (with a negative ``boost``, of at least members + 1 atoms, so that their
    covariance matrix can have full rank). An atom in no such pair gets a factor of its own. The members of a
    group then read disjoint factors, so they are mutually independent, and every
    other pair is dependent. A set in ``interactions`` (the atoms of one moment, such
    as ``E(X*Y*Z)``) that is in no group and in no clique gets a parity block:
    uniform factors U_1..U_{k-1} on Z_p, member i reading U_i and the last member
    (U_1 + ... + U_{k-1}) mod p, so that every proper subset stays independent (a
    declared pairwise independence holds) while the whole set is dependent (it is
    not declared mutually independent). Every factor gets ``abs(boost)`` more atoms,
    for when a space proved too small (:mod:`derivcheck.check.realize.genericity`).
    """
    finite, laws = _split_laws(atoms, scope)
    everything = finite + list(laws)
    groups = [frozenset(g) for g in scope.independent]
    independent = frozenset(frozenset((a, b)) for a in everything for b in everything
                            if a != b and any({atom_name(a), atom_name(b)} <= g for g in groups))
    cliques = _clique_cover(finite, independent)
    blocks = _parity_blocks(finite, interactions, groups, cliques)
    layout = _lay_out(finite, cliques, blocks, atoms_per_factor, boost)
    layout.fit(finite)
    factors = layout.factors()
    variables, value_atoms = _variables(finite, layout, factors)
    return FiniteSpace(factors, variables, laws, independent, value_atoms, tuple(groups))


def _split_laws(atoms: Iterable[sympy.Basic], scope: Scope
                ) -> tuple[list[sympy.Basic], dict[sympy.Basic, tuple[str, sympy.Expr, sympy.Expr]]]:
    """The atoms without a declared law (sorted), and those with one: ``(kind, p1, p2)``.

    Only ``normal`` and ``uniform`` laws with two parameters are supported."""
    finite, laws = [], {}
    for a in sorted(atoms, key=str):
        decl = scope.names[atom_name(a)]
        law = decl.distribution if isinstance(decl, (RandomDecl, SequenceDecl)) else None
        if law is None:
            finite.append(a)
        elif law[0].lower() in ("normal", "uniform") and len(law[1]) == 2:
            laws[a] = (law[0].lower(), sympy.sympify(law[1][0], strict=True), sympy.sympify(law[1][1], strict=True))
        else:
            raise RealizeError(f"the distribution {law[0]} of {a} is not supported")
    return finite, laws


def _parity_blocks(finite: list[sympy.Basic], interactions: Iterable[frozenset[sympy.Basic]],
                   groups: list[frozenset[str]], cliques: list[list[sympy.Basic]]) -> list[tuple[sympy.Basic, ...]]:
    """The sets of three or more finite atoms read together by one moment that must be
    dependent as a whole but get no shared factor: in no group and in no clique."""
    wanted = {frozenset(s) & frozenset(finite) for s in interactions}
    return [tuple(sorted(s, key=str)) for s in sorted(wanted, key=_set_key)
            if len(s) >= 3 and not within_group(s, groups)
            and not any(s <= set(c) for c in cliques)]


@dataclass
class _Layout:
    """The factors of a space before they get probabilities, and which of them each finite
    atom reads: directly (``reads``), or as the sum mod ``parity_size`` of the components of
    a parity block (``parity``)."""

    parity_size: int
    names: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    uniform: list[bool] = field(default_factory=list)
    reads: dict[sympy.Basic, list[int]] = field(default_factory=dict)
    parity: dict[sympy.Basic, list[tuple[int, ...]]] = field(default_factory=dict)

    def add(self, name: str, size: int, uniform: bool = False) -> int:
        """A new factor; its index."""
        self.names.append(name)
        self.sizes.append(size)
        self.uniform.append(uniform)
        return len(self.names) - 1

    def table_size(self, a: sympy.Basic) -> int:
        """How many entries the table of atom ``a`` has (joint outcomes of what it reads)."""
        return (math.prod(self.sizes[f] for f in self.reads[a])
                * math.prod(self.parity_size ** len(c) for c in self.parity[a]))

    def fit(self, finite: list[sympy.Basic]) -> None:
        """Shrink the widest atom's largest non-uniform factor, one atom at a time, until
        every table has at most MAX_ATOMS entries."""
        while finite and max(map(self.table_size, finite)) > MAX_ATOMS:
            widest = max(finite, key=self.table_size)
            free = [f for f in self.reads[widest] if not self.uniform[f] and self.sizes[f] > 2]
            if not free:
                raise RealizeError(f"{widest} depends on more than {MAX_ATOMS} joint outcomes")
            largest = max(free, key=lambda f: self.sizes[f])
            self.sizes[largest] -= 1

    def factors(self) -> tuple[Factor, ...]:
        """The factors: uniform ones as they are, the others with free probabilities ``P(name)@j``."""
        return tuple(
            Factor(name, (), size) if uniform
            else Factor(name, tuple(sympy.Symbol(f"P({name})@{j}", positive=True) for j in range(size - 1)))
            for name, size, uniform in zip(self.names, self.sizes, self.uniform))


def _lay_out(finite: list[sympy.Basic], cliques: list[list[sympy.Basic]], blocks: list[tuple[sympy.Basic, ...]],
             atoms_per_factor: int, boost: int) -> _Layout:
    """One shared factor per clique, one own factor per atom in no clique, and the
    uniform components of each parity block (see :func:`build_space`)."""
    extra = abs(boost)
    layout = _Layout(PARITY_SIZE + extra, reads={a: [] for a in finite}, parity={a: [] for a in finite})
    for k, clique in enumerate(cliques):
        size = max(atoms_per_factor, len(clique) + 1) if boost < 0 else atoms_per_factor
        shared = layout.add(f"B{k + 1}" if len(cliques) > 1 else "B", size + extra)
        for a in clique:
            layout.reads[a].append(shared)
    covered = {a for c in cliques for a in c}
    for a in finite:
        if a not in covered:
            layout.reads[a].append(layout.add(str(a), atoms_per_factor + extra))
    for k, block in enumerate(blocks):
        components = []
        for i in range(len(block) - 1):
            components.append(layout.add(f"U{k + 1}.{i + 1}", layout.parity_size, True))
            layout.reads[block[i]].append(components[-1])
        layout.parity[block[-1]].append(tuple(components))
    return layout


def _variables(finite: list[sympy.Basic], layout: _Layout, factors: tuple[Factor, ...]
               ) -> tuple[dict[sympy.Basic, RandomVariable], dict[sympy.Symbol, sympy.Basic]]:
    """Each finite atom as a table of free values ``a@i.j...``, one per joint outcome of its
    own factors and the sums of its parity blocks; and the atom behind each value."""
    variables, value_atoms = {}, {}
    for a in finite:
        own = tuple(layout.reads[a])
        deps = own + tuple(f for c in layout.parity[a] for f in c)
        table = {}
        for combo in itertools.product(*[range(factors[d].size) for d in deps]):
            key, rest = list(combo[:len(own)]), combo[len(own):]
            for c in layout.parity[a]:  # only the sum of a parity block's components matters
                key.append(sum(rest[:len(c)]) % layout.parity_size)
                rest = rest[len(c):]
            symbol = sympy.Symbol(f"{a}@{'.'.join(map(str, key))}", real=True)
            table[combo] = symbol
            value_atoms[symbol] = a
        variables[a] = RandomVariable(a, deps, table)
    return variables, value_atoms


def within_group(atoms: Iterable[sympy.Basic], groups: Iterable[frozenset[str]]) -> bool:
    """Whether the distinct ``atoms`` are declared mutually independent (one group holds them all)."""
    names = {atom_name(a) for a in atoms}
    return any(names <= g for g in groups)


def _set_key(s: frozenset[sympy.Basic]) -> tuple[int, list[str]]:
    return (len(s), sorted(map(str, s)))


def _clique_cover(atoms: list[sympy.Basic], independent: frozenset[frozenset[sympy.Basic]]) -> list[list[sympy.Basic]]:
    """Cliques of the "may depend" graph covering every edge (greedy, deterministic order):
    a pair of atoms not declared independent is an edge."""
    def may_depend(a: sympy.Basic, b: sympy.Basic) -> bool:
        return frozenset((a, b)) not in independent

    cliques: list[list[sympy.Basic]] = []
    covered: set[frozenset[sympy.Basic]] = set()
    for i, a in enumerate(atoms):
        for b in atoms[i + 1:]:
            if not may_depend(a, b) or frozenset((a, b)) in covered:
                continue
            clique = [a, b]
            for c in atoms:
                if c not in clique and all(may_depend(c, m) for m in clique):
                    clique.append(c)
            covered |= {frozenset((x, y)) for x in clique for y in clique if x != y}
            cliques.append(clique)
    return cliques
