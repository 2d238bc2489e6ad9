"""Which of SymPy's exact values of an integral, sum or product may give a constant its sign.

:func:`~derivcheck.expr.constants.constant_sign` encloses a constant built of elementary
operations; an integral, sum or product in it must first be replaced by an exact value,
and SymPy's ``doit`` can be wrong: ``Sum(1/(4*i - 3) + 1/(4*i - 1) - 1/(2*i - 1), (i, 1, oo))``
is log(2)/2, SymPy says 0; ``Integral(exp(-t**4), (t, -1, 1))`` is 1.69, SymPy says 0. So
while a derivation is checked, the sign of such a constant uses only the values that the
rest of the checker trusts too: a finite sum or product with integer bounds and at most
:data:`MAX_TERMS` terms, an integral whose closed form is trusted on its own
(:func:`~derivcheck.check.realize.untrusted_integrals`, trust rule 18), an infinite sum or
product whose closed form agrees with its partial sums (:func:`.series.clean_value`), and
a derivative. Any other (a limit, a sum with bounds that are not integers) gives no sign.
"""

from __future__ import annotations

import sympy

from ..realize import untrusted_integrals
from .series import clean_value
from .sums import finite_limits

MAX_TERMS = 10**4  # a finite sum or product of more terms gives no value here
_NO_VALUE = (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan, sympy.AccumBounds)


def trusted_closed_form(node: sympy.Basic) -> sympy.Basic | None:
    """The exact value of the integral, sum, product or derivative ``node`` (without symbols)
    where it is trusted (see the module), else None."""
    try:
        value = _value(node)
    except Exception:  # noqa: BLE001 - SymPy failing to evaluate is no value
        return None
    if value is None or not isinstance(value, sympy.Expr) or value.has(*_NO_VALUE):
        return None
    return value


def _value(node: sympy.Basic) -> sympy.Basic | None:
    if isinstance(node, sympy.Derivative):
        return node.doit()
    if isinstance(node, sympy.Integral):
        return None if untrusted_integrals(node) else node.doit()
    if isinstance(node, (sympy.Sum, sympy.Product)):
        if all(len(limit) == 3 and limit[1].is_Integer and limit[2].is_Integer for limit in node.limits):
            terms = 1
            for _, lo, hi in node.limits:
                terms *= max(int(hi) - int(lo) + 1, 1)
            # SymPy sums a long range through functions of huge integers that it then
            # evaluates exactly (harmonic(10**20) never ends): a long one gives no value
            return node.doit() if terms <= MAX_TERMS else None
        if not finite_limits(node):
            return clean_value(node)
    return None


__all__ = ["trusted_closed_form"]
