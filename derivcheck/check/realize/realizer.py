"""Explicit realisation: a parsed expression at concrete sizes, written out entry by entry.

``realize(expr, env)`` substitutes the integer parameters, replaces every
``MatrixSymbol`` by an explicit matrix (entries may be symbols or numbers) and
evaluates the matrix algebra, sums and products with concrete bounds, gradients,
Hessians and derivatives explicitly (those in :mod:`derivcheck.check.realize.calculus`).
The symbolic checker uses it with symbolic entries
(:func:`derivcheck.check.realize.entries.realize_symbolic`); the numeric
checker with symbolic entries that it then evaluates at sampled points, and the
confirmation with exact rationals.

>>> n = sympy.Symbol("n", integer=True, positive=True)
>>> z = sympy.MatrixSymbol("z", n, 1)
>>> env = Realization(integers={n: 2}, matrices={z: sympy.ImmutableMatrix([1, 2])})
>>> realize(sympy.Trace(z.T @ z), env)
5
"""

from __future__ import annotations

from typing import Any, Callable

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ...expr import objects
from .base import (MAX_PRODUCT_TERMS, MAX_SYMBOLIC_ORDER, MAX_TERMS, FunctionReplacement, Realization, RealizeError,
                   UndefinedAt, as_scalar, check_entries, is_matrix)
from .calculus import CalculusRealizer
from .lazy_algebra import lazy_det, lazy_inverse

def realize(expr: Any, env: Realization) -> Any:
    """``expr`` written out at ``env``: a SymPy scalar or an explicit ``ImmutableMatrix``."""
    return Realizer(env).run(expr)


