"""A distribution check proved, where its process is linear in independent normal noise.

The check's parts are read as for the simulation (:func:`.plan.parse_plan`),
then split exactly into ``x[t] = a(t) * x[t - 1] + sum_k b_k(t) * eps_k[t] + c(t)``;
the induction on the mean and variance is :mod:`derivcheck.check.symbolic`'s
(:func:`~derivcheck.check.symbolic.prove_moment_recursion`). What it needs from the
file, and refuses otherwise:

- every noise has a declared ``normal`` law (``uniform`` is not normal), and the noises
  are declared independent (one sequence: in an ``independent`` group, which makes
  its elements mutually independent; several: all in one group);
- the process is affine in ``x[t - 1]`` and the noises, with coefficients free of
  them (checked by exact expansion);
- the start, the claimed mean and variance hold no random variable and no element of
  the state: the start is a fixed value, so ``x[t - 1]`` depends on the noises of
  earlier steps only, and those are independent of the current one.
"""

from __future__ import annotations

import sympy

from ...errors import InputError
from ...expr.scope import RandomDecl, Scope, SequenceDecl
from ...model import Text
from ..symbolic import LinearRecursion, prove_moment_recursion
from .plan import Plan, Unsupported, parse_plan
from .grid_eval import Unevaluable


def prove_linear_law(fields: dict[str, Text], scope: Scope,
                     instances: dict[str, tuple[int, ...]] | None = None) -> tuple[str | None, str]:
    """``(detail, "")`` when the claimed law is proved at every step, else ``(None, why not)``."""
    try:
        plan = parse_plan(fields, scope, instances or {})
    except (Unsupported, Unevaluable, InputError) as exc:
        return None, f"not read for a proof: {exc}"
    recursion = _recursion(plan, scope)
    if isinstance(recursion, str):
        return None, recursion
    return prove_moment_recursion(recursion, scope)


def _recursion(plan: Plan, scope: Scope) -> LinearRecursion | str:
    """The process's linear parts, or why it is not linear in independent normal noise."""
    laws = []
    for draw in plan.draws:
        decl = scope.names.get(draw.name)
        if not isinstance(decl, SequenceDecl) or decl.distribution is None:
            return f"the noise {draw.name} has no declared law"
        law, args = decl.distribution[0].lower(), [sympy.sympify(a, strict=True) for a in decl.distribution[1]]
        if law != "normal":
            return f"the noise {draw.name} is {law}, not normal"
        # symbolic parameters: the process holds mu + sqrt(s2) * (a standard draw)
        laws.append((args[0], args[1]) if all(a.is_number for a in args) else (sympy.Integer(0), sympy.Integer(1)))
    names = {d.name for d in plan.draws}
    if len(names) > 1 and not any(names <= group for group in scope.independent):
        return f"the noises {', '.join(sorted(names))} are not declared independent of each other (one group)"
    parts = _affine(plan)
    if parts is None:
        return "the process is not affine in x[t - 1] and the noise with coefficients free of them"
    gain, slopes, shift = parts
    for what, value in (("the start", plan.start_entries), ("the claimed law", [*plan.mean, plan.variance])):
        if any(_random_or_state(v, scope, plan.state) for v in value):
            return f"{what} holds a random variable or an element of {plan.state}"
    return LinearRecursion(plan.time, plan.first, plan.steps, gain, shift,
                           tuple((b, mu, s2) for b, (mu, s2) in zip(slopes, laws)),
                           tuple(plan.start_entries), tuple(plan.mean), plan.variance)


def _affine(plan: Plan) -> tuple[sympy.Expr, list[sympy.Expr], sympy.Expr] | None:
    """``(a, [b_k], c)`` with ``process = a * previous + sum_k b_k * draw_k + c`` exactly, the
    coefficients free of ``previous`` and every draw; None otherwise."""
    variables = [plan.previous, *plan.draws]
    coefficients = [plan.process.diff(v) for v in variables]
    if any(c.has(*variables) for c in coefficients):
        return None
    shift = plan.process.xreplace({v: 0 for v in variables})
    rest = plan.process - sum((c * v for c, v in zip(coefficients, variables)), sympy.Integer(0)) - shift
    if sympy.expand(rest) != 0 or shift.has(*variables):
        return None
    return coefficients[0], coefficients[1:], shift


def _random_or_state(value: sympy.Basic, scope: Scope, state: str) -> bool:
    if not isinstance(value, sympy.Basic):
        return True
    for element in value.atoms(sympy.Indexed):
        decl = scope.names.get(str(element.base.label))
        if str(element.base.label) == state or (isinstance(decl, SequenceDecl) and decl.random):
            return True
    return any(isinstance(scope.names.get(str(s)), RandomDecl) for s in value.free_symbols)


__all__ = ["prove_linear_law"]
