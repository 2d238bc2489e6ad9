"""The per-item pipeline on small inline files: every verdict kind, chains, the claim link."""

from __future__ import annotations

import textwrap

import pytest
import sympy

from derivcheck.check.pipeline.items import compose
from derivcheck.check.pipeline.derivation import check_derivation
from derivcheck.format.loader import load_text
from derivcheck.model import Options, Verdict


def run(body: str, **options) -> dict[str, object]:
    text = "derivation: t\ntitle: t\n" + textwrap.dedent(body)
    report = check_derivation(load_text(text, "t.deriv.yaml"), Options(**options))
    assert not report.errors, report.errors
    return {o.item: o for o in report.outcomes}


@pytest.mark.parametrize(
    ("ops", "composed"),
    [(["="], "="), (["=", "<=", "="], "<="), (["<=", "<"], "<"), ([">=", "="], ">="), (["=", ">"], ">")],
)
def test_relations_compose_like_calc(ops: list[str], composed: str) -> None:
    assert compose(ops) == composed


def test_proved_and_claim_link() -> None:
    out = run("""
        symbols:
          x, y: real
        claim: (x + y)**2 >= 4*x*y
        steps:
          - start: (x + y)**2
          - eq: (x - y)**2 + 4*x*y
          - ge: 4*x*y
        """)
    assert out["step-2"].verdict is Verdict.PROVED
    assert out["step-3"].verdict is Verdict.PROVED
    assert out["claim"].verdict is Verdict.PROVED and out["claim"].passed


def test_claim_link_needs_matching_ends_and_direction() -> None:
    out = run("""
        symbols:
          x, y: real
        claim: (x + y)**2 <= 4*x*y
        steps:
          - start: (x + y)**2
          - eq: (x - y)**2 + 4*x*y
          - ge: 4*x*y
        """)
    assert out["claim"].verdict is Verdict.UNKNOWN and not out["claim"].passed


def test_reversed_claim_is_linked() -> None:
    out = run("""
        symbols:
          x, y: real
        claim: 4*x*y <= (x + y)**2
        steps:
          - start: (x + y)**2
          - eq: (x - y)**2 + 4*x*y
          - ge: 4*x*y
        """)
    assert out["claim"].verdict is Verdict.PROVED


def test_refuted_step_does_not_advance_the_chain() -> None:
    out = run("""
        symbols:
          x: real
        claim: (x + 1)**2 = x**2 + 2*x + 1
        steps:
          - start: (x + 1)**2
          - eq: x**2 + 1
            expect: refuted
          - eq: x**2 + 2*x + 1
        """)
    assert out["step-2"].verdict is Verdict.REFUTED and out["step-2"].passed
    assert out["step-2"].counterexample is not None
    assert out["step-3"].verdict is Verdict.PROVED  # relates to step 1, not to the refuted step
    assert out["claim"].verdict is Verdict.PROVED


_ANY_TWO_REALS = """
    symbols:
      a, b: real
    given:
      h: a = b
      g: b >= 0
    claim: a = b
    {using}
    steps:
      - start: a
      - eq: b
        using: [h]
    """


def test_a_claim_that_drops_a_hypothesis_its_chain_uses_is_not_accepted() -> None:
    out = run(_ANY_TWO_REALS.format(using=""))
    assert out["step-2"].verdict is Verdict.PROVED and out["step-2"].using == ("h",)  # true under h
    claim = out["claim"]
    assert claim.verdict is Verdict.UNKNOWN and not claim.passed and claim.using == ()
    assert claim.detail == ("the chain uses hypotheses the claim does not state: h "
                            "(add `using: [h]` at the top level)")


def test_stating_other_hypotheses_is_not_enough() -> None:
    claim = run(_ANY_TWO_REALS.format(using="using: [g]"))["claim"]
    assert claim.verdict is Verdict.UNKNOWN and not claim.passed
    assert claim.detail == ("the chain uses hypotheses the claim does not state: h "
                            "(add `using: [g, h]` at the top level)")


def test_a_claim_that_states_its_hypotheses_is_proved_under_them() -> None:
    claim = run(_ANY_TWO_REALS.format(using="using: [h]"))["claim"]
    assert claim.verdict is Verdict.PROVED and claim.passed and claim.using == ("h",)


