"""The evaluator of numeric checks: realised SymPy scalars on complex128 arrays, batched.

Values follow SymPy's meaning: real symbols, principal complex branches
(``log(-1) = i*pi``). The arrays are numpy's or torch's (:mod:`.arrays`: one
vocabulary, the same meaning). :func:`compare` turns two realised sides into masks
(numpy arrays) of the points where they are valid, agree within tolerance, and agree
firmly.
"""

from __future__ import annotations

from typing import Any

import sympy

from ...expr import objects
from ..evidence import NoEvidence
from ..realize import (Diverges, LazyDet, LazyInverseEntry, RealizeError, RealizedRelation, evaluate_lazy,
                       resolve_function)
from .arrays import Arrays


class Unsupported(NoEvidence):
    """An object the evaluator has no meaning for (an undefined function, an integral)."""


class Evaluator:
    """Evaluates realised SymPy scalars on complex128 arrays (one value per point), memoised.

    ``arrays`` is the back end (:mod:`.arrays`) that ``values`` live in."""

    def __init__(self, values: dict[sympy.Basic, Any], n: int, arrays: Arrays,
                 functions: dict[str, Any] | None = None) -> None:
        self.functions = functions or {}
        self.xp = arrays
        self.values = values
        self.n = n
        self.memo: dict[sympy.Basic, Any] = {}
        self.inverses: dict[tuple, Any] = {}
        self.unary = arrays.unary()

    def __call__(self, expr: Any) -> Any:
        if not isinstance(expr, sympy.Basic):
            return self.xp.full(self.n, complex(expr))
        hit = self.memo.get(expr)
        if hit is None:
            hit = self._eval(expr) + 0j  # +0j turns a -0.0 imaginary part into +0.0 (branch cuts)
            if hit.ndim == 0:
                hit = self.xp.broadcast(hit, self.n)
            self.memo[expr] = hit
        return hit

    def _const(self, value: complex) -> Any:
        return self.xp.full((), value)

    def _eval(self, e: sympy.Basic) -> Any:
        xp = self.xp
        if e in self.values:
            return self.values[e]
        if e.is_Number or e.is_NumberSymbol or e is sympy.I:
            return self._const(complex(sympy.N(e, 17)))
        if isinstance(e, (sympy.Symbol, sympy.Indexed)):
            raise Unsupported(f"no value for {e}")
        if isinstance(e, sympy.Add):
            return sum((self(a) for a in e.args[1:]), self(e.args[0]))
        if isinstance(e, sympy.Mul):
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out * self(a)
            return out
        if isinstance(e, sympy.Pow):
            return self._pow(e.base, e.exp)
        fn = self.unary.get(type(e))
        if fn is not None and len(e.args) == 1:
            return fn(self(e.args[0]))
        if isinstance(e, (sympy.Min, sympy.Max)):
            parts = [self(a) for a in e.args]
            real = xp.stack([p.real for p in parts])
            imag = xp.amax(xp.stack([abs(p.imag) for p in parts]), 0)
            best = xp.amin(real, 0) if isinstance(e, sympy.Min) else xp.amax(real, 0)
            return xp.complex(xp.where(imag == 0, best, float("nan")))
        if isinstance(e, sympy.Piecewise):
            return self._piecewise(e)
        if isinstance(e, sympy.Integral):
            return self._integral(e)
        if isinstance(e, sympy.Heaviside):  # the derivative of Max/Min; H(0) as SymPy says (1/2)
            x, at0 = self(e.args[0]), self(e.args[1] if len(e.args) > 1 else sympy.Rational(1, 2))
            step = xp.where(x.real > 0, 1.0 + 0j, xp.where(x.real < 0, 0j, at0))
            return xp.where(x.imag == 0, step, complex("nan"))
        if isinstance(e, Diverges):
            return self._const(complex(float(e.args[0]) * float("inf"), 0.0))
        if isinstance(e, (LazyDet, LazyInverseEntry)):
            return evaluate_lazy(e, self, xp, self.inverses)
        if objects.is_declared_function(e):
            return self._function(e)
        raise Unsupported(f"cannot evaluate {type(e).__name__}: {e}")

    def _pow(self, base: sympy.Basic, exp: sympy.Basic) -> Any:
        b = self(base)
        if exp.is_Integer and abs(int(exp)) <= 64:
            k = int(exp)
            out, square, m = self.xp.lib.ones_like(b), b, abs(k)
            while m:
                if m & 1:
                    out = out * square
                square = square * square
                m >>= 1
            return self.xp.reciprocal(out) if k < 0 else out
        if exp.is_Rational and exp.q == 2:
            return self._pow_int(self.xp.lib.sqrt(b), int(exp.p))
        return self.xp.power(b, self(exp))

    def _pow_int(self, b: Any, k: int) -> Any:
        out = self.xp.lib.ones_like(b)
        for _ in range(abs(k)):
            out = out * b
        return self.xp.reciprocal(out) if k < 0 else out

    def _function(self, e: sympy.Function) -> Any:
        """A declared function through its replacement: the Lambda body on the argument values."""
        lam = resolve_function(self.functions, type(e).__name__, len(e.args))
        if lam is None:
            raise Unsupported(f"no replacement for the function {type(e).__name__}")
        inner = {v: self(a) for v, a in zip(lam.variables, e.args)}
        return Evaluator(inner, self.n, self.xp, self.functions)(lam.expr)

    def _integral(self, e: sympy.Integral) -> Any:
        """A definite integral over finite bounds by 64-point Gauss-Legendre quadrature
        (an inexact integrand only makes a float disagreement, which confirmation rejects)."""
        if any(len(limit) != 3 for limit in e.limits):
            raise Unsupported(f"cannot evaluate the indefinite integral {e}")
        return self._quadrature(e.function, list(e.limits))

    def _quadrature(self, function: sympy.Basic, limits: list) -> Any:
        """The iterated integral of ``function`` over ``limits`` (innermost first)."""
        import numpy

        xp = self.xp
        var, lo, hi = limits[-1]
        e = sympy.Integral(function, *limits)
        a, b = self(lo), self(hi)
        if not (bool(xp.lib.isfinite(a.real).all()) and bool(xp.lib.isfinite(b.real).all())):
            raise Unsupported(f"cannot evaluate the integral over an infinite range {e}")
        nodes, weights = numpy.polynomial.legendre.leggauss(64)
        m = len(nodes)
        x, w = xp.complex(nodes), xp.complex(weights)
        # the range is cut at the kinks of the integrand (zeros of linear arguments of Abs,
        # Max, ...), where Gauss-Legendre loses its accuracy: each piece is smooth
        cuts = [xp.reals(self.n, 0.0), xp.reals(self.n, 1.0)]
        for kink in linear_kinks(function, var):
            where = (self(kink) - a) / (b - a)
            cuts.append(xp.clip(xp.lib.nan_to_num(where.real, nan=0.0), 0.0, 1.0))
        cuts = xp.complex(xp.sort(xp.stack(cuts, 1), 1))
        inner = {k: xp.repeat(v, m) for k, v in self.values.items()}
        total = xp.full(self.n, 0j)
        for piece in range(cuts.shape[1] - 1):
            s0, s1 = cuts[:, piece], cuts[:, piece + 1]
            s = s0[:, None] + (s1 - s0)[:, None] * (x[None, :] + 1) / 2
            inner[var] = (a[:, None] + (b - a)[:, None] * s).reshape(-1)
            evaluator = Evaluator(inner, self.n * m, xp, self.functions)
            body = (evaluator._quadrature(function, limits[:-1]) if len(limits) > 1
                    else evaluator(function)).reshape(self.n, m)
            total = total + (body * w[None, :]).sum(1) * (s1 - s0) * (b - a) / 2
        return total

    def _piecewise(self, e: sympy.Piecewise) -> Any:
        out = self.xp.full(self.n, complex("nan"))
        done = self.xp.bools(self.n, False)
        for value, cond in e.args:
            mask = self._condition(cond) & ~done
            out = self.xp.where(mask, self(value), out)
            done |= mask
        return out

    def _condition(self, cond: sympy.Basic) -> Any:
        """The points where a condition (a relation of real parts, or a conjunction) holds."""
        if cond is sympy.true:
            return self.xp.bools(self.n, True)
        if isinstance(cond, sympy.And):
            mask = self._condition(cond.args[0])
            for part in cond.args[1:]:
                mask = mask & self._condition(part)
            return mask
        if isinstance(cond, sympy.core.relational.Relational):
            diff = self(cond.lhs - cond.rhs).real
            return {"<": diff < 0, "<=": diff <= 0, ">": diff > 0, ">=": diff >= 0,
                    "==": diff == 0, "!=": diff != 0}[cond.rel_op]
        raise Unsupported(f"cannot evaluate the condition {cond}")


