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
from derivcheck.check.stochastic.statistics import (NORMALITY_BINS, POWER, chi2_quantile, dkw_pvalues, grid_distance,
                                                    mean_pvalues, normality_pvalue, power, variance_pvalues)
from derivcheck.expr.declarations import build_scope
from derivcheck.format.loader import load_text
from repo_paths import REPO


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


def test_the_grid_distance_is_the_exact_distance_up_to_one_bin() -> None:
    """D - 1/B <= grid distance <= D: the DKW bound stays valid and the power loses at most 1/B."""
    g = torch.Generator().manual_seed(2)
    for sample in (torch.randn(3, 5000, generator=g, dtype=torch.float64),
                   (torch.rand(3, 5000, generator=g, dtype=torch.float64) * 2 - 1) * math.sqrt(3),
                   torch.randn(3, 5000, generator=g, dtype=torch.float64) * 1.3 + 0.2):
        _, exact = normality_pvalue(sample)
        grid = float(grid_distance(sample))
        assert exact - 1 / NORMALITY_BINS - 1e-12 <= grid <= exact + 1e-12, (exact, grid)
    assert float(dkw_pvalues(torch.tensor(0.0, dtype=torch.float64), 10)) == 1.0


def test_the_grid_counts_are_histc_counts() -> None:
    """The grid's bin counts (NumPy's bincount on the CPU) are torch.histc's, bin edges, 1.0,
    values outside [0, 1] and NaN included."""
    from derivcheck.check.stochastic.statistics import _bin_counts

    g = torch.Generator().manual_seed(3)
    edges = torch.arange(0, NORMALITY_BINS + 1, dtype=torch.float64) / NORMALITY_BINS
    for u in (torch.rand(100_000, generator=g, dtype=torch.float64), edges,
              torch.nextafter(edges, torch.tensor(2.0, dtype=torch.float64)),
              torch.nextafter(edges, torch.tensor(-1.0, dtype=torch.float64)),
              torch.tensor([float("nan"), -0.0, 1.0, 1.5, -0.5], dtype=torch.float64)):
        assert torch.equal(_bin_counts(u, NORMALITY_BINS), torch.histc(u, bins=NORMALITY_BINS, min=0.0, max=1.0))


def test_stated_normality_power_holds_in_simulation() -> None:
    """A law exactly at the stated Kolmogorov-Smirnov distance from N(0, 1) (a shifted normal:
    distance 2 Phi(s/2) - 1) is rejected by the grid test in at least 90 % of runs."""
    samples, runs, level = 2000, 200, 1e-6 / 3
    stated = power(samples, level, samples).normality
    shift = 2 * math.sqrt(2) * torch.special.erfinv(torch.tensor(stated, dtype=torch.float64)).item()
    g = torch.Generator().manual_seed(5)
    x = torch.randn(runs, samples, generator=g, dtype=torch.float64) + shift
    p = torch.stack([dkw_pvalues(grid_distance(row), samples) for row in x])
    assert (p < level).double().mean().item() >= 0.9


# -- verdicts ------------------------------------------------------------------------------

def test_the_correct_closed_form_agrees_with_a_stated_false_alarm_rate() -> None:
    result = run(short())
    assert result.status == "agree", result.detail
    # x0 is drawn: 5 draws x (2 x 40 steps x 3 coordinates + 40 normality tests)
    assert "family-wise false-alarm rate <= 1e-06 (Bonferroni over 1400 tests" in result.detail
    assert "t = 1..40" in result.detail and "4000 samples x 40 steps x 3 coordinates on cpu" in result.detail
    assert "at each of 5 draws of x0" in result.detail and "draw 5 (special) (x0 = [0, 0, 0])" in result.detail
    stated = power(4000, 1e-6 / 1400)
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


ONE_STEP = """\
derivation: p21
title: non-normal at one step
symbols:
  x: sequence
  eps: random sequence normal(0, 1)
  u: random sequence uniform(-1, 1)
  t: natural
independent: [[eps, u]]
checks:
  - distribution:
      process: x[t] = (1 - Max(0, 1 - (t - {k})**2)) * eps[t] + Max(0, 1 - (t - {k})**2) * sqrt(3) * u[t]
      claim: x[t] ~ Normal(0, 1)
      steps: {steps}
      samples: 20000
"""


