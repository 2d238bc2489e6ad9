"""Distribution checks: simulate a declared stochastic recursion and test the claimed law at every step.

A check reads (format section 9)::
    process: x[t] = sqrt(alpha[t]) * x[t - 1] + sqrt(1 - alpha[t]) * eps[t]
    start: x[0] = x0
    claim: x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, 1 - alpha_bar[t])
    steps: 1000
    samples: 20000

``x`` is a declared sequence, ``eps`` a ``random sequence`` with a law
(``normal`` or ``uniform``) declared ``independent``; the start value may be a
vector, whose coordinates then evolve independently (noise ``N(0, I)``), and
the claimed law is ``Normal(mean, variance * I)``. Every other free quantity is
given concretely by ``define`` or ``for``, or is drawn from its declared domain
(sequences at every index they need): then the check runs once per draw of
:mod:`derivcheck.check.stochastic.draws` (both sides, far out, the special
point), all draws judged together. :mod:`derivcheck.check.stochastic.simulate` runs the
recursion; :mod:`derivcheck.check.stochastic.statistics` tests mean, variance and
normality; the family-wise false-alarm rate is ``FAMILY_ALPHA`` (Bonferroni).
"""

from __future__ import annotations

import ast
import zlib
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from ...expr import parser
from ...expr.scope import INTEGER_KINDS, MatrixDecl, RandomDecl, ScalarDecl, Scope, SequenceDecl
from ...expr.segments import Source
from ...model import Text
from ..evidence import Evidence, EvidenceKind, NoEvidence, Status
from ..numeric import domain_of, matrix_transform, torch_matrix
from ..runtime import resolve_device
from ..trees import unique_nodes
from .grid_eval import IndexedEvaluator, SequenceTable, Unevaluable
from .judge import judge
from .draws import DRAWS, matrix_generator, real_values
from .simulate import Moments, Noise, cpu_threads, simulate_affine, simulate_general
from .statistics import grid_distance

DEFAULT_DIMENSION = 3


class Unsupported(NoEvidence):
    """A check this version cannot simulate soundly: no verdict is claimed."""


@dataclass
class Plan:
    """The parsed check, with every free quantity given a value."""

    state: str
    time: sympy.Symbol
    first: int  # the start's index: steps run first + 1 .. first + steps
    steps: int
    samples: int
    start: Any  # (d,) float64 tensor
    process: sympy.Expr  # in ``previous``, ``draws`` and ``time``
    previous: sympy.Symbol
    draws: dict[sympy.Symbol, Noise]
    mean: list[sympy.Expr]  # one per coordinate
    variance: sympy.Expr
    values: dict[sympy.Basic, Any] = field(default_factory=dict)
    tables: dict[str, SequenceTable] = field(default_factory=dict)
    sampled: dict[str, str] = field(default_factory=dict)
    draw: int = 0  # which of distribution_draws.DRAWS gave the drawn values
    drawn: list[str] = field(default_factory=list)  # the names drawn from a domain (not defined, not `for`)
    generators: dict[str, Any] = field(default_factory=dict)  # a drawn matrix's generator
    entries: list[Any] = field(default_factory=list)  # what needs values: process, law, start
    start_entries: list[Any] = field(default_factory=list)


