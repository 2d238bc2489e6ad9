"""Distribution checks proved by the moment recursion (check/stochastic/linear_law.py,
check/symbolic/moment_recursion.py, check/symbolic/real_forms.py): what is proved, and
the look-alikes that must not be."""

from __future__ import annotations

import pytest

from derivcheck.check.stochastic import prove_linear_law
from derivcheck.expr.declarations import build_scope
from derivcheck.format.loader import load_text

TEMPLATE = """\
derivation: linear-law
title: a process linear in normal noise
symbols:
  x: sequence
  x0: {start}
  rho: real in (-1, 1)
  eps: random sequence {noise}
  eta: random sequence normal(0, 1)
  t: natural
{independent}
define:
  T: {steps}
  beta[t]: {beta}
  alpha[t]: 1 - beta[t]
  alpha_bar[t]: Product(alpha[i], (i, 1, t))
checks:
  - distribution:
      process: {process}
      start: x[0] = x0
      claim: {claim}
      steps: {steps}
      samples: 1000
"""
DDPM = "x[t] = sqrt(alpha[t]) * x[t - 1] + sqrt(1 - alpha[t]) * eps[t]"
LAW = "x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, 1 - alpha_bar[t])"
LINEAR = "1/10000 + (t - 1) * (2/100 - 1/10000) / (T - 1)"


def prove(process: str = DDPM, claim: str = LAW, *, noise: str = "normal(0, 1)", beta: str = LINEAR,
          independent: str = "independent: [[eps, eta]]", steps: int = 1000, start: str = "vector[4]"):
    text = TEMPLATE.format(process=process, claim=claim, noise=noise, beta=beta, independent=independent,
                           steps=steps, start=start)
    derivation = load_text(text, "linear-law.deriv.yaml")
    return prove_linear_law(derivation.checks[0].fields, build_scope(derivation))


@pytest.mark.parametrize("process, claim, beta, steps", [
    (DDPM, LAW, LINEAR, 1000),  # the library's DDPM check
    (DDPM, LAW, "1/100 + (t - 1) * (1/5 - 1/100) / (T - 1)", 50),  # another linear schedule
    ("x[t] = rho * x[t - 1] + eps[t]", "x[t] ~ Normal(rho**t * x0, (1 - rho**(2*t)) / (1 - rho**2))", LINEAR, 30),
    ("x[t] = x[t - 1] / sqrt(2) + eps[t] + eta[t]", "x[t] ~ Normal(x0 / sqrt(2)**t, 4 - 4 * 2**(-t))", LINEAR, 20),
    ("x[t] = (1 - t/50) * x[t - 1]", "x[t] ~ Normal(Product(1 - i/50, (i, 1, t)) * x0, 0)", LINEAR, 60),
])
def test_a_linear_gaussian_process_is_proved(process: str, claim: str, beta: str, steps: int) -> None:
    detail, why = prove(process, claim, beta=beta, steps=steps)
    assert why == "" and detail.startswith("x[t] is affine in independent normal noise, so normal")
    assert f"for t = 2..{steps}, exactly" in detail


def test_the_library_check_is_proved_without_simulating() -> None:
    import time

    started = time.process_time()
    detail, _ = prove()
    # a hang guard, not a speed assertion (about 0.3 s idle; timings live in bench/RESULTS.md)
    assert detail is not None and time.process_time() - started < 60


@pytest.mark.parametrize("process, claim, beta, steps, kwargs, why", [
    (DDPM, "x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, 1 - alpha_bar[t - 1])", LINEAR, 1000, {},
     "the claimed variance at t = 1 is not shown one step from the start"),
    (DDPM, "x[t] ~ Normal(alpha_bar[t] * x0, 1 - alpha_bar[t])", LINEAR, 1000, {},
     "the claimed mean at t = 1 is not shown one step from the start"),
    (DDPM, "x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, 1 - alpha[t]**t)", LINEAR, 1000, {},
     "is not peeled by a rule of finite products and sums"),
    (DDPM, "x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, (1 - alpha_bar[t]) * (1 + Max(0, 1 - Abs(t - 5))))",
     LINEAR, 1000, {}, "the claimed variance is not shown"),
    (DDPM, "x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, (1 - alpha_bar[t]) * t**2 / (t**2 - t + 1))", LINEAR, 1000, {},
     "the claimed variance is not shown one step from itself"),  # right at t = 1 only
    (DDPM, LAW, "t / 50", 60, {}, "is not shown real for t = 1..60"),  # alpha[t] < 0 past t = 50
    (DDPM, LAW, LINEAR, 1000, {"independent": ""}, "not read for a proof"),
    (DDPM, LAW, LINEAR, 1000, {"noise": "uniform(-1, 1)"}, "is uniform, not normal"),
    ("x[t] = sqrt(alpha[t]) * x[t - 1] + sqrt(1 - alpha[t]) * (eps[t]**2 - 1) / sqrt(2)", LAW, LINEAR, 1000, {},
     "not affine"),
    ("x[t] = sqrt(alpha[t]) * x[t - 1] + x[t - 1] * eps[t]", LAW, LINEAR, 1000, {}, "not affine"),
    ("x[t] = x[t - 1] + eps[t] + eta[t]", "x[t] ~ Normal(x0, 2*t)", LINEAR, 10,
     {"independent": "independent: [[eps], [eta]]"}, "not declared independent of each other"),
    ("x[t] = (5 - 2*t) / 2 * x[t - 1]", "x[t] ~ Normal(sqrt(Product(((5 - 2*i) / 2)**2, (i, 1, t))) * x0, 0)",
     LINEAR, 5, {}, "the claimed mean is not shown one step from itself"),  # |product| for the product
    ("x[t] = x[t - 1] + eps[t]", "x[t] ~ Normal(x[t - 1], 1)", LINEAR, 10, {},
     "the claimed law holds a random variable or an element of x"),  # a conditional law is no marginal one
])
def test_a_look_alike_is_not_proved(process: str, claim: str, beta: str, steps: int, kwargs: dict, why: str) -> None:
    detail, reason = prove(process, claim, beta=beta, steps=steps, **kwargs)
    assert detail is None and why in reason, reason
