"""A distribution check read into a :class:`Plan`, and the plan valued at each draw.

:func:`parse_plan` reads the check's fields (format section 9) with the safe parser and
refuses what the simulation cannot do soundly (:class:`Unsupported`): the process
``x[t] = F(x[t - 1], eps[t], t)`` has ``x[t - 1]`` as ``previous`` and each noise element
``eps[t]`` as a draw of its declared law; the start and the claimed mean are written out
entry by entry at concrete shapes. :func:`build_plans` then gives every other free quantity
a value (the time index, ``for`` integers, and the reals, matrices and sequences drawn from
their domains, :mod:`~derivcheck.check.stochastic.draws`), one plan per draw.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from ...expr import parser
from ...expr.scope import INTEGER_KINDS, MatrixDecl, RandomDecl, ScalarDecl, Scope, SequenceDecl
from ...expr.segments import Source
from ...model import Text
from ..evidence import NoEvidence
from ..numeric import domain_of, matrix_transform, torch_matrix
from ..trees import unique_nodes
from .draws import DRAWS, matrix_generator, real_values
from .grid_eval import IndexedEvaluator, SequenceTable, Unevaluable
from .simulate import Noise

DEFAULT_DIMENSION = 3
# the work of one simulation, counted before it starts (format section 9): steps x samples x
# coordinates x noises values drawn and stepped; past it the check is `unknown`, naming the limit
MAX_SAMPLE_STEPS = 10**9
MAX_STEPS = 10**5  # steps of one simulation (each costs kernel launches, a test and a histogram)


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
    draw: int = 0  # which of draws.DRAWS gave the drawn values
    drawn: list[str] = field(default_factory=list)  # the names drawn from a domain (not defined, not `for`)
    generators: dict[str, Any] = field(default_factory=dict)  # a drawn matrix's generator
    entries: list[Any] = field(default_factory=list)  # what needs values: process, law, start
    start_entries: list[Any] = field(default_factory=list)


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
    _within_work(steps, samples, 1, max(1, len(draws)))
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
    _within_work(steps, samples, len(start_entries), max(1, len(draws)))
    plan.mean = mean_entries
    plan.entries = [process, variance, *mean_entries, *start_entries]
    plan.start_entries = start_entries
    return plan


def _within_work(steps: int, samples: int, coordinates: int, noises: int) -> None:
    """Refuse (``unknown``, naming the limit and what fits) a simulation past MAX_STEPS steps or
    MAX_SAMPLE_STEPS values (steps x samples x coordinates x noises): counted, so every size
    the format accepts ends at once with a verdict, never runs on for hours."""
    if steps > MAX_STEPS:
        raise Unsupported(f"{steps} steps exceed this version's limit of {MAX_STEPS} steps per simulation "
                          f"(write steps: {MAX_STEPS} or fewer)")
    work = steps * samples * coordinates * noises
    if work > MAX_SAMPLE_STEPS:
        most = max(2, MAX_SAMPLE_STEPS // (steps * coordinates * noises))
        raise Unsupported(f"steps x samples x coordinates x noises = {steps} x {samples} x {coordinates} x {noises} "
                          f"= {work:.3g} exceeds this version's limit of {MAX_SAMPLE_STEPS:.0e} per simulation "
                          f"(at {steps} steps, samples: {most} or fewer fits)")


def _independent_noises(names: list[str], scope: Scope) -> None:
    """Several noise sequences are simulated independently of each other: that is their law
    only when one `independent` group holds them all (format section 4); separate groups
    (`[[eps], [eta]]`) leave eps[t] and eta[t] possibly dependent, a family the simulation
    does not cover, so the check is refused (``unknown``), never `numeric`."""
    if len(names) < 2 or any(set(names) <= set(group) for group in scope.independent):
        return
    together = ", ".join(names)
    raise Unsupported(f"the noises {together} are not declared independent of each other (only each in its "
                      f"own group); the simulation would draw them independently, which covers only part of "
                      f"the declared model: declare `independent: [[{together}]]` if they are")


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
    _independent_noises(sorted({d.name for d in draws}), scope)
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


# -- valuing the plan at a draw ----------------------------------------------------------

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

    plan = replace(parsed, values={}, tables={}, sampled={}, draw=draw, drawn=[], generators={})
    _give_values(plan, plan.entries, scope, instances, sampler, reference)
    try:
        start = IndexedEvaluator(plan.values, plan.tables)
        plan.start = torch.stack([start(e).reshape(()) for e in plan.start_entries])
    except Unevaluable as exc:
        raise Unsupported(f"the start value: {exc}") from exc
    return plan


def _give_values(plan: Plan, exprs: list[Any], scope: Scope, instances: dict[str, tuple[int, ...]],
                 sampler: Any, reference: Plan | None = None) -> None:
    """A value for every free quantity: the time index, `for` integers, and reals, matrices and
    sequences drawn at ``plan.draw`` (``reference``: draw 0's plan)."""
    for expr in exprs:
        for leaf in unique_nodes([expr]):
            if isinstance(leaf, MatrixElement):
                _value_matrix(plan, leaf, scope, sampler, reference)
            elif isinstance(leaf, sympy.Indexed):
                _value_sequence(plan, leaf, scope, sampler, reference)
            elif isinstance(leaf, sympy.Symbol) and not isinstance(leaf, sympy.Dummy) and leaf != plan.time:
                _value_scalar(plan, leaf, scope, instances, sampler, reference)


def _value_matrix(plan: Plan, leaf: MatrixElement, scope: Scope, sampler: Any, reference: Plan | None) -> None:
    """Every entry of the declared matrix that ``leaf`` is an entry of, from one drawn generator."""
    matrix = leaf.args[0]
    decl = scope.names.get(str(matrix.name))
    if not isinstance(decl, MatrixDecl):
        raise Unsupported(f"no value for {leaf}")
    if str(matrix.name) in plan.sampled:
        return
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


def _value_sequence(plan: Plan, leaf: sympy.Indexed, scope: Scope, sampler: Any, reference: Plan | None) -> None:
    """A table of the declared real sequence of ``leaf`` at every index the simulation reads
    (8 beyond each end); a noise sequence is drawn by the simulation itself."""
    name = str(leaf.base.label)
    decl = scope.names.get(name)
    if name in plan.tables or (isinstance(decl, SequenceDecl) and decl.random):
        return
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


def _value_scalar(plan: Plan, leaf: sympy.Symbol, scope: Scope, instances: dict[str, tuple[int, ...]],
                  sampler: Any, reference: Plan | None) -> None:
    """A declared scalar: an integer from ``for``, a real drawn from its domain."""
    import torch

    if leaf in plan.values or str(leaf) not in scope.names:
        return
    decl = scope.names[str(leaf)]
    if isinstance(decl, SequenceDecl):  # the label of an element, valued above
        return
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


__all__ = ["DEFAULT_DIMENSION", "Plan", "Unsupported", "build_plan", "build_plans", "parse_plan"]
