"""The numeric cross-check: both sides at random points, in torch (complex128), batched.

For each of a few integer configurations (dimensions, naturals) the relation is
realised once with symbolic entries (:mod:`derivcheck.check.realize`), every
free quantity is sampled from its declared domain (:mod:`derivcheck.check.sampling`)
and the realised SymPy expressions are evaluated on all points at once by a
small tree evaluator. Values follow SymPy's meaning: real symbols, principal
complex branches (``log(-1) = i*pi``); an equality compares complex values, an
inequality is tested only where both sides are real. A disagreement is shrunk
(:mod:`derivcheck.check.shrink`) and confirmed in 50-digit precision
(:mod:`derivcheck.check.confirm`); only a confirmed one is a counterexample.
"""

from __future__ import annotations

import functools
import random
import time
import zlib
from dataclasses import dataclass
from typing import Any, Sequence

import sympy

from ..expr import objects
from ..expr.scope import FunctionDecl, MatrixDecl, RandomDecl, ScalarDecl, Scope, SequenceDecl
from ..model import Counterexample
from .evaluate import Unsupported, compare
from .prepare import Prepared, prepare
from .realize import Realization, RealizeError, RealizedRelation, UndefinedAt, realize_relations
from .symbolic_matrices import entry_symbol
from .sampling import (Param, domain_of, integer_configs, integer_domain, integer_range, matrix_transform,
                       point_at, random_function, random_matrix_function, sample_batch, symbol_values, REAL)

TOLERANCE_TEXT = "|lhs - rhs| <= 1e-8 * (1 + |lhs| + |rhs|), entrywise"
MAX_CONFIGS = 6
MAX_CANDIDATES = 40
MAX_CONFIRMATIONS = 6


@dataclass(frozen=True)
class NumericResult:
    """What the numeric check found: ``status`` is ``agree``, ``disagree``, ``inconclusive``, or
    ``undefined`` (no value at any size tried: an index outside its matrix)."""

    status: str
    points: int
    tolerance: str
    counterexample: Counterexample | None
    detail: str
    evidence: str = ""  # for agreement: its kind and its bound or tolerance (shown in the report)