def test_a_hypothesis_of_a_step_the_chain_does_not_rely_on_is_not_needed() -> None:
    out = run("""
        symbols:
          x: real
        given:
          h: x = 0
        claim: (x + 1)**2 = x**2 + 2*x + 1
        steps:
          - start: (x + 1)**2
          - eq: 2
            using: [h]
            expect: refuted
          - eq: x**2 + 2*x + 1
        """)
    assert out["step-2"].verdict is Verdict.REFUTED  # a recorded error: not a step the claim relies on
    assert out["claim"].verdict is Verdict.PROVED and out["claim"].using == ()


def test_a_refuted_top_level_claim_is_checked_under_its_hypotheses() -> None:
    body = """
        symbols:
          x: real
        given:
          pos: x > 0
        claim: Abs(x) = {rhs}
        using: [pos]
        expect: refuted
        steps:
          - start: x
          - eq: x
        """
    wrong = run(body.format(rhs="-x"))["claim"]
    assert wrong.verdict is Verdict.REFUTED and wrong.passed and wrong.using == ("pos",)
    assert float(wrong.counterexample.values["x"]) > 0  # where the hypothesis holds
    right = run(body.format(rhs="x"))["claim"]  # true under x > 0: not refuted
    assert right.verdict is not Verdict.REFUTED and not right.passed


def test_refuted_step_in_chain_makes_the_claim_unknown() -> None:
    out = run("""
        symbols:
          x: real
        claim: (x + 1)**2 = x**2 + 1
        steps:
          - start: (x + 1)**2
          - eq: x**2 + 1
        """)
    assert out["step-2"].verdict is Verdict.REFUTED and not out["step-2"].passed
    assert out["claim"].verdict is Verdict.UNKNOWN


def test_proved_at_instances() -> None:
    out = run("""
        symbols:
          n: natural
        for: {n: 1..5}
        steps:
          - claim: Product(1 + 1/k, (k, 1, n)) = n + 1
        """)
    assert out["step-1"].verdict in (Verdict.PROVED, Verdict.PROVED_INSTANCES)
    instance_only = run("""
        symbols:
          n: natural
        for: {n: 1..3}
        steps:
          - claim: (n - 1)*(n - 2)*(n - 3) + Sum(k, (k, 1, n)) = n*(n + 1)/2
            expect: refuted
        """)
    # true at the listed instances 1..3, false at 4: the numeric check must refute it
    assert instance_only["step-1"].verdict is Verdict.REFUTED


def test_timeout_yields_to_numeric_and_numeric_alone_is_not_strict() -> None:
    # a claim no other test checks, and a cold SymPy cache: a forked worker that inherits an
    # earlier proof from the cache can answer within the 1 ms limit (seen once in a full run)
    body = """
        symbols:
          x: real
        steps:
          - claim: sin(x + 17)**4 - cos(x + 17)**4 = sin(x + 17)**2 - cos(x + 17)**2
        """
    sympy.core.cache.clear_cache()
    out = run(body, timeout=0.001)
    assert out["step-1"].verdict is Verdict.NUMERIC and out["step-1"].passed
    strict = run(body, timeout=0.001, strict=True)
    assert strict["step-1"].verdict is Verdict.NUMERIC and not strict["step-1"].passed


def test_unknown_without_numeric() -> None:
    out = run("""
        symbols:
          x: real
        steps:
          - claim: sin(x)**2 + cos(x)**2 = 1
        """, timeout=0.001, numeric=False)
    assert out["step-1"].verdict is Verdict.UNKNOWN and not out["step-1"].passed


def test_error_verdict_for_unreadable_step() -> None:
    out = run("""
        symbols:
          x: real
        steps:
          - claim: x.real = x
          - claim: x + x = 2*x
        """)
    assert out["step-1"].verdict is Verdict.ERROR and "t.deriv.yaml:" in out["step-1"].detail
    assert out["step-2"].verdict is Verdict.PROVED