def check_distribution(fields: dict[str, Text], scope: Scope, *, seed: int, device: str = "auto",
                       instances: dict[str, tuple[int, ...]] | None = None, key: str = "",
                       path: str = "") -> Evidence:
    """Simulate the check's process and test its claim at every step (see the module docstring).

    ``key`` names the check (it selects the random stream); ``path`` goes into the replay command.
    """
    import torch

    dev = resolve_device(device)
    stream = zlib.crc32(f"{seed}:{key}".encode())
    sampler = torch.Generator().manual_seed(stream ^ 0x5EED)
    try:
        plans = build_plans(fields, scope, instances or {}, sampler,
                            torch.Generator().manual_seed(stream ^ 0xD4A5))
        with cpu_threads(plans[0].start.shape[0] * plans[0].samples, dev):
            laws = [claimed_law(plan) for plan in plans]
            shared = run_shared(plans, laws, torch.Generator(device=dev).manual_seed(stream), dev)
            if shared is not None:
                runs = [(plan, *law, moments) for plan, law, moments in zip(plans, laws, shared)]
            else:
                runs = []
                for plan, law in zip(plans, laws):  # draw 0 keeps the stream a single draw had
                    generator = torch.Generator(device=dev).manual_seed(
                        stream if plan.draw == 0 else zlib.crc32(f"{seed}:{key}:draw {plan.draw}".encode()))
                    runs.append((plan, *law, run(plan, generator, dev, law=law)))
            replay = f"derivcheck verify {path} --seed {seed} --device {dev}" if path else None
            return judge(runs, seed=seed, device=dev, replay=replay, shared=shared is not None)
    except (Unsupported, Unevaluable) as exc:
        return Evidence(Status.INCONCLUSIVE, detail=f"distribution check not run: {exc}", kind=EvidenceKind.MONTE_CARLO)


# -- reading the check -------------------------------------------------------------------

def _split(text: Text, scope: Scope, sign: str) -> tuple[Any, Any, Any]:
    """(lhs, rhs node, rhs reader) of ``lhs SIGN rhs``, read by the safe parser (never eval)."""

    source = Source(text)
    points = parser._split_points(text.value)
    if len(points) != 1 or points[0][1] != sign:
        raise source.error(points[0][0] if points else 0, f"expected one `{sign}`",
                           f"write `x[t] {sign} ...`")
    index = points[0][0]
    left_node, left = parser.reader_for(source, scope, 0, index)
    right_node, right = parser.reader_for(source, scope, index + 1)
    return parser._read(left, left_node), right_node, right


def _element(value: Any, scope: Scope, what: str) -> tuple[str, sympy.Expr]:
    if not (isinstance(value, sympy.Indexed) and len(value.indices) == 1
            and isinstance(scope.names.get(str(value.base.label)), SequenceDecl)):
        raise Unsupported(f"{what} must be an element of a declared sequence, like x[t]")
    return str(value.base.label), value.indices[0]


def build_plan(fields: dict[str, Text], scope: Scope, instances: dict[str, tuple[int, ...]], sampler: Any) -> Plan:
    """The check's parts, parsed and checked for what the simulation supports, with the values
    of draw 0."""
    plan = parse_plan(fields, scope, instances)
    return _valued(plan, scope, instances, sampler, 0, None)


def build_plans(fields: dict[str, Text], scope: Scope, instances: dict[str, tuple[int, ...]], sampler: Any,
                redraw: Any) -> list[Plan]:
    """One plan per draw (:mod:`~derivcheck.check.stochastic.draws`): draw 0 from ``sampler``
    (what a single draw was), and when anything was drawn from a domain the other draws from
    ``redraw``; a check with nothing drawn has one plan."""
    parsed = parse_plan(fields, scope, instances)
    first = _valued(parsed, scope, instances, sampler, 0, None)
    if not first.drawn:
        return [first]
    return [first] + [_valued(parsed, scope, instances, redraw, k, first) for k in range(1, len(DRAWS))]


def _valued(parsed: Plan, scope: Scope, instances: dict[str, tuple[int, ...]], sampler: Any, draw: int,
            reference: Plan | None) -> Plan:
    """A copy of ``parsed`` with every free quantity valued at ``draw`` and the start value evaluated."""
    import torch

    from dataclasses import replace

    plan = replace(parsed, values={}, tables={}, sampled={}, draw=draw, drawn=[], generators={})
    _give_values(plan, plan.entries, scope, instances, sampler, reference)
    try:
        start = IndexedEvaluator(plan.values, plan.tables)
        plan.start = torch.stack([start(e).reshape(()) for e in plan.start_entries])
    except Unevaluable as exc:
        raise Unsupported(f"the start value: {exc}") from exc
    return plan


