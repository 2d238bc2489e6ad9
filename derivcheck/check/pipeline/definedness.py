"""Whether an item's relation has a value anywhere its hypotheses hold (docs/trust.md, rule 33).

The parser records what each side needs to have a value before SymPy combines it
away (:mod:`derivcheck.expr.definedness`): ``(x - y)/(x - y)`` is read as 1, but its
denominator ``x - y`` is kept beside it. A relation is accepted (``proved``,
``proved-instances`` or ``numeric``) only when its conditions can hold together:

* an exact point where the denominators are clearly nonzero and the hypotheses hold, the
  inverted matrices being invertible by their declarations, shows that they can hold
  (:func:`~derivcheck.check.symbolic.nonzero_at`; tried first, as the cheapest);
* else the denominators and the determinants of the inverted matrices are checked together
  at the numeric check's points, which satisfy the declarations and the hypotheses:
  their product ``= 0`` refuted at a confirmed point shows one where every condition
  holds; agreement (zero at every sampled point) means the relation has no value there;
* where the numeric check cannot tell (or is off), a symbolic proof that a denominator
  is 0, or a determinant 0, under the hypotheses shows the same (in the prover's child);
  with neither, the relation may have no value, and is not accepted;
* an infinite sum or product must converge (:func:`~derivcheck.check.symbolic.divergence`).

A denominator zero on a thin set only (``x/x`` at ``x = 0``) is no obstacle: such a
relation holds where it is defined, conventionally.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ...errors import DerivcheckError
from ...expr import objects
from ...expr.scope import Scope
from ...model import Options
from ..evidence import Status
from ..numeric import check_numerically
from ..symbolic import uncertified_constant
from .items import Item
from .prover import Prover

SYMBOLIC_SECONDS = 5.0
"""Budget of the symbolic tests of definedness (divergence, a denominator proved 0)."""

POINTWISE = ("nonzero", "invertible")


def valueless(item: Item, scope: Scope, options: Options, prover: Prover) -> tuple[str | None, str]:
    """``(why, note)``: why the item's relation has, or may have, no value wherever its
    hypotheses hold (None when its conditions were shown to hold at one point), and a note."""
    if not item.conditions:
        return None, ""
    seconds = min(options.timeout, SYMBOLIC_SECONDS)
    if any(c.kind == "convergent" for c in item.conditions):
        why = prover.valueless(item, seconds, ("convergent",))
        if why is not None:
            return _sided(item, why), ""
    pointwise = [c for c in item.conditions if c.kind in POINTWISE]
    if not pointwise:
        return None, ""
    why = _constant(item, pointwise)
    if why is not None:
        return why, ""
    if prover.defined_at(item, seconds) is not None:
        return None, ""  # an exact point: the cheapest evidence, tried first
    status = _sampled(item, pointwise, scope, options) if options.numeric else None
    if status is True:
        return None, ""
    if status is False:
        return _culprit(item, pointwise, scope, options), ""
    why = prover.valueless(item, seconds, POINTWISE)
    if why is not None:
        return _sided(item, why), ""
    shown = ", ".join(dict.fromkeys(c.describe() for c in pointwise))
    how = "numeric checks are off" if not options.numeric else "the numeric check could not evaluate them"
    return (f"the relation may have no value: no point was found where {shown} "
            f"{'is' if len(pointwise) == 1 else 'are'} nonzero (invertible) and the hypotheses hold ({how})"), ""


def _constant(item: Item, conditions: list[Any]) -> str | None:
    """Why a constant factor of a denominator (of an inverted matrix) leaves the relation without
    a value, or may: one that is 0, or one not certified nonzero (SymPy has cancelled ``c/c``
    for ``c = log(6) - log(2) - log(3)``; no point can show such a constant nonzero)."""
    for condition in conditions:
        if condition.each is not None or not isinstance(condition.expr, sympy.Basic):
            continue
        found = uncertified_constant(condition.expr)
        if found is None:
            continue
        factor, sign = found
        if sign == 0:
            return _sided(item, f"{condition.describe()} is 0 (its constant factor {factor} is 0)", condition)
        return (f"the relation may have no value: the constant {factor} in {condition.describe()} "
                "is not shown nonzero (no interval evaluation of it excludes 0)")
    return None


def _value(condition: Any) -> Any:
    return condition.expr if condition.kind == "nonzero" else sympy.Determinant(condition.expr)


def _sampled(item: Item, conditions: list[Any], scope: Scope, options: Options) -> bool | None:
    """True when a point satisfying the hypotheses has every condition holding; False when
    the least of the conditions' sizes is 0 at every sampled point; None when the check cannot tell."""
    values = [_value(c) for c in conditions]
    try:
        least = _least_size(values)
        evidence = check_numerically(objects.Relation(least, "=", sympy.Integer(0)), scope, seed=options.seed,
                                     points=options.points, hypotheses=item.hypotheses, device=options.device,
                                     budget=max(options.timeout, 30.0))
    except DerivcheckError:
        raise
    except Exception:  # noqa: BLE001 - a failed check tells nothing; the symbolic test follows
        return None
    if evidence.refutes:
        return True
    if evidence.status is Status.AGREE and evidence.points > 0:
        return False
    return None


def _least_size(values: list[Any]) -> Any:
    """An expression that is 0 exactly where one of ``values`` is: their least absolute value,
    not their product, which SymPy may cancel once written out (the product of a matrix's
    entries times the product of their inverses is 1). A 1x1 matrix counts as its entry."""
    values = [sympy.Trace(v) if isinstance(v, MatrixExpr) and v.shape == (1, 1) else v for v in values]
    if len(values) == 1:
        return values[0]
    return sympy.Min(*(sympy.Abs(v) for v in values), evaluate=False)


def _culprit(item: Item, conditions: list[Any], scope: Scope, options: Options) -> str:
    where = "wherever the hypotheses hold" if item.hypotheses else "for every value the declarations allow"
    for condition in conditions:
        if _sampled(item, [condition], scope, options) is False:
            what = "is 0" if condition.kind == "nonzero" else "is singular"
            return _sided(item, f"{condition.describe()} {what} {where} (at every sampled point)", condition)
    shown = ", ".join(dict.fromkeys(c.describe() for c in conditions))
    return f"the relation has no value: {shown} are never all nonzero (invertible) at one sampled point ({where})"


def _sided(item: Item, why: str, condition: Any = None) -> str:
    """``the left side has no value: <why>`` (the side of the condition named first in ``why``)."""
    if condition is None:
        condition = next((c for c in item.conditions if why.startswith(c.describe())), None)
    side = f"the {condition.side} side" if condition is not None and condition.side else "the relation"
    return f"{side} has no value: {why}"