@pytest.mark.parametrize("k, steps", [(7, 12), (5, 8), (11, 15)])
def test_a_law_non_normal_at_any_single_step_is_refuted_there(k: int, steps: int) -> None:
    """Normality is tested at every step, not at a few chosen ones (red-team F6)."""
    result = run(ONE_STEP.format(k=k, steps=steps))
    assert result.status == "disagree" and result.detail.startswith(f"normality test fails at t = {k}:"), result.detail
    assert result.counterexample.values["t"] == str(k)
    agree = run(ONE_STEP.format(k=k, steps=steps).replace("sqrt(3) * u[t]", "eps[t]"))
    assert agree.status == "agree" and "normality (Kolmogorov-Smirnov" in agree.detail
    assert f"Bonferroni over {3 * steps} tests" in agree.detail


ONE_DRAW = """\
derivation: p32
title: one draw
symbols:
  x: sequence
  a: {kind}
  eps: random sequence normal(0, 1)
  t: natural
independent: [[eps]]
checks:
  - distribution:
      process: x[t] = {process}
      claim: x[t] ~ Normal(0, a**2)
      steps: 5
      samples: 20000
"""


@pytest.mark.parametrize("seed", range(3))
def test_a_law_right_on_part_of_a_drawn_parameters_domain_is_refuted_at_a_draw(seed: int) -> None:
    """Drawn quantities are drawn several times across their domain (red-team F11)."""
    result = run(ONE_DRAW.format(kind="real", process="Max(a, 0) * eps[t]"), seed=seed)
    assert result.status == "disagree", result.detail
    values = result.counterexample.values
    assert float(values["a"]) < 0 and values["draw"] in ("1 of 5 (window)", "2 of 5 (other side)")
    assert f"(draw {values['draw'][0]} (" in result.detail
    agree = run(ONE_DRAW.format(kind="real", process="Abs(a) * eps[t]"), seed=seed)
    assert agree.status == "agree", agree.detail
    assert "at each of 5 draws of a" in agree.detail and "draw 5 (special) (a = 0)" in agree.detail
    assert "at 5 draws of a (window, other side, far, far other side, special)" in agree.evidence


def test_draws_that_differ_only_in_the_start_share_one_simulation_exactly() -> None:
    """Draw k's moments from the shared simulation equal a separate simulation of draw k with
    the same noise (up to rounding): the shift A_t (x0_k - x0_0) is the whole difference."""
    from derivcheck.check.stochastic.distribution import claimed_law, run, run_shared
    from derivcheck.check.stochastic.plan import build_plans

    derivation = load_text(short(), "short.deriv.yaml")
    scope = build_scope(derivation)
    plans = build_plans(derivation.checks[0].fields, scope, {}, torch.Generator().manual_seed(1),
                        torch.Generator().manual_seed(2))
    laws = [claimed_law(plan) for plan in plans]
    shared = run_shared(plans, laws, torch.Generator().manual_seed(9), "cpu")
    assert shared is not None and len(shared) == 5
    for plan, law, moments in zip(plans, laws, shared):
        alone = run(plan, torch.Generator().manual_seed(9), "cpu", law=law)
        assert torch.allclose(moments.mean, alone.mean, rtol=1e-9, atol=1e-9)
        assert torch.allclose(moments.variance, alone.variance, rtol=1e-7, atol=1e-12)
        assert float((moments.normality - alone.normality).abs().max()) <= 3 / (3 * 4000)  # a sample or so per bin edge
    # a coefficient that depends on a drawn quantity: no sharing
    text = short().replace("x0: vector[3]", "x0: vector[3]\n  s: positive").replace(
        "sqrt(1 - alpha[t]) * eps[t]", "sqrt(1 - alpha[t]) * s * eps[t]")
    derivation = load_text(text, "short.deriv.yaml")
    plans = build_plans(derivation.checks[0].fields, build_scope(derivation), {}, torch.Generator().manual_seed(1),
                        torch.Generator().manual_seed(2))
    assert run_shared(plans, [claimed_law(plan) for plan in plans], torch.Generator().manual_seed(9), "cpu") is None


