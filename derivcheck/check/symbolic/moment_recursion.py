"""The law of a process linear in independent normal noise, proved by induction on its moments.

For ``x[t] = a(t) * x[t - 1] + sum_k b_k(t) * eps_k[t] + c(t)`` with ``x[first]`` a
fixed value, the noises normal and independent of each other and of the past, and
``a``, ``b_k``, ``c`` real and free of the noise, ``x[t]`` is normal at every ``t``
(an affine map of independent normals), with mean and variance

    m(t) = a(t) m(t - 1) + sum_k b_k(t) mu_k + c(t),     v(t) = a(t)**2 v(t - 1) + sum_k b_k(t)**2 s_k,

``m(first) = x[first]``, ``v(first) = 0``. A claimed ``Normal(M(t), V(t))`` for ``t`` in
``first + 1 .. first + steps`` therefore holds when (:func:`prove_moment_recursion`):

1. ``a``, ``b_k``, ``c`` are real on that range (:class:`~.real_forms.RealForms`);
2. the base: ``M(first + 1)`` and ``V(first + 1)`` are one step from the start;
3. the step, for a symbolic integer ``t`` in ``first + 2 .. first + steps``: ``M(t)``,
   ``V(t)`` are one step from ``M(t - 1)``, ``V(t - 1)``. Each product, sum, power or
   rising factorial whose bound or exponent moves with ``t`` is peeled by one exact
   rule of finite products and sums (``Product(f(i), (i, L, U)) = f(U) *
   Product(f(i), (i, L, U - 1))`` for ``U >= L``, ``X**(p*t + q) = X**p * X**(p*(t - 1) + q)``,
   ...), and its value one step back becomes a symbol (an *atom*); radicals are split
   over factors of proved sign on the range; ``cancel`` of each difference is exactly 0.

Every side condition is proved on the integer range, never sampled; what is not
shown leaves no proof (the Monte Carlo check then decides, at best ``numeric``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .real_forms import Atom, RealForms


@dataclass(frozen=True)
class LinearRecursion:
    """The parts of a process affine in its noises (see the module docstring). ``noise`` holds
    ``(b_k(t), mean, variance)`` per noise; ``mean`` one claimed mean per coordinate, with
    ``start`` beside it; every coordinate has its own independent noise, with ``variance``."""

    time: sympy.Symbol
    first: int
    steps: int
    gain: sympy.Expr
    shift: sympy.Expr
    noise: tuple[tuple[sympy.Expr, sympy.Expr, sympy.Expr], ...]
    start: tuple[sympy.Expr, ...]
    mean: tuple[sympy.Expr, ...]
    variance: sympy.Expr


def prove_moment_recursion(recursion: LinearRecursion, scope: object) -> tuple[str | None, str]:
    """``(detail, "")`` when the claimed law is proved at every step, else ``(None, why not)``."""
    t = sympy.Dummy("t", integer=True)  # no declared assumption of the index speaks for the range
    rec = _renamed(recursion, t)
    lo, hi = rec.first + 1, rec.first + rec.steps
    coefficients = RealForms(scope, t, lo, hi)
    for part in (rec.gain, rec.shift, *[p for triple in rec.noise for p in triple]):
        if coefficients.form(part) is None:
            return None, f"the coefficient {part} is not shown real for t = {lo}..{hi}"
    why = _base_case(rec, scope)
    if why is None and rec.steps > 1:
        why = _step_case(rec, t, scope)
    if why is not None:
        return None, why
    step = f", and one step from the claim at t - 1 for t = {lo + 1}..{hi}" if rec.steps > 1 else ""
    return (f"x[t] is affine in independent normal noise, so normal; the claimed mean and variance are "
            f"one step from the start at t = {lo}{step}, exactly"), ""


def _renamed(rec: LinearRecursion, t: sympy.Symbol) -> LinearRecursion:
    swap = {rec.time: t}
    return LinearRecursion(t, rec.first, rec.steps, rec.gain.xreplace(swap), rec.shift.xreplace(swap),
                           tuple(tuple(p.xreplace(swap) for p in triple) for triple in rec.noise),
                           rec.start, tuple(m.xreplace(swap) for m in rec.mean), rec.variance.xreplace(swap))


def _one_step(rec: LinearRecursion, mean: sympy.Expr, variance: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """The mean and variance of ``x[t]`` when ``x[t - 1]`` has ``mean`` and ``variance``."""
    drift = sum((b * mu for b, mu, _ in rec.noise), sympy.Integer(0))
    spread = sum((b ** 2 * s2 for b, _, s2 in rec.noise), sympy.Integer(0))
    return rec.gain * mean + drift + rec.shift, rec.gain ** 2 * variance + spread


def _base_case(rec: LinearRecursion, scope: object) -> str | None:
    at = {rec.time: sympy.Integer(rec.first + 1)}
    forms = RealForms(scope, None, 0, -1)
    for claimed, start in zip(rec.mean, rec.start):
        mean, _ = _one_step(rec, start, sympy.Integer(0))
        if not _equal(forms, _concrete(claimed.xreplace(at)), _concrete(mean.xreplace(at))):
            return f"the claimed mean at t = {rec.first + 1} is not shown one step from the start"
    _, variance = _one_step(rec, sympy.Integer(0), sympy.Integer(0))
    if not _equal(forms, _concrete(rec.variance.xreplace(at)), _concrete(variance.xreplace(at))):
        return f"the claimed variance at t = {rec.first + 1} is not shown one step from the start"
    return None


def _step_case(rec: LinearRecursion, t: sympy.Symbol, scope: object) -> str | None:
    lo, hi = rec.first + 2, rec.first + rec.steps
    atoms, now, back = {}, {}, {}
    for node in _moving(list(rec.mean) + [rec.variance], t):
        peeled = _peel(node, t, lo, scope)
        if peeled is None:
            return f"{node} is not peeled by a rule of finite products and sums on t = {lo}..{hi}"
        symbol = sympy.Dummy("atom", real=True)
        value, ratio = peeled
        placeholder = sympy.Dummy("moving")
        atoms[symbol] = Atom(symbol, _concrete(node.xreplace({t: sympy.Integer(lo - 1)})), ratio)
        now[placeholder], back[placeholder] = value.xreplace({sympy.Symbol("_atom"): symbol}), symbol
        node_map = {node: placeholder}
        rec = _replaced(rec, node_map)
    forms = RealForms(scope, t, lo, hi, atoms)
    earlier = {**back, t: t - 1}
    for claimed in rec.mean:
        mean, _ = _one_step(rec, claimed.xreplace(earlier), sympy.Integer(0))
        if not _equal(forms, claimed.xreplace(now), mean):
            return f"the claimed mean is not shown one step from itself at t - 1 (t = {lo}..{hi})"
    _, variance = _one_step(rec, sympy.Integer(0), rec.variance.xreplace(earlier))
    if not _equal(forms, rec.variance.xreplace(now), variance):
        return f"the claimed variance is not shown one step from itself at t - 1 (t = {lo}..{hi})"
    return None


def _replaced(rec: LinearRecursion, mapping: dict) -> LinearRecursion:
    return LinearRecursion(rec.time, rec.first, rec.steps, rec.gain, rec.shift, rec.noise, rec.start,
                           tuple(m.xreplace(mapping) for m in rec.mean), rec.variance.xreplace(mapping))


_PEELED = (sympy.Product, sympy.Sum, sympy.RisingFactorial, sympy.factorial)


def _moving(exprs: list[sympy.Expr], t: sympy.Symbol) -> list[sympy.Basic]:
    """The outermost products, sums, rising factorials, factorials and powers whose bound,
    argument or exponent holds ``t``, in a fixed order."""
    found: list[sympy.Basic] = []

    def visit(node: sympy.Basic) -> None:
        if t not in node.free_symbols:
            return
        if isinstance(node, _PEELED) or (isinstance(node, sympy.Pow) and t in node.exp.free_symbols):
            if node not in found:
                found.append(node)
            return
        for arg in node.args:
            visit(arg)

    for expr in exprs:
        visit(expr)
    return found


def _peel(node: sympy.Basic, t: sympy.Symbol, lo: int, scope: object) -> tuple[sympy.Expr, sympy.Expr | None] | None:
    """``(value at t in the symbol _atom standing for the value at t - 1, ratio)`` by one exact
    rule valid for every ``t`` in ``lo..``, or None. ``ratio`` is None for a sum."""
    atom = sympy.Symbol("_atom")
    if isinstance(node, (sympy.Product, sympy.Sum)):
        if len(node.limits) != 1 or t in node.function.free_symbols:
            return None
        (i, low, upper), = node.limits
        if not (low.is_Integer and _moves_by_one(upper, t) and upper.xreplace({t: lo}) >= low):
            return None  # U - 1 >= L - 1 at every t: the product (sum) up to U - 1 is an ordinary one
        term = node.function.xreplace({i: upper})
        return (term * atom, term) if isinstance(node, sympy.Product) else (term + atom, None)
    if isinstance(node, (sympy.RisingFactorial, sympy.factorial)):
        base, n = (node.args if isinstance(node, sympy.RisingFactorial) else (sympy.Integer(1), node.args[0]))
        if t in base.free_symbols or not _moves_by_one(n, t) or n.xreplace({t: lo}) < 1:
            return None
        term = base + n - 1
        return term * atom, term
    return _peel_power(node, t, lo, scope)


def _peel_power(node: sympy.Pow, t: sympy.Symbol, lo: int, scope: object) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``X**(p*t + q) = X**p * X**(p*(t - 1) + q)``: for rationals ``p``, ``q`` where ``X > 0`` is
    proved; for integers ``p != 0`` and ``q`` where ``X`` is proved nonzero, or, for ``p >= 1``,
    where the exponent one step back is >= 0 on the whole range (``0**0 = 1``)."""
    base, exp = node.args
    if t in base.free_symbols:
        return None
    try:
        poly = sympy.Poly(exp, t)
    except sympy.PolynomialError:
        return None
    if poly.degree() != 1 or not all(c.is_Rational for c in poly.all_coeffs()):
        return None
    p = poly.all_coeffs()[0]
    sign = RealForms(scope, None, 0, -1).formed_sign(base)
    if sign == (1, True):
        pass  # X > 0: X**u * X**v = X**(u + v) for all real u, v
    elif not all(c.is_Integer for c in poly.all_coeffs()):
        return None
    elif not (sign is not None and sign[1]) and (p < 1 or exp.xreplace({t: sympy.Integer(lo - 1)}) < 0):
        return None
    term = base ** p
    return term * sympy.Symbol("_atom"), term


def _moves_by_one(bound: sympy.Basic, t: sympy.Symbol) -> bool:
    return (bound - t).is_Integer


def _concrete(expr: sympy.Basic) -> sympy.Basic:
    """Sums and products with integer bounds written out (SymPy's ``doit`` of finite ones)."""
    if not expr.has(sympy.Sum, sympy.Product):
        return expr
    return expr.replace(lambda n: isinstance(n, (sympy.Sum, sympy.Product))
                        and all(b.is_Integer for lim in n.limits for b in lim[1:]), lambda n: n.doit())


def _equal(forms: RealForms, lhs: sympy.Expr, rhs: sympy.Expr) -> bool:
    """Both sides have real forms on the range, and ``cancel`` of their difference is exactly 0."""
    left, right = forms.form(lhs), forms.form(rhs)
    if left is None or right is None:
        return False
    difference = sympy.expand(forms.restore(left - right))
    if difference == 0:
        return True
    try:
        return sympy.cancel(sympy.together(difference)) == 0
    except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
        return False


__all__ = ["LinearRecursion", "prove_moment_recursion"]