def _entries(side: Any) -> tuple[tuple[int, int] | None, list[Any]]:
    if isinstance(side, sympy.MatrixBase):
        return tuple(side.shape), list(side)
    return None, [side]


def compare(realized: RealizedRelation, values: dict[sympy.Basic, Any], n: int, arrays: Arrays,
            functions: dict[str, Any] | None = None, robust: bool = False,
            gaps: list | None = None, sizes: list | None = None) -> tuple[Any, Any, Any]:
    """(valid, holds) masks: a point is valid where every value is finite; it holds where
    every case and entry is within tolerance. ``robust`` (for hypotheses that select
    points) turns the slack of inequalities into a margin, and makes a point where a side
    of an inequality is not real invalid (the point does not satisfy the hypothesis);
    otherwise such a point is valid and fails (an inequality between values that are not
    real is false). ``gaps``, when given, receives the relative discrepancy per point
    (the largest over entries: ``|l - r| / (1 + |l| + |r|)``, for an inequality its
    violation, negative where it holds), for choosing the points to re-check; ``sizes``
    the largest ``|l|`` or ``|r|`` per point (where float agreement is below its tolerance).
    ``values`` are arrays of the back end ``arrays``; the masks, gaps and sizes are numpy arrays."""
    with arrays.quiet():  # an overflow or a 0/0 is a value without float meaning: the masks say so
        valid, holds, firm, gap, size = _compared(realized, Evaluator(values, n, arrays, functions or {}), n,
                                                  robust, gaps is not None, sizes is not None)
    if gaps is not None:
        gaps.append(arrays.host(gap))
    if sizes is not None:
        sizes.append(arrays.host(size))
    return arrays.host(valid), arrays.host(holds), arrays.host(firm)


