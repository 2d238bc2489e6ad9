"""Benchmark: the DDPM distribution check against a plain hand-written torch loop.

    python bench/distribution.py [--samples 10000] [--repeat 3] [--device cpu|cuda|all] [--check-only]

Measures sample-steps per second (samples x coordinates x steps / seconds) of

* derivcheck: the simulation of ``derivations/s5-2-ddpm-forward-closed-form.deriv.yaml``
  (``derivcheck.check.stochastic.distribution.run``: fused chunked affine path), and the whole
  check (parse, claimed law, simulation, tests);
* plain loop: ``x = sqrt(a[t]) * x + sqrt(1 - a[t]) * randn(...)`` then ``mean`` and
  ``var`` per step, with torch's default threads and with one thread;
* the random-number limit: the same number of float64 normal draws in large blocks.

Prints a Markdown table; results are recorded by hand in bench/RESULTS.md. ``--check-only``
times the whole check alone (seeds 0..repeat-1), the quick before/after figure.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import torch

from derivcheck.check.stochastic.distribution import check_distribution, run
from derivcheck.check.stochastic.plan import build_plan
from derivcheck.expr.declarations import build_scope
from derivcheck.format.loader import load_derivation

FILE = Path(__file__).resolve().parent.parent / "derivations" / "s5-2-ddpm-forward-closed-form.deriv.yaml"


def plain_loop(x0: torch.Tensor, alpha: list[float], samples: int, device: str) -> None:
    """The simulation as one would write it by hand, moments per step included."""
    g = torch.Generator(device=device).manual_seed(0)
    x = x0.to(device)[:, None].expand(x0.shape[0], samples).clone()
    for a in alpha:
        eps = torch.randn(x.shape, generator=g, dtype=torch.float64, device=device)
        x = math.sqrt(a) * x + math.sqrt(1 - a) * eps
        x.mean(dim=1)
        x.var(dim=1)
    if device == "cuda":
        torch.cuda.synchronize()


def rng_only(total: int, device: str) -> None:
    g = torch.Generator(device=device).manual_seed(0)
    block = torch.empty(min(total, 1 << 23), dtype=torch.float64, device=device)
    for _ in range(0, total, block.numel()):
        torch.randn(block.shape, generator=g, dtype=torch.float64, device=device, out=block)
    if device == "cuda":
        torch.cuda.synchronize()


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--device", default="all", choices=["cpu", "cuda", "all"])
    parser.add_argument("--check-only", action="store_true", help="time the whole check only, one seed per run")
    args = parser.parse_args()
    derivation = load_derivation(str(FILE))
    scope = build_scope(derivation)
    fields = dict(derivation.checks[0].fields)
    fields["samples"] = type(fields["samples"])(str(args.samples), fields["samples"].span)
    if args.check_only:
        times = []
        for seed in range(args.repeat):
            started = time.perf_counter()
            result = check_distribution(fields, scope, seed=seed, device="cpu" if args.device == "all" else args.device,
                                        key="bench")
            times.append(time.perf_counter() - started)
            print(f"seed {seed}: {result.status}, {times[-1]:.3f} s; {result.evidence}")
        print(f"whole check: min {min(times):.3f} s, median {sorted(times)[len(times) // 2]:.3f} s")
        return
    plan = build_plan(fields, scope, {}, torch.Generator().manual_seed(0))
    steps, d = plan.steps, plan.start.shape[0]
    alpha = [1 - (1e-4 + k * (0.02 - 1e-4) / (steps - 1)) for k in range(steps)]
    work = args.samples * d * steps
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; "
          f"{args.samples} samples x {d} coordinates x {steps} steps = {work:.3g} sample-steps")
    print("| device | path | seconds | sample-steps/s | vs plain loop |")
    print("| --- | --- | --- | --- | --- |")
    for device in devices:
        if device == "cuda" and not torch.cuda.is_available():
            print("| cuda | CUDA: not available on this machine (no figures) | - | - | - |")
            continue

        def ours() -> None:
            run(plan, torch.Generator(device=device).manual_seed(0), device)
            if device == "cuda":
                torch.cuda.synchronize()

        def whole() -> None:
            check_distribution(fields, scope, seed=0, device=device, key="bench")

        def one_thread() -> None:
            before = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                plain_loop(plan.start, alpha, args.samples, device)
            finally:
                torch.set_num_threads(before)

        ours()  # warm up
        plain = best(lambda: plain_loop(plan.start, alpha, args.samples, device), args.repeat)
        rows = [("plain torch loop (default threads)", plain)]
        if device == "cpu":
            rows.append(("plain torch loop (1 thread)", best(one_thread, args.repeat)))
        rows += [("derivcheck simulation", best(ours, args.repeat)),
                 ("derivcheck whole check (simulation + tests)", best(whole, args.repeat)),
                 ("random numbers only (limit)", best(lambda: rng_only(work, device), args.repeat))]
        for name, seconds in rows:
            print(f"| {device} | {name} | {seconds:.3f} | {work / seconds:.3g} | {plain / seconds:.2f}x |")


if __name__ == "__main__":
    main()