def parse_plan(fields: dict[str, Text], scope: Scope, instances: dict[str, tuple[int, ...]]) -> Plan:
    """The check's parts, parsed, without values."""

    lhs, rhs_node, reader = _split(fields["process"], scope, "=")
    state, time = _element(lhs, scope, "the left side of `process`")
    if not isinstance(time, sympy.Symbol):
        raise Unsupported("the process's left side must be x[t] with a plain index t")
    process = parser._read(reader, rhs_node)
    if not isinstance(process, sympy.Expr) or isinstance(process, sympy.MatrixExpr):
        raise Unsupported("the process's right side must be a scalar expression")
    previous = sympy.Dummy("previous", real=True)
    process, draws = _substitute_elements(process, scope, state, time, previous)
    steps, samples = int(fields["steps"].value), int(fields["samples"].value)
    if samples < 2:
        raise Unsupported("a distribution check needs at least 2 samples")
    first, start_value = 0, sympy.Integer(0)
    if "start" in fields:
        start_lhs, node, start_reader = _split(fields["start"], scope, "=")
        name, index = _element(start_lhs, scope, "the left side of `start`")
        if name != state or not index.is_Integer:
            raise Unsupported(f"`start` must give {state}[k] for an integer k")
        first, start_value = int(index), parser._read(start_reader, node)
    claim_lhs, law_node, law_reader = _split(fields["claim"], scope, "~")
    name, index = _element(claim_lhs, scope, "the left side of `claim`")
    if name != state or not isinstance(index, sympy.Symbol):
        raise Unsupported(f"the claim must be about {state}[t]")
    if not (isinstance(law_node, ast.Call) and isinstance(law_node.func, ast.Name)
            and law_node.func.id == "Normal" and len(law_node.args) == 2 and not law_node.keywords):
        law_reader.fail(law_node, "the right side of `~` must be Normal(mean, variance)")
    mean = parser._read(law_reader, law_node.args[0]).xreplace({index: time})
    variance = parser._read(law_reader, law_node.args[1]).xreplace({index: time})
    plan = Plan(state, time, first, steps, samples, None, process, previous, draws, [], variance)
    dims = _dimensions(scope, instances)
    start_entries = _entries(start_value, dims)
    mean_entries = _entries(mean, dims)
    if len(mean_entries) == 1 and len(start_entries) > 1:
        mean_entries = mean_entries * len(start_entries)
    if len(mean_entries) != len(start_entries):
        raise Unsupported(f"the claimed mean has {len(mean_entries)} coordinates, the start value {len(start_entries)}")
    if isinstance(variance, sympy.MatrixExpr):
        raise Unsupported("the claimed variance must be a scalar (the law is Normal(mean, variance * I))")
    plan.mean = mean_entries
    plan.entries = [process, variance, *mean_entries, *start_entries]
    plan.start_entries = start_entries
    return plan


def _substitute_elements(process: sympy.Expr, scope: Scope, state: str, time: sympy.Symbol,
                         previous: sympy.Symbol) -> tuple[sympy.Expr, dict[sympy.Symbol, Noise]]:
    """``x[t - 1]`` -> ``previous``; each ``eps[t]`` -> a draw of its law; anything else is refused."""
    draws: dict[sympy.Symbol, Noise] = {}
    replace: dict[sympy.Basic, sympy.Basic] = {}
    # in a fixed order: the noises are drawn in this order (a set's order follows the hash seed)
    for element in sorted(process.atoms(sympy.Indexed), key=sympy.default_sort_key):
        name, index = str(element.base.label), element.indices
        decl = scope.names.get(name)
        if name == state:
            if len(index) != 1 or sympy.simplify(index[0] - (time - 1)) != 0:
                raise Unsupported(f"the process may use {state}[{time} - 1] only, not {element}")
            replace[element] = previous
        elif isinstance(decl, SequenceDecl) and decl.random:
            if len(index) != 1 or index[0] != time:
                raise Unsupported(f"noise must be drawn at the current step ({name}[{time}]), not {element}")
            if not any(name in group for group in scope.independent):
                raise Unsupported(f"{name}'s elements are not declared independent (add `independent: [[{name}]]`)")
            dummy = sympy.Dummy(name, real=True)
            draws[dummy], replace[element] = _noise(decl, dummy)
    for symbol in process.free_symbols:
        if isinstance(scope.names.get(str(symbol)), RandomDecl):
            raise Unsupported(f"the random variable {symbol} in the process is not a per-step noise sequence")
    return process.xreplace(replace), draws