def test_a_claim_whose_chain_has_an_unreadable_step_names_that_step() -> None:
    out = run("""
        symbols:
          x: real
        claim: 2*x = x + x
        steps:
          - start: 2*x
          - eq: x + x = 2*x
          - eq: x + x
        """)
    assert out["step-2"].verdict is Verdict.ERROR and "a relation where an expression belongs" in out["step-2"].detail
    assert out["claim"].verdict is Verdict.ERROR
    assert "broken at its step 2 (eq)" in out["claim"].detail, out["claim"].detail


def test_wrong_row_index_is_refuted_not_accepted_on_the_one_valid_configuration() -> None:
    # Most random index values fall outside the matrix; the few configurations that
    # remain must not be only those where i = n by accident.
    out = run("""
        symbols:
          N, M, D: dimension
          G: matrix[N, M]
          W: matrix[D, M]
          i, n, j: natural
        steps:
          - claim: (G @ W.T)[i, j] = (G @ W.T)[n, j]
        """)
    assert out["step-1"].verdict is Verdict.REFUTED
    assert out["step-1"].counterexample.values["i"] != out["step-1"].counterexample.values["n"]


def test_no_counterexample_where_a_rewrite_hypothesis_fails() -> None:
    # Random tables do not satisfy the quantified rule, so a disagreement after
    # rewriting refutes nothing: the honest verdict is unknown.
    out = run("""
        symbols:
          w: positive sequence
          k: integer
        given:
          flat: w[k] = w[k + 1]
        steps:
          - claim: w[1] + w[2] = 3*w[2]
            using: [flat]
        """)
    assert out["step-1"].verdict is Verdict.UNKNOWN
    assert "not enforced" in out["step-1"].detail


def test_determinants_and_inverses_of_3x3_products_stay_fast_and_checked() -> None:
    import time

    started = time.perf_counter()
    out = run("""
        symbols:
          n: dimension
          P: invertible matrix[n, n]
          L: diagonal matrix[n, n]
        for: {n: [1, 2, 3]}
        steps:
          - claim: det(P @ L @ inv(P)) = det(L)
          - claim: det(P @ L @ inv(P)) = det(P)**2 * det(L)
        """)
    assert out["step-1"].verdict is Verdict.PROVED
    assert out["step-2"].verdict is Verdict.REFUTED
    assert time.perf_counter() - started < 120  # was minutes when det/inv were expanded symbolically


def test_a_false_general_proof_is_overridden_and_reported(monkeypatch) -> None:
    from derivcheck.check import symbolic
    from derivcheck.check.pipeline import prover

    monkeypatch.setattr(prover, "prove", lambda *a, **k: symbolic.Proof("broken strategy"))
    out = run("""
        symbols:
          x: real
        steps:
          - claim: (x + 1)**2 = x**2 + 1
        """)
    assert out["step-1"].verdict is Verdict.REFUTED
    assert "broken strategy" in out["step-1"].detail and "soundness guard" in out["step-1"].detail


def test_strict_inequality_failing_only_at_the_zero_vector_is_refuted() -> None:
    out = run("""
        symbols:
          n: dimension
          A: pd matrix[n, n]
          x: vector[n]
        steps:
          - claim: x.T @ A @ x > 0
          - claim: x.T @ A @ x >= 0
        """)
    assert out["step-1"].verdict is Verdict.REFUTED
    assert out["step-2"].verdict is Verdict.PROVED


def test_degenerate_points_satisfying_a_hypothesis_are_no_evidence() -> None:
    # Only x = 0 (or v = 0) satisfies these hypotheses among random points; a claim
    # that holds there by accident must not be accepted on such points alone.
    out = run("""
        symbols:
          a, b, x: real
          n: dimension
          A: symmetric matrix[n, n]
          v: vector[n]
          lam: real
        given:
          scalar: a * x = b * x
          eigen: A @ v = lam * v
        steps:
          - claim: a * x = 2 * b * x
            using: [scalar]
          - claim: lam * v = 2 * (A @ v)
            using: [eigen]
        """)
    assert out["step-1"].verdict is not Verdict.NUMERIC and not out["step-1"].passed
    assert out["step-2"].verdict is not Verdict.NUMERIC and not out["step-2"].passed