@pytest.mark.parametrize("mean", ["sqrt(alpha_bar[t]) * Abs(x0)", "sqrt(alpha_bar[t]) * Min(x0, 10)",
                                  "sqrt(alpha_bar[t]) * x0 + 1/(1 + 100 * x0**2)"])
def test_a_mean_wrong_on_part_of_the_start_domain_is_refuted_on_the_shared_path(mean: str) -> None:
    text = short(claim=f"x[t] ~ Normal({mean}, 1 - alpha_bar[t])").replace("x0: vector[3]", "x0: real")
    result = run(text)
    assert result.status == "disagree" and "one shared simulation" in result.detail, result.detail
    assert "draw" in result.counterexample.values


def test_a_draw_that_cannot_be_simulated_is_stated_as_not_covered(monkeypatch: pytest.MonkeyPatch) -> None:
    from derivcheck.check.stochastic import distribution

    claimed = distribution.claimed_law

    def law(plan, broken=(4,)):
        mean, variance = claimed(plan)
        return mean, variance * (math.nan if plan.draw in broken else 1.0)

    monkeypatch.setattr(distribution, "claimed_law", law)
    result = run(ONE_DRAW.format(kind="real", process="Abs(a) * eps[t]"))
    assert result.status == "agree", result.detail
    assert "not covered: draw 5 (special): the claimed law is not a finite number at t = 1" in result.detail
    assert "at 4 draws of a (window, other side, far, far other side), 1 not covered" in result.evidence
    monkeypatch.setattr(distribution, "claimed_law", lambda plan: law(plan, broken=range(5)))
    assert run(ONE_DRAW.format(kind="real", process="Abs(a) * eps[t]")).status == "inconclusive"


def test_nothing_drawn_means_one_simulation() -> None:
    result = run(ONE_STEP.format(k=3, steps=4).replace("sqrt(3) * u[t]", "eps[t]"))
    assert result.status == "agree" and "draws" not in result.detail and "draws" not in result.evidence


def test_the_draws_cover_both_signs_both_far_ends_and_the_special_point() -> None:
    from fractions import Fraction

    from derivcheck.check.stochastic.draws import DRAWS, matrix_generator, real_values
    from derivcheck.check.numeric.domains import REAL, Domain

    g = torch.Generator().manual_seed(3)
    first = real_values(REAL, 0, 200, g)
    other = real_values(REAL, 1, 200, g, first)
    assert bool((first * other < 0).all()) and bool((other.abs() < 3).all())
    far, far_other = real_values(REAL, 2, 200, g, first), real_values(REAL, 3, 200, g, first)
    alternate = torch.tensor([1.0, -1.0] * 100, dtype=torch.float64)  # every other value the other way
    assert bool((far.abs() >= 10).all() and (far.abs() <= 1e6).all() and (far * first * alternate > 0).all())
    assert bool((far_other * first * alternate < 0).all() and (far_other.abs() >= 10).all())
    odd = real_values(REAL, 2, 1, g, first[:1], parity=1)  # the second quantity drawn: the other side first
    assert float(odd * first[0]) < 0
    assert real_values(REAL, 4, 3, g).tolist() == [0.0, 0.0, 0.0]
    unit = Domain(Fraction(0), Fraction(1))  # (0, 1), open
    first = real_values(unit, 0, 200, g)
    low, high = real_values(unit, 2, 200, g, first)[::2], real_values(unit, 3, 200, g, first)[::2]
    assert bool((low > 0).all() and (low <= 0.1).all() and (high < 1).all() and (high >= 0.9).all())
    assert real_values(unit, 4, 1, g).item() == 0.5  # no closed end, 0 outside: the first simple value inside
    assert real_values(Domain(Fraction(0), Fraction(1), lo_open=False), 4, 1, g).item() == 0.0
    positive = Domain(Fraction(0), None)
    assert bool((real_values(positive, 2, 50, g, real_values(positive, 0, 50, g))[::2] >= 10).all())
    assert bool((real_values(positive, 3, 50, g, real_values(positive, 0, 50, g))[::2] <= 0.1).all())
    g0 = matrix_generator("general", (3, 1), 0, g)
    assert bool((matrix_generator("general", (3, 1), 1, g, g0) * g0 < 0).all())
    assert matrix_generator("general", (3, 1), 4, g).abs().sum().item() == 0.0
    assert len(DRAWS) == 5