def _noise(decl: SequenceDecl, draw: sympy.Symbol) -> tuple[Noise, sympy.Expr]:
    """The law of ``decl``'s elements, and what an element becomes in the process: the
    ``draw`` itself, or, for a law with symbolic parameters (``normal(mu, s2)``), the
    standard draw moved to it (``mu + sqrt(s2) * draw``), whose parameters are then drawn
    from their declared domains like every other free quantity."""
    if decl.distribution is None:
        raise Unsupported(f"{decl.name} has no declared law (declare e.g. `random sequence normal(0, 1)`)")
    law, args = decl.distribution[0].lower(), decl.distribution[1]
    if law not in ("normal", "uniform") or len(args) != 2:
        raise Unsupported(f"the law {law} of {decl.name} is not simulated")
    params = [sympy.sympify(a, strict=True) for a in args]
    if all(p.is_number for p in params):
        return Noise(law, *[float(p) for p in params]), draw
    first, second = params
    if law == "normal":
        return Noise(law, 0.0, 1.0), first + sympy.sqrt(second) * draw
    return Noise(law, 0.0, 1.0), first + (second - first) * draw


def _dimensions(scope: Scope, instances: dict[str, tuple[int, ...]]) -> dict[sympy.Symbol, int]:
    return {d: instances.get(str(d), (DEFAULT_DIMENSION,))[0] for d in scope.dimensions()}


def _entries(value: Any, dims: dict[sympy.Symbol, int]) -> list[sympy.Expr]:
    """A scalar as one entry; a column vector (or matrix) written out with concrete shapes."""
    if not isinstance(value, sympy.MatrixExpr):
        return [value]
    value = value.xreplace({d: sympy.Integer(v) for d, v in dims.items()})
    rows, cols = value.shape
    if cols != 1:
        raise Unsupported(f"a start value or mean of shape {rows} x {cols}: only column vectors are simulated")
    return list(value.as_explicit())