def test_a_step_indexing_outside_its_matrices_at_every_size_is_an_error() -> None:
    out = run("""
        symbols:
          n: dimension
          z: vector[n]
          Lam: diagonal matrix[n, n]
        steps:
          - claim: Sum(z[i]**2 * Lam[i, i], (i, 1, n + 1)) = z.T @ Lam @ z
          - claim: Product(Lam[i, i], (i, 0, n)) = det(Lam)
          - claim: Sum(z[i]**2 * Lam[i, i], (i, 1, n)) = z.T @ Lam @ z
          - claim: z[n] = z[n]
        """)
    for key in ("step-1", "step-2"):
        assert out[key].verdict is Verdict.ERROR and "out of range" in out[key].detail
    # proved at default shapes only (no `for`): numeric agreement decides, and the proof is shown
    assert out["step-3"].verdict is Verdict.NUMERIC and "only at default shapes" in out["step-3"].detail
    assert out["step-4"].verdict is Verdict.PROVED  # a formal proof stands: z[n] is in range anyway


def test_simplify_upgrades_an_item_proved_at_its_instances() -> None:
    out = run("""
        symbols:
          n: natural
          x: real
        steps:
          - claim: n * (sin(x)**2 + cos(x)**2) = n
        for: {n: [1, 2, 3]}
        """)
    assert out["step-1"].verdict is Verdict.PROVED and out["step-1"].method == "simplify"


def test_a_proof_under_inconsistent_hypotheses_is_unknown() -> None:
    body = """
        symbols:
          x, y: real
          s: positive
        given:
          one: x = 1
          two: x = 2
          minus_one: s = -1
        steps:
          - claim: y = y + 1
            using: [one, two]
          - claim: s < 0
            using: [minus_one]
        """
    for numeric in (True, False):
        out = run(body, numeric=numeric)
        assert out["step-1"].verdict is Verdict.UNKNOWN and not out["step-1"].passed
        assert out["step-1"].detail.startswith("the hypotheses are inconsistent: `one`, `two` reduce to 1 = 2")
        assert "(strategy 'hypotheses') is vacuous" in out["step-1"].detail
        assert out["step-2"].verdict is Verdict.UNKNOWN
        assert "the declaration of s reduce to -1 > 0" in out["step-2"].detail


def test_a_proof_under_hypotheses_needs_a_point_where_they_hold() -> None:
    # sin(c) - 2 < 0, which SymPy does not see: the numeric check finds no point with a
    # non-negative variance; without numeric checks the proof stands, and says so
    body = """
        symbols:
          X: random
          c: real
        given:
          negative: Var(X) = sin(c) - 2
          solved: c = 1
        steps:
          - claim: Var(3*X) = 9*sin(c) - 18
            using: [negative]
          - claim: c**2 = 1
            using: [solved]
        """
    out = run(body)
    assert out["step-1"].verdict is Verdict.UNKNOWN
    assert out["step-1"].detail.startswith("no point satisfying the hypotheses was found")
    assert "may be vacuous" in out["step-1"].detail
    assert out["step-2"].verdict is Verdict.PROVED and "consistency" not in out["step-2"].detail
    off = run(body, numeric=False)
    assert off["step-1"].verdict is Verdict.PROVED
    assert "their consistency was not established (numeric checks off)" in off["step-1"].detail


def test_the_hypotheses_alone_are_sampled_when_the_claim_has_no_numeric_value() -> None:
    # the claim's integral over the real line has no numeric value; a > 1 holds at many points
    out = run("""
        symbols:
          a: positive
          b: real
        given:
          wide: a > 1
          shift: b = a
        steps:
          - claim: Integral(exp(-a * x**2), (x, -oo, oo)) + b = Integral(exp(-a * x**2), (x, -oo, oo)) + a
            using: [wide, shift]
        """)
    assert out["step-1"].verdict is Verdict.PROVED, out["step-1"].detail


