"""Finite probability spaces for random variables, and the domains numeric checks sample from.

Random variables are realised on a finite probability space (:class:`FiniteSpace`):
a variable named in an ``independent`` group gets its own factor of K atoms, and
variables that may depend on each other share factors, so that any dependence
the declarations allow can show up. E, Var and Cov are then exact finite sums.
A ``normal(mean, variance)`` variable is not finite: E of a polynomial in such
variables (independent of everything else in it) uses the normal moments;
anything else about it is refused (inconclusive, never wrong).

The second half describes what a numeric check samples: one :class:`Param` per
free quantity (a scalar, a matrix's generator, a factor's probabilities), with
its domain, and the maps from sampled values to the realised symbols (float, for
torch) or to exact SymPy numbers (for confirmation).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable

import sympy

from ..expr import objects
from ..expr.scope import Interval, RandomDecl, Scope, SequenceDecl
from .realize import RealizeError

MAX_ATOMS = 4096
_MOMENTS = (objects.Expectation, objects.Variance, objects.Covariance)


def atom_name(atom: sympy.Basic) -> str:
    """The declared name behind a random atom: ``X`` for ``X`` and for ``X[3]``."""
    return str(atom.base.label) if isinstance(atom, sympy.Indexed) else str(atom)


def random_atoms(expr: Any, scope: Scope) -> set[sympy.Basic]:
    """Random scalars and random-sequence elements in ``expr`` (also inside E/Var/Cov)."""
    names = scope.random_names()
    found: set[sympy.Basic] = set()
    items = list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]
    for item in items:
        if not isinstance(item, sympy.Basic):
            continue
        for node in sympy.preorder_traversal(item):
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
    normals: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]]
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
        atoms = _atoms_in(g, set(self.variables) | set(self.normals))
        normals = [a for a in atoms if a in self.normals]
        for a in normals:
            for b in atoms:
                if a != b and frozenset((a, b)) not in self.independent:
                    raise RealizeError(
                        f"E of {a} (normal) together with {b}: not declared independent, joint law unknown")
        finite = set(atoms) - set(normals)
        if len(finite) > 1:  # linearity first: each term only needs the factors of its own atoms
            terms = sympy.Add.make_args(sympy.expand(g))
        else:
            terms = (g,)
        total = sympy.Integer(0)
        for term in terms:
            present = [a for a in atoms if a in finite and term.has(a)]
            total += sympy.Add(*[p * term.xreplace(v) for p, v in self.outcomes_of(present)])
        return _normal_moments(total, {a: self.normals[a] for a in normals}) if normals else total

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
    return {n for n in sympy.preorder_traversal(expr) if n in candidates}


def _normal_moments(expr: sympy.Expr, laws: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]]) -> sympy.Expr:
    gens = list(laws)
    try:
        poly = sympy.Poly(sympy.expand(expr), *gens)
    except sympy.PolynomialError as exc:
        raise RealizeError(f"E of a non-polynomial function of normal variables: {exc}") from exc
    total = sympy.Integer(0)
    for monomial, coeff in poly.terms():
        term = coeff
        for g, k in zip(gens, monomial):
            mean, variance = laws[g]
            term *= sympy.Add(*[sympy.binomial(k, j) * mean ** (k - j) * variance ** (j // 2) * sympy.factorial2(j - 1)
                                for j in range(0, k + 1, 2)])
        total += term
    return total


def build_space(atoms: Iterable[sympy.Basic], scope: Scope, atoms_per_factor: int = 3) -> FiniteSpace:
    """The finite space for ``atoms``: own factors for grouped atoms, a shared base factor ``B``."""
    finite, normals = [], {}
    for a in sorted(atoms, key=str):
        decl = scope.names[atom_name(a)]
        law = decl.distribution if isinstance(decl, (RandomDecl, SequenceDecl)) else None
        if law is None:
            finite.append(a)
        elif law[0].lower() == "normal" and len(law[1]) == 2:
            normals[a] = (sympy.sympify(law[1][0], strict=True), sympy.sympify(law[1][1], strict=True))
        else:
            raise RealizeError(f"the distribution {law[0]} of {a} is not supported")
    everything = finite + list(normals)
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
    k = atoms_per_factor
    while names and k ** len(names) > MAX_ATOMS and k > 2:
        k -= 1
    if names and k ** len(names) > MAX_ATOMS:
        raise RealizeError(f"{len(names)} independent factors: more than {MAX_ATOMS} joint outcomes")
    factors = tuple(Factor(n, tuple(sympy.Symbol(f"P({n})@{j}", positive=True) for j in range(k - 1)))
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
    return FiniteSpace(factors, variables, normals, independent, value_atoms)


# -- domains ------------------------------------------------------------------

@dataclass(frozen=True)
class Domain:
    """Where a real scalar is sampled: bounds (``None`` = unbounded) and whether ends are open."""

    lo: Fraction | None
    hi: Fraction | None
    lo_open: bool = True
    hi_open: bool = True

    def contains(self, v: Fraction | float) -> bool:
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            return False
        if self.hi is not None and (v > self.hi or (self.hi_open and v == self.hi)):
            return False
        return True

    def span(self) -> tuple[float, float]:
        """The float range actually sampled (a window of width 3 on an unbounded side)."""
        lo = float(self.lo) if self.lo is not None else None
        hi = float(self.hi) if self.hi is not None else None
        if lo is None and hi is None:
            return -3.0, 3.0
        if lo is None:
            return hi - 3.0, hi - (0.1 if self.hi_open else 0.0)
        if hi is None:
            return lo + (0.1 if self.lo_open else 0.0), lo + 3.0
        return lo, hi


REAL = Domain(None, None)


def _fraction(value: sympy.Expr | None) -> Fraction | None:
    if value is None:
        return None
    v = sympy.nsimplify(value) if not value.is_Rational else value
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    if v in (sympy.oo, -sympy.oo):
        return None
    return Fraction(float(v)).limit_denominator(10**6)


def domain_of(kind: str, interval: Interval | None) -> Domain:
    """The sampling domain of a real scalar of this kind (``complex`` is refused)."""
    if kind == "complex":
        raise RealizeError("complex scalars are not sampled")
    base = {
        "positive": Domain(Fraction(0), None, True, True),
        "nonnegative": Domain(Fraction(0), None, False, True),
        "negative": Domain(None, Fraction(0), True, True),
    }.get(kind, REAL)
    if interval is None:
        return base
    lo, hi = _fraction(interval.lo), _fraction(interval.hi)
    lo_open, hi_open = interval.lo_open, interval.hi_open
    if base.lo is not None and (lo is None or lo < base.lo or (lo == base.lo and base.lo_open)):
        lo, lo_open = base.lo, base.lo_open
    if base.hi is not None and (hi is None or hi > base.hi or (hi == base.hi and base.hi_open)):
        hi, hi_open = base.hi, base.hi_open
    return Domain(lo, hi, lo_open, hi_open)


def integer_range(kind: str, interval: Interval | None) -> list[int]:
    """The values an integer parameter takes in numeric checks (small, inside its interval)."""
    lo, hi = {"dimension": (1, 4), "natural": (1, 6)}.get(kind, (-3, 4))
    if interval is not None:
        ilo, ihi = _fraction(interval.lo), _fraction(interval.hi)
        if ilo is not None:
            lo = max(lo, math.floor(ilo) + 1 if (interval.lo_open or ilo != int(ilo)) else int(ilo))
            if hi < lo:
                hi = lo + 5
        if ihi is not None:
            hi = min(hi, math.ceil(ihi) - 1 if (interval.hi_open or ihi != int(ihi)) else int(ihi))
            if lo > hi:
                lo = hi - 5
    return list(range(lo, hi + 1))


@dataclass(frozen=True)
class Param:
    """One sampled quantity.

    ``kind`` is ``scalar`` (``symbols`` holds one symbol, sampled from ``domain``),
    ``matrix`` (``symbols`` holds the entries row-major; the sampled generator G
    becomes the value through ``transform``) or ``simplex`` (``symbols`` holds a
    factor's free probabilities; the sampled weights are normalised).
    """

    key: str
    kind: str
    symbols: tuple[sympy.Basic, ...]
    domain: Domain = REAL
    shape: tuple[int, int] = (1, 1)
    transform: str = "general"
    invertible: bool = False


def matrix_transform(qualifiers: frozenset[str], rows: int, cols: int) -> tuple[str, bool]:
    """(transform, invertible) for a matrix's qualifiers; unsupported mixtures are refused."""
    q = set(qualifiers)
    if "complex" in q:
        raise RealizeError("complex matrices are not sampled")
    if q - {"invertible"} and rows != cols:
        raise RealizeError(f"qualifiers {sorted(q)} need a square matrix, got {rows}x{cols}")
    invertible = "invertible" in q
    if "invertible" in q and rows != cols:
        raise RealizeError("an invertible matrix must be square")
    if "orthogonal" in q:
        if q - {"orthogonal", "invertible", "diagonal"}:
            raise RealizeError(f"qualifiers {sorted(q)} together are not sampled")
        return ("signdiag" if "diagonal" in q else "orthogonal"), False
    if "pd" in q or ("psd" in q and invertible):
        return ("diagpd" if "diagonal" in q else "pd"), False
    if "psd" in q:
        return ("diagpsd" if "diagonal" in q else "psd"), False
    if "diagonal" in q:
        return "diagonal", invertible
    if "symmetric" in q:
        return "symmetric", invertible
    return "general", invertible


def exact_matrix(transform: str, g: sympy.ImmutableMatrix) -> sympy.ImmutableMatrix:
    """The value of a matrix from its generator, exactly (the same map as the torch one)."""
    n = g.rows
    if transform == "general":
        return g
    if transform == "symmetric":
        return (g + g.T) / 2
    if transform == "diagonal":
        return sympy.ImmutableMatrix(g.rows, g.cols, lambda i, j: g[i, j] if i == j else 0)
    if transform in ("psd", "pd"):
        return g * g.T + (sympy.eye(n) if transform == "pd" else sympy.zeros(n, n))
    if transform in ("diagpsd", "diagpd"):
        return sympy.diag(*[g[i, i] ** 2 + (1 if transform == "diagpd" else 0) for i in range(n)])
    if transform == "signdiag":
        return sympy.diag(*[1 if g[i, i] >= 0 else -1 for i in range(n)])
    if transform == "orthogonal":
        s = (g - g.T) / 2
        reflect = sympy.diag(*([1] * (n - 1) + [1 if g[n - 1, n - 1] >= 0 else -1]))
        return sympy.ImmutableMatrix((sympy.eye(n) - s) * (sympy.eye(n) + s).inv() * reflect)
    raise RealizeError(f"unknown matrix transform {transform}")


def torch_matrix(transform: str, g: Any) -> Any:
    """The batched torch version of :func:`exact_matrix`; ``g`` has shape (points, r, c)."""
    import torch

    n = g.shape[-1]
    eye = torch.eye(n, dtype=g.dtype, device=g.device)
    if transform == "general":
        return g
    if transform == "symmetric":
        return (g + g.transpose(-1, -2)) / 2
    if transform == "diagonal":
        mask = torch.eye(g.shape[-2], g.shape[-1], dtype=g.dtype, device=g.device)
        return g * mask
    if transform in ("psd", "pd"):
        return g @ g.transpose(-1, -2) + (eye if transform == "pd" else 0 * eye)
    if transform in ("diagpsd", "diagpd"):
        d = torch.diagonal(g, dim1=-2, dim2=-1) ** 2 + (1.0 if transform == "diagpd" else 0.0)
        return torch.diag_embed(d)
    if transform == "signdiag":
        d = torch.diagonal(g, dim1=-2, dim2=-1)
        return torch.diag_embed(torch.where(d >= 0, 1.0, -1.0).to(g.dtype))
    if transform == "orthogonal":
        s = (g - g.transpose(-1, -2)) / 2
        q = torch.linalg.solve((eye + s).transpose(-1, -2), (eye - s).transpose(-1, -2)).transpose(-1, -2)
        sign = torch.where(g[:, n - 1, n - 1] >= 0, 1.0, -1.0).to(g.dtype)
        q = q.clone()
        q[:, :, n - 1] = q[:, :, n - 1] * sign[:, None]
        return q
    raise RealizeError(f"unknown matrix transform {transform}")


# -- sampling points ----------------------------------------------------------

SPECIAL = [Fraction(x) for x in (0, 1, -1, 2, -2)] + [Fraction(1, 2), Fraction(-1, 2)]
Point = dict[str, Any]  # param key -> float/Fraction, rows of a generator, or simplex weights


def sample_batch(params: list[Param], n: int, generator: Any) -> dict[str, Any]:
    """``n`` random points, one float64 tensor per param (on the CPU, reproducible by seed)."""
    import torch

    def uniform(*shape: int) -> Any:
        return torch.rand(*shape, generator=generator, dtype=torch.float64)

    batch: dict[str, Any] = {}
    for p in params:
        if p.kind == "scalar":
            lo, hi = p.domain.span()
            v = lo + (hi - lo) * uniform(n)
            for end, is_open in ((p.domain.lo, p.domain.lo_open), (p.domain.hi, p.domain.hi_open)):
                if end is not None and not is_open:  # a closed end is hit now and then
                    v = torch.where(uniform(n) < 0.1, torch.full_like(v, float(end)), v)
            special = [float(x) for x in SPECIAL if p.domain.contains(x)]
            if special:  # simple values now and then: equality cases of strict inequalities
                pick = torch.tensor(special, dtype=torch.float64)[(uniform(n) * len(special)).long()]
                v = torch.where(uniform(n) < 0.15, pick, v)
                first = min(len(special), n // 4)  # and the first points all simple, deterministically
                v[:first] = torch.tensor(special[:first], dtype=torch.float64)
            batch[p.key] = v
        elif p.kind == "matrix":
            r, c = p.shape
            g = 4 * uniform(n, r, c) - 2
            if p.transform in ("psd", "diagpsd"):  # rank-deficient now and then: psd, not pd
                g = g * (uniform(n, 1, c) > 0.25).to(g.dtype)
            batch[p.key] = g
        else:
            batch[p.key] = 0.2 + uniform(n, len(p.symbols) + 1)
    return batch


def symbol_values(params: list[Param], batch: dict[str, Any], device: str) -> tuple[dict[sympy.Basic, Any], Any]:
    """Complex128 tensors per realised symbol, and the mask of points that satisfy constraints."""
    import torch

    values: dict[sympy.Basic, Any] = {}
    n = next(iter(batch.values())).shape[0] if batch else 1
    ok = torch.ones(n, dtype=torch.bool, device=device)
    for p in params:
        data = batch[p.key].to(device)
        if p.kind == "scalar":
            values[p.symbols[0]] = data.to(torch.complex128)
        elif p.kind == "matrix":
            m = torch_matrix(p.transform, data)
            if p.invertible:
                ok &= torch.linalg.cond(m) < 1e8
            flat = m.reshape(n, -1).to(torch.complex128)
            for k, s in enumerate(p.symbols):
                values[s] = flat[:, k]
        else:
            w = data / data.sum(dim=1, keepdim=True)
            for k, s in enumerate(p.symbols):
                values[s] = w[:, k].to(torch.complex128)
    return values, ok


def point_at(params: list[Param], batch: dict[str, Any], i: int) -> Point:
    """Point ``i`` of a batch as plain Python values."""
    point: Point = {}
    for p in params:
        data = batch[p.key][i].tolist()
        point[p.key] = tuple(tuple(row) for row in data) if p.kind == "matrix" else (
            tuple(data) if p.kind == "simplex" else data)
    return point


def batch_of(params: list[Param], points: list[Point]) -> dict[str, Any]:
    """The batch holding ``points`` (inverse of :func:`point_at`)."""
    import torch

    return {p.key: torch.tensor([[list(map(float, r)) for r in pt[p.key]] if p.kind == "matrix" else (
        list(map(float, pt[p.key])) if p.kind == "simplex" else float(pt[p.key])) for pt in points],
        dtype=torch.float64) for p in params}


def exact(value: Any) -> Fraction:
    """A sampled float (or a Fraction) as a short exact fraction."""
    return value if isinstance(value, Fraction) else Fraction(value).limit_denominator(10**6)


def exact_values(params: list[Param], point: Point) -> dict[sympy.Basic, sympy.Expr]:
    """Exact SymPy values of every realised symbol at ``point``; a singular 'invertible' raises."""
    values: dict[sympy.Basic, sympy.Expr] = {}
    for p in params:
        v = point[p.key]
        if p.kind == "scalar":
            values[p.symbols[0]] = _rational(exact(v))
        elif p.kind == "matrix":
            m = matrix_value(p, point)
            if p.invertible and m.det() == 0:
                raise RealizeError(f"{p.key} is singular at this point")
            values.update(zip(p.symbols, list(m)))
        else:
            w = [_rational(exact(x)) for x in v]
            total = sympy.Add(*w)
            values.update(zip(p.symbols, [x / total for x in w]))
    return values


def matrix_value(p: Param, point: Point) -> sympy.ImmutableMatrix:
    """The exact value of a matrix param at ``point``."""
    g = sympy.ImmutableMatrix([[_rational(exact(x)) for x in row] for row in point[p.key]])
    return exact_matrix(p.transform, g)


def _rational(f: Fraction) -> sympy.Rational:
    return sympy.Rational(f.numerator, f.denominator)


def readable(params: list[Param], point: Point) -> dict[str, str]:
    """Each param's value as text: ``1/2``, ``[[1, 0], [0, 2]]``; probabilities as a list."""
    out: dict[str, str] = {}
    for p in params:
        if p.kind == "scalar":
            out[p.key] = str(_rational(exact(point[p.key])))
        elif p.kind == "matrix":
            m = matrix_value(p, point)
            out[p.key] = str([[str(x) if not x.is_Integer else int(x) for x in row] for row in m.tolist()])
            out[p.key] = out[p.key].replace("'", "")
        else:
            w = [_rational(exact(x)) for x in point[p.key]]
            total = sympy.Add(*w)
            out[p.key] = "[" + ", ".join(str(x / total) for x in w) + "]"
    return out


# -- integer configurations and random functions --------------------------------

def integer_configs(
    ranges: dict[sympy.Symbol, list[int]], kinds: dict[sympy.Symbol, str], rng: Any, limit: int = 6
) -> list[dict[sympy.Symbol, int]]:
    """Up to ``limit`` assignments of the integer parameters, simplest first.

    Always the smallest values, then distinct (non-square) dimension sizes both
    ways round, then random picks.
    """
    symbols = list(ranges)
    if not symbols:
        return [{}]
    candidates: list[dict[sympy.Symbol, int]] = [{s: min(ranges[s], key=abs) for s in symbols}]
    for order in (1, -1):
        config = {}
        for k, s in enumerate(symbols[::order]):
            options = ranges[s]
            config[s] = options[min(len(options) - 1, (k % 3) + (1 if kinds[s] == "dimension" else 2))]
        candidates.append({s: config[s] for s in symbols})
    for _ in range(8 * limit):
        candidates.append({s: rng.choice(ranges[s]) for s in symbols})
    configs: list[dict[sympy.Symbol, int]] = []
    for c in candidates:
        if c not in configs:
            configs.append(c)
        if len(configs) >= limit:
            break
    return sorted(configs, key=lambda c: (sum(abs(v) for v in c.values()), [c[s] for s in symbols]))


_COEFFS = [sympy.Rational(p, q) for p in (1, 2, 3) for q in (1, 2, 3)]


def _coefficient(rng: Any) -> sympy.Rational:
    return rng.choice(_COEFFS) * rng.choice((1, -1))


def random_function(name: str, nargs: int, rng: Any) -> sympy.Lambda:
    """A random smooth function of ``nargs`` scalars with rational coefficients.

    Sums of sin, cos and tanh of linear combinations, a product term and a linear
    term, so that no identity holds by accident of a special function.
    """
    xs = [sympy.Dummy(f"{name}_x{i}") for i in range(nargs)]

    def combination() -> sympy.Expr:
        return sympy.Add(*[_coefficient(rng) * x for x in xs])

    body = (_coefficient(rng) + _coefficient(rng) * sympy.sin(combination() + _coefficient(rng))
            + _coefficient(rng) * sympy.cos(combination()) + _coefficient(rng) * sympy.tanh(combination())
            + _coefficient(rng) * combination() * combination() / 4 + combination())
    return sympy.Lambda(tuple(xs), body)


def random_matrix_function(name: str, entries: int, rng: Any) -> sympy.Lambda:
    """A random smooth scalar function of a matrix's entries (row-major):
    ``sum(C * tanh(M)) + (w . M)**2 / 2 + cos(v . M)`` with rational C, w, v."""
    xs = [sympy.Dummy(f"{name}_m{i}") for i in range(entries)]
    body = sympy.Add(*[_coefficient(rng) * sympy.tanh(x + _coefficient(rng)) for x in xs])
    body += sympy.Add(*[_coefficient(rng) * x for x in xs]) ** 2 / 2
    body += sympy.cos(sympy.Add(*[_coefficient(rng) * x for x in xs]))
    return sympy.Lambda(tuple(xs), body)