def _give_values(plan: Plan, exprs: list[Any], scope: Scope, instances: dict[str, tuple[int, ...]],
                 sampler: Any, reference: Plan | None = None) -> None:
    """A value for every free quantity: the time index, `for` integers, and reals, matrices and
    sequences drawn at ``plan.draw`` (``reference``: draw 0's plan)."""
    import torch

    for expr in exprs:
        for leaf in unique_nodes([expr]):
            if isinstance(leaf, MatrixElement):
                matrix = leaf.args[0]
                decl = scope.names.get(str(matrix.name))
                if not isinstance(decl, MatrixDecl):
                    raise Unsupported(f"no value for {leaf}")
                if str(matrix.name) in plan.sampled:
                    continue
                rows, cols = (int(x) for x in matrix.shape)
                transform, _ = matrix_transform(decl.qualifiers, rows, cols)
                g = matrix_generator(transform, (rows, cols), plan.draw, sampler,
                                     reference.generators[str(matrix.name)] if reference else None,
                                     parity=len(plan.drawn))
                plan.generators[str(matrix.name)] = g
                plan.drawn.append(str(matrix.name))
                m = torch_matrix(transform, g)[0]
                for i in range(rows):
                    for j in range(cols):
                        plan.values[MatrixElement(matrix, i, j)] = m[i, j]
                plan.sampled[str(matrix.name)] = "[" + ", ".join(f"{float(v):.4g}" for v in m.flatten()) + "]"
            elif isinstance(leaf, sympy.Indexed):
                name = str(leaf.base.label)
                decl = scope.names.get(name)
                if name in plan.tables or (isinstance(decl, SequenceDecl) and decl.random):
                    continue
                if not isinstance(decl, SequenceDecl) or decl.is_integer:
                    raise Unsupported(f"no value for {leaf}")
                domain = domain_of(decl.kind, decl.interval)
                lo, hi = domain.span()
                count = plan.steps + 17
                values = real_values(domain, plan.draw, count, sampler,
                                     reference.tables[name].values if reference else None, parity=len(plan.drawn))
                plan.tables[name] = SequenceTable(plan.first - 8, values)
                plan.drawn.append(name)
                how = {0: f"uniform in ({lo:g}, {hi:g})", 1: f"in ({lo:g}, {hi:g}), each on the other side of draw 1",
                       2: "far out (format section 9, draw 3)", 3: "far out, the other way (draw 4)",
                       4: f"constant {float(values[0]):.6g}"}[plan.draw]
                plan.sampled[name] = f"sampled {how} at {plan.first - 8}..{plan.first + plan.steps + 8}"
            elif isinstance(leaf, sympy.Symbol) and not isinstance(leaf, sympy.Dummy) and leaf != plan.time:
                if leaf in plan.values or str(leaf) not in scope.names:
                    continue
                decl = scope.names[str(leaf)]
                if isinstance(decl, SequenceDecl):  # the label of an element, valued above
                    continue
                if not isinstance(decl, ScalarDecl):
                    raise Unsupported(f"no value for {leaf}")
                if decl.kind in INTEGER_KINDS:
                    if str(leaf) not in instances:
                        raise Unsupported(f"give {leaf} a value with `for: {{{leaf}: ...}}`")
                    value = float(instances[str(leaf)][0])
                else:
                    value = float(real_values(domain_of(decl.kind, decl.interval), plan.draw, 1, sampler,
                                              reference.values[leaf].reshape(1) if reference else None,
                                              parity=len(plan.drawn))[0])
                    plan.drawn.append(str(leaf))
                plan.values[leaf] = torch.tensor(value, dtype=torch.float64)
                plan.sampled[str(leaf)] = f"{value:.6g}"


# -- running -----------------------------------------------------------------------------

def times(plan: Plan, device: str = "cpu") -> Any:
    """The steps' indices ``first + 1 .. first + steps`` as a float64 tensor."""
    import torch

    return torch.arange(plan.first + 1, plan.first + plan.steps + 1, dtype=torch.float64, device=device)


def claimed_law(plan: Plan) -> tuple[Any, Any]:
    """The claimed mean ``(T, d)`` and variance ``(T,)`` at every step (on the CPU)."""
    import torch

    ev = IndexedEvaluator({**plan.values, plan.time: times(plan)}, plan.tables)
    shape = (plan.steps,)
    mean = torch.stack([torch.broadcast_to(ev(m), shape) for m in plan.mean], dim=1)
    return mean, torch.broadcast_to(ev(plan.variance), shape).clone()


def normality_statistic(mean: Any, variance: Any, device: str) -> Any:
    """The per-step statistic of the simulation: the grid Kolmogorov-Smirnov distance of the
    state, standardised by the claimed law (``mean`` ``(T, d)``, ``variance`` ``(T,)``), to
    N(0, 1). Steps with a zero claimed variance get a dummy scale; the judge does not test them."""
    import torch


    sd = torch.sqrt(torch.clamp(variance, min=0))
    sd = torch.where(sd > 0, sd, torch.ones_like(sd)).to(device)
    centre = mean.to(device)

    def statistic(k: int, state: Any) -> Any:
        return grid_distance((state - centre[k][:, None]) / sd[k])

    return statistic