def check_numerically(
    relation: objects.Relation,
    scope: Scope,
    *,
    seed: int,
    points: int = 24,
    fixed: dict[sympy.Symbol, int] | None = None,
    hypotheses: Sequence[objects.Relation] = (),
    device: str = "auto",
    budget: float = 10.0,
) -> NumericResult:
    """Check ``relation`` at ``points`` random points per integer configuration.

    ``fixed`` pins integer parameters; ``hypotheses`` are the step's ``using``
    relations (solved and substituted, applied as rewrite rules, or used to reject
    points); ``budget`` is the wall-clock limit in seconds.
    """
    deadline = time.monotonic() + budget
    if relation.op == "~":
        return _inconclusive(0, "`~` claims are checked by distribution checks")
    if not hypotheses and fixed is None:
        from .gradient import cross_check, gradient_parts

        if gradient_parts(relation) is not None:  # autograd as well; `fixed={}` runs this check alone
            return cross_check(relation, scope, seed=seed, points=points, device=device, budget=budget,
                               symbolic=lambda left: check_numerically(relation, scope, seed=seed, points=points,
                                                                       fixed={}, device=device, budget=left))
    prepared = prepare(relation, hypotheses, scope)
    fixed = dict(fixed or {})
    ranges, kinds = _integer_parameters([prepared.relation, *prepared.filters], scope, fixed)
    # Many candidates, of which the first MAX_CONFIGS valid ones are used: a
    # configuration can be invalid (an index beyond a dimension), and evidence
    # from the few that survive by accident (say i = n = 1) is no evidence.
    configs = integer_configs(ranges, kinds, random.Random(seed), MAX_CANDIDATES)
    dev = _device(device)
    trials: list[Trial] = []
    notes: list[str] = []
    undefined = 0  # configurations where the relation has no value (an index outside its matrix)
    for index, config in enumerate(configs):
        if len(trials) >= MAX_CONFIGS:
            break
        if time.monotonic() > deadline:
            notes.append("time budget spent")
            break
        try:
            trial = Trial.build(prepared, scope, {**fixed, **config}, seed, dev)
            trial.run(points, seed * 1000 + index)
        except (RealizeError, Unsupported) as exc:
            undefined += isinstance(exc, UndefinedAt)
            if len(notes) < 5:
                notes.append(f"{_show(config) or 'here'}: {exc}")
            continue
        trials.append(trial)
    if not trials and configs and undefined == len(configs):
        return NumericResult("undefined", 0, TOLERANCE_TEXT, None,
                             f"the relation has no value at any of the {len(configs)} sizes tried ("
                             + "; ".join(notes) + ")")
    if len(configs) > 1 and len([t for t in trials if t.valid]) < 2 and not any(t.failing for t in trials):
        return _inconclusive(sum(t.valid for t in trials),
                             "fewer than two integer configurations could be evaluated"
                             + (f" ({'; '.join(notes)})" if notes else ""))
    valid = sum(t.valid for t in trials)
    failing = [t for t in trials if t.failing]
    if failing:
        return _disagreement(failing, prepared, seed, valid, deadline, notes)
    needed = 1 if trials and all(not t.params for t in trials) else max(3, points // 3)
    if valid >= needed:
        where = "; ".join(_show(t.config) for t in trials if t.config)
        exact = None if prepared.caveats else _exact(trials, seed, deadline, valid)
        if isinstance(exact, NumericResult):
            return exact
        return NumericResult("agree", valid, TOLERANCE_TEXT, None,
                             f"agree at {valid} points" + (f" ({where})" if where else "")
                             + (f"; skipped {'; '.join(notes)}" if notes else ""),
                             evidence=exact or f"float64 at {valid} points, {TOLERANCE_TEXT.replace(', entrywise', '')}")
    reason = "; ".join(notes) if notes else "the hypotheses or the domain rejected the points"
    return _inconclusive(valid, f"only {valid} usable points: {reason}")


def _exact(trials: list["Trial"], seed: int, deadline: float, valid: int) -> "NumericResult | str | None":
    """Exact evaluation of a rational equality (:mod:`derivcheck.check.exact`): its evidence text,
    a refutation by an exact (shrunk) counterexample, or None when it does not apply."""
    from .exact import ExactFailure, exact_check, shrink_exact
    from .shrink import shrink

    found = exact_check(trials, seed, deadline)
    if not isinstance(found, ExactFailure):
        return found.text() if found is not None else None
    point = shrink_exact(found, deadline, shrink)
    for pt in (point, found.point):
        ce = found.trial.confirm(pt, seed)
        if ce is not None:
            return NumericResult("disagree", valid, "exact rational evaluation", ce,
                                 "counterexample by exact rational evaluation (float64 had agreed)")
    return None


def _disagreement(failing: list["Trial"], prepared: Any, seed: int, valid: int, deadline: float,
                  notes: list[str]) -> NumericResult:
    from .shrink import shrink

    attempts = 0
    count = sum(len(t.hard) for t in failing) or sum(len(t.failing) for t in failing)
    for trial in failing:
        for i in trial.failing[:3]:
            if attempts >= MAX_CONFIRMATIONS or time.monotonic() > deadline:
                break
            attempts += 1
            original = point_at(trial.params, trial.batch, i)
            small = shrink(trial.params, original, trial.fails, deadline)
            for pt in ([small, original] if small != original else [original]):
                found = trial.confirm(pt, seed)
                if found is None:
                    continue
                if prepared.caveats:
                    return _inconclusive(valid, f"disagreement at {found.values}, but {'; '.join(prepared.caveats)}")
                return NumericResult("disagree", valid, TOLERANCE_TEXT, found,
                                     f"counterexample confirmed to 50 digits (float disagreement at "
                                     f"{count} of {valid} points)")
    if not any(t.hard for t in failing):  # only strict inequalities holding with slack
        return NumericResult("agree", valid, TOLERANCE_TEXT, None,
                             f"agree at {valid} points (strict inequality within tolerance at {count})")
    return _inconclusive(valid, f"float disagreement at {count} points, not confirmed in high precision"
                         + (f"; skipped {'; '.join(notes)}" if notes else ""))


def _inconclusive(points: int, detail: str) -> NumericResult:
    return NumericResult("inconclusive", points, TOLERANCE_TEXT, None, detail)


def _show(config: dict[sympy.Symbol, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in config.items())


def _device(device: str) -> str:
    from .device import resolve_device

    return resolve_device(device)


def _integer_parameters(
    relations: list[objects.Relation], scope: Scope, fixed: dict[sympy.Symbol, int]
) -> tuple[dict[sympy.Symbol, list[int]], dict[sympy.Symbol, str]]:
    from .instances import integer_parameters

    used = {p for relation in relations for p in integer_parameters(relation, scope)}
    ranges, kinds = {}, {}
    for d in scope.names.values():
        if isinstance(d, ScalarDecl) and d.symbol in used and d.symbol not in fixed:
            ranges[d.symbol] = integer_range(d.kind, d.interval)
            kinds[d.symbol] = d.kind
    return ranges, kinds


class Trial:
    """One integer configuration: the realised relations, their params, and a sampled batch."""

    def __init__(self, config: dict, realized: list[RealizedRelation], params: list[Param], device: str,
                 functions: dict[str, Any]) -> None:
        self.config = config
        self.functions = functions
        self.main, self.filters = realized[0], realized[1:]
        self.params = params
        self.device = device
        self.batch: dict[str, Any] = {}
        self.valid = 0
        self.failing: list[int] = []
        self.hard: list[int] = []
        self.construction: Any = None  # an eigen.Construction, when points are built

    @classmethod
    def build(cls, prepared: Any, scope: Scope, config: dict, seed: int, device: str) -> "Trial":
        sides = [prepared.relation, *prepared.filters]
        differentiated = any(isinstance(x, sympy.Basic) and x.has(
            objects.Gradient, objects.FunctionGradient, objects.HessianMatrix, sympy.Derivative)
            for r in sides for x in (r.lhs, r.rhs))
        env = Realization(integers=dict(config), matrices=entry_matrices(scope, config),
                          lazy_linear_algebra=not differentiated)
        construction = _eigen_construction(prepared, scope, config, seed)
        if construction is not None:  # points built to satisfy eigenvector hypotheses
            scope = construction.scope
            env.matrices.update(construction.matrices)
            env.scalars.update(construction.scalars)
        functions = {d.name: _replacement(d, seed) for d in scope.names.values() if isinstance(d, FunctionDecl)}
        memo = None if construction is not None else _shared_memo(scope, config, env.lazy_linear_algebra)
        realized = realize_relations([prepared.relation, *prepared.filters], env, scope, laws=prepared.laws,
                                     memo=memo)
        trial = cls(config, realized, _params(realized, env, scope), device, functions)
        trial.construction = construction
        return trial

    def evaluate(self, batch: dict[str, Any]) -> tuple[Any, Any]:
        """(usable, holds, firm) masks over the batch's points (see :func:`compare`)."""
        values, ok = symbol_values(self.params, batch, self.device)
        n = ok.shape[0]
        valid, holds, firm = compare(self.main, values, n, self.functions)
        usable = ok & valid
        for f in self.filters:
            f_valid, _, f_firm = compare(f, values, n, self.functions, robust=True)
            usable &= f_valid & f_firm
        return usable, holds, firm

    def run(self, points: int, seed: int) -> None:
        import torch

        generator = torch.Generator().manual_seed(seed)
        n = (points * (4 if self.filters else 1)) if self.params else 1  # filters reject some points
        self.batch = sample_batch(self.params, n, generator, special=not self.filters)
        usable, holds, firm = self.evaluate(self.batch)
        self.valid = int(usable.sum())
        # clear failures first, then points where a strict inequality holds only with slack
        # (equal sides: confirmation decides whether they are exactly equal)
        self.hard = [int(i) for i in torch.nonzero(usable & ~holds).flatten()]
        self.failing = self.hard + [int(i) for i in torch.nonzero(usable & holds & ~firm).flatten()]

    def fails(self, candidates: list[dict[str, Any]]) -> list[bool]:
        """For shrinking: which candidate points still break the relation (in float)."""
        from .sampling import batch_of

        usable, _, firm = self.evaluate(batch_of(self.params, candidates))
        return [bool(x) for x in (usable & ~firm).cpu()]

    def confirm(self, point: dict[str, Any], seed: int) -> Counterexample | None:
        from dataclasses import replace

        from .confirm import confirm_violation
        from .sampling import exact_values

        found = confirm_violation(self.main, self.filters, self.params, point, self.config, seed, self.functions)
        if found is not None and self.construction is not None:  # the declared quantities, built
            found = replace(found, values={**found.values,
                                           **self.construction.shown(exact_values(self.params, point))})
        return found


def _replacement(decl: FunctionDecl, seed: int) -> Any:
    matrix = any(a is not None for a in decl.arguments)
    return lambda nargs: _random_model(seed, decl.name, matrix, nargs)


@functools.lru_cache(maxsize=256)
def _random_model(seed: int, name: str, matrix: bool, nargs: int) -> sympy.Lambda:
    """The random smooth function standing for ``name`` (the same one for the same seed)."""
    rng = random.Random(zlib.crc32(f"{seed}:{name}:{nargs}".encode()))
    return (random_matrix_function if matrix else random_function)(name, nargs, rng)


_ORDER = {"scalar": 0, "matrix": 1, "simplex": 2}


def _params(realized: list[RealizedRelation], env: Realization, scope: Scope) -> list[Param]:
    """One param per free quantity of the realised relations, with its domain."""
    entries = {s: m for m, value in env.matrices.items() for s in value if isinstance(s, sympy.Symbol)}
    space = realized[0].space
    probabilities = {s: f for f in (space.factors if space else ()) for s in f.free}
    found: dict[str, Param] = {}
    memo: dict[sympy.Basic, set[sympy.Basic]] = {}
    for rel in realized:
        for case in rel.cases:
            for side in case:
                for item in (list(side) if isinstance(side, sympy.MatrixBase) else [side]):
                    for leaf in _leaves(item, memo):
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
        found.setdefault(str(leaf), Param(str(leaf), "scalar", (leaf,), domain))
        return
    name = str(leaf.base.label) if isinstance(leaf, sympy.Indexed) else leaf.name
    decl = scope.names.get(name)
    if isinstance(leaf, sympy.Indexed) and isinstance(decl, SequenceDecl):
        if decl.kind in ("integer", "natural", "dimension"):  # labels, counts: uniform on a few integers
            if decl.random:
                raise Unsupported(f"integer-valued random sequence element {leaf} is not sampled")
            found.setdefault(str(leaf), Param(str(leaf), "scalar", (leaf,), integer_domain(decl.kind, decl.interval)))
            return
        domain = REAL if decl.random else domain_of(decl.kind, decl.interval)
        found.setdefault(str(leaf), Param(str(leaf), "scalar", (leaf,), domain))
    elif isinstance(decl, ScalarDecl) and decl.symbol == leaf and decl.kind not in ("integer", "natural", "dimension"):
        found.setdefault(name, Param(name, "scalar", (leaf,), domain_of(decl.kind, decl.interval)))
    elif isinstance(decl, RandomDecl) and decl.symbol == leaf:
        found.setdefault(name, Param(name, "scalar", (leaf,), REAL))
    else:
        raise Unsupported(f"{leaf} has no declared domain to sample from")


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
    from .eigen import construct, eigen_pairs

    pairs = eigen_pairs(prepared.filters, scope)
    if not pairs:
        return None
    sizes = {}
    for m in {p.matrix for p in pairs}:
        size = sympy.sympify(scope.names[m.name].rows, strict=True).xreplace(
            {k: sympy.Integer(v) for k, v in config.items()})
        if not size.is_Integer:
            return None
        sizes[m] = int(size)
    layout = random.Random(zlib.crc32(f"{seed}:{sorted((str(k), v) for k, v in config.items())}".encode()))
    return construct(pairs, scope, sizes, layout)


def entry_matrices(scope: Scope, config: dict) -> dict[sympy.MatrixSymbol, sympy.ImmutableMatrix]:
    """Every declared matrix at ``config``'s sizes, written out with one symbol per entry."""
    matrices = {}
    for decl in scope.names.values():
        if isinstance(decl, MatrixDecl):
            try:
                r, c = (int(sympy.sympify(x, strict=True).xreplace({k: sympy.Integer(v) for k, v in config.items()}))
                        for x in (decl.rows, decl.cols))
            except TypeError:
                continue
            matrices[decl.symbol] = sympy.ImmutableMatrix(
                r, c, lambda i, j, name=decl.name, cols=c: entry_symbol(name, i, j, cols))
    return matrices
