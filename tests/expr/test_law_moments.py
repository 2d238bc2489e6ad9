"""Moments from declared laws (``random normal(m, v)`` / ``uniform(a, b)``, symbolic parameters
included): what the canonical form proves with them, and the look-alikes it must not prove."""

from __future__ import annotations

import pytest
import sympy

from derivcheck.check.symbolic.canonical import canonical
from derivcheck.check.symbolic.strategies import prove
from derivcheck.errors import InputErrors, Span
from derivcheck.expr.declarations import build_scope
from derivcheck.expr.laws import law_problem, raw_moment
from derivcheck.expr.objects import Relation
from derivcheck.expr.parser import parse_expression
from derivcheck.expr.scope import Scope
from derivcheck.format import load_text
from derivcheck.model import Text

HEAD = """derivation: d
title: t
symbols:
  mu, nu, a, b: real
  s, s2, t2, w: positive
  n, i, j: natural
  Z: random normal(0, s**2)
  X: random normal(mu, s2)
  Y: random normal(nu, t2)
  X2: random normal(mu, s2)
  U: random uniform(a, a + w)
  Q: random
  eps: random sequence normal(0, 1)
  C: random sequence normal(mu, s2)
  D: random sequence normal(mu, s2)
independent: [[X, Y], [eps], [C]]
steps:
  - claim: a = a
"""


@pytest.fixture(scope="module")
def scope() -> Scope:
    return build_scope(load_text(HEAD, "t.deriv.yaml"))


def _read(text: str, scope: Scope) -> sympy.Basic:
    return parse_expression(Text(text, Span("t.deriv.yaml", 1, 1)), scope)


def _proves(lhs: str, rhs: str, scope: Scope) -> bool:
    relation = Relation(_read(lhs, scope), "=", _read(rhs, scope))
    return prove(relation, scope, simplify=False) is not None


@pytest.mark.parametrize("lhs, rhs", [
    ("E(Z**4)", "3*s**4"),
    ("E(Z**3)", "0"),
    ("E(Z**6)", "15*s**6"),
    ("Var(a*X + b)", "a**2 * Var(X)"),
    ("Var(a*X + b)", "a**2 * s2"),
    ("E((X - mu)**2)", "s2"),
    ("E(X**2)", "mu**2 + s2"),
    ("E(U)", "a + w/2"),
    ("E(U**2)", "a**2 + a*w + w**2/3"),
    ("Var(U)", "w**2/12"),
    ("Var(X + Y)", "Var(X) + Var(Y)"),
    ("Var(X + Y)", "s2 + t2"),
    ("E(X*Y)", "mu*nu"),
    ("Cov(X, Y)", "0"),
    ("E(eps[i]**4)", "3"),
    ("Var(Sum(C[k], (k, 1, n))/n)", "s2/n"),
    ("E((Sum(C[k], (k, 1, n))/n)**2)", "mu**2 + s2/n"),
    ("Var(Sum(eps[k], (k, 1, n)))", "n"),
    ("E(X*Q)", "E(X*Q)"),
])
def test_moments_from_declared_laws_are_proved(scope: Scope, lhs: str, rhs: str) -> None:
    assert _proves(lhs, rhs, scope)


@pytest.mark.parametrize("lhs, rhs", [
    ("E(X*X2)", "E(X)*E(X2)"),            # laws declared, independence not
    ("Var(X + X2)", "Var(X) + Var(X2)"),
    ("Cov(X, X2)", "0"),
    ("E(X*Q)", "mu*E(Q)"),                # Q has no law and no independence
    ("E(Z**4)", "s**4"),
    ("Var(a*X + b)", "a*Var(X)"),
    ("E(X**2)", "E(X)**2"),
    ("E(U**2)", "(a + w/2)**2"),
    ("E(eps[i]*eps[j])", "0"),            # i = j is allowed
    ("E(D[i]*D[j])", "mu**2"),            # D is in no independence group
    ("Var(Sum(D[k], (k, 1, n)))", "n*s2"),
    ("Var(Sum(C[k], (k, 1, n))/n)", "s2/n**2"),
    ("E(exp(X))", "exp(mu)"),             # not a polynomial: no closed form here
])
def test_false_look_alikes_are_not_proved(scope: Scope, lhs: str, rhs: str) -> None:
    assert not _proves(lhs, rhs, scope)


