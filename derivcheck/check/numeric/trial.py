"""One integer configuration of a random-point check: the realised relations, their
sampled parameters and the batch of points, evaluated, rescued and confirmed.

:class:`Trial` is the data that :mod:`.random_points` orchestrates (more
configurations, shrinking, 50-digit re-checks); realised sub-expressions are
shared between the items of a derivation (:func:`_shared_memo`).
"""

from __future__ import annotations

import random
import zlib
from fractions import Fraction
from typing import Any

import numpy
import sympy

from ...expr import objects
from ...expr.scope import FunctionDecl, Scope
from ...model import Counterexample
from ..realize import MAX_DIFFERENTIATED_INVERSE, MAX_ENTRIES, MAX_SYMBOLIC_ORDER, Realization, RealizedRelation, realize_relations
from .arrays import Arrays
from .confirm import confirm_violation, settle
from .eigen import construct, eigen_pairs
from .evaluate import compare
from .parameters import entry_matrices, parameters_of, random_replacement
from .prepare import Prepared
from .sampling import (Param, Point, batch_of, exact_values, generator, interleaved, matrix_text, point_at,
                       sample_batch, symbol_values)
from .element_phases import element_phase_points
from .special_points import special_points

RESCUED_POINTS = 2  # points where float64 overflows, evaluated exactly when a configuration has no other
EXTREME_POINTS = 4  # of each kind per configuration: overflowed, and agreeing below the float tolerance,
TINY = 1e-300  # (both sides below this, as after an underflow: float agreement there says nothing)


