"""Distribution checks: the index-grid evaluator, the tests, the simulation and the verdicts.

The fast tests use short processes (tens of steps, a few thousand samples); the
slow ones run the shipped DDPM check and its mutants over many seeds.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import sympy
import torch

from derivcheck.check.stochastic.distribution import check_distribution
from derivcheck.check.stochastic.grid_eval import IndexedEvaluator, SequenceTable, Unevaluable
from derivcheck.check.stochastic.statistics import (POWER, chi2_quantile, mean_pvalues, normality_pvalue, power,
                                         variance_pvalues)
from derivcheck.expr.declarations import build_scope
from derivcheck.format.loader import load_text

ROOT = Path(__file__).resolve().parent.parent

SHORT = """\
derivation: short-ddpm
title: a short forward process
symbols:
  x: sequence
  x0: vector[3]
  eps: random sequence {noise}
  t: natural
independent: [[eps]]
define:
  T: 40
  beta[t]: 1/100 + (t - 1) * (2/10 - 1/100) / (T - 1)
  alpha[t]: 1 - beta[t]
  alpha_bar[t]: Product(alpha[i], (i, 1, t))
checks:
  - distribution:
      process: {process}
      start: x[0] = x0
      claim: {claim}
      steps: 40
      samples: 4000
"""
PROCESS = "x[t] = sqrt(alpha[t]) * x[t - 1] + sqrt(1 - alpha[t]) * eps[t]"
CLAIM = "x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, 1 - alpha_bar[t])"


def run(text: str, seed: int = 0, device: str = "cpu"):
    derivation = load_text(text, "short.deriv.yaml")
    scope = build_scope(derivation)
    return check_distribution(derivation.checks[0].fields, scope, seed=seed, device=device, key="c",
                              path="short.deriv.yaml")


def short(noise: str = "normal(0, 1)", process: str = PROCESS, claim: str = CLAIM) -> str:
    return SHORT.format(noise=noise, process=process, claim=claim)


# -- evaluator -----------------------------------------------------------------------------

def test_product_over_a_grid_matches_cumprod() -> None:
    t, i = sympy.symbols("t i", integer=True)
    alpha = sympy.IndexedBase("alpha")
    values = torch.rand(30, dtype=torch.float64)
    ev = IndexedEvaluator({t: torch.arange(1, 21, dtype=torch.float64)}, {"alpha": SequenceTable(1, values)})
    got = ev(sympy.sqrt(sympy.Product(alpha[i], (i, 1, t))))
    assert torch.allclose(got, torch.sqrt(torch.cumprod(values[:20], 0)), rtol=1e-13)
    assert ev(sympy.Sum(alpha[i], (i, t, 20)))[0].item() == pytest.approx(values[:20].sum().item())


def test_rising_factorial_form_of_the_ddpm_product_is_evaluated_in_log_space() -> None:
    # SymPy rewrites scalar * Product(linear in i) into c**t * RisingFactorial(a, t); both overflow alone.
    t, i = sympy.symbols("t i", integer=True)
    beta = sympy.Rational(1, 10000) + (i - 1) * (sympy.Rational(2, 100) - sympy.Rational(1, 10000)) / 999
    rewritten = (sympy.Product(1 - beta, (i, 1, t)) * sympy.MatrixSymbol("z", 1, 1)).args[0]
    assert rewritten.has(sympy.RisingFactorial)
    ts = torch.arange(1, 1001, dtype=torch.float64)
    direct = torch.cumprod(1 - (1e-4 + (ts - 1) * (0.02 - 1e-4) / 999), 0)
    got = IndexedEvaluator({t: ts})(rewritten)
    assert torch.allclose(got, direct, rtol=1e-10)


def test_an_index_outside_the_sampled_table_is_refused() -> None:
    alpha = sympy.IndexedBase("alpha")
    ev = IndexedEvaluator({}, {"alpha": SequenceTable(1, torch.ones(3, dtype=torch.float64))})
    with pytest.raises(Unevaluable, match="outside the sampled indices 1..3"):
        ev(alpha[7])


# -- statistics ----------------------------------------------------------------------------

def test_pvalues_of_the_mean_and_variance_tests() -> None:
    p, z = mean_pvalues(torch.tensor(0.03), torch.tensor(0.0), torch.tensor(1.0), 10000)
    assert z.item() == pytest.approx(3.0) and p.item() == pytest.approx(math.erfc(3 / math.sqrt(2)))
    p_same, _ = variance_pvalues(torch.tensor(1.0), torch.tensor(1.0), 10001)
    p_off, _ = variance_pvalues(torch.tensor(1.2), torch.tensor(1.0), 10001)
    assert p_same.item() > 0.9 and p_off.item() < 1e-30


def test_chi_square_quantiles_match_tables() -> None:
    assert chi2_quantile(10, 0.95) == pytest.approx(18.307038, rel=1e-6)
    assert chi2_quantile(10, 0.05) == pytest.approx(3.940299, rel=1e-6)
    assert chi2_quantile(1, 0.95) == pytest.approx(3.841459, rel=1e-6)
    k, tiny = 9999, 1e-10  # the far tails the Bonferroni levels need
    upper = torch.special.gammaincc(torch.tensor(k / 2, dtype=torch.float64),
                                    torch.tensor(chi2_quantile(k, 1 - tiny) / 2, dtype=torch.float64))
    assert upper.item() == pytest.approx(tiny, rel=1e-6)


def test_stated_power_is_exact_at_the_threshold() -> None:
    """At the stated deviations the detection probability is POWER (the formula, exactly)."""
    samples, level = 10000, 1e-6 / 8006
    p = power(samples, level)
    k, half = samples - 1, torch.tensor((samples - 1) / 2, dtype=torch.float64)
    c_hi, c_lo = chi2_quantile(k, 1 - level / 2), chi2_quantile(k, level / 2)
    above = torch.special.gammaincc(half, torch.tensor(c_hi / (1 + p.variance_above) / 2, dtype=torch.float64))
    below = torch.special.gammainc(half, torch.tensor(c_lo / (1 - p.variance_below) / 2, dtype=torch.float64))
    assert above.item() == pytest.approx(POWER, abs=1e-6) and below.item() == pytest.approx(POWER, abs=1e-6)
    z = math.sqrt(2) * torch.special.erfinv(torch.tensor(1 - level, dtype=torch.float64)).item()
    assert 0.5 * math.erfc((z - p.mean * math.sqrt(samples)) / math.sqrt(2)) == pytest.approx(POWER, abs=1e-9)
    assert 0.07 < p.mean < 0.08 and 0.10 < p.variance < 0.12  # about 11 % at 10^4 samples


def test_stated_power_holds_in_simulation() -> None:
    """Samples with an error at the stated threshold are rejected in at least 90 % of runs
    (400 runs: a rate of 0.9 shows as at least 0.86 but for a 1-in-1000 chance)."""
    samples, runs, level = 500, 400, 1e-6 / 2
    p = power(samples, level)
    g = torch.Generator().manual_seed(11)
    x = torch.randn(runs, samples, generator=g, dtype=torch.float64)
    for scale, shift in ((math.sqrt(1 + p.variance_above), 0.0), (math.sqrt(1 - p.variance_below), 0.0),
                         (1.0, p.mean)):
        y = x * scale + shift  # claimed: Normal(0, 1)
        p_mean, _ = mean_pvalues(y.mean(dim=1), torch.tensor(0.0), torch.tensor(1.0), samples)
        p_var, _ = variance_pvalues(y.var(dim=1), torch.tensor(1.0), samples)
        rejected = ((p_mean < level) | (p_var < level)).double().mean().item()
        assert 0.86 <= rejected <= 0.95, (scale, shift, rejected)
    p_mean, _ = mean_pvalues(x.mean(dim=1), torch.tensor(0.0), torch.tensor(1.0), samples)
    assert (p_mean < level).double().mean().item() == 0.0  # and a true claim passes


def test_normality_bound_separates_normal_from_uniform_samples() -> None:
    g = torch.Generator().manual_seed(1)
    normal = torch.randn(20000, generator=g, dtype=torch.float64)
    uniform = (torch.rand(20000, generator=g, dtype=torch.float64) * 2 - 1) * math.sqrt(3)
    assert normality_pvalue(normal)[0] > 1e-3
    p, d = normality_pvalue(uniform)
    assert p < 1e-40 and 0.04 < d < 0.07


# -- verdicts ------------------------------------------------------------------------------

def test_the_correct_closed_form_agrees_with_a_stated_false_alarm_rate() -> None:
    result = run(short())
    assert result.status == "agree", result.detail
    assert "family-wise false-alarm rate <= 1e-06 (Bonferroni over 246 tests" in result.detail
    assert "t = 1..40" in result.detail and "4000 samples x 40 steps x 3 coordinates on cpu" in result.detail
    stated = power(4000, 1e-6 / 246)
    assert (f"power 0.9 at any single t and coordinate (normal samples): detects a mean off by >= "
            f"{stated.mean:.2g} standard deviations") in result.detail
    assert f"a variance error >= {100 * stated.variance:.2g} % at any t with power 0.9" in result.evidence


@pytest.mark.parametrize("claim, test", [
    ("x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, 1 - alpha_bar[t - 1])", "point mass"),
    ("x[t] ~ Normal(alpha_bar[t] * x0, 1 - alpha_bar[t])", "mean test fails"),
    ("x[t] ~ Normal(sqrt(alpha_bar[t]) * x0, 1 - alpha_bar[t] + 1/10)", "test fails"),
])
def test_wrong_laws_are_refuted_with_a_replayable_counterexample(claim: str, test: str) -> None:
    result = run(short(claim=claim))
    assert result.status == "disagree" and test in result.detail, result.detail
    ce = result.counterexample
    assert ce.replay == "derivcheck verify short.deriv.yaml --seed 0 --device cpu"
    assert int(ce.values["t"]) >= 1 and "x0" in ce.values


def test_non_gaussian_noise_with_the_right_moments_is_refuted_by_normality() -> None:
    result = run(short(noise="uniform(-sqrt(3), sqrt(3))"))
    assert result.status == "disagree" and result.detail.startswith("normality test fails at t = 1"), result.detail


def test_noise_not_declared_independent_gives_no_verdict() -> None:
    result = run(short().replace("independent: [[eps]]\n", ""))
    assert result.status == "inconclusive" and "add `independent: [[eps]]`" in result.detail


def test_a_non_affine_process_with_two_noises_runs_step_by_step() -> None:
    text = short(process="x[t] = x[t - 1] + (eps[t] + nu[t]) / sqrt(2)", claim="x[t] ~ Normal(x0, t)")
    text = text.replace("independent: [[eps]]", "  nu: random sequence normal(0, 1)\nindependent: [[eps, nu]]")
    assert run(text).status == "agree"
    assert run(text.replace("Normal(x0, t)", "Normal(x0, 2*t)")).status == "disagree"


def test_a_sequence_without_definition_is_sampled_from_its_domain() -> None:
    text = short().replace("  t: natural\n", "  t: natural\n  a: sequence in (1/2, 1)\n")
    text = text.replace("alpha[t]: 1 - beta[t]\n", "alpha[t]: a[t]\n")
    result = run(text)
    assert result.status == "agree", result.detail


def test_device_cuda_without_cuda_is_a_usage_error() -> None:
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    from derivcheck.errors import UsageError

    with pytest.raises(UsageError, match="no CUDA device"):
        run(short(), device="cuda")


@pytest.mark.cuda
def test_the_check_runs_on_cuda() -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    assert run(short(), device="cuda").status == "agree"
    assert run(short(noise="uniform(-sqrt(3), sqrt(3))"), device="cuda").status == "disagree"


# -- the shipped check, many seeds ---------------------------------------------------------

DDPM = ROOT / "derivations" / "s5-2-ddpm-forward-closed-form.deriv.yaml"
MUTANTS = sorted((ROOT / "tests" / "data" / "mutants").glob("s5-2-ddpm-forward-closed-form--*.deriv.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20))
def test_ddpm_check_never_false_alarms_and_mutants_are_always_refuted(seed: int) -> None:
    assert len(MUTANTS) == 3
    assert run(DDPM.read_text(encoding="utf-8"), seed=seed).status == "agree"
    for mutant in MUTANTS:
        result = run(mutant.read_text(encoding="utf-8"), seed=seed)
        assert result.status == "disagree", (mutant.name, result.detail)