def test_elements_of_an_independent_sequence_at_free_indices(scope: Scope) -> None:
    i, j = (scope.names[k].symbol for k in ("i", "j"))
    moment = canonical(_read("E(C[i]*C[j])", scope), scope)
    mu, s2 = (scope.names[k].symbol for k in ("mu", "s2"))
    assert sympy.expand(moment - (mu**2 + s2 * sympy.KroneckerDelta(i, j))) == 0


def test_raw_moments_match_sympy_stats() -> None:
    from sympy.stats import E, Normal, Uniform

    m, v, lo = sympy.Symbol("m", real=True), sympy.Symbol("v", positive=True), sympy.Symbol("lo", real=True)
    width = sympy.Symbol("width", positive=True)
    for k in range(7):
        normal = E(Normal("N", m, sympy.sqrt(v)) ** k)
        assert sympy.simplify(raw_moment("normal", (m, v), k) - normal) == 0
        uniform = E(Uniform("R", lo, lo + width) ** k)
        assert sympy.simplify(raw_moment("uniform", (lo, lo + width), k) - uniform) == 0


def test_a_law_must_be_proper_at_every_declared_value() -> None:
    s2 = sympy.Symbol("s2", real=True)
    assert law_problem("normal", (sympy.Integer(0), s2)) is not None
    assert law_problem("normal", (sympy.Integer(0), sympy.Symbol("s2", nonnegative=True))) is not None
    assert law_problem("normal", (sympy.Integer(0), sympy.Symbol("s2", positive=True))) is None
    assert law_problem("uniform", (s2, sympy.Integer(1))) is not None
    assert law_problem("normal", (sympy.Symbol("c", complex=True), sympy.Integer(1))) is not None


@pytest.mark.parametrize("declaration, where, fragment", [
    ("random normal(0, s2)", "5:23", "normal variance must be positive"),
    ("random normal(0, v)", "5:23", "normal variance must be positive"),
    ("random normal(0, q)", "5:23", "undeclared name `q`"),
    ("random uniform(s2, 1)", "5:21", "needs low < high"),
    ("random normal(0, A)", "5:23", "undeclared name `A`"),
    ("random normal(Q, 1)", "5:20", "undeclared name `Q`"),
])
def test_improper_symbolic_laws_are_read_errors(declaration: str, where: str, fragment: str) -> None:
    text = ("derivation: d\ntitle: t\nsymbols:\n  s2: real\n  Z: " + declaration
            + "\n  v: nonnegative\n  A: matrix[2, 2]\n  Q: random\nsteps:\n  - claim: s2 = s2\n")
    with pytest.raises(InputErrors) as info:
        build_scope(load_text(text, "t.deriv.yaml"))
    (error,) = info.value.errors
    assert fragment in error.message and str(error.span) == f"t.deriv.yaml:{where}", (error.message, str(error.span))


def test_powers_above_the_closed_form_limit_stay_moments(scope: Scope) -> None:
    from derivcheck.expr.objects import Expectation

    assert canonical(_read("E(X**65)", scope), scope).has(Expectation)
    assert not canonical(_read("E(X**64)", scope), scope).has(Expectation)
    assert _proves("E((X - mu)**8)", "105*s2**4", scope)


def test_hypotheses_against_a_symbolic_law_are_found_inconsistent() -> None:
    """A law's parameter stands unseen in its variable's moments: E(X) = m with m = mu + 1
    contradicts X ~ normal(mu, s2), though each alone can be solved for a lone symbol."""
    from derivcheck.check.symbolic.consistency import inconsistency
    from derivcheck.check.symbolic.witness import exact_witness

    text = HEAD.replace("steps:", "given:\n  h1: E(X) = m\n  h2: m = mu + 1\n  h3: E(X) = mu + 1\n  h4: Var(X) = v\nsteps:")
    text = text.replace("  s, s2, t2, w: positive\n", "  s, s2, t2, w, v: positive\n  m: real\n")
    scope = build_scope(load_text(text, "t.deriv.yaml"))
    h = scope.hypotheses
    assert inconsistency([h["h1"], h["h2"]], ["h1", "h2"], scope) is not None
    assert inconsistency([h["h3"]], ["h3"], scope) is not None
    assert inconsistency([h["h1"], h["h4"]], ["h1", "h4"], scope) is None
    witness = exact_witness([h["h1"], h["h4"]], scope)
    assert witness is not None  # m = mu, v = s2 at small values
    names = {str(k): v for k, v in witness.items()}
    assert names["m"] == names["mu"] and names["v"] == names["s2"]
