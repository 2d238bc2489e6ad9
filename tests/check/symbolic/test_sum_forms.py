"""The normal form of sums (derivcheck/check/symbolic/sums.py: normalize_sums).

Every rewrite must keep the value for every value of the bounds, reversed ones
included (SymPy's convention makes those signed sums): checked by expanding both
forms at concrete bounds. Equal sums written differently must get one form, and
the rewrites must never capture a name.
"""

from __future__ import annotations

import itertools

import pytest
import sympy

from derivcheck.check.trees import rename_dummies
from derivcheck.check.trees import bottom_up
from derivcheck.check.symbolic.sums import normalize_sums, undefined_term
from derivcheck.check.symbolic.strategies import prove
from derivcheck.expr.objects import Relation
from symbolic_helpers import scope_with

i, j, k, n, m = sympy.symbols("i j k n m", integer=True)
a, b, c = sympy.symbols("a b c", real=True)
x, y, p = (sympy.IndexedBase(name, real=True) for name in "xyp")

SUMS = [
    a * sympy.Sum(x[i] * sympy.Sum(p[j + n * (i - 1)], (j, 1, n)), (i, 1, m)),
    sympy.Sum(2 * x[i] + c * y[i] - x[i] * sympy.Sum(y[j], (j, 1, i)), (i, 1, n)),
    sympy.Sum(sympy.Sum(x[i] * y[j], (j, 1, m)) * sympy.Sum(y[k], (k, 1, n)), (i, 1, n)),
    sympy.Sum(x[i] * y[j], (i, 1, n), (j, 1, m)),
    sympy.Sum(c + x[i], (i, 1, n)),
    sympy.Sum(x[i] * sympy.Sum(y[i], (i, 1, m)), (i, 1, n)),  # a reused name: nothing may be captured
    sympy.Sum(x[i] * y[j] * x[k] * y[i], (i, 1, n), (j, 1, m), (k, 1, n)),  # splits into groups
    sympy.Sum(x[i] * y[j], (j, 1, i), (i, 1, m)),  # dependent limits: kept together
]


def _value(expr: sympy.Basic) -> sympy.Basic:
    """A sum with concrete bounds written out term by term: the last limit outermost
    (SymPy's meaning of several limits), a reversed range ``a > b + 1`` as minus the
    sum over ``b + 1 .. a - 1`` (SymPy's signed convention)."""

    def written_out(function: sympy.Basic, limits: tuple) -> sympy.Basic:
        if not limits:
            return function
        var, lo, hi = limits[-1]
        lo, hi = int(lo), int(hi)
        values, sign = (range(lo, hi + 1), 1) if hi >= lo - 1 else (range(hi + 1, lo), -1)
        return sign * sympy.Add(*[written_out(function.xreplace({var: v}),
                                              tuple(tuple(x.xreplace({var: v}) for x in lim) for lim in limits[:-1]))
                                  for v in values])

    def visit(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, sympy.Sum) and all(b.is_Integer for b in node.limits[-1][1:]):
            return written_out(node.function, node.limits)
        return node

    for _ in range(4):  # sums whose bounds became concrete only once an outer sum was written out
        expr = bottom_up(expr, visit)
    assert not expr.has(sympy.Sum)
    return sympy.expand(expr)


@pytest.mark.parametrize("expr", SUMS)
def test_the_normal_form_keeps_the_value_for_all_bounds(expr: sympy.Basic) -> None:
    normal = normalize_sums(expr)
    for nv, mv in itertools.product((-2, 0, 1, 3), (-1, 0, 2)):  # reversed ranges too
        at = {n: nv, m: mv}
        assert _value(expr.xreplace(at)) == _value(normal.xreplace(at)), (expr, normal, at)


def test_equal_sums_written_differently_get_one_form() -> None:
    nested = a * sympy.Sum(x[i] * sympy.Sum(p[j + n * (i - 1)], (j, 1, n)), (i, 1, m))
    flat = sympy.Sum(a * p[j + n * (i - 1)] * x[i], (i, 1, m), (j, 1, n))
    assert rename_dummies(normalize_sums(nested)) == rename_dummies(normalize_sums(flat))
    split = sympy.Sum(x[i], (i, 1, n)) + sympy.Sum(2 * y[i], (i, 1, n))
    assert sympy.expand(rename_dummies(normalize_sums(sympy.Sum(x[i] + 2 * y[i], (i, 1, n))))
                        - rename_dummies(normalize_sums(split))) == 0