def show_config(config: dict[sympy.Symbol, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in config.items())


class Trial:
    """One integer configuration: the realised relations, their params, and a sampled batch."""

    def __init__(self, config: dict, realized: list[RealizedRelation], params: list[Param], arrays: Arrays,
                 functions: dict[str, Any]) -> None:
        self.config = config
        self.functions = functions
        self.main, self.filters = realized[0], realized[1:]
        self.params = params
        self.arrays = arrays  # the back end that evaluates the points (:mod:`.arrays`)
        self.batch: dict[str, Any] = {}
        self.valid = 0
        self.failing: list[int] = []
        self.hard: list[int] = []
        self.agreeing: list[tuple[int, float]] = []  # (point, float gap) where it holds (for the re-check)
        self.construction: Any = None  # an eigen.Construction, when points are built
        self.wide = False  # a wide integer configuration (see _wide_configs)
        self.phase = False  # one near a quarter period of a sine's argument (see wide.phase_configs)
        self.lazy = True  # determinants and inverses evaluated numerically (see Realization)
        self.overflow: list[int] = []  # points whose hypotheses hold but whose value overflows float
        self.extremes: list[Point] = []  # points re-checked in 50 digits (random_points._extremes)
        self.solved: tuple = ()  # (symbol, value) solved from the hypotheses (see prepare)

    @classmethod
    def build(cls, prepared: Any, scope: Scope, config: dict, seed: int, arrays: Arrays) -> "Trial":
        sides = [prepared.relation, *prepared.filters]
        differentiated = any(isinstance(x, sympy.Basic) and x.has(
            objects.Gradient, objects.FunctionGradient, objects.HessianMatrix, sympy.Derivative)
            for r in sides for x in (r.lhs, r.rhs))
        env = Realization(integers=dict(config), matrices=entry_matrices(scope, config),
                          lazy_linear_algebra=not differentiated,
                          max_symbolic_inverse=MAX_DIFFERENTIATED_INVERSE if differentiated else MAX_SYMBOLIC_ORDER)
        construction = _eigen_construction(prepared, scope, config, seed)
        if construction is not None:  # points built to satisfy eigenvector hypotheses
            scope = construction.scope
            env.matrices.update(construction.matrices)
            env.scalars.update(construction.scalars)
        functions = {d.name: random_replacement(d, seed) for d in scope.names.values() if isinstance(d, FunctionDecl)}
        memo = None if construction is not None else _shared_memo(scope, config, env.lazy_linear_algebra)
        # a law on X[n] with n an integer parameter speaks of X[3] at n = 3 (prepare._law)
        fix = {k: sympy.Integer(v) for k, v in config.items()}
        laws = tuple(objects.Relation(law.lhs.xreplace(fix), law.op,
                                      law.rhs.xreplace(fix) if isinstance(law.rhs, sympy.Basic) else law.rhs)
                     for law in prepared.laws)
        realized = realize_relations([prepared.relation, *prepared.filters], env, scope, laws=laws, memo=memo)
        trial = cls(config, realized, parameters_of(realized, env, scope), arrays, functions)
        trial.construction = construction
        trial.lazy = env.lazy_linear_algebra
        # a matrix solved for one of its entries (prepare._put_entry) is shown as that
        # explicit matrix, written in the sampled entries
        trial.solved = tuple((symbol, value.xreplace(env.matrices) if isinstance(value, sympy.MatrixBase) else value)
                             for symbol, value in prepared.solved)
        return trial

    def evaluate(self, batch: dict[str, Any], gaps: list | None = None,
                 selected: list | None = None, sizes: list | None = None) -> tuple[Any, Any]:
        """(usable, holds, firm) numpy masks over the batch's points (see :func:`compare`); ``gaps``
        receives the float discrepancy per point, ``selected`` the points the hypotheses admit,
        ``sizes`` the largest side per point."""
        values, ok = symbol_values(self.params, batch, self.arrays)
        n = ok.shape[0]
        valid, holds, firm = compare(self.main, values, n, self.arrays, self.functions, gaps=gaps, sizes=sizes)
        admitted = ok
        for f in self.filters:
            f_valid, _, f_firm = compare(f, values, n, self.arrays, self.functions, robust=True)
            admitted = admitted & f_valid & f_firm
        if selected is not None:
            selected.append(admitted)
        return admitted & valid, holds, firm

    def run(self, points: int, seed: int) -> None:
        n = (points * (4 if self.filters else 1)) if self.params else 1  # filters reject some points
        # simple values (zero scales: zero eigenvectors) also where the points are built
        special = not self.filters or self.construction is not None
        self.batch = sample_batch(self.params, n, generator(seed), special=special, wide=True)
        gaps: list = []
        selected: list = []
        sizes: list = []
        usable, holds, firm = self.evaluate(self.batch, gaps, selected, sizes)
        self.valid = int(usable.sum())
        # clear failures first, then points where a strict inequality holds only with slack
        # (equal sides: confirmation decides whether they are exactly equal)
        self.hard = numpy.flatnonzero(usable & ~holds).tolist()
        self.failing = self.hard + numpy.flatnonzero(usable & holds & ~firm).tolist()
        gap = gaps[0]
        self.agreeing = [(i, float(gap[i])) for i in numpy.flatnonzero(usable & firm).tolist()]
        self.overflow = numpy.flatnonzero(selected[0] & ~usable)[:RESCUED_POINTS].tolist()
        self.extremes = self._extremes(selected[0] & ~usable, usable & firm & (sizes[0] < TINY))

    def _extremes(self, overflowed: Any, tiny: Any) -> list[Point]:
        """Up to EXTREME_POINTS points of each kind, largest inputs first, the kinds in turn:
        where both sides are below :data:`TINY` (float agreement within the absolute
        tolerance, ``0 = 0`` after an underflow included) and where float64 overflowed (the
        point is dropped)."""
        n = overflowed.shape[0]
        candidates = overflowed | tiny
        if self.failing:
            candidates[self.failing] = False
        if not bool(candidates.any()):
            return []
        largest = numpy.zeros(n)
        for values in self.batch.values():
            flat = numpy.nan_to_num(numpy.abs(values.reshape(n, -1)), nan=0.0)
            if flat.shape[1]:
                largest = numpy.maximum(largest, flat.max(axis=1))
        order = numpy.argsort(-largest, kind="stable").tolist()
        picked = [[i for i in order if mask[i]][:EXTREME_POINTS] for mask in (
            (tiny & candidates).tolist(), (overflowed & candidates).tolist())]
        return [point_at(self.params, self.batch, i) for i in interleaved(picked)]

    def far(self) -> list[Point]:
        """The first and the last point with one real scalar moved far (:func:`far_values`),
        kept where float64 disagrees, or, at +-10**6 and +-10**3, overflows or falls below
        :data:`TINY` (disagreements first; at most EXTREME_POINTS in all, each inside its
        domain): random points rarely reach ``x > 921``, where ``Min(exp(x), 10**400) =
        exp(x)`` fails, and never ``x = 10**12``, where ``x**7 <= 10**50`` does. The last
        point is a random one: ``x**2 * y**2 <= 10**40`` needs ``y != 0``."""
        scalars = [p for p in self.params if p.kind == "scalar" and not p.domain.integer and p.wide]
        if not scalars or not self.batch:
            return []
        n = next(iter(self.batch.values())).shape[0]
        bases = [point_at(self.params, self.batch, i) for i in dict.fromkeys([0, n - 1])]
        ladders = [(p, far_values(p.domain, self.main.op != "=")) for p in scalars]
        far = [({**base, p.key: values[k]}, values[k] in FAR) for base in bases
               for k in range(max(len(v) for _, v in ladders)) for p, values in ladders if k < len(values)]
        if not far:
            return []
        selected: list = []
        sizes: list = []
        usable, _, firm = self.evaluate(batch_of(self.params, [pt for pt, _ in far]), None, selected, sizes)
        disagree = (selected[0] & usable & ~firm).tolist()
        silent = (selected[0] & (~usable | (sizes[0] < TINY))).tolist()
        # where float64 says nothing, only at the first values: settling an overflow in 50
        # digits costs, and beyond them a float disagreement is asked for
        kept = ([pt for (pt, _), d in zip(far, disagree) if d]
                + [pt for (pt, plain), q, d in zip(far, silent, disagree) if q and not d and plain])
        return kept[:EXTREME_POINTS]

    def rescue(self, seed: int) -> None:
        """Where no point has a float value (``n!`` at n = 300 overflows), a few points the
        hypotheses admit are evaluated exactly: holding, each counts as a point; violated, it
        is a failure (confirmed again as any other)."""
        if self.valid or not self.overflow or self.main.may_diverge:
            return  # a divergent integral's infinity is no overflow: its own rules apply (confirm.py)
        for i in self.overflow:
            holds, _ = self.settle(point_at(self.params, self.batch, i), seed)
            if holds is True:
                self.valid += 1
            elif holds is False:
                self.hard.append(i)
                self.failing.insert(0, i)

    def settle_first(self, seed: int) -> bool:
        """The first point settled in 50 digits, whatever float64 said of it: at an integer
        near 10**15, ``sin(n/3)`` has no float value worth its name (``n/3`` is rounded by
        about 0.03), and ``cos(n) < 1 - 10**-20`` agrees in float64 only within its slack,
        while the 50-digit evaluation takes ``n`` exactly. Violated there (its hypotheses
        holding), the point is a failure, confirmed again as any other; holding there, it
        is no longer one (as a float disagreement settled as rounding is not). Whether it is
        violated."""
        if self.params and not self.batch:
            return False
        holds, _ = self.settle(point_at(self.params, self.batch, 0) if self.params else {}, seed)
        if holds is False:
            self.failing = [0] + [i for i in self.failing if i != 0]
            self.hard = [0] + [i for i in self.hard if i != 0]
            self.valid = max(self.valid, 1)
        elif holds is True:
            self.failing = [i for i in self.failing if i != 0]
            self.hard = [i for i in self.hard if i != 0]
        return holds is False

    def special_points(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` special points of the relation (:mod:`.special_points`), found from
        the first sampled points (simple values) and one random point."""

        if limit <= 0 or not self.params or not self.batch:
            return []
        n = next(iter(self.batch.values())).shape[0]
        bases = [point_at(self.params, self.batch, i) for i in dict.fromkeys([0, 1, n - 1]) if i < n]
        return special_points(self.main, self.params, bases, limit)

    def element_phase_points(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` points near the quarter periods of integer elements (:mod:`.element_phases`),
        from the first sampled point."""
        if limit <= 0 or not self.params or not self.batch:
            return []
        return element_phase_points(self.main, self.params, point_at(self.params, self.batch, 0), limit)

    def fails(self, candidates: list[dict[str, Any]]) -> list[bool]:
        """For shrinking: which candidate points still break the relation (in float)."""

        usable, _, firm = self.evaluate(batch_of(self.params, candidates))
        return [bool(x) for x in (usable & ~firm)]

    def settle(self, point: dict[str, Any], seed: int, ties: list | None = None,
               outside: list | None = None, beyond: list | None = None) -> tuple[bool | None, Counterexample | None]:
        """The relation at ``point`` in 50 digits (see :func:`derivcheck.check.numeric.confirm.settle`)."""

        holds, found = settle(self.main, self.filters, self.params, point, self.config, seed, self.functions,
                              ties, outside, beyond)
        return holds, (self._shown(found, point) if found is not None else None)

    def _shown(self, found: Counterexample, point: dict[str, Any]) -> Counterexample:
        """The counterexample with the declared quantities built for it and the values of the
        variables solved from the hypotheses (every variable of the claim is listed)."""
        from dataclasses import replace

        if self.construction is None and not self.solved:
            return found
        exact = exact_values(self.params, point)
        values = dict(found.values)
        for symbol, value in self.solved:
            at = value.xreplace(exact) if isinstance(value, sympy.Basic) else value
            if isinstance(at, sympy.MatrixBase) and all(x.is_number for x in at):
                values[str(symbol)] = matrix_text(at)  # the sampled matrix with its solved entries
            elif isinstance(at, sympy.Basic) and at.is_number and str(symbol) not in values:
                values[str(symbol)] = str(at)
        if self.construction is not None:
            values.update(self.construction.shown(exact))
        return replace(found, values=values)

    def confirm(self, point: dict[str, Any], seed: int) -> Counterexample | None:
        found = confirm_violation(self.main, self.filters, self.params, point, self.config, seed, self.functions)
        return self._shown(found, point) if found is not None else None  # with the declared quantities built


_MEMOS: dict[tuple, tuple[Scope, dict]] = {}
_MEMO_COUNT = 16


def _shared_memo(scope: Scope, config: dict, lazy: bool) -> dict:
    """Realised sub-expressions at one configuration of one scope, shared by the items of a
    derivation (consecutive steps share their sides): the realisation depends only on these."""
    key = (id(scope), tuple(sorted((str(k), v) for k, v in config.items())), lazy)
    known = _MEMOS.get(key)
    if known is not None and known[0] is scope:
        return known[1]
    if len(_MEMOS) >= _MEMO_COUNT:
        _MEMOS.pop(next(iter(_MEMOS)))
    memo: dict = {}
    _MEMOS[key] = (scope, memo)
    return memo


def _eigen_construction(prepared: Prepared, scope: Scope, config: dict, seed: int) -> Any:
    """Points built to satisfy the eigenvector hypotheses among the filters (:mod:`.eigen`)."""
    pairs = eigen_pairs(prepared.filters, scope)
    if not pairs:
        return None
    sizes = {}
    for m in {p.matrix for p in pairs}:
        size = sympy.sympify(scope.names[m.name].rows, strict=True).xreplace(
            {k: sympy.Integer(v) for k, v in config.items()})
        if not size.is_Integer or int(size) ** 2 > MAX_ENTRIES:  # (too large: refused where realised)
            return None
        sizes[m] = int(size)
    layout = random.Random(zlib.crc32(f"{seed}:{sorted((str(k), v) for k, v in config.items())}".encode()))
    return construct(pairs, scope, sizes, layout)



FAR = (Fraction(10**6), Fraction(-10**6), Fraction(10**3), Fraction(-10**3))
# an inequality also beyond: magnitudes to 10**192 and distances to 10**-48 (from 0 or a bound),
# where a power or a reciprocal first crosses a constant (``x**7 <= 10**50``, ``1/x <= 10**20``)
FAR_INEQUALITY = tuple(Fraction(s * 10**k) for k in (12, 24, 48, 96, 192) for s in (1, -1))
NEAR_INEQUALITY = tuple(Fraction(1, 10**k) for k in (12, 24, 48))


def far_values(domain: Any, inequality: bool) -> list[Fraction]:
    """Values of a real scalar far from the sampled window, inside ``domain``: +-10**6 and
    +-10**3, and for an inequality also +-10**12 .. +-10**192 and 10**-12 .. 10**-48 from 0
    (both signs) or from each finite bound, inwards."""
    values = list(FAR)
    if inequality:
        values += FAR_INEQUALITY
        anchors = [e for e in (domain.lo, domain.hi) if e is not None] or [Fraction(0)]
        values += [a + s * d for d in NEAR_INEQUALITY for a in anchors for s in (1, -1)]
    return [v for v in dict.fromkeys(values) if domain.contains(v)]

__all__ = ["Trial", "show_config"]
