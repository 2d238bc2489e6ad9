"""Gradient relations ``grad(f, V) = G`` cross-checked with torch autograd.

The numeric checker realises ``grad(f, V)`` symbolically (SymPy ``diff``) and
evaluates it; here the scalar ``f`` itself is evaluated in torch (float64 values,
complex128 arithmetic as everywhere in the numeric checker) with V's value as a
leaf tensor that requires a gradient, and ``torch.autograd.grad`` gives the
gradient, which is compared with the claimed ``G`` evaluated at the same points:
    |autograd - claimed| <= 1e-9 + 1e-7 * max(|autograd|, |claimed|), entrywise

Each declared ``function`` is a random smooth function (the numeric checker's,
:func:`derivcheck.check.numeric.parameters.random_model`), so agreement is evidence for
"any loss L", and several integer configurations are tried (the smallest,
distinct non-square sizes both ways round, random ones). A disagreement is
shrunk and then confirmed independently of both torch and SymPy's ``diff``: a
central finite difference of the realised ``f`` in 60-digit arithmetic
(step 1e-20, truncation error about 1e-40) must differ from the claimed entry,
evaluated to 50 digits, by more than 1e-20 relative. Only then is it a
counterexample; an unconfirmed disagreement leaves the relation ``unknown``.
"""

from __future__ import annotations

import random
from fractions import Fraction
from dataclasses import replace
from typing import Any, Callable

import sympy

from ...expr import objects
from ...expr.scope import FunctionDecl, Scope
from ...model import Counterexample
from ..evidence import Evidence, EvidenceKind, Status
from ..realize import Realization, RealizeError, RealizedRelation, realize, substitute_functions
from ..runtime import Deadline, resolve_device
from ..trees import replace_shared
from .configs import integer_configs
from .arrays import torch_arrays
from .confirm import shown_defined
from .domains import torch_matrix
from .evaluate import Evaluator, Unsupported
from .parameters import entry_matrices, integer_parameters_of, parameters_of, random_replacement
from .sampling import (Point, batch_of, exact_values, generator, point_at, readable, sample_batch,
                       symbol_values)
from .shrink import shrink

RTOL, ATOL = 1e-7, 1e-9
TOLERANCE_TEXT = "float64, |autograd - claimed| <= 1e-9 + 1e-7 max(|autograd|, |claimed|)"
MAX_CONFIGS = 4
MAX_CANDIDATES = 40
DIGITS = 60
STEP = sympy.Rational(1, 10**20)
MARGIN = sympy.Float("1e-20", DIGITS)
MAX_SHOWN = 16


def gradient_parts(relation: objects.Relation) -> tuple[objects.Gradient, Any] | None:
    """(grad(f, V), G) when ``relation`` is ``grad(f, V) = G`` (either way round), else None."""
    if relation.op != "=":
        return None
    sides = [s.arg if isinstance(s, sympy.Trace) and isinstance(s.arg, objects.Gradient) else s
             for s in (relation.lhs, relation.rhs)]
    for g, other in ((sides[0], sides[1]), (sides[1], sides[0])):
        if isinstance(g, objects.Gradient) and isinstance(g.wrt, sympy.MatrixSymbol):
            return g, other
    return None


def cross_check(relation: objects.Relation, scope: Scope, *, seed: int, points: int, device: str,
                deadline: Deadline, symbolic: Callable[[], Any]) -> Any:
    """The autograd check combined with ``symbolic()``, the realised (SymPy ``diff``) check;
    both count their work, and share ``deadline``, a safety limit in CPU time.

    Either one's confirmed counterexample refutes; agreement of the autograd check is the
    evidence shown; an unconfirmed autograd disagreement makes the result inconclusive.
    """

    auto, disputed = check_gradient(relation, scope, seed=seed, points=points, device=device, deadline=deadline)
    if auto.status is Status.DISAGREE:
        return auto
    other = symbolic()
    if other.status is Status.DISAGREE:
        if auto.status is Status.AGREE:
            return replace(other, detail=f"{other.detail} (the autograd check had agreed: {auto.detail})")
        return other
    if disputed:
        return Evidence(Status.INCONCLUSIVE, auto.points, TOLERANCE_TEXT, None,
                             f"{auto.detail}; realised check: {other.detail}")
    if auto.status is Status.AGREE:
        also = (f"; realised by SymPy diff: {other.evidence or other.detail}" if other.status is Status.AGREE else "")
        return replace(auto, detail=auto.detail + also, evidence=auto.evidence + also)
    if other.status is Status.AGREE:
        return replace(other, detail=f"{other.detail}; autograd: {auto.detail}")
    return replace(other, detail=f"{other.detail}; autograd: {auto.detail}")


