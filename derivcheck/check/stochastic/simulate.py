"""Monte Carlo simulation of a scalar recursion ``x[t] = F(x[t - 1], eps[t], t)``, many samples at once.

The state is a ``(d, S)`` float64 tensor: ``d`` coordinates (a vector start value;
each coordinate gets its own independent noise) times ``S`` independent samples.
Only the per-step moments (mean and unbiased variance over the samples) and, when
a ``normality`` statistic is given, its value at every step (computed on the state
while it is in cache, so no step's samples are kept) are returned.

When ``F`` is affine, ``x[t] = a[t] * x[t - 1] + b[t] * eps[t] + c[t]`` with one
noise, the recursion runs in chunks of ``K`` steps: one noise draw fills a
``(K, d, S)`` buffer, each step turns its slice into the state in place
(``buf[k] = b * buf[k] + a * buf[k - 1]``), and one ``var_mean`` reduces the
whole chunk. That is about three memory passes per step and a handful of kernel
launches per chunk, instead of a fresh allocation per operation. Any other ``F``
is evaluated step by step by :class:`~derivcheck.check.stochastic.grid_eval.IndexedEvaluator`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Iterator

CHUNK_ELEMENTS = 1 << 23  # float64 values per noise buffer (64 MiB)
THREADED_ELEMENTS = 1 << 20  # below this many values per step, one CPU thread is faster


@contextlib.contextmanager
def cpu_threads(elements: int, device: str) -> Iterator[None]:
    """One intra-op thread for small per-step tensors on the CPU: waking threads for
    ~1e5 values costs more than it gains, and on a loaded machine far more (measured
    200x slower with 2 threads under load); restored afterwards."""
    import torch

    if device != "cpu" or elements >= THREADED_ELEMENTS:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass(frozen=True)
class Noise:
    """The law of one noise sequence: ``normal`` (mean, variance) or ``uniform`` (low, high)."""

    law: str
    first: float
    second: float

    def scale_shift(self) -> tuple[float, float]:
        """(s, m) with noise = m + s * u, u a standard draw (``randn`` or ``rand``)."""
        if self.law == "normal":
            return self.second ** 0.5, self.first
        return self.second - self.first, self.first

    def draw(self, shape: tuple[int, ...], generator: Any, device: str, out: Any = None) -> Any:
        """Standard draws (``randn`` for normal, ``rand`` for uniform) of ``shape``."""
        import torch

        fn = torch.randn if self.law == "normal" else torch.rand
        if out is not None:
            return fn(shape, generator=generator, dtype=torch.float64, device=device, out=out)
        return fn(shape, generator=generator, dtype=torch.float64, device=device)


class SafetyLimit(Exception):
    """The CPU-time safety limit (:class:`~derivcheck.check.runtime.limits.Deadline`) passed
    during a simulation: the run is cut short and is no evidence."""


def _watch(deadline: Any) -> None:
    if deadline is not None and deadline.passed():
        raise SafetyLimit(deadline.text())


Statistic = Callable[[int, Any], Any]  # (0-based step, (d, S) state) -> a 0-d tensor


@dataclass
class Moments:
    """Per-step sample moments, ``(T, d)`` each on the CPU, and the ``normality`` statistic
    at every step, ``(T,)`` on the CPU (``None`` when none was asked for)."""

    mean: Any
    variance: Any
    normality: Any = None


def _stacked(values: list[Any]) -> Any:
    import torch

    return torch.stack(values).to("cpu") if values else None


def simulate_affine(start: Any, a: list[float], b: list[float], c: list[float] | None, noise: Noise,
                    samples: int, generator: Any, device: str, normality: Statistic | None = None,
                    deadline: Any = None) -> Moments:
    """The affine recursion for steps ``1..T`` (``T = len(a)``); ``normality(k, state)`` is taken
    at every step ``k + 1``; ``deadline`` (a CPU-time safety limit) is watched at every chunk
    (:class:`SafetyLimit` when it passes)."""
    with cpu_threads(start.shape[0] * samples, device):
        return _affine(start, a, b, c, noise, samples, generator, device, normality, deadline)


def _affine(start: Any, a: list[float], b: list[float], c: list[float] | None, noise: Noise,
            samples: int, generator: Any, device: str, normality: Statistic | None, deadline: Any) -> Moments:
    import torch

    d = start.shape[0]
    steps = len(a)
    scale, shift = noise.scale_shift()
    if c is not None or shift:  # noise = shift + scale * u folds into b and c
        c = [(c[k] if c is not None else 0.0) + b[k] * shift for k in range(steps)]
    b = [bk * scale for bk in b]
    chunk = max(1, min(steps, CHUNK_ELEMENTS // max(1, d * samples)))
    buffer = torch.empty((chunk, d, samples), dtype=torch.float64, device=device)
    prev = start.to(device=device, dtype=torch.float64)[:, None].expand(d, samples).clone()
    means, variances, statistics = [], [], []
    for first in range(0, steps, chunk):
        _watch(deadline)
        count = min(chunk, steps - first)
        block = buffer[:count]
        noise.draw(tuple(block.shape), generator, device, out=block)
        for k in range(count):
            t = first + k
            state = block[k]
            state.mul_(b[t]).add_(prev, alpha=a[t])
            if c is not None and c[t]:
                state.add_(c[t])
            prev = state
            if normality is not None:
                statistics.append(normality(t, state))
        variance, mean = torch.var_mean(block, dim=2)
        means.append(mean.to("cpu"))
        variances.append(variance.to("cpu"))
        prev = prev.clone() if first + count < steps else prev  # the buffer is overwritten next
    return Moments(torch.cat(means), torch.cat(variances), _stacked(statistics))


def simulate_general(start: Any, step: Callable[[Any, list[Any], int], Any], noises: list[Noise], samples: int,
                     steps: int, generator: Any, device: str, normality: Statistic | None = None,
                     deadline: Any = None) -> Moments:
    """Any recursion: ``step(prev, draws, k)`` gives the state of step ``k + 1`` from the previous
    state and one ``(d, S)`` draw per noise (already scaled to its law); ``deadline`` is
    watched at every step (:class:`SafetyLimit`)."""
    with cpu_threads(start.shape[0] * samples, device):
        return _general(start, step, noises, samples, steps, generator, device, normality, deadline)


def _general(start: Any, step: Callable[[Any, list[Any], int], Any], noises: list[Noise], samples: int,
             steps: int, generator: Any, device: str, normality: Statistic | None, deadline: Any) -> Moments:
    import torch

    d = start.shape[0]
    x = start.to(device=device, dtype=torch.float64)[:, None].expand(d, samples).clone()
    means, variances, statistics = [], [], []
    for k in range(steps):
        _watch(deadline)
        draws = []
        for noise in noises:
            scale, shift = noise.scale_shift()
            draws.append(noise.draw((d, samples), generator, device) * scale + shift)
        x = torch.broadcast_to(step(x, draws, k), (d, samples)).contiguous()
        variance, mean = torch.var_mean(x, dim=1)
        means.append(mean.to("cpu"))
        variances.append(variance.to("cpu"))
        if normality is not None:
            statistics.append(normality(k, x))
    return Moments(torch.stack(means), torch.stack(variances), _stacked(statistics))