def test_dependent_limits_keep_their_order() -> None:
    triangle = sympy.Sum(x[i] * y[j], (j, 1, i), (i, 1, n))
    assert normalize_sums(triangle).limits == triangle.limits


def test_sums_are_proved_equal_through_the_normal_form_but_off_by_one_is_not() -> None:
    scope, o = scope_with(n="natural", m="natural")
    nn, mm = o["n"], o["m"]
    xs = sympy.IndexedBase("x", real=True)
    left = sympy.Sum(sympy.Sum(xs[i] * xs[j], (j, 1, mm)), (i, 1, nn))
    right = sympy.Sum(xs[i] * sympy.Sum(xs[j], (j, 1, mm)), (i, 1, nn))
    assert prove(Relation(left, "=", right), scope)
    swapped = sympy.Sum(xs[j] * xs[i], (i, 1, nn), (j, 1, mm))
    assert prove(Relation(left, "=", swapped), scope)
    assert prove(Relation(left, "=", sympy.Sum(xs[i] * xs[j], (j, 1, mm), (i, 1, nn - 1))), scope) is None
    assert prove(Relation(left, "=", sympy.Sum(xs[i] * xs[i], (j, 1, mm), (i, 1, nn))), scope) is None


# -- infinite ranges and undefined terms (red-team classes C and E) --

def test_infinite_sums_keep_their_order_and_their_whole_summand() -> None:
    f = sympy.Function("f")
    swapped = sympy.Sum(f(i, j), (j, 1, sympy.oo), (i, 1, sympy.oo))
    assert normalize_sums(swapped) == swapped  # exchanging needs absolute convergence
    split = sympy.Sum(f(i) - f(i + 1), (i, 1, sympy.oo))
    assert normalize_sums(split) == split  # Sum(a + b) = Sum(a) + Sum(b) needs convergence
    product = sympy.Sum(f(i) * f(j), (i, 1, sympy.oo), (j, 1, n))
    assert normalize_sums(product) == product
    assert normalize_sums(sympy.Sum(f(i) - f(i + 1), (i, 1, n))) != sympy.Sum(f(i) - f(i + 1), (i, 1, n))


def test_no_finite_sum_rule_proves_an_infinite_series_identity() -> None:
    scope, s = scope_with(u="real", N="natural")
    f, g = sympy.Function("f"), sympy.Function("g")
    u, big = s["u"], s["N"]
    for lhs, rhs in [
        (sympy.Sum(g(i, j), (j, 1, sympy.oo), (i, 1, sympy.oo)), sympy.Sum(g(i, j), (i, 1, sympy.oo), (j, 1, sympy.oo))),
        (sympy.Derivative(sympy.Sum(sympy.sin(i * u) / i, (i, 1, sympy.oo)), u), sympy.Sum(sympy.cos(i * u), (i, 1, sympy.oo))),
        (sympy.Sum(f(i) - f(i + 1), (i, 1, sympy.oo)),
         sympy.Sum(f(i), (i, 1, sympy.oo)) - sympy.Sum(f(i + 1), (i, 1, sympy.oo))),
        (sympy.Sum(f(i + 1) - f(i), (i, 1, sympy.oo)), f(sympy.oo) - f(1)),  # no telescoping to oo
    ]:
        assert prove(Relation(lhs, "=", rhs), scope) is None, (lhs, rhs)
    # the finite versions are still proved
    assert prove(Relation(sympy.Derivative(sympy.Sum(sympy.sin(i * u) / i, (i, 1, big)), u),
                          "=", sympy.Sum(sympy.cos(i * u), (i, 1, big))), scope) is not None
    assert prove(Relation(sympy.Sum(2 / i**2, (i, 1, sympy.oo)), "=", sympy.pi**2 / 3), scope) is not None