def test_a_proof_at_default_shapes_only_does_not_pass_strict() -> None:
    body = """
        symbols:
          n: dimension
        {listed}
        steps:
          - claim: trace(eye(n)) <= 4
        """
    off = run(body.format(listed=""), numeric=False, strict=True)["step-1"]
    assert off.verdict is Verdict.UNKNOWN and not off.passed
    assert "proved symbolically only at default shapes (n in (1); (2) (2 instances))" in off.detail
    assert "no `for` lists n" in off.detail
    # the statement is false from n = 5: the numeric side samples dimensions beyond the defaults
    sampled = run(body.format(listed=""), strict=True)["step-1"]
    assert sampled.verdict is Verdict.REFUTED and not sampled.passed
    listed = run(body.format(listed="for: {n: [1, 2]}"), numeric=False, strict=True)["step-1"]
    assert listed.verdict is Verdict.PROVED_INSTANCES and listed.passed and listed.detail == "at n in {1, 2} (2 instances)"


def test_top_level_expect_refuted_applies_to_the_checks_without_a_claim() -> None:
    body = """
        symbols:
          n: dimension
          x: vector[n]
        expect: refuted
        checks:
          - gradient:
              of: x.T @ x
              wrt: x
              equals: 3 * x
          - gradient:
              of: x.T @ x
              wrt: x
              equals: 2 * x
            expect: holds
        """
    out = run(body)
    assert out["check-1"].expect == "refuted" and out["check-1"].verdict is Verdict.REFUTED and out["check-1"].passed
    assert out["check-2"].expect == "holds" and out["check-2"].verdict is Verdict.PROVED and out["check-2"].passed
    with_claim = run(body.replace("expect: refuted", "claim: x.T @ x >= 1\n        expect: refuted"))
    assert with_claim["claim"].expect == "refuted" and with_claim["check-1"].expect == "holds"


def test_an_item_cut_short_by_a_safety_limit_is_unknown_and_marked_not_final(monkeypatch) -> None:
    import time

    body = """
        symbols:
          x: real
        steps:
          - claim: sin(x)**2 + cos(x)**2 = 1
          - claim: x + x = 2*x
        """
    assert not any(o.limit for o in run(body, timeout=0.001).values())
    cpu = [0.0]

    def spent() -> float:  # every reading of this process's CPU clock finds another minute used
        cpu[0] += 60.0
        return cpu[0]

    monkeypatch.setattr(time, "process_time", spent)
    out = run(body, timeout=0.001)
    cut = out["step-1"]
    assert cut.verdict is Verdict.UNKNOWN and not cut.passed, cut.detail  # not `numeric` on partial work
    assert "safety limit" in cut.detail and "safety limit" in cut.limit  # honest, and never cached
    assert out["step-2"].verdict is Verdict.PROVED  # a general proof stands (its numeric check was cut too)


def test_a_proof_through_an_untrusted_integral_counts_only_with_numeric_agreement() -> None:
    # SymPy gives the divergent integral of 1/x**2 over [b, 1], b < 0, the value -1 + 1/b
    body = """
        symbols:
          b: negative
          r: positive
          x: real
        steps:
          - claim: Integral(1/x**2, (x, b, 1)) < 0
          - claim: Integral(1/(x + 1)**2, (x, 0, r)) = 1 - 1/(r + 1)
          - claim: Integral(Abs(x - 1), (x, 0, 2)) = 1
        """
    out = run(body)
    assert out["step-1"].verdict is Verdict.UNKNOWN
    assert "not trusted on its own" in out["step-1"].detail
    assert out["step-2"].verdict is Verdict.PROVED  # the pole at -1 is outside [0, r]
    assert out["step-3"].verdict is Verdict.PROVED and "cross-checked numerically" in out["step-3"].detail
    off = run(body, numeric=False)
    assert off["step-1"].verdict is Verdict.UNKNOWN and "numeric checks are off" in off["step-1"].detail
    assert off["step-2"].verdict is Verdict.PROVED
    assert off["step-3"].verdict is Verdict.UNKNOWN


def test_a_sum_with_an_undefined_term_is_unknown_and_says_why() -> None:
    out = run("""
        symbols:
          c: real
        steps:
          - claim: Sum(1/(k - 9) - 1/(k - 10), (k, 1, 20)) = 1/11 + 1/9
        """, numeric=False)
    assert out["step-1"].verdict is Verdict.UNKNOWN
    assert "at k = 9 is undefined" in out["step-1"].detail
