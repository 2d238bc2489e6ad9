"""Shapes: how scalars and matrix expressions combine, with clear errors.

The parser's operators go through these functions, and so may the checkers (to
relate two expressions of a chain by :func:`make_relation`). They raise
:class:`~derivcheck.errors.InputError` without a span; the parser adds the span
of the node being read.

Rule (shared decision 7): a matrix expression whose shape is literally (1, 1),
such as ``z.T @ A @ z``, used where a scalar is expected becomes the scalar
``Trace(M)``.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..errors import InputError
from . import objects
from .numbers import guarded_power, is_undefined

MAX_DIMENSION = 10**6


def is_matrix(value: Any) -> bool:
    """True for a matrix expression (MatrixSymbol, MatMul, Gradient, ...)."""
    return isinstance(value, MatrixExpr)


def is_one_by_one(value: Any) -> bool:
    """True for a matrix expression whose shape is literally (1, 1)."""
    return is_matrix(value) and value.shape[0] == 1 and value.shape[1] == 1


def same_dimension(a: Any, b: Any) -> bool:
    """True when two dimensions are the same expression (``n + 1`` and ``1 + n``)."""
    difference = a - b
    return bool(difference == 0) or (isinstance(difference, sympy.Basic) and sympy.expand(difference) == 0)


def same_shape(a: MatrixExpr, b: MatrixExpr) -> bool:
    """True when two matrix expressions have the same shape."""
    return same_dimension(a.shape[0], b.shape[0]) and same_dimension(a.shape[1], b.shape[1])


def describe(value: Any) -> str:
    """``a 2 x 3 matrix`` or ``a scalar``, for messages."""
    if is_matrix(value):
        return f"a {value.shape[0]} x {value.shape[1]} matrix"
    return "a scalar"


def as_scalar(value: Any, what: str = "a scalar") -> sympy.Expr:
    """``value`` as a scalar: 1x1 matrices become ``Trace(M)``; other matrices are errors."""
    if isinstance(value, objects.NormalLaw):
        raise InputError("Normal(mean, variance) is only allowed on the right of `~`")
    if not is_matrix(value):
        return value
    if is_one_by_one(value):
        return sympy.Trace(value)
    raise InputError(
        f"expected {what}, got {describe(value)}",
        hint="only 1 x 1 matrix expressions (like z.T @ A @ z) act as scalars",
    )


def check_dimension(value: Any) -> sympy.Expr:
    """A matrix dimension: a positive integer up to 10**6, or a provably positive
    integer expression of ``dimension``/``natural`` symbols (``n``, ``n + 1``, ``2*k``)."""
    if is_matrix(value):
        raise InputError(f"a dimension must be an integer, got {describe(value)}")
    if value.is_Integer:
        if not 1 <= int(value) <= MAX_DIMENSION:
            raise InputError(f"dimension {value} out of range", hint=f"dimensions are 1 to {MAX_DIMENSION}")
        return value
    if not all(isinstance(s, sympy.Symbol) for s in value.free_symbols) or value.has(sympy.Indexed):
        raise InputError("a dimension may only use integers and dimension or natural symbols")
    if value.is_integer is not True or value.is_positive is not True:
        raise InputError(
            f"dimension {value} is not provably a positive integer",
            hint="use integers and symbols declared `dimension` or `natural`, e.g. n + 1 (not n - 1)",
        )
    return value


def add(a: Any, b: Any) -> Any:
    """``a + b`` with shape checks; a 1x1 matrix plus a scalar is a scalar."""
    if is_matrix(a) and is_matrix(b):
        if not same_shape(a, b):
            raise InputError(f"cannot add {describe(a)} and {describe(b)}")
        return a + b
    if is_matrix(a) or is_matrix(b):
        matrix, scalar = (a, b) if is_matrix(a) else (b, a)
        if is_one_by_one(matrix):
            return sympy.Trace(matrix) + scalar
        if scalar == 0:
            return matrix
        raise InputError(
            f"cannot add a scalar and {describe(matrix)}",
            hint="for a matrix of equal entries write s * ones(r, c)",
        )
    return _defined(a + b)


def _defined(value: Any) -> Any:
    if not is_matrix(value) and is_undefined(value):
        raise InputError("undefined value (such as oo - oo or 0 * oo)")
    return value


def negate(a: Any) -> Any:
    """``-a``."""
    return -a


def multiply(a: Any, b: Any) -> Any:
    """``a * b``: a scalar product; 1x1 matrices act as scalars; two matrices need ``@``."""
    if is_one_by_one(a):
        a = sympy.Trace(a)
    if is_one_by_one(b):
        b = sympy.Trace(b)
    if is_matrix(a) and is_matrix(b):
        raise InputError(
            f"`*` multiplies by a scalar, but both sides are matrices ({describe(a)}, {describe(b)})",
            hint="use `@` for the matrix product",
        )
    return _defined(a * b)


def divide(a: Any, b: Any) -> Any:
    """``a / b`` with a scalar (or 1x1) divisor."""
    if is_one_by_one(a):
        a = sympy.Trace(a)
    b = as_scalar(b, "a scalar divisor")
    if b == 0:
        raise InputError("division by zero")
    result = sympy.Integer(1) / b * a if is_matrix(a) else a / b
    if is_undefined(result):
        raise InputError("division by zero")
    return result


def power(a: Any, b: Any) -> Any:
    """``a ** b``: numbers are guarded; a square matrix takes an integer exponent."""
    b = as_scalar(b, "a scalar exponent")
    if is_one_by_one(a):
        a = sympy.Trace(a)
    if is_matrix(a):
        if not same_dimension(a.shape[0], a.shape[1]):
            raise InputError(f"only square matrices have powers, got {describe(a)}")
        if not b.is_Integer or abs(int(b)) > 1000:
            raise InputError("a matrix power needs an integer exponent (at most 1000)", hint="use inv(M) for the inverse")
        return sympy.MatPow(a, b)
    result = guarded_power(a, b)
    if is_undefined(result):
        raise InputError("undefined power (such as 0**-1)")
    return result


def matmul(a: Any, b: Any) -> Any:
    """``a @ b``: both matrices, inner dimensions equal."""
    if not is_matrix(a) or not is_matrix(b):
        raise InputError(
            f"`@` multiplies matrices, got {describe(a)} @ {describe(b)}",
            hint="use `*` with a scalar",
        )
    if not same_dimension(a.shape[1], b.shape[0]):
        raise InputError(
            f"cannot multiply {describe(a)} by {describe(b)}: "
            f"inner dimensions {a.shape[1]} and {b.shape[0]} differ"
        )
    return a @ b


def make_relation(lhs: Any, op: str, rhs: Any) -> objects.Relation:
    """``objects.Relation(lhs, op, rhs)`` with the shape rules of relations.

    ``==`` is read as ``=``. Two scalars relate as they are; two 1x1 matrices,
    or a 1x1 matrix and a scalar, relate as ``Trace`` scalars; two matrices of
    one shape may be equal; a matrix equals the scalar 0 as its ZeroMatrix.
    ``~`` needs a scalar on the left and ``Normal(...)`` on the right.
    """
    op = "=" if op == "==" else op
    if op not in objects.RELATION_OPS:
        raise InputError(f"unknown relation `{op}`", hint="use =, <=, <, >=, > or ~")
    if op == "~":
        if not isinstance(rhs, objects.NormalLaw):
            raise InputError("the right side of `~` must be Normal(mean, variance)")
        return objects.Relation(as_scalar(lhs, "a scalar random variable on the left of `~`"), op, rhs)
    if isinstance(lhs, objects.NormalLaw) or isinstance(rhs, objects.NormalLaw):
        raise InputError("Normal(mean, variance) is only allowed on the right of `~`")
    if is_one_by_one(lhs) and (is_one_by_one(rhs) or not is_matrix(rhs)):
        lhs = sympy.Trace(lhs)
    if is_one_by_one(rhs) and not is_matrix(lhs):
        rhs = sympy.Trace(rhs)
    if is_matrix(lhs) and not is_matrix(rhs) and rhs == 0:
        rhs = sympy.ZeroMatrix(*lhs.shape)
    if is_matrix(rhs) and not is_matrix(lhs) and lhs == 0:
        lhs = sympy.ZeroMatrix(*rhs.shape)
    if is_matrix(lhs) != is_matrix(rhs):
        raise InputError(f"cannot relate {describe(lhs)} and {describe(rhs)}")
    if is_matrix(lhs):
        if op != "=":
            raise InputError(
                f"`{op}` compares scalars, got two matrices",
                hint="compare matrices with `=`, or compare a scalar such as z.T @ M @ z",
            )
        if not same_shape(lhs, rhs):
            raise InputError(f"cannot equate {describe(lhs)} and {describe(rhs)}")
    return objects.Relation(lhs, op, rhs)
