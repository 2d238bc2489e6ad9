"""Sign proofs for inequality steps: sums of squares, Gram forms, monotone maps.

``nonnegative(e)`` and ``positive(e)`` return True only with a proof; False
means "not shown", never "false". Every rule needs its operands provably real
(SymPy's ``is_real``, or a trace/entry of real matrices): complex values are never
sampled, so a rule that took realness for granted would be believed unchecked.
"""

from __future__ import annotations

from typing import Callable

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ...expr.objects import Covariance, Expectation, Variance, is_declared_function
from ...expr.scope import MatrixDecl, ScalarDecl, Scope, may_be_complex
from ...expr.constants import constant_sign, is_constant

_MONOTONE = (sympy.exp, sympy.log, sympy.tanh, sympy.atan)  # sqrt is a Pow: see monotone_pair
_REAL_ON_REALS = (sympy.exp, sympy.sin, sympy.cos, sympy.tanh, sympy.atan)


def psd_matrices(scope: Scope) -> set[sympy.Basic]:
    return {
        d.symbol for d in scope.names.values() if isinstance(d, MatrixDecl) and d.has_qualifier("psd")
    }


_memo: dict | None = None
"""Answers within one outermost sign question: the rules below ask for the sign of each factor
and of its negation, at every level, which repeats work exponentially in the nesting depth."""


def _remembered(kind: str, body: Callable[[sympy.Basic, Scope, int], bool]) -> Callable[..., bool]:
    def ask(expr: sympy.Basic, scope: Scope, depth: int = 0) -> bool:
        global _memo
        outermost = _memo is None
        if outermost:
            _memo = {}
        try:
            key = (kind, expr, id(scope))
            if key not in _memo:
                _memo[key] = body(expr, scope, depth)
            return _memo[key]
        finally:
            if outermost:
                _memo = None

    ask.__doc__ = body.__doc__
    return ask


def _nonnegative(expr: sympy.Basic, scope: Scope, depth: int = 0) -> bool:
    """A proof that ``expr >= 0`` for every allowed value."""
    if depth > 40:
        return False
    if _known(expr, "nonnegative"):
        return True
    if may_be_complex(expr, scope):
        return False
    if isinstance(expr, sympy.Add):
        return all(nonnegative(t, scope, depth + 1) for t in expr.args) or _linear_on_interval(expr, scope, False)
    if isinstance(expr, sympy.Mul):
        signs = [_sign(f, scope, depth) for f in expr.args]
        if None in signs:
            return False
        return signs.count(-1) % 2 == 0
    if isinstance(expr, sympy.Pow):
        if expr.exp.is_integer and expr.exp.is_even:
            return is_real(expr.base, scope)
        return nonnegative(expr.base, scope, depth + 1) and bool(expr.exp.is_real)
    if isinstance(expr, (sympy.Abs, Variance)):
        return True
    if expr.func == sympy.exp:
        return is_real(expr.args[0], scope)
    if isinstance(expr, sympy.Trace):
        return gram(expr.arg, scope)
    if isinstance(expr, sympy.Determinant):
        return expr.arg in psd_matrices(scope)  # the eigenvalues of a psd matrix are >= 0
    if isinstance(expr, sympy.Integral):
        return _nonnegative_integral(expr, scope, depth)
    if isinstance(expr, MatrixElement) and expr.i == expr.j:
        return expr.parent in psd_matrices(scope)  # e_i.T @ M @ e_i >= 0
    return isinstance(expr, sympy.Symbol) and _linear_on_interval(expr, scope, False)


_CERTIFIED = {"positive": (1,), "nonnegative": (0, 1), "nonpositive": (0, -1)}


def _known(expr: sympy.Basic, fact: str) -> bool:
    """SymPy's assumption ``is_<fact>``, except for a constant, whose sign is read from an
    enclosure only (SymPy calls ``tanh(log(6) - log(2) - log(3))`` negative; see :mod:`.constants`)."""
    if is_constant(expr):
        return constant_sign(expr) in _CERTIFIED[fact]
    return getattr(expr, f"is_{fact}") is True


