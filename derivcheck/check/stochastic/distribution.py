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
point), all draws judged together. :mod:`derivcheck.check.stochastic.plan` reads the
check and values it at each draw; this module runs each plan (:func:`run`, or
:func:`run_shared` for draws that share one simulation) and hands the moments to
:mod:`derivcheck.check.stochastic.judge`. :mod:`derivcheck.check.stochastic.simulate` runs the
recursion; :mod:`derivcheck.check.stochastic.statistics` tests mean, variance and
normality; the family-wise false-alarm rate is ``FAMILY_ALPHA`` (Bonferroni).
"""

from __future__ import annotations

import zlib
from typing import Any

import sympy

from ...expr.scope import Scope
from ...model import Text
from ..evidence import Evidence, EvidenceKind, Status
from ..runtime import Deadline, resolve_device
from .grid_eval import IndexedEvaluator, SequenceTable, Unevaluable
from .judge import judge
from .plan import Plan, Unsupported, build_plans
from .simulate import Moments, SafetyLimit, cpu_threads, simulate_affine, simulate_general

SAFETY_SECONDS = 300.0  # CPU time of one distribution check: only a safety limit (the work is bounded in plan)
from .statistics import grid_distance


def check_distribution(fields: dict[str, Text], scope: Scope, *, seed: int, device: str = "auto",
                       instances: dict[str, tuple[int, ...]] | None = None, key: str = "",
                       path: str = "", budget: float = SAFETY_SECONDS) -> Evidence:
    """Simulate the check's process and test its claim at every step (see the module docstring).

    ``key`` names the check (it selects the random stream); ``path`` goes into the replay command.
    The work is bounded before anything runs (:mod:`.plan`, ``MAX_SAMPLE_STEPS``); ``budget``,
    seconds of CPU time, is only a safety limit: a simulation it cuts short is ``unknown``.
    """
    import torch

    deadline = Deadline(budget, "the distribution check")
    dev = resolve_device(device)
    stream = zlib.crc32(f"{seed}:{key}".encode())
    sampler = torch.Generator().manual_seed(stream ^ 0x5EED)
    try:
        plans = build_plans(fields, scope, instances or {}, sampler,
                            torch.Generator().manual_seed(stream ^ 0xD4A5))
        with cpu_threads(plans[0].start.shape[0] * plans[0].samples, dev):
            laws = [claimed_law(plan) for plan in plans]
            shared = run_shared(plans, laws, torch.Generator(device=dev).manual_seed(stream), dev, deadline)
            if shared is not None:
                runs = [(plan, *law, moments) for plan, law, moments in zip(plans, laws, shared)]
            else:
                runs = []
                for plan, law in zip(plans, laws):  # draw 0 keeps the stream a single draw had
                    generator = torch.Generator(device=dev).manual_seed(
                        stream if plan.draw == 0 else zlib.crc32(f"{seed}:{key}:draw {plan.draw}".encode()))
                    runs.append((plan, *law, run(plan, generator, dev, law=law, deadline=deadline)))
            replay = f"derivcheck verify {path} --seed {seed} --device {dev}" if path else None
            return judge(runs, seed=seed, device=dev, replay=replay, shared=shared is not None)
    except (Unsupported, Unevaluable) as exc:
        return Evidence(Status.INCONCLUSIVE, detail=f"distribution check not run: {exc}", kind=EvidenceKind.MONTE_CARLO)
    except SafetyLimit as exc:  # cut short: no evidence (recorded by the deadline, so never cached)
        return Evidence(Status.INCONCLUSIVE, detail=f"distribution check cut short: {exc}",
                        kind=EvidenceKind.MONTE_CARLO)


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


def run(plan: Plan, generator: Any, device: str, law: tuple[Any, Any] | None = None,
        deadline: Any = None) -> Any:
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
                               plan.samples, generator, device, normality, deadline)
    symbols = list(plan.draws)
    moved = {k: v.to(device) for k, v in plan.values.items()}
    tables = {k: SequenceTable(v.first, v.values.to(device)) for k, v in plan.tables.items()}

    def step(prev: Any, draws: list[Any], k: int) -> Any:
        import torch

        now = torch.tensor(float(plan.first + k + 1), dtype=torch.float64, device=device)
        values = {**moved, plan.time: now, plan.previous: prev, **dict(zip(symbols, draws))}
        return IndexedEvaluator(values, tables, device)(plan.process)

    return simulate_general(plan.start, step, [plan.draws[s] for s in symbols], plan.samples, plan.steps,
                            generator, device, normality, deadline)


def run_shared(plans: list[Plan], laws: list[tuple[Any, Any]], generator: Any, device: str,
               deadline: Any = None) -> list[Any] | None:
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
                              plans[0].samples, generator, device, statistic, deadline)
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


__all__ = ["check_distribution", "claimed_law", "run", "run_shared"]
