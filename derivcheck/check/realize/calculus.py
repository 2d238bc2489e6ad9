"""Realising calculus: integrals, derivatives, gradients, Hessians and declared functions.

:class:`CalculusRealizer` is the part of the realiser (``realizer.Realizer``)
that handles them; it relies on the realiser's ``run``, ``bound``, ``env`` and
matrix helpers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy

from ...expr import objects
from .base import Realization, RealizeError, as_scalar, is_matrix
from .integrals import gaussian_integral, half_line_integral
from .replacements import resolve_function


class CalculusRealizer:
    """Handlers of the calculus nodes, mixed into the realiser (which defines ``run``,
    ``_matrix`` and ``_matrix_symbol``)."""

    env: Realization
    bound: dict[sympy.Symbol, sympy.Integer]

    def _integral(self, e: sympy.Integral) -> Any:
        # bound variables become fresh dummies, so no later substitution reaches them
        limits, renaming = [], {}
        for limit in e.limits:
            if len(limit) != 3:
                raise RealizeError(f"indefinite integral {e} cannot be realised")
            var, lo, hi = limit
            fresh = sympy.Dummy(var.name, real=True)
            renaming[var] = fresh
            limits.append((fresh, as_scalar(self.run(lo), "a bound"), as_scalar(self.run(hi), "a bound")))
        shadow = {v: self.bound.pop(v) for v in renaming if v in self.bound}
        try:
            body = as_scalar(self.run(e.function.xreplace(renaming)), "an integrand")
        finally:
            self.bound.update(shadow)
        if any(lo == hi for _, lo, hi in limits):  # an empty range, infinite ends included
            return sympy.Integer(0)
        if len(limits) == 1 and limits[0][1] == -sympy.oo and limits[0][2] == sympy.oo:
            closed = gaussian_integral(body, limits[0][0])  # quadrature cannot be trusted there
            if closed is not None:
                return closed
        if len(limits) == 1 and sympy.oo in (limits[0][2], -limits[0][1]):
            closed = half_line_integral(body, *limits[0])  # nor over a half-line
            if closed is not None:
                return closed
        return sympy.Integral(body, *limits)

    def _derivative(self, e: sympy.Derivative) -> Any:
        body = self.run(e.expr)
        variables = []
        for var, count in e.variable_count:
            v = self.run(var)
            if not isinstance(v, (sympy.Symbol, sympy.Indexed)):  # a sequence element is a variable too
                raise RealizeError(f"cannot differentiate with respect to {var} (realised as {v})")
            variables.append((v, count))
        if is_matrix(body):
            return sympy.ImmutableMatrix(body.applyfunc(lambda x: sympy.diff(x, *variables)))
        return sympy.diff(body, *variables)

    def _fresh(self, wrt: Any) -> tuple[sympy.MatrixSymbol, sympy.ImmutableMatrix, sympy.ImmutableMatrix]:
        if not isinstance(wrt, sympy.MatrixSymbol):
            raise RealizeError(f"gradients are taken with respect to a declared matrix or vector, not {wrt}")
        value = self._matrix_symbol(wrt)
        fresh = sympy.ImmutableMatrix(value.rows, value.cols,
                                      lambda i, j: sympy.Dummy(f"d{wrt.name}_{i}_{j}", real=True))
        return wrt, value, fresh

    def _scalar_in(self, expr: Any, wrt: sympy.MatrixSymbol, fresh: sympy.ImmutableMatrix) -> sympy.Expr:
        inner = type(self)(replace(self.env, matrices={**self.env.matrices, wrt: fresh}))
        inner.bound = dict(self.bound)
        return as_scalar(inner.run(expr), "a gradient's function")

    def _gradient(self, e: objects.Gradient) -> sympy.ImmutableMatrix:
        # The unconstrained gradient: V's entries vary independently (also for a
        # symmetric V), evaluated at V's value.
        wrt, value, fresh = self._fresh(e.wrt)
        f = self._scalar_in(e.expr, wrt, fresh)
        back = dict(zip(fresh, value))
        return sympy.ImmutableMatrix(fresh.rows, fresh.cols,
                                     lambda i, j: sympy.diff(f, fresh[i, j]).xreplace(back))

    def _hessian(self, e: objects.HessianMatrix) -> sympy.ImmutableMatrix:
        wrt, value, fresh = self._fresh(e.args[1])
        if fresh.cols != 1:
            raise RealizeError(f"hessian needs a vector, {wrt.name} is {fresh.rows}x{fresh.cols}")
        f = self._scalar_in(e.args[0], wrt, fresh)
        back = dict(zip(fresh, value))
        n = fresh.rows
        return sympy.ImmutableMatrix(n, n, lambda i, j: sympy.diff(f, fresh[i], fresh[j]).xreplace(back))

    # -- declared functions -----------------------------------------------
    def _replacement(self, name: str, nargs: int) -> sympy.Lambda | None:
        return resolve_function(self.env.functions, name, nargs)

    def _function(self, e: sympy.Function) -> Any:
        name = type(e).__name__
        args = [self.run(a) for a in e.args]
        if len(args) == 1 and is_matrix(args[0]):
            entries = list(args[0])
            lam = self._replacement(name, len(entries))
            return lam(*entries) if lam is not None else objects.declared_function(name, len(entries))(*entries)
        args = [as_scalar(a, f"the function {name}") for a in args]
        lam = self._replacement(name, len(args))
        return lam(*args) if lam is not None else type(e)(*args)

    def _function_gradient(self, e: objects.FunctionGradient) -> sympy.ImmutableMatrix:
        app = e.application
        name = type(app).__name__
        m = self._matrix(app.args[0], f"grad({name}, ...)")
        entries = list(m)
        lam = self._replacement(name, len(entries))
        if lam is not None:
            partials = [sympy.diff(lam.expr, v) for v in lam.variables]
            subs = dict(zip(lam.variables, entries))
            values = [p.xreplace(subs) for p in partials]
        else:
            values = [objects.declared_function(f"{name}__d{k + 1}", len(entries))(*entries)
                      for k in range(len(entries))]
        return sympy.ImmutableMatrix(m.rows, m.cols, values)