def _compared(realized: RealizedRelation, ev: Evaluator, n: int, robust: bool, gaps: bool,
              sizes: bool) -> tuple[Any, Any, Any, Any, Any]:
    xp = ev.xp
    lib = xp.lib
    valid, holds, firm = xp.bools(n, True), xp.bools(n, True), xp.bools(n, True)
    diverging = realized.may_diverge
    gap = xp.reals(n, -float("inf")) if gaps else None
    size = xp.reals(n, 0.0) if sizes else None
    for lhs, rhs in realized.cases:
        (ls, le), (rs, re_) = _entries(lhs), _entries(rhs)
        if ls != rs:
            if ls is None and le[0] == 0 and rs is not None:
                le = le * len(re_)
            elif rs is None and re_[0] == 0 and ls is not None:
                re_ = re_ * len(le)
            elif {ls, rs} != {None, (1, 1)}:
                raise RealizeError(f"the sides have different shapes: {ls or 'scalar'} and {rs or 'scalar'}")
        if realized.op != "=" and len(le) != 1:
            raise RealizeError("an inequality between matrices is not a scalar inequality")
        for a, b in zip(le, re_):
            l, r = ev(a), ev(b)
            v_valid, v_holds, v_firm = _compare_values(lib, l, r, realized.op, robust, (diverging, diverging))
            valid = valid & v_valid
            holds = holds & v_holds
            firm = firm & v_firm
            if gap is not None:
                gap = lib.maximum(gap, lib.nan_to_num(_gap(lib, l, r, realized.op), nan=-float("inf")))
            if size is not None:
                size = lib.maximum(size, lib.nan_to_num(lib.maximum(abs(l), abs(r)), nan=float("inf")))
    return valid, holds, firm, gap, size