@pytest.mark.parametrize("summed, value", [
    (sympy.Sum(1 / (k - 9) - 1 / (k - 10), (k, 1, 20)), sympy.Rational(1, 11) + sympy.Rational(1, 9)),
    (sympy.Sum(1 / (k - 50) - 1 / (k - 51), (k, 1, 200)), sympy.Rational(2, 75)),  # SymPy's doit
    (sympy.Sum(1 / (k - 9) - 1 / (k - 10), (k, 1, n + 10)), 1 / (n + 1) + sympy.Rational(1, 9)),
    (sympy.Sum(1 / (k - m) - 1 / (k - m - 1), (k, 1, 20)), 1 / (20 - m) + 1 / m),  # m natural: in range
    (sympy.Sum(sympy.log(k - 1) - sympy.log(k - 2), (k, 1, n + 3)), sympy.log(n + 2) - sympy.log(-1)),
    (sympy.Product(k / (k - 3), (k, 5, 2)), sympy.Integer(1)),  # Karr: the terms at k = 3, 4
])
def test_a_sum_with_an_undefined_term_is_never_proved(summed: sympy.Basic, value: sympy.Basic) -> None:
    scope, _ = scope_with(n="natural", m="natural")
    assert undefined_term(summed) is not None
    assert prove(Relation(summed, "=", value), scope) is None


@pytest.mark.parametrize("summed", [
    sympy.Sum(1 / (k - 9) - 1 / (k - 10), (k, 11, 30)),
    sympy.Sum(1 / (k * (k + 1)), (k, 1, n)),
    sympy.Sum(1 / (k + sympy.Rational(1, 2)), (k, -5, n)),
    sympy.Sum(1 / (k - n - 1), (k, 0, n)),
    sympy.Sum(1 / (k**2 + 1), (k, -n, n)),
    sympy.Sum(1 / (k - a), (k, 1, 20)),  # a real parameter: undefined only at special values, like 1/a
    sympy.Sum(1 / x[k], (k, 1, n)),
])
def test_a_summand_defined_on_its_range_is_not_flagged(summed: sympy.Basic) -> None:
    scope, s = scope_with(n="natural")
    summed = summed.xreplace({n: s["n"]})
    assert undefined_term(summed) is None


def test_an_infinite_sum_inside_a_finite_one_or_an_expectation_is_held_whole() -> None:
    from derivcheck.expr.objects import Expectation

    scope, s = scope_with(N="natural", X="random sequence")
    f = sympy.Function("f")
    big, X = s["N"], s["X"]
    inner = sympy.Sum(f(i, j), (j, 1, sympy.oo))
    # the inner sum depends on i: it is no constant of the outer sum
    assert prove(Relation(sympy.Sum(inner, (i, 1, big)), "=", big * inner), scope) is None
    # E of an infinite sum is the sum of E's only under convergence
    series = sympy.Sum(X[i] / 2**i, (i, 1, sympy.oo))
    assert prove(Relation(Expectation(series), "=", sympy.Sum(Expectation(X[i]) / 2**i, (i, 1, sympy.oo))),
                 scope) is None


def test_kronecker_deltas_are_summed_out_only_over_exact_ranges() -> None:
    """``Sum(KroneckerDelta(i, j), (j, lo, hi))`` is the indicator of lo <= i <= hi; a sum over
    ``i`` whose whole range satisfies it counts its terms. Look-alikes: an outer range wider than
    the inner one, a non-integer partner, a condition that fails inside the range."""
    N = sympy.Symbol("N", integer=True, positive=True)
    half = sympy.Symbol("h", real=True)
    square = sympy.Sum(sympy.KroneckerDelta(i, j), (i, 1, N), (j, 1, N))
    assert normalize_sums(square) == N
    wider = sympy.Sum(sympy.KroneckerDelta(i, j), (i, 0, N), (j, 1, N))
    assert normalize_sums(wider).subs(N, 3).doit() == 3  # i = 0 is in no inner range
    partner = sympy.Sum(sympy.KroneckerDelta(half, j), (j, 1, N))
    assert normalize_sums(partner).has(sympy.KroneckerDelta)  # h = 1/2 meets no integer j
    below = sympy.Sum(sympy.Piecewise((1, i <= 3), (0, True)), (i, 1, N))
    assert normalize_sums(below).subs(N, 5).doit() == 3
    for bounds in [(1, N), (2, N + 1)]:
        form = normalize_sums(sympy.Sum(sympy.KroneckerDelta(i, j) * x[j], (i, *bounds), (j, *bounds)))
        assert sympy.simplify(form.subs(N, 4).doit() - sympy.Sum(x[i], (i, *bounds)).subs(N, 4).doit()) == 0