def run(plan: Plan, generator: Any, device: str, law: tuple[Any, Any] | None = None) -> Any:
    """Simulate: the fused affine path when the process is affine in one noise, else step by step.
    With the claimed ``law`` (:func:`claimed_law`), the normality statistic is taken at every step."""

    normality = normality_statistic(*law, device) if law is not None else None
    affine = _affine_parts(plan)
    if affine is not None:
        draw, (a, b, c) = affine
        ev = IndexedEvaluator({**plan.values, plan.time: times(plan)}, plan.tables)
        shape = (plan.steps,)
        a_t, b_t, c_t = (torch_list(ev(part), shape) for part in (a, b, c))
        return simulate_affine(plan.start, a_t, b_t, c_t if any(c_t) else None, plan.draws[draw],
                               plan.samples, generator, device, normality)
    symbols = list(plan.draws)
    moved = {k: v.to(device) for k, v in plan.values.items()}
    tables = {k: SequenceTable(v.first, v.values.to(device)) for k, v in plan.tables.items()}

    def step(prev: Any, draws: list[Any], k: int) -> Any:
        import torch

        now = torch.tensor(float(plan.first + k + 1), dtype=torch.float64, device=device)
        values = {**moved, plan.time: now, plan.previous: prev, **dict(zip(symbols, draws))}
        return IndexedEvaluator(values, tables, device)(plan.process)

    return simulate_general(plan.start, step, [plan.draws[s] for s in symbols], plan.samples, plan.steps,
                            generator, device, normality)


def run_shared(plans: list[Plan], laws: list[tuple[Any, Any]], generator: Any, device: str) -> list[Any] | None:
    """The moments of every draw from one simulation, when the draws differ only in the start of
    an affine recursion (same coefficients, same noise): then ``x_t = A_t x_0 + (noise terms)``
    with ``A_t = a_1 ... a_t``, so draw k's samples are draw 0's plus ``A_t (x0_k - x0_0)``, which
    is a simulation of draw k with the same noise (common random numbers; the Bonferroni bound
    needs no independence between the draws' tests). ``None`` when that does not apply."""
    import torch


    if len(plans) < 2:
        return None
    parts = []
    for plan in plans:
        affine = _affine_parts(plan)
        if affine is None:
            return None
        noise, (a, b, c) = affine
        ev = IndexedEvaluator({**plan.values, plan.time: times(plan)}, plan.tables)
        parts.append([torch_list(ev(part), (plan.steps,)) for part in (a, b, c)])
    if any(p != parts[0] for p in parts[1:]):
        return None
    a_t, b_t, c_t = parts[0]
    gain = torch.cumprod(torch.tensor(a_t, dtype=torch.float64), 0)  # (T,): the start's factor at step t
    shifts = torch.stack([plan.start - plans[0].start for plan in plans])  # (K, d)
    centre = torch.stack([mean for mean, _ in laws]).to(device)  # (K, T, d)
    scale = torch.stack([torch.sqrt(torch.clamp(variance, min=0)) for _, variance in laws])
    scale = torch.where(scale > 0, scale, torch.ones_like(scale)).to(device)  # (K, T)
    gain_on, shifts_on = gain.to(device), shifts.to(device)

    def statistic(k: int, state: Any) -> Any:
        return torch.stack([grid_distance((state + (gain_on[k] * shifts_on[j] - centre[j, k])[:, None]) / scale[j, k])
                            for j in range(len(plans))])

    moments = simulate_affine(plans[0].start, a_t, b_t, c_t if any(c_t) else None, plans[0].draws[noise],
                              plans[0].samples, generator, device, statistic)
    return [Moments(moments.mean + gain[:, None] * shifts[j][None, :], moments.variance, moments.normality[:, j])
            for j in range(len(plans))]


def torch_list(value: Any, shape: tuple[int, ...]) -> list[float]:
    """A per-step coefficient as Python floats (one per step)."""
    import torch

    return torch.broadcast_to(value, shape).tolist()


def _affine_parts(plan: Plan) -> tuple[sympy.Symbol, tuple[sympy.Expr, sympy.Expr, sympy.Expr]] | None:
    """(noise, (a, b, c)) when ``process = a * previous + b * noise + c`` with a, b, c free of both."""
    if len(plan.draws) != 1:
        return None
    (noise,) = plan.draws
    x = plan.previous
    a, b = plan.process.diff(x), plan.process.diff(noise)
    if a.has(x, noise) or b.has(x, noise):
        return None
    c = plan.process.xreplace({x: 0, noise: 0})
    if sympy.expand(plan.process - a * x - b * noise - c) != 0:
        return None
    return noise, (a, b, c)


__all__ = ["check_distribution", "Unsupported"]