def check_gradient(relation: objects.Relation, scope: Scope, *, seed: int, points: int, device: str,
                   deadline: Deadline) -> tuple[Any, bool]:
    """(result, disputed): the autograd comparison at random points of a few configurations;
    ``disputed`` is True when a float disagreement could not be confirmed."""

    parts = gradient_parts(relation)
    if parts is None:
        return Evidence(Status.INCONCLUSIVE, 0, TOLERANCE_TEXT, None, "not a gradient relation"), False
    grad, claimed = parts
    ranges, kinds = integer_parameters_of([relation], scope, {})
    rng = random.Random(seed)
    configs = _spread(integer_configs(ranges, kinds, rng, MAX_CANDIDATES), rng)
    dev = resolve_device(device)
    trials: list[AutogradTrial] = []
    notes: list[str] = []
    for index, config in enumerate(configs):
        if len(trials) >= MAX_CONFIGS or deadline.passed():
            break
        try:
            trial = AutogradTrial.build(grad, claimed, scope, config, seed, dev)
            trial.run(points, seed * 1000 + index)
        except (RealizeError, Unsupported) as exc:
            if len(notes) < 3:
                notes.append(f"{_show(config) or 'here'}: {exc}")
            continue
        if trial.valid:
            trials.append(trial)
    valid = sum(t.valid for t in trials)
    failing = [t for t in trials if t.failing]
    if failing:
        return _disagreement(failing, valid, seed, deadline)
    if (len(configs) > 1 and len(trials) < 2) or valid < max(3, points // 3):
        why = "; ".join(notes) or "too few usable points"
        return Evidence(Status.INCONCLUSIVE, valid, TOLERANCE_TEXT, None, f"autograd check: {why}"), False
    shapes = _shapes([t.config for t in trials])
    text = f"torch autograd at {valid} points" + (f", {shapes}" if shapes else "") + f", {TOLERANCE_TEXT}"
    return Evidence(Status.AGREE, valid, TOLERANCE_TEXT, None, f"autograd agrees at {valid} points"
                         + (f", {shapes}" if shapes else ""), evidence=text, kind=EvidenceKind.AUTOGRAD), False


def _shapes(configs: list[dict]) -> str:
    """``N, D, M = (1, 1, 1), (2, 3, 4)``: the integer configurations tried."""
    if not configs or not configs[0]:
        return ""
    names = ", ".join(str(k) for k in configs[0])
    if len(configs[0]) == 1:
        return f"{names} = " + ", ".join(str(v) for c in configs for v in c.values())
    return f"{names} = " + ", ".join("(" + ", ".join(str(v) for v in c.values()) + ")" for c in configs)


def _spread(configs: list[dict], rng: random.Random) -> list[dict]:
    """The smallest configuration, then the one with the most distinct sizes (non-square), then
    the others in random order."""
    if len(configs) <= 2:
        return configs
    first, rest = configs[0], configs[1:]
    widest = max(rest, key=lambda c: (len(set(c.values())), sum(c.values())))
    others = [c for c in rest if c is not widest]
    rng.shuffle(others)
    return [first, widest, *others]


def _disagreement(failing: list["AutogradTrial"], valid: int, seed: int, deadline: Deadline) -> tuple[Any, bool]:
    count = sum(len(t.failing) for t in failing)
    for trial in sorted(failing, key=lambda t: (sum(t.config.values()), list(t.config.values()))):  # smallest first
        for i in trial.failing[:2]:
            original = point_at(trial.params, trial.batch, i)
            small = shrink(trial.params, original, trial.fails, deadline)
            for pt in ([small, original] if small != original else [original]):
                found = trial.confirm(pt, seed)
                if found is not None:
                    return Evidence(Status.DISAGREE, valid, TOLERANCE_TEXT, found,
                                         f"autograd disagrees at {count} of {valid} points; confirmed by a "
                                         f"{DIGITS}-digit central difference at the shrunk point"), False
            if deadline.passed():
                break
    return Evidence(Status.INCONCLUSIVE, valid, TOLERANCE_TEXT, None,
                         f"autograd disagreement at {count} points, not confirmed by a {DIGITS}-digit "
                         "central difference"), True


def _show(config: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in config.items())


class AutogradTrial:
    """One integer configuration: ``f`` and the claimed gradient realised, and a sampled batch."""

    def __init__(self, config: dict, of: Any, claimed: sympy.ImmutableMatrix, wrt: str, params: list,
                 functions: dict[str, Any], device: str) -> None:
        self.config, self.of, self.claimed, self.functions, self.device = config, of, claimed, functions, device
        self.arrays = torch_arrays(device)
        self.params = params
        self.wrt = next((p for p in params if p.key == wrt), None)
        self.batch: dict[str, Any] = {}
        self.valid = 0
        self.failing: list[int] = []

    @classmethod
    def build(cls, grad: objects.Gradient, claimed: Any, scope: Scope, config: dict, seed: int,
              device: str) -> "AutogradTrial":

        # det and inv as opaque nodes that torch evaluates (and differentiates): written out
        # symbolically, the inverse of an 8x8 matrix of symbols and products of its entries
        # take minutes, outside any limit. Only SymPy's own derivatives (a `diff` inside f)
        # need them written out
        symbolic = any(isinstance(x, sympy.Basic) and x.has(sympy.Derivative, objects.Gradient, objects.HessianMatrix,
                                                             objects.FunctionGradient) for x in (grad.expr, claimed))
        env = Realization(integers=dict(config), matrices=entry_matrices(scope, config),
                          lazy_linear_algebra=not symbolic)
        for decl in scope.names.values():
            if isinstance(decl, FunctionDecl):
                env.functions[decl.name] = random_replacement(decl, seed)
        of = realize(grad.expr, env)
        if isinstance(of, sympy.MatrixBase):
            if of.shape != (1, 1):
                raise RealizeError("the function of a gradient must be a scalar")
            of = of[0, 0]
        value = realize(claimed, env)
        wrt_value = env.matrices.get(grad.wrt)
        if wrt_value is None:
            raise RealizeError(f"no value for {grad.wrt}")
        if not isinstance(value, sympy.MatrixBase):
            value = sympy.ImmutableMatrix([[value]]) if wrt_value.shape == (1, 1) else value
        if not isinstance(value, sympy.MatrixBase) or value.shape != wrt_value.shape:
            raise RealizeError("the claimed gradient does not have the shape of the variable")
        # the variable's entries are always sampled, even where f does not depend on them
        seen = RealizedRelation("=", ((of, value), (sympy.Add(*wrt_value), sympy.Integer(0))), None)
        params = parameters_of([seen], env, scope)
        return cls(config, of, sympy.ImmutableMatrix(value), grad.wrt.name, params, env.functions, device)

    def evaluate(self, batch: dict[str, Any]) -> tuple[Any, Any, Any]:
        """(usable, close, gap): masks over the points and the entrywise relative gaps."""
        import torch

        values, ok = symbol_values(self.params, batch, self.arrays)
        n = ok.shape[0]
        ok = torch.from_numpy(ok).to(self.device)
        p = self.wrt
        generators = torch.from_numpy(batch[p.key]).to(self.device)
        leaf = torch_matrix(p.transform, generators).detach().clone().requires_grad_(True)
        flat = leaf.reshape(n, -1).to(torch.complex128)
        for k, s in enumerate(p.symbols):
            values[s] = flat[:, k]
        f = Evaluator(values, n, self.arrays, self.functions)(self.of)
        usable = ok & torch.isfinite(f.real) & torch.isfinite(f.imag) & (f.imag.abs() <= 1e-10 * (1 + f.abs()))
        if f.requires_grad:
            (auto,) = torch.autograd.grad(f.real.sum(), leaf, allow_unused=True)
        else:
            auto = None
        auto = torch.zeros_like(leaf) if auto is None else auto.detach()
        with torch.no_grad():
            plain = {k: v.detach() for k, v in values.items()}
            ev = Evaluator(plain, n, self.arrays, self.functions)
            claimed = torch.stack([ev(e) for e in self.claimed], dim=1).reshape(auto.shape)
        usable &= torch.isfinite(auto).flatten(1).all(1)
        usable &= (torch.isfinite(claimed.real) & torch.isfinite(claimed.imag)
                   & (claimed.imag.abs() <= 1e-10 * (1 + claimed.abs()))).flatten(1).all(1)
        diff = (auto - claimed.real).abs()
        scale = torch.maximum(auto.abs(), claimed.real.abs())
        close = (diff <= ATOL + RTOL * scale).flatten(1).all(1)
        return usable, close, (diff / (ATOL + RTOL * scale)).flatten(1)

    def run(self, points: int, seed: int) -> None:
        import torch

        self.batch = sample_batch(self.params, points, generator(seed))
        usable, close, _ = self.evaluate(self.batch)
        self.valid = int(usable.sum())
        self.failing = [int(i) for i in torch.nonzero(usable & ~close).flatten()]

    def fails(self, candidates: list[Point]) -> list[bool]:
        """For shrinking: which candidate points still disagree (in float64)."""
        usable, close, _ = self.evaluate(batch_of(self.params, candidates))
        return [bool(x) for x in (usable & ~close).cpu()]

    def confirm(self, point: Point, seed: int) -> Counterexample | None:
        """A counterexample when a 60-digit central difference of ``f`` differs from the claim."""
        try:
            values = exact_values(self.params, point)
        except RealizeError:
            return None
        entries = list(self.wrt.symbols)
        fixed = {k: v for k, v in values.items() if k not in set(entries)}
        f = substitute_functions(replace_shared(sympy.sympify(self.of, strict=True), fixed), self.functions)
        claimed = [_number(substitute_functions(replace_shared(sympy.sympify(e, strict=True), values), self.functions))
                   for e in self.claimed]
        _, _, gap = self.evaluate(batch_of(self.params, [point]))
        order = sorted(range(len(entries)), key=lambda k: -float(gap[0, k]))
        differences: dict[int, sympy.Expr] = {}
        confirmed = []
        for k in order[:MAX_SHOWN]:
            d = _central_difference(f, entries, values, k)
            if d is None or claimed[k] is None:
                continue
            differences[k] = d
            if abs(d - claimed[k]) > MARGIN * (1 + abs(d) + abs(claimed[k])):
                confirmed.append(k)
        # a claimed entry with a divisor not told from 0 here may have no value (0/0 read as 0)
        if not confirmed or not shown_defined([list(self.claimed)[k] for k in confirmed], values, self.functions):
            return None
        shown = {str(k): str(v) for k, v in self.config.items()}
        shown.update(readable(self.params, point))
        rows, cols = self.claimed.shape
        lhs = _matrix_text([differences.get(k) for k in range(len(entries))], rows, cols)
        rhs = _matrix_text(claimed, rows, cols)
        return Counterexample(values=shown, lhs=lhs, rhs=rhs, seed=seed)


def _number(expr: Any) -> sympy.Expr | None:
    if not isinstance(expr, sympy.Basic) or expr.free_symbols or expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    v = expr if expr.is_Rational else sympy.N(expr, DIGITS)
    if not v.is_number or not v.is_real:
        return None
    return v


def _central_difference(f: sympy.Expr, entries: list, values: dict, k: int) -> sympy.Expr | None:
    """(f(v + h e_k) - f(v - h e_k)) / 2h at DIGITS digits, the other entries at their values."""
    others = {s: values[s] for j, s in enumerate(entries) if j != k}
    g = f.xreplace(others)
    s, v = entries[k], values[entries[k]]
    hi, lo = (_number(g.xreplace({s: v + sign * STEP})) for sign in (1, -1))
    if hi is None or lo is None:
        return None
    return sympy.N((hi - lo) / (2 * STEP), DIGITS)


def _matrix_text(items: list[Any], rows: int, cols: int) -> str:
    def one(x: Any) -> str:
        if x is None:
            return "?"
        if getattr(x, "is_Rational", False):
            return str(x)
        near = sympy.Rational(Fraction(str(sympy.N(x, 40))).limit_denominator(10**6))
        return str(near) if abs(x - near) < sympy.Float("1e-30", DIGITS) else str(sympy.N(x, 12))

    return "[" + ", ".join("[" + ", ".join(one(items[i * cols + j]) for j in range(cols)) + "]"
                           for i in range(rows)) + "]"