def _matrix_product(a: sympy.MatrixBase, b: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    """``a @ b`` entry by entry, each entry one ``Add`` (SymPy's own product adds
    the terms one at a time, which is quadratic in the inner size). Refused beyond
    :data:`MAX_ENTRIES` entries (an outer product of long vectors)."""
    check_entries("a matrix product", a.rows, b.cols)
    entries = [sympy.Add(*[a[i, k] * b[k, j] for k in range(a.cols)])
               for i in range(a.rows) for j in range(b.cols)]
    return sympy.ImmutableMatrix(a.rows, b.cols, entries)


def _power(base: sympy.ImmutableMatrix, k: int) -> sympy.ImmutableMatrix:
    """``base ** k`` (k >= 0) by repeated squaring with :func:`_matrix_product`: SymPy's own
    power simplifies every product of symbolic entries (``dotprodsimp``), which takes
    minutes on the entries of a symbolic inverse."""
    result = sympy.ImmutableMatrix(sympy.eye(base.rows))
    first = True
    while k:
        if k & 1:
            result = base if first else _matrix_product(result, base)
            first = False
        k >>= 1
        if k:
            base = _matrix_product(base, base)
    return result


class Realizer(CalculusRealizer):
    """One realisation pass; ``bound`` holds the values of Sum/Product indices being expanded.

    One instance counts the terms and products it writes out over all its runs (the limits
    of :mod:`~derivcheck.check.realize.base` hold for the whole pass)."""

    def __init__(self, env: Realization, memo: dict | None = None) -> None:
        self.env = env
        self.bound: dict[sympy.Symbol, sympy.Integer] = {}
        self.memo: dict[Any, Any] = {} if memo is None else memo
        self.terms = 0
        self.products = 0  # terms a[i, k] * b[k, j] of the matrix products written out so far
        self.handlers = self._handlers()

    def _lazy(self, m: sympy.ImmutableMatrix) -> bool:
        return self.env.lazy_linear_algebra and m.rows > 1 and not all(x.is_number for x in m)

    def _det(self, m: sympy.ImmutableMatrix) -> Any:
        return lazy_det(m) if self._lazy(m) else _symbolic_order(m, "det").det(method="berkowitz")

    def _inverse(self, m: sympy.ImmutableMatrix) -> sympy.ImmutableMatrix:
        if self._lazy(_square(m, "inv")):
            return lazy_inverse(m)
        limit = self.env.max_symbolic_inverse
        if m.rows > limit and not all(x.is_number for x in m):
            raise RealizeError(f"inv of a {m.rows}x{m.cols} matrix with symbolic entries: written out here only up "
                               f"to {limit}x{limit}")
        return _inverse(m)

    # -- dispatch ---------------------------------------------------------
    def run(self, e: Any) -> Any:
        if is_matrix(e):
            return sympy.ImmutableMatrix(e.applyfunc(lambda x: as_scalar(self.run(x), "a matrix entry")))
        if not isinstance(e, sympy.Basic):
            return e
        if e is sympy.zoo or e is sympy.nan:
            # a 1/0 or log(0) made while writing out (1/u on a diagonal's zero, a sum's term):
            # no value, even where a later step would absorb it (1/zoo is 0 to SymPy)
            raise RealizeError("a value written out here is undefined (a division by 0)")
        if isinstance(e, sympy.Symbol):
            return self._symbol(e)
        if e.is_Number or e.is_NumberSymbol or e is sympy.I or isinstance(e, sympy.Dummy):
            return e
        # each distinct sub-expression once (at the same values of the indices being expanded)
        key = (e, tuple(self.bound.items())) if self.bound else e
        done = self.memo.get(key)
        if done is None:
            done = self._run(e)
            if done is sympy.zoo or done is sympy.nan:
                raise RealizeError(f"{e} is undefined where it is written out (a division by 0)")
            self.memo[key] = done
        return done

    def _run(self, e: sympy.Basic) -> Any:
        handler = self.handlers.get(type(e))
        if handler is not None:
            return handler(e)
        if objects.is_declared_function(e):
            return self._function(e)
        if isinstance(e, MatrixExpr):
            raise RealizeError(f"cannot realise the matrix expression {e} ({type(e).__name__})")
        if not e.args:
            return e
        return e.func(*[as_scalar(self.run(a), type(e).__name__) for a in e.args])

    def _handlers(self) -> dict[type, Callable[[Any], Any]]:
        return {
            sympy.MatrixSymbol: self._matrix_symbol,
            sympy.Identity: lambda e: sympy.ImmutableMatrix(sympy.eye(self._shape(e)[0])),
            sympy.ZeroMatrix: lambda e: sympy.ImmutableMatrix(sympy.zeros(*self._shape(e))),
            sympy.OneMatrix: lambda e: sympy.ImmutableMatrix(sympy.ones(*self._shape(e))),
            sympy.MatMul: self._matmul,
            sympy.MatAdd: self._matadd,
            sympy.Transpose: lambda e: self._matrix(e.arg, "transpose").T,
            sympy.Inverse: lambda e: self._inverse(self._matrix(e.arg, "inv")),
            sympy.MatPow: self._matpow,
            sympy.Determinant: lambda e: self._det(_square(self._matrix(e.arg, "det"), "det")),
            sympy.Trace: self._trace,
            MatrixElement: self._element,
            sympy.Indexed: self._indexed,
            sympy.Sum: lambda e: self._expand(e, sympy.Add),
            sympy.Product: lambda e: self._expand(e, sympy.Mul),
            sympy.Integral: self._integral,
            sympy.Derivative: self._derivative,
            objects.Gradient: self._gradient,
            objects.FunctionGradient: self._function_gradient,
            objects.HessianMatrix: self._hessian,
            objects.Elementwise: self._elementwise,
            objects.Expectation: self._moment,
            objects.Variance: self._moment,
            objects.Covariance: self._moment,
        }

    # -- atoms ------------------------------------------------------------
    def _symbol(self, s: sympy.Symbol) -> Any:
        if s in self.bound:
            return self.bound[s]
        if s in self.env.integers:
            return sympy.Integer(self.env.integers[s])
        if s in self.env.scalars:
            return self.env.scalars[s]
        return s

    def _size(self, value: Any) -> int:
        v = self.run(sympy.sympify(value, strict=True))
        if not (isinstance(v, sympy.Basic) and v.is_Integer) or v < 0:
            raise RealizeError(f"size {value} has no concrete non-negative value (got {v})")
        return int(v)

    def _shape(self, e: Any) -> tuple[int, int]:
        """The concrete shape of a matrix expression, refused beyond :data:`MAX_ENTRIES`."""
        shape = (self._size(e.rows), self._size(e.cols))
        check_entries(getattr(e, "name", type(e).__name__), *shape)
        return shape

    def _matrix_symbol(self, m: sympy.MatrixSymbol) -> sympy.ImmutableMatrix:
        value = self.env.matrices.get(m)
        if value is None:
            self._shape(m)  # too large to be written out, it was given no value: say so
            raise RealizeError(f"no explicit value for the matrix {m.name}")
        shape = (self._size(m.rows), self._size(m.cols))
        if tuple(value.shape) != shape:
            raise RealizeError(f"{m.name} is {shape[0]}x{shape[1]} but was given a {value.rows}x{value.cols} value")
        return sympy.ImmutableMatrix(value)

    def _matrix(self, e: Any, what: str) -> sympy.ImmutableMatrix:
        value = self.run(e)
        if not is_matrix(value):
            raise RealizeError(f"{what} needs a matrix, got {value}")
        return sympy.ImmutableMatrix(value)

    def _indexed(self, e: sympy.Indexed) -> Any:
        indices = [as_scalar(self.run(i), "an index") for i in e.indices]
        element = sympy.Indexed(e.base, *indices)
        source = self.env.sequences
        if source is not None and all(isinstance(i, sympy.Basic) and i.is_Integer for i in indices):
            value = source(element) if callable(source) else source.get(element)
            if value is not None:
                return value
        return element

    def _elementwise(self, e: objects.Elementwise) -> sympy.ImmutableMatrix:
        """``f`` applied to each realised entry (and the result realised: ``f`` may call a declared function)."""
        matrix = self._matrix(e.expr, "elementwise")
        return sympy.ImmutableMatrix(matrix.applyfunc(lambda x: as_scalar(self.run(e.function(x)), "an entry")))

    # -- matrix algebra ---------------------------------------------------
    def _matmul(self, e: sympy.MatMul) -> Any:
        result: Any = sympy.Integer(1)
        for arg in e.args:
            value = self.run(arg)
            if is_matrix(result) and is_matrix(value):
                if result.cols != value.rows:
                    raise RealizeError(f"cannot multiply {result.rows}x{result.cols} by {value.rows}x{value.cols} in {e}")
                check_entries("a matrix product", result.rows, value.cols)
                self._count_products(result.rows * result.cols * value.cols,
                                     f"{result.rows}x{result.cols} by {value.rows}x{value.cols}")
                result = _matrix_product(result, value)
            else:
                result = result * value
        return sympy.ImmutableMatrix(result) if is_matrix(result) else result

    def _matadd(self, e: sympy.MatAdd) -> Any:
        values = [self.run(a) for a in e.args]
        shapes = {v.shape for v in values if is_matrix(v)}
        if len(shapes) > 1:
            raise RealizeError(f"cannot add matrices of shapes {sorted(shapes)} in {e}")
        total = values[0]
        for v in values[1:]:
            total = total + v
        return sympy.ImmutableMatrix(total) if is_matrix(total) else total

    def _matpow(self, e: sympy.MatPow) -> sympy.ImmutableMatrix:
        base = _square(self._matrix(e.base, "a matrix power"), "a matrix power")
        exp = as_scalar(self.run(e.exp), "an exponent")
        if not exp.is_Integer:
            raise RealizeError(f"matrix power with non-integer exponent {exp}")
        # repeated squaring: about two products per bit of the exponent
        self._count_products(2 * abs(int(exp)).bit_length() * base.rows ** 3,
                             f"{base.rows}x{base.cols} to the power {exp}")
        if exp < 0:
            return _power(self._inverse(base), -int(exp))
        return _power(base, int(exp))

    def _count_products(self, terms: int, what: str) -> None:
        """Refuse matrix products beyond :data:`MAX_PRODUCT_TERMS` terms in all: the entries of a
        product of products are sums of products, and each further product costs more."""
        self.products += terms
        if self.products > MAX_PRODUCT_TERMS:
            raise RealizeError(f"matrix products of more than {MAX_PRODUCT_TERMS} terms in all are not written out "
                               f"(reached at {what})")

    def _trace(self, e: sympy.Trace) -> Any:
        m = self._matrix(e.arg, "trace")
        if m.shape == (1, 1):
            return m[0, 0]
        return _square(m, "trace").trace()

    def _element(self, e: MatrixElement) -> Any:
        parent = self._matrix(e.parent, "a subscript")
        i, j = (as_scalar(self.run(x), "an index") for x in (e.i, e.j))
        if not (i.is_Integer and j.is_Integer):
            raise RealizeError(f"index of {e} has no concrete value")
        if not (0 <= i < parent.rows and 0 <= j < parent.cols):
            raise UndefinedAt(f"index ({i + 1}, {j + 1}) out of range for a {parent.rows}x{parent.cols} matrix")
        return parent[int(i), int(j)]

    # -- sums and products (integrals and derivatives: realize_calculus) -------
    def _expand(self, e: sympy.Sum | sympy.Product, combine: type) -> Any:
        body, limits = e.function, list(e.limits)[::-1]  # SymPy lists the innermost limit first
        return self._expand_limits(body, limits, combine)

    def _expand_limits(self, body: Any, limits: list[Any], combine: type) -> Any:
        if not limits:
            return self.run(body)
        (var, lo, hi), rest = limits[0], limits[1:]
        a, b = (as_scalar(self.run(x), "a bound") for x in (lo, hi))
        if not (a.is_Integer and b.is_Integer):
            if a.is_infinite or b.is_infinite:
                raise RealizeError(f"the infinite sum or product over {var} ({lo}..{hi}) is not written out")
            if a.is_number and b.is_number:
                raise UndefinedAt(f"bounds {lo}..{hi} of {var} are {a}..{b}, not integers")
            raise RealizeError(f"bounds {lo}..{hi} of {var} have no concrete value")
        a, b = int(a), int(b)
        invert = b < a - 1  # Karr's convention, as SymPy: sum_{a}^{b} = -sum_{b+1}^{a-1}
        if invert:
            a, b = b + 1, a - 1
        self.terms += max(0, b - a + 1)
        if self.terms > self.env.max_terms:
            raise RealizeError(f"more than {self.env.max_terms} terms in sums and products")
        saved = self.bound.get(var)
        values = []
        try:
            for v in range(a, b + 1):
                self.bound[var] = sympy.Integer(v)
                values.append(self._expand_limits(body, rest, combine))
        finally:
            if saved is None:
                self.bound.pop(var, None)
            else:
                self.bound[var] = saved
        result = _combine(values, combine)
        if invert:
            result = -result if combine is sympy.Add else _reciprocal(result)
        return result

    # -- probability --------------------------------------------------------
    def _moment(self, e: sympy.Function) -> Any:
        args = [as_scalar(self.run(a), type(e).__name__) for a in e.args]
        node = type(e)(*args)
        if self.env.space is None:
            return node
        return self.env.space.evaluate_moments(node)


def _combine(values: list[Any], combine: type) -> Any:
    if not values:
        return sympy.Integer(0 if combine is sympy.Add else 1)
    if any(is_matrix(v) for v in values):
        if combine is not sympy.Add:
            raise RealizeError("a Product of matrices is not supported")
        total = values[0]
        for v in values[1:]:
            total = total + v
        return sympy.ImmutableMatrix(total)
    return combine(*values)


def _reciprocal(value: Any) -> Any:
    return value ** -1


def _square(m: sympy.ImmutableMatrix, what: str) -> sympy.ImmutableMatrix:
    if m.rows != m.cols:
        raise RealizeError(f"{what} needs a square matrix, got {m.rows}x{m.cols}")
    return m


def _symbolic_order(m: sympy.ImmutableMatrix, what: str) -> sympy.ImmutableMatrix:
    """``m``, refused when it is too large for a written-out ``what`` (see :data:`MAX_SYMBOLIC_ORDER`)."""
    if m.rows > MAX_SYMBOLIC_ORDER and not all(x.is_number for x in m):
        raise RealizeError(f"{what} of a {m.rows}x{m.cols} matrix with symbolic entries: written out only up to "
                           f"{MAX_SYMBOLIC_ORDER}x{MAX_SYMBOLIC_ORDER}")
    return m


def _inverse(m: sympy.ImmutableMatrix) -> sympy.ImmutableMatrix:
    m = _square(m, "inv")
    if all(x.is_Rational for x in m):
        if m.det() == 0:
            raise RealizeError("inverse of a singular matrix")
        return sympy.ImmutableMatrix(m.inv())
    det = _symbolic_order(m, "inv").det(method="berkowitz")
    if det == 0:
        raise RealizeError("inverse of a singular matrix")
    return sympy.ImmutableMatrix(m.adjugate(method="berkowitz") / det)


__all__ = ["MAX_TERMS", "FunctionReplacement", "Realization", "RealizeError", "Realizer", "UndefinedAt", "realize"]