def provably_nonzero(expr: sympy.Basic, scope: Scope | None = None) -> bool:
    """A proof that ``expr != 0`` wherever it has a value: an exact nonzero rational; a constant
    whose certified enclosure excludes 0 (:func:`.constants.constant_sign`); a product or integer
    power of such factors; a symbol declared nonzero (or of a sign); an expression that SymPy's
    assumptions on its symbols make nonzero, with no compound constant inside; or (with ``scope``) a proved sign, ``expr > 0`` or ``-expr > 0``.
    False means "not shown": ``Abs(log(6) - log(2) - log(3))`` is 0, and not shown nonzero.

    Every division by, pivot on or solution through a coefficient or denominator asks this.

    >>> provably_nonzero(sympy.log(6) - sympy.log(2)), provably_nonzero(sympy.log(6) - sympy.log(2) - sympy.log(3))
    (True, False)
    """
    if not isinstance(expr, sympy.Expr):
        return False
    if is_constant(expr):
        return constant_sign(expr) in (1, -1)
    if isinstance(expr, sympy.Symbol):  # a declared sign (positive, nonzero) is an assumption of the symbol
        return expr.is_zero is False
    if isinstance(expr, sympy.Mul):
        return all(provably_nonzero(factor, scope) for factor in expr.args)
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer:
        return provably_nonzero(expr.base, scope)
    if expr.is_zero is False and not any(node.args and is_constant(node) for node in sympy.preorder_traversal(expr)):
        return True  # SymPy's assumptions on the symbols alone (no compound constant to misjudge)
    return scope is not None and (positive(expr, scope) or positive(-expr, scope))


def _nonnegative_integral(integral: sympy.Integral, scope: Scope, depth: int) -> bool:
    """An integral over ranges whose upper limit is not below the lower one, of an integrand
    non-negative for every real value of its variables, is >= 0 (or +oo)."""
    for limit in integral.limits:
        if len(limit) != 3:
            return False
        width = sympy.expand(limit[2] - limit[1])
        if not (_known(width, "nonnegative") or nonnegative(width, scope, depth + 1)):
            return False
    # the variables as plain reals: an assumption on a bound name must not speak for the range
    plain = {limit[0]: sympy.Dummy(str(limit[0]), real=True) for limit in integral.limits}
    integrand = integral.function.xreplace(plain)
    return is_real(integrand, scope) and nonnegative(integrand, scope, depth + 1)


def _positive(expr: sympy.Basic, scope: Scope, depth: int = 0) -> bool:
    """A proof that ``expr > 0``."""
    if depth > 40:
        return False
    if _known(expr, "positive"):
        return True
    if may_be_complex(expr, scope):
        return False
    if isinstance(expr, sympy.Add):
        return all(nonnegative(t, scope, depth + 1) for t in expr.args) and any(
            positive(t, scope, depth + 1) for t in expr.args
        ) or _linear_on_interval(expr, scope, True)
    if isinstance(expr, sympy.Mul):
        return all(positive(f, scope, depth + 1) for f in expr.args)
    if expr.func == sympy.exp:
        return is_real(expr.args[0], scope)
    if isinstance(expr, sympy.Determinant):
        return expr.arg in pd_matrices(scope)  # the eigenvalues of a pd matrix are > 0
    if isinstance(expr, MatrixElement) and expr.i == expr.j:
        return expr.parent in pd_matrices(scope)  # e_i.T @ M @ e_i > 0
    if isinstance(expr, sympy.Pow) and expr.exp.is_real:
        return positive(expr.base, scope, depth + 1)
    return isinstance(expr, sympy.Symbol) and _linear_on_interval(expr, scope, True)


