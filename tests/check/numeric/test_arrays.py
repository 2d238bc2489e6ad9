"""The two back ends of the numeric evaluator agree (derivcheck/check/numeric/arrays.py).

Random points run on numpy unless CUDA is asked for; torch stays for autograd and
CUDA. numpy must give every value the meaning torch gives it (principal branches,
``0**0`` without a value, ``sign`` at 0 and at an overflow, Heaviside at 0, nan and
inf), or a point torch refutes could agree on numpy. The draws are numpy's in both,
so a whole configuration finds the same failing points.
"""

from __future__ import annotations

import math

import numpy
import pytest
import sympy

from derivcheck.check.numeric.arrays import NUMPY, arrays_for, torch_arrays
from derivcheck.check.numeric.evaluate import Evaluator, compare
from derivcheck.check.numeric.sampling import generator, sample_batch
from derivcheck.check.realize import LazyDet, LazyInverseEntry, RealizedRelation
from derivcheck.errors import UsageError

from test_numeric import Decls, R  # the hand-built scope of the numeric tests

torch = pytest.importorskip("torch")
TORCH = torch_arrays("cpu")

x, y = sympy.symbols("x y")
SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1e-300, -1e-300, 1e300, -1e300, 710.0, -710.0,
           math.inf, -math.inf, math.nan, math.pi / 2, 3.0, -3.0]
GRID = [complex(a, b) for a in SPECIAL for b in SPECIAL]
EXPRESSIONS = [
    sympy.exp(x), sympy.log(x), sympy.sin(x), sympy.cos(x), sympy.tan(x), sympy.tanh(x), sympy.sinh(x),
    sympy.cosh(x), sympy.atan(x), sympy.asin(x), sympy.acos(x), sympy.Abs(x), sympy.sign(x), sympy.re(x),
    sympy.im(x), sympy.conjugate(x), sympy.sqrt(x), x ** sympy.Rational(3, 2), x**3, x**-2, x**0, x**y, y**x,
    sympy.Heaviside(x), sympy.Heaviside(x, 0), sympy.Max(x, y), sympy.Min(x, 1),
    sympy.Piecewise((x, x > 0), (y, x < 0)), sympy.Piecewise((1, x >= y), (0, True)),
    1 / x, x / y, x * y - y * x + 1, (x - y) ** 64,
]


def _values(arrays, points: list[complex], others: list[complex]) -> dict:  # type: ignore[no-untyped-def]
    return {x: arrays.complex(numpy.array(points, dtype=complex)),
            y: arrays.complex(numpy.array(others, dtype=complex))}