def _gap(lib: Any, l: Any, r: Any, op: str) -> Any:
    """The relative discrepancy of one entry per point (an inequality: its signed violation,
    1 where a side is not real); ``lib`` is numpy or torch."""
    scale = 1 + abs(l) + abs(r)
    if op == "=":
        return abs(l - r) / scale
    d = (l.real - r.real) / scale
    violation = {">=": -d, ">": -d, "<=": d, "<": d}[op]
    real = (abs(l.imag) <= 1e-10 * (1 + abs(l))) & (abs(r.imag) <= 1e-10 * (1 + abs(r)))
    return lib.where(real, violation, lib.ones_like(violation))


def _compare_values(lib: Any, l: Any, r: Any, op: str, robust: bool = False,
                    diverging: tuple[bool, bool] = (False, False)) -> tuple[Any, Any, Any]:
    """(valid, holds, firm): ``holds`` within the tolerance; ``firm`` also for strict
    inequalities beyond it (``robust``: non-strict ones without slack).

    A point where a side that holds a divergent integral (``diverging``) is infinite
    and the other side finite is valid when the relation fails there: a candidate for a
    counterexample, which exact confirmation decides (the float infinity may be an
    overflow). Where it holds (``oo >= 1``) it is no evidence, and not valid. ``lib`` is numpy
    or torch."""
    l_finite = lib.isfinite(l.real) & lib.isfinite(l.imag)
    r_finite = lib.isfinite(r.real) & lib.isfinite(r.imag)
    valid = l_finite & r_finite
    infinite = lib.zeros_like(valid)
    if diverging[0]:
        infinite = infinite | ((lib.isinf(l.real) | lib.isinf(l.imag)) & r_finite)
    if diverging[1]:
        infinite = infinite | ((lib.isinf(r.real) | lib.isinf(r.imag)) & l_finite)
    tol = 1e-8 * (1 + abs(l) + abs(r))
    if op == "=":
        holds = (abs(l - r) <= tol) & ~infinite
        return valid | infinite, holds, holds
    real = (abs(l.imag) <= 1e-10 * (1 + abs(l))) & (abs(r.imag) <= 1e-10 * (1 + abs(r)))
    d = l.real - r.real
    holds = {">=": d >= -tol, ">": d > -tol, "<=": d <= tol, "<": d < tol}[op]
    firm = {">=": d >= (0 if robust else -tol), ">": d > tol, "<=": d <= (0 if robust else tol), "<": d < -tol}[op]
    if robust:  # a hypothesis that is not real at a point does not select it
        valid = valid & real
    else:  # the claim is an inequality between values that are not real there: it fails
        holds = holds & real
        firm = firm & real
    infinite = infinite & ~{">=": d > 0, ">": d > 0, "<=": d < 0, "<": d < 0}[op]  # oo >= 1 is no evidence
    return valid | infinite, holds & ~infinite, firm & ~infinite


MAX_KINKS = 8  # cuts of an integration range


def linear_kinks(body: sympy.Basic, var: sympy.Symbol) -> list[sympy.Basic]:
    """Where the integrand may have a kink in ``var``: the zeros of the arguments of ``Abs``,
    ``sign``, ``Heaviside`` and of the differences of ``Max``/``Min`` arguments, where
    these are linear in ``var`` (others are left to the quadrature's accuracy)."""
    found: list[sympy.Basic] = []
    for node in sympy.preorder_traversal(body):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
            arguments = [node.args[0]]
        elif isinstance(node, (sympy.Max, sympy.Min)):
            arguments = [p - q for i, p in enumerate(node.args) for q in node.args[i + 1:]]
        else:
            continue
        for argument in arguments:
            if var not in argument.free_symbols:
                continue
            slope = sympy.diff(argument, var)
            if slope.free_symbols & {var} or slope.is_zero is not False:
                continue
            zero = var - argument / slope
            if var not in sympy.expand(zero).free_symbols and len(found) < MAX_KINKS:
                found.append(sympy.expand(zero))
    return found

