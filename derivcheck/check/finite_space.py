"""Finite probability spaces for random variables: E, Var and Cov as exact finite sums.

Random variables are realised on a finite probability space (:class:`FiniteSpace`):
a variable named in an ``independent`` group gets its own factor of K atoms, and
variables that may depend on each other share factors, so that any dependence
the declarations allow can show up. E, Var and Cov are then exact finite sums.
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

from ..expr import objects
from ..expr.scope import RandomDecl, Scope, SequenceDecl
from .realize import RealizeError
from .realize_env import is_matrix

MAX_ATOMS = 4096
MAX_ATOMS_PER_FACTOR = 6  # for moments of a high degree (see atoms_for_degree)
MAX_BASE_ATOMS = 5  # outcomes enough for the covariance matrix of 4 dependent variables to have full rank
_MOMENTS = (objects.Expectation, objects.Variance, objects.Covariance)


def atom_name(atom: sympy.Basic) -> str:
    """The declared name behind a random atom: ``X`` for ``X`` and for ``X[3]``."""
    return str(atom.base.label) if isinstance(atom, sympy.Indexed) else str(atom)


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
    """One independent factor: ``size`` atoms with probabilities ``free`` + (1 - sum(free))."""

    name: str
    free: tuple[sympy.Symbol, ...]

    @property
    def probabilities(self) -> tuple[sympy.Expr, ...]:
        return (*self.free, 1 - sympy.Add(*self.free))

    @property
    def size(self) -> int:
        return len(self.free) + 1


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

    def outcomes_of(self, atoms: Iterable[sympy.Basic]) -> list[tuple[sympy.Expr, dict[sympy.Basic, sympy.Expr]]]:
        """(probability, values) for each joint outcome of the factors ``atoms`` depend on."""
        atoms = [a for a in atoms if a in self.variables]
        used = sorted({d for a in atoms for d in self.variables[a].deps})
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

    def expectation(self, g: sympy.Expr) -> sympy.Expr:
        """E(g), exactly: a finite sum over the outcomes, then normal moments."""
        atoms = _atoms_in(g, set(self.variables) | set(self.laws))
        laws = [a for a in atoms if a in self.laws]
        for a in laws:
            for b in atoms:
                if a != b and frozenset((a, b)) not in self.independent:
                    raise RealizeError(
                        f"E of {a} ({self.laws[a][0]}) together with {b}: not declared independent, "
                        "joint law unknown")
        finite = set(atoms) - set(laws)
        if len(finite) > 1:  # linearity first: each term only needs the factors of its own atoms
            terms = sympy.Add.make_args(sympy.expand(g))
        else:
            terms = (g,)
        parts = []  # one Add at the end: adding to a growing sum re-sorts it every time
        for term in terms:
            present = [a for a in atoms if a in finite and term.has(a)]
            parts.extend(p * term.xreplace(v) for p, v in self.outcomes_of(present))
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
            term *= _moment(*laws[g], k)
        parts.append(term)
    return sympy.Add(*parts)


def _moment(kind: str, p1: sympy.Expr, p2: sympy.Expr, k: int) -> sympy.Expr:
    """E(X**k) for X ~ normal(mean p1, variance p2) or uniform(low p1, high p2)."""
    if kind == "normal":
        return sympy.Add(*[sympy.binomial(k, j) * p1 ** (k - j) * p2 ** (j // 2) * sympy.factorial2(j - 1)
                           for j in range(0, k + 1, 2)])
    return (p2 ** (k + 1) - p1 ** (k + 1)) / ((k + 1) * (p2 - p1))


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


def build_space(atoms: Iterable[sympy.Basic], scope: Scope, atoms_per_factor: int = 3) -> FiniteSpace:
    """The finite space for ``atoms``: own factors for grouped atoms, a shared base factor ``B``."""
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
    everything = finite + list(laws)
    groups = [g for g in scope.independent]
    member = {a: {k for k, g in enumerate(groups) if atom_name(a) in g} for a in everything}
    independent = frozenset(frozenset((a, b)) for a in everything for b in everything
                            if a != b and member[a] & member[b])
    grouped = [a for a in finite if member[a]]
    ungrouped = [a for a in finite if not member[a]]
    names = [str(a) for a in grouped]
    base_members: list[sympy.Basic] = []
    for a in grouped:
        if not any(frozenset((a, m)) in independent for m in base_members):
            base_members.append(a)
    use_base = bool(ungrouped) or len(base_members) >= 2
    if use_base:
        names.append("B")
    # variables that may depend on each other live on every factor: enough joint outcomes
    # (one per variable, and one more) that their covariance matrix can have full rank
    sizes = {n: atoms_per_factor for n in names}
    while use_base and math.prod(sizes.values()) < min(len(ungrouped) + 1, MAX_BASE_ATOMS):
        sizes["B"] += 1
    while names and math.prod(sizes.values()) > MAX_ATOMS and max(sizes.values()) > 2:
        largest = max(sizes, key=sizes.get)
        sizes[largest] -= 1
    if names and math.prod(sizes.values()) > MAX_ATOMS:
        raise RealizeError(f"{len(names)} independent factors: more than {MAX_ATOMS} joint outcomes")
    factors = tuple(Factor(n, tuple(sympy.Symbol(f"P({n})@{j}", positive=True) for j in range(sizes[n] - 1)))
                    for n in names)
    base = len(names) - 1 if use_base else None
    variables, value_atoms = {}, {}
    for a in finite:
        if a in grouped:
            deps = (grouped.index(a),) + ((base,) if base is not None and a in base_members else ())
        else:
            deps = tuple(range(len(factors)))
        table = {}
        for combo in itertools.product(*[range(factors[d].size) for d in deps]):
            symbol = sympy.Symbol(f"{a}@{'.'.join(map(str, combo))}", real=True)
            table[combo] = symbol
            value_atoms[symbol] = a
        variables[a] = RandomVariable(a, deps, table)
    return FiniteSpace(factors, variables, laws, independent, value_atoms)