def _same(a: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
    """Where two complex arrays agree: both without a finite value, or close (bitwise for most)."""
    both_silent = ~numpy.isfinite(a) & ~numpy.isfinite(b)
    with numpy.errstate(all="ignore"):
        close = numpy.isfinite(a) & numpy.isfinite(b) & (abs(a - b) <= 1e-12 * (1 + abs(a) + abs(b)))
    return both_silent | close


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_every_function_has_the_same_value_on_both_back_ends(expr: sympy.Expr) -> None:
    """On a grid of finite points (with signed zeros and values past float64's range of exp) and
    on real points with infinities and NaN, numpy's value is torch's (or both have none)."""
    finite = [z for z in GRID if math.isfinite(z.real) and math.isfinite(z.imag)]
    real = [complex(v) for v in SPECIAL]
    for points, others in ((finite, finite[::-1]), (real, real[::-1]), (real, [0j] * len(real))):
        with numpy.errstate(all="ignore"):
            ours = Evaluator(_values(NUMPY, points, others), len(points), NUMPY)(expr)
        theirs = TORCH.host(Evaluator(_values(TORCH, points, others), len(points), TORCH)(expr))
        ours = numpy.asarray(ours)
        bad = [(p, q, a, b) for p, q, a, b, ok in zip(points, others, ours, theirs, _same(ours, theirs)) if not ok]
        # far past float64's range (exp(710), 1e300**1.5) the two libraries round differently
        # in the last bits: both values are overflow debris there, which the masks below drop
        bad = [b for b in bad if not any(abs(v) >= 1e300 or abs(v) == 710 for v in (b[0], b[1]))]
        assert not bad, bad[:5]


COMPOSED = [
    sympy.atan(1 / x), sympy.tanh(1 / x), sympy.Heaviside(1 / x), sympy.exp(-sympy.exp(x)), sympy.exp(-1 / x**2),
    1 / (1 / x), sympy.tanh(sympy.exp(x)), sympy.exp(x) * sympy.exp(-x), sympy.log(sympy.exp(x)), sympy.Abs(1 / x),
    sympy.sign(1 / x), sympy.Max(1 / x, y), sympy.Min(sympy.exp(x), y), sympy.atan(x / y), sympy.cos(1 / x),
    sympy.exp(sympy.log(x) * y), sympy.tanh(sympy.exp(x) * (1 + sympy.I)), sympy.exp(-(sympy.exp(x) + sympy.I * y)),
    sympy.atan(1 / x + sympy.I), sympy.exp(-1 / x), sympy.log(1 / x), 1 / (x - y), sympy.sqrt(x**2 + y**2),
    sympy.Heaviside(sympy.sign(sympy.exp(x) * sympy.I)), sympy.re(sympy.sign(sympy.exp(x) * sympy.I)),
    sympy.Abs(sympy.sign(sympy.exp(x) + y)),
]
WIDE = [0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 1e-300, -1e-300, 1e-170, 1e150, -1e150, 1e300, -1e300, 700.0, 710.0,
        -710.0, 1e6, -1e6, 5e5, 3.0]


@pytest.mark.parametrize("expr", COMPOSED, ids=str)
def test_values_past_overflow_and_at_poles_have_the_same_meaning_on_both(expr: sympy.Expr) -> None:
    """Where an inner value overflows or has a pole (1/0), what the outer function makes of it
    is the same on both: numpy's 1/0 (inf + nan*i, which C99's atan maps to pi/2) is made
    torch's NaN, so atan(1/x) has no value at x = 0 on either."""
    pairs = [(complex(a), complex(b)) for a in WIDE for b in WIDE]
    points, others = [p for p, _ in pairs], [q for _, q in pairs]
    with numpy.errstate(all="ignore"):
        ours = numpy.asarray(Evaluator(_values(NUMPY, points, others), len(points), NUMPY)(expr))
    theirs = TORCH.host(Evaluator(_values(TORCH, points, others), len(points), TORCH)(expr))
    same = _same(ours, theirs)
    assert same.all(), [(p, q, a, b) for p, q, a, b, ok in zip(points, others, ours, theirs, same) if not ok][:5]


def test_zero_to_the_zero_and_signs_at_zero_and_at_overflow() -> None:
    """``0**0`` has no float value on either back end (SymPy says 1; confirmation decides);
    ``sign(0) = 0``, ``sign`` of an overflowed value none; ``Heaviside(0) = 1/2``."""
    points = [0j, 0j, math.inf + 0j, -4 + 0j]
    for arrays in (NUMPY, TORCH):
        with numpy.errstate(all="ignore"):
            ev = Evaluator(_values(arrays, points, [0j, 1 + 0j, 1 + 0j, 0.5 + 0j]), 4, arrays)
            power = arrays.host(ev(x**y))
            sign = arrays.host(ev(sympy.sign(x)))
            step = arrays.host(ev(sympy.Heaviside(x)))
            root = arrays.host(ev(sympy.sqrt(x)))
        assert not numpy.isfinite(power[0]), arrays.name
        assert power[1] == 0 and abs(power[3] - 2j) < 1e-15, arrays.name  # (-4)**(1/2) = 2i, principal
        assert sign[0] == 0 and not numpy.isfinite(sign[2]) and sign[3] == -1, arrays.name
        assert step[0] == 0.5 and step[3] == 0, arrays.name
        assert root[3] == 2j, arrays.name


def test_lazy_determinants_and_inverses_are_nan_where_singular_on_both() -> None:
    a, b, c, d = sympy.symbols("a b c d")
    det = LazyDet(sympy.Integer(2), a, b, c, d)
    inv = LazyInverseEntry(sympy.Integer(2), sympy.Integer(0), sympy.Integer(1), a, b, c, d)
    data = {a: [1.0, 1.0, 2.0], b: [2.0, 2.0, 0.0], c: [3.0, 0.5, 0.0], d: [4.0, 1.0, 0.5]}
    results = []
    for arrays in (NUMPY, TORCH):
        values = {s: arrays.complex(numpy.array(v)) for s, v in data.items()}
        ev = Evaluator(values, 3, arrays)
        results.append((arrays.host(ev(det)), arrays.host(ev(inv))))
    (det_np, inv_np), (det_t, inv_t) = results
    assert numpy.allclose(det_np, det_t) and numpy.allclose(det_np, [-2, 0, 1])
    assert numpy.isnan(inv_np[1]) and numpy.isnan(inv_t[1])  # singular: no value
    assert numpy.allclose(inv_np[[0, 2]], inv_t[[0, 2]]) and numpy.allclose(inv_np[0], 1)


def test_compare_gives_the_same_masks_on_both_back_ends() -> None:
    points = [complex(v) for v in SPECIAL]
    others = points[::-1]
    relations = [RealizedRelation(op, ((lhs, rhs),), None) for op, lhs, rhs in (
        ("=", sympy.sqrt(x**2), sympy.Abs(x)), ("=", sympy.log(x * y), sympy.log(x) + sympy.log(y)),
        ("<=", x**2, sympy.exp(x)), (">", sympy.asin(x), y), ("<", x**y, 1), ("=", x**0, 1))]
    for relation in relations:
        masks = []
        for arrays in (NUMPY, TORCH):
            gaps: list = []
            masks.append([*compare(relation, _values(arrays, points, others), len(points), arrays, gaps=gaps),
                          gaps[0]])
        for ours, theirs in zip(*masks):
            assert isinstance(ours, numpy.ndarray) and isinstance(theirs, numpy.ndarray)
            assert numpy.array_equal(ours, theirs) or numpy.allclose(ours, theirs, equal_nan=True), relation


def test_draws_are_numpys_and_follow_the_seed() -> None:
    from derivcheck.check.numeric.domains import Domain
    from derivcheck.check.numeric.sampling import Param

    params = [Param("x", "scalar", (x,), Domain(None, None)), Param("m", "matrix", (y,), shape=(2, 2))]
    first, again = (sample_batch(params, 32, generator(5), wide=True) for _ in range(2))
    other = sample_batch(params, 32, generator(6), wide=True)
    assert all(isinstance(v, numpy.ndarray) and v.dtype == numpy.float64 for v in first.values())
    assert all(numpy.array_equal(first[k], again[k]) for k in first)
    assert not numpy.array_equal(first["x"], other["x"])
    assert generator(-1).random() == generator(2**64 - 1).random()  # any integer seeds it


def test_a_configuration_fails_at_the_same_points_on_both_back_ends() -> None:
    """A Trial at the same seed: the same draws, so the same valid, failing and agreeing points."""
    from derivcheck.check.numeric.prepare import prepare_branches
    from derivcheck.check.numeric.trial import Trial

    d = Decls()
    a, b = d.scalar("a"), d.scalar("b")
    p = d.scalar("p", "positive")
    m = d.matrix("M", sympy.Integer(2), sympy.Integer(2))
    claims = [R((a + b) ** 2, "=", a**2 + 2 * a * b + b**2), R(sympy.sqrt(a**2), "=", a),
              R(sympy.log(a * b), "=", sympy.log(a) + sympy.log(b)), R(a**2 - a + sympy.Rational(1, 5), ">", 0),
              R(p**a, "=", sympy.exp(a * sympy.log(p))), R(sympy.Abs(a) * sympy.sign(a), "=", a),
              R(sympy.Determinant(m @ m), "=", sympy.Determinant(m) ** 2), R(sympy.asin(a), "<=", 2)]
    for claim in claims:
        (prepared,) = prepare_branches(claim, [], d.scope)
        runs = []
        for arrays in (NUMPY, TORCH):
            trial = Trial.build(prepared, d.scope, {}, 3, arrays)
            trial.run(24, 3000)
            runs.append((trial.valid, trial.hard, trial.failing, [i for i, _ in trial.agreeing]))
        assert runs[0] == runs[1], claim


def test_random_points_use_numpy_unless_cuda_is_asked_for() -> None:
    assert arrays_for("auto") is NUMPY and arrays_for("cpu") is NUMPY
    with pytest.raises(UsageError):
        arrays_for("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(UsageError):
            arrays_for("cuda")
    else:
        assert arrays_for("cuda").name == "torch"