def _linear_on_interval(expr: sympy.Expr, scope: Scope, strict: bool) -> bool:
    """``a*x + b >= 0`` (``> 0``) for ``x`` in its declared interval: a linear function is
    smallest at an end, so its value at the end the slope points away from decides (at an
    open end, the value 0 still gives ``> 0`` inside)."""
    if isinstance(expr, sympy.Add) and len(expr.args) == 2 and expr.args[0].is_Rational:
        symbol = expr.args[1].as_coeff_Mul()[1]
    elif isinstance(expr, sympy.Symbol):
        symbol = expr
    else:
        return False  # the canonical order of a*x + b puts the number first
    if not isinstance(symbol, sympy.Symbol):
        return False
    decl = scope.names.get(str(symbol))
    if not isinstance(decl, ScalarDecl) or decl.symbol != symbol or decl.is_integer or decl.kind == "complex":
        return False
    slope, intercept = expr.coeff(symbol, 1), expr.coeff(symbol, 0)
    if not (slope.is_Rational and intercept.is_Rational) or sympy.expand(slope * symbol + intercept - expr) != 0:
        return False
    end = _end(decl, lower=slope > 0)
    if end is None:
        return slope == 0 and (intercept > 0 or (not strict and intercept == 0))
    value, open_end = end
    at_end = slope * value + intercept
    if not at_end.is_Rational:
        return False
    return at_end > 0 or (at_end == 0 and (not strict or (open_end and slope != 0)))


def _end(decl: ScalarDecl, *, lower: bool) -> tuple[sympy.Expr, bool] | None:
    """The declared lower (upper) end of a real scalar and whether it is open, or None."""
    interval = decl.interval
    value = None if interval is None else (interval.lo if lower else interval.hi)
    if value is not None and value.is_finite:
        return value, interval.lo_open if lower else interval.hi_open
    sign = {"positive": (0, True, True), "nonnegative": (0, False, True), "negative": (0, True, False)}.get(decl.kind)
    if sign is not None and sign[2] == lower:
        return sympy.Integer(sign[0]), sign[1]
    return None


nonnegative = _remembered("nonnegative", _nonnegative)
positive = _remembered("positive", _positive)


def pd_matrices(scope: Scope) -> set[sympy.Basic]:
    return {d.symbol for d in scope.names.values() if isinstance(d, MatrixDecl) and "pd" in d.qualifiers}


def _sign(factor: sympy.Basic, scope: Scope, depth: int) -> int | None:
    if nonnegative(factor, scope, depth + 1):
        return 1
    if _known(factor, "nonpositive") or nonnegative(-factor, scope, depth + 1):
        return -1
    return None


def is_real(expr: sympy.Basic, scope: Scope) -> bool:
    """A proof that ``expr`` is real: SymPy knows it, or it is built by sums,
    products and integer powers from real scalars and traces, determinants and
    entries of real matrix expressions."""
    if expr.is_real:
        return True
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Min, sympy.Max)):
        return all(is_real(a, scope) for a in expr.args)
    if isinstance(expr, sympy.Abs):
        return True
    if is_declared_function(expr):  # a real function of real arguments
        return all(_is_real_matrix(a, scope) if isinstance(a, MatrixExpr) else is_real(a, scope) for a in expr.args)
    if expr.func in _REAL_ON_REALS:
        return is_real(expr.args[0], scope)
    if expr.func == sympy.log and len(expr.args) == 1:
        return is_real(expr.args[0], scope) and positive(expr.args[0], scope)
    if isinstance(expr, (Expectation, Variance, Covariance)):
        return all(is_real(a, scope) for a in expr.args)  # random variables are real
    if isinstance(expr, (sympy.Sum, sympy.Product, sympy.Integral)):
        return is_real(expr.function, scope) and all(is_real(b, scope) for lim in expr.limits for b in lim[1:])
    if isinstance(expr, sympy.Derivative):
        return is_real(expr.expr, scope) and all(v.is_real for v in expr.variables)
    if isinstance(expr, sympy.Pow):  # undefined where the base is 0 and the exponent negative: no value there
        if expr.exp.is_integer:
            return is_real(expr.base, scope)
        return bool(expr.exp.is_real) and nonnegative(expr.base, scope)
    if isinstance(expr, (sympy.Trace, sympy.Determinant)):
        return _is_real_matrix(expr.arg, scope)
    if isinstance(expr, MatrixElement):
        return _is_real_matrix(expr.parent, scope)
    return False