def test_noise_not_declared_independent_gives_no_verdict() -> None:
    result = run(short().replace("independent: [[eps]]\n", ""))
    assert result.status == "inconclusive" and "add `independent: [[eps]]`" in result.detail


def test_a_non_affine_process_with_two_noises_runs_step_by_step() -> None:
    text = short(process="x[t] = x[t - 1] + (eps[t] + nu[t]) / sqrt(2)", claim="x[t] ~ Normal(x0, t)")
    text = text.replace("independent: [[eps]]", "  nu: random sequence normal(0, 1)\nindependent: [[eps, nu]]")
    assert run(text).status == "agree"
    assert run(text.replace("Normal(x0, t)", "Normal(x0, 2*t)")).status == "disagree"


@pytest.mark.parametrize("groups", ["[[eps], [nu]]", "[[nu], [eps]]"])
def test_noises_in_separate_groups_are_not_simulated_as_independent(groups: str) -> None:
    """eps[t] and nu[t] in separate groups may depend on each other: drawing them independently
    covers only part of the declared model, so the check is `unknown`, never `numeric`."""
    text = short(process="x[t] = x[t - 1] + (eps[t] + nu[t]) / sqrt(2)", claim="x[t] ~ Normal(x0, t)")
    text = text.replace("independent: [[eps]]", f"  nu: random sequence normal(0, 1)\nindependent: {groups}")
    result = run(text)
    assert result.status == "inconclusive" and "not declared independent of each other" in result.detail


@pytest.mark.parametrize("steps, samples", [("100000", "10000000"), ("999999999", "999999999"),
                                            ("100001", "2"), ("1000", "999999999")])
def test_sizes_past_the_work_bound_end_at_once_naming_the_limit(steps: str, samples: str) -> None:
    """Every size the format accepts ends: past the counted bound the check is refused before
    anything is drawn, with the limit and what would fit."""
    import time

    started = time.process_time()
    result = run(short().replace("steps: 40", f"steps: {steps}").replace("samples: 4000", f"samples: {samples}"))
    assert result.status == "inconclusive" and "limit" in result.detail, result.detail
    assert "fewer" in result.detail
    assert time.process_time() - started < 60  # a hang guard: drawing 10^9 samples would take far longer


def test_the_cpu_safety_limit_covers_the_simulation() -> None:
    derivation = load_text(short(), "short.deriv.yaml")
    result = check_distribution(derivation.checks[0].fields, build_scope(derivation), seed=0, device="cpu",
                                key="c", budget=0.0)
    assert result.status == "inconclusive" and "safety limit" in result.detail, result.detail


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

DDPM = REPO / "derivations" / "s5-2-ddpm-forward-closed-form.deriv.yaml"
MUTANTS = sorted((REPO / "tests" / "data" / "mutants").glob("s5-2-ddpm-forward-closed-form--*.deriv.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20))
def test_ddpm_check_never_false_alarms_and_mutants_are_always_refuted(seed: int) -> None:
    assert len(MUTANTS) == 3
    assert run(DDPM.read_text(encoding="utf-8"), seed=seed).status == "agree"
    for mutant in MUTANTS:
        result = run(mutant.read_text(encoding="utf-8"), seed=seed)
        assert result.status == "disagree", (mutant.name, result.detail)


@pytest.mark.slow
def test_a_check_with_several_noises_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    """Noises are drawn in a fixed order, not in the order of a set (which follows PYTHONHASHSEED):
    the evidence, p-values included, is a function of the file and the seed alone."""
    import json
    import os
    import subprocess
    import sys

    path = REPO / "tests" / "data" / "true" / "distribution-normality-random-sign-at-one-step.deriv.yaml"
    details = set()
    for hash_seed in ("1", "4", "9"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-m", "derivcheck", "verify", str(path), "--no-cache", "-j", "1",
                              "--format", "json"], capture_output=True, text=True, env=env, cwd=tmp_path)
        details.add(json.loads(out.stdout)["derivations"][0]["outcomes"][0]["detail"])
    assert len(details) == 1, details
