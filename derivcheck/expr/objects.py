"""The SymPy objects that parsed expressions are made of, beyond SymPy's own.

This is the shared vocabulary of the parser (which builds these objects), the
symbolic checker and the numeric checker (which interpret them):

* ``Expectation(x)``, ``Variance(x)``, ``Covariance(x, y)``: unevaluated; their
  linearity and bilinearity are applied by ``check/symbolic/moments.py`` only, and no
  independence is ever assumed unless declared.
* ``declared_function(name, nargs)``: an arbitrary smooth real function whose
  partial derivatives are again named functions (``f__d1`` is df/dx1), so
  differentiation stays structural (no ``Subs`` with dummy variables).
* ``Gradient(expr, V)``: d(scalar expr)/dV, a matrix of V's shape.
* ``FunctionGradient(F(M))``: the gradient of a declared function F at the
  matrix M, a matrix of M's shape.
* ``HessianMatrix(expr, x)``: the matrix of second derivatives.
* ``Elementwise(f, X)``: the scalar function ``f`` (a one-variable ``Lambda``)
  applied to each entry of the matrix ``X``; never a matrix function such as the
  matrix exponential.
* ``NormalLaw(mean, variance)``: a law, only on the right of ``~``.
* ``Relation``: two expressions and an operator; never a SymPy ``Eq``, which
  would evaluate itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr


class Expectation(sympy.Function):
    """E(x), unevaluated."""

    nargs = 1

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: Any) -> str:
        return r"\mathbb{E}\left[%s\right]" % printer._print(self.args[0])

    def _sympystr(self, printer: Any) -> str:
        return "E(%s)" % printer._print(self.args[0])


class Variance(sympy.Function):
    """Var(x), unevaluated."""

    nargs = 1

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_nonnegative(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _latex(self, printer: Any) -> str:
        return r"\operatorname{Var}\left(%s\right)" % printer._print(self.args[0])

    def _sympystr(self, printer: Any) -> str:
        return "Var(%s)" % printer._print(self.args[0])


class Covariance(sympy.Function):
    """Cov(x, y), unevaluated."""

    nargs = 2

    def _eval_is_real(self) -> bool | None:
        if self.args[0].is_real and self.args[1].is_real:
            return True
        return None

    def _latex(self, printer: Any) -> str:
        return r"\operatorname{Cov}\left(%s, %s\right)" % (
            printer._print(self.args[0]),
            printer._print(self.args[1]),
        )

    def _sympystr(self, printer: Any) -> str:
        return "Cov(%s, %s)" % (printer._print(self.args[0]), printer._print(self.args[1]))


_FUNCTIONS: dict[tuple[str, int], type] = {}


def declared_function(name: str, nargs: int) -> type:
    """The class of an arbitrary smooth real function ``name`` of ``nargs`` arguments.

    Its partial derivative in argument i is ``declared_function(f"{name}__d{i}", nargs)``,
    so ``diff(f(g(x)), x)`` is ``f__d1(g(x)) * g'(x)``. Classes are cached: the same
    name and arity always give the same class, so expressions compare structurally.
    A matrix-argument function (``L: function(matrix[n, k])``) has ``nargs`` 1 and
    takes the matrix itself.

    >>> f = declared_function("f", 1)
    >>> x = sympy.Symbol("x")
    >>> sympy.diff(f(x**2), x)
    2*x*f__d1(x**2)
    """
    key = (name, nargs)
    cls = _FUNCTIONS.get(key)
    if cls is not None:
        return cls

    def fdiff(self: sympy.Function, argindex: int = 1) -> sympy.Expr:
        return declared_function(f"{name}__d{argindex}", nargs)(*self.args)

    cls = type(
        name,
        (sympy.Function,),
        {
            "nargs": nargs,
            "fdiff": fdiff,
            "_eval_is_real": lambda self: True,
            "__module__": __name__,
        },
    )
    _FUNCTIONS[key] = cls
    return cls


def is_declared_function(obj: Any) -> bool:
    """True for an application (or class) made by :func:`declared_function`."""
    cls = obj if isinstance(obj, type) else type(obj)
    return any(c is cls for c in _FUNCTIONS.values())


class Gradient(MatrixExpr):
    """grad(expr, V): the derivative of the scalar ``expr`` with respect to the matrix ``V``."""

    def __new__(cls, expr: sympy.Basic, wrt: MatrixExpr) -> "Gradient":
        return sympy.Basic.__new__(cls, sympy.sympify(expr, strict=True), wrt)

    @property
    def expr(self) -> sympy.Basic:
        return self.args[0]

    @property
    def wrt(self) -> MatrixExpr:
        return self.args[1]

    @property
    def shape(self) -> tuple[sympy.Expr, sympy.Expr]:
        return self.args[1].shape

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> MatrixElement:
        return MatrixElement(self, i, j)  # an entry stays unevaluated until realised

    def _sympystr(self, printer: Any) -> str:
        return "grad(%s, %s)" % (printer._print(self.args[0]), printer._print(self.args[1]))


class FunctionGradient(MatrixExpr):
    """grad(F, M): the gradient of the declared function F, evaluated at the matrix M.

    Stored as the application ``F(M)``; its shape is M's.
    """

    def __new__(cls, application: sympy.Function) -> "FunctionGradient":
        return sympy.Basic.__new__(cls, application)

    @property
    def application(self) -> sympy.Function:
        return self.args[0]

    @property
    def shape(self) -> tuple[sympy.Expr, sympy.Expr]:
        return self.args[0].args[0].shape

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> MatrixElement:
        return MatrixElement(self, i, j)  # an entry stays unevaluated until realised

    def _sympystr(self, printer: Any) -> str:
        app = self.args[0]
        return "grad(%s, %s)" % (type(app).__name__, printer._print(app.args[0]))


class HessianMatrix(MatrixExpr):
    """hessian(expr, x): the matrix of second derivatives of a scalar in the vector x."""

    def __new__(cls, expr: sympy.Basic, wrt: MatrixExpr) -> "HessianMatrix":
        return sympy.Basic.__new__(cls, sympy.sympify(expr, strict=True), wrt)

    @property
    def shape(self) -> tuple[sympy.Expr, sympy.Expr]:
        n = self.args[1].shape[0]
        return (n, n)

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> MatrixElement:
        return MatrixElement(self, i, j)  # an entry stays unevaluated until realised

    def _sympystr(self, printer: Any) -> str:
        return "hessian(%s, %s)" % (printer._print(self.args[0]), printer._print(self.args[1]))


ENTRY = sympy.Symbol("_entry")
"""The variable of an :class:`Elementwise` function: one shared name, so that two
applications of the same function are the same tree (a file's names never start with ``_``)."""


class Elementwise(MatrixExpr):
    """elementwise(f, X): ``f`` applied to each entry of ``X``, a matrix of X's shape.

    ``f`` is a ``Lambda`` of :data:`ENTRY`. SymPy's own ``ElementwiseApplyFunction``
    is not used: its matrix derivatives are not trusted here (docs/trust.md), and a
    1x1 argument makes it apply ``f`` to the matrix itself. An entry is ``f`` of the
    entry, and an explicit matrix argument is applied to entry by entry on ``doit``.
    """

    def __new__(cls, function: sympy.Lambda, expr: MatrixExpr) -> "Elementwise":
        return sympy.Basic.__new__(cls, function, expr)

    @property
    def function(self) -> sympy.Lambda:
        return self.args[0]

    @property
    def expr(self) -> MatrixExpr:
        return self.args[1]

    @property
    def shape(self) -> tuple[sympy.Expr, sympy.Expr]:
        return self.args[1].shape

    def _entry(self, i: Any, j: Any, **kwargs: Any) -> sympy.Basic:
        return self.function(self.expr[i, j])

    def _eval_transpose(self) -> "Elementwise":
        return Elementwise(self.function, self.expr.T)

    def doit(self, **hints: Any) -> Any:
        expr = self.expr.doit(**hints) if hints.get("deep", True) else self.expr
        if isinstance(expr, sympy.MatrixBase):
            return sympy.ImmutableMatrix(expr.applyfunc(self.function))
        return Elementwise(self.function, expr)

    def function_text(self, printer: Any) -> str:
        """``exp`` for a function applied to the entry itself, else ``lambda entry: body``."""
        body = self.function.expr
        if isinstance(body, sympy.Function) and body.args == (ENTRY,):
            return type(body).__name__
        return "lambda entry: %s" % printer._print(body.xreplace({ENTRY: sympy.Symbol("entry")}))

    def _sympystr(self, printer: Any) -> str:
        return "elementwise(%s, %s)" % (self.function_text(printer), printer._print(self.expr))

    def _latex(self, printer: Any) -> str:
        body = self.function.expr
        if isinstance(body, sympy.Function) and body.args == (ENTRY,):
            shown = r"\operatorname{%s}" % type(body).__name__
        else:
            shown = r"\left(u \mapsto %s\right)" % printer._print(body.xreplace({ENTRY: sympy.Symbol("u")}))
        return r"%s^{\circ}\left(%s\right)" % (shown, printer._print(self.expr))

    def _pretty(self, printer: Any) -> Any:
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._sympystr(sympy.printing.str.StrPrinter()))


class NormalLaw(sympy.Basic):
    """Normal(mean, variance): a law, the right side of a ``~`` relation."""

    def __new__(cls, mean: sympy.Basic, variance: sympy.Basic) -> "NormalLaw":
        return sympy.Basic.__new__(cls, sympy.sympify(mean, strict=True), sympy.sympify(variance, strict=True))

    @property
    def mean(self) -> sympy.Basic:
        return self.args[0]

    @property
    def variance(self) -> sympy.Basic:
        return self.args[1]

    def _sympystr(self, printer: Any) -> str:
        return "Normal(%s, %s)" % (printer._print(self.args[0]), printer._print(self.args[1]))


RELATION_OPS = ("=", "<=", "<", ">=", ">", "~")


@dataclass(frozen=True)
class Relation:
    """``lhs op rhs`` with ``op`` one of :data:`RELATION_OPS` (``==`` is read as ``=``)."""

    lhs: Any
    op: str
    rhs: Any