def _is_real_matrix(matrix: sympy.Basic, scope: Scope) -> bool:
    """Real entries: real declared matrices combined by sums, products, transposes
    and real scalar factors."""
    if isinstance(matrix, sympy.MatrixSymbol):
        decl = scope.names.get(str(matrix.name))
        return isinstance(decl, MatrixDecl) and "complex" not in decl.qualifiers
    if isinstance(matrix, (sympy.Identity, sympy.ZeroMatrix, sympy.OneMatrix)):
        return True
    if isinstance(matrix, sympy.MatPow) and not matrix.exp.is_integer:
        return False
    if isinstance(matrix, (sympy.MatAdd, sympy.MatMul, sympy.Transpose, sympy.Inverse, sympy.MatPow)):
        return all(
            _is_real_matrix(a, scope) if isinstance(a, MatrixExpr) else is_real(a, scope) for a in matrix.args
        )
    return False


def gram(matrix: sympy.Basic, scope: Scope) -> bool:
    """A proof that the square matrix product has non-negative trace: ``P.T @ Q @ P``
    with Q positive semi-definite (or absent), up to a non-negative scalar factor."""
    matrix = matrix.doit()
    if any(_complex(m, scope) for m in matrix.atoms(sympy.MatrixSymbol)):
        return False  # z.T @ z is not a squared norm for complex z
    if isinstance(matrix, sympy.MatAdd):
        return all(gram(t, scope) for t in matrix.args)
    coeff = sympy.Integer(1)
    factors: list[sympy.Basic] = []
    if isinstance(matrix, sympy.MatMul):
        for f in matrix.args:
            if isinstance(f, MatrixExpr):
                factors.append(f)
            else:
                coeff *= f
    else:
        factors = [matrix]
    if not _known(coeff, "nonnegative"):
        return False
    psd = psd_matrices(scope)
    # the trace is invariant under rotation: look for a Gram form in any rotation
    return any(_palindrome(factors[r:] + factors[:r], psd) for r in range(len(factors)))


def _complex(symbol: sympy.MatrixSymbol, scope: Scope) -> bool:
    decl = scope.names.get(symbol.name)
    return not isinstance(decl, MatrixDecl) or "complex" in decl.qualifiers


def _palindrome(factors: list[sympy.Basic], psd: set[sympy.Basic]) -> bool:
    k = len(factors)
    for i in range(k // 2):
        if sympy.Transpose(factors[i]).doit() != factors[k - 1 - i]:
            return False
    if k % 2 == 1:
        middle = factors[k // 2]
        return middle in psd or isinstance(middle, sympy.Identity)
    return k > 0


def monotone_pair(lower: sympy.Basic, upper: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic] | None:
    """``(u, v)`` when ``lower = f(u)`` and ``upper = f(v)`` for one increasing map f."""
    if lower.func == upper.func and lower.func in _MONOTONE and len(lower.args) == len(upper.args) == 1:
        return lower.args[0], upper.args[0]
    if isinstance(lower, sympy.Pow) and isinstance(upper, sympy.Pow) and lower.exp == upper.exp \
            and _known(lower.exp, "positive") and lower.exp.is_real:
        return lower.base, upper.base  # the caller checks the base's sign unless the power is odd
    # exp(t) = exp(t/k)**k for real t and k > 0: B**k <= exp(t) from B <= exp(t/k) (B >= 0 checked
    # by the caller), exp(t) <= B**k from exp(t/k) <= B (then B > 0)
    if isinstance(lower, sympy.Pow) and upper.func == sympy.exp and _known(lower.exp, "positive") and lower.exp.is_real:
        return lower.base, sympy.exp(upper.args[0] / lower.exp)
    if isinstance(upper, sympy.Pow) and lower.func == sympy.exp and _known(upper.exp, "positive") and upper.exp.is_real:
        return sympy.exp(lower.args[0] / upper.exp), upper.base
    return None
