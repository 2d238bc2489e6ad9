"""Several integers near quarter periods: each moved in turn to its most violating candidate.

:func:`.phases.joint_phases` combines the integers' first candidates by their position in
each list, which misses two kinds of claims (red team 17): terms that need different
quarter periods at once (``sin(n) - sin(m) + cos(k) - cos(l) > -4 + 10**-10`` fails with
``n`` near 3 pi/2, ``m`` near pi/2, ``k`` near pi and ``l`` near 0), and arguments in several
integers (``cos(n) + cos(n + m) > -2 + 10**-8`` fails at n = 355, m = 710: the candidates of
``m`` depend on ``n``). A coordinate descent reaches both: from the first configuration,
each integer in turn takes, among its first :data:`CANDIDATES` candidates computed at the
others' current values (:func:`.nonlinear_phases.phase_candidates`), the one where the
relation is most violated (its sides evaluated to :data:`DIGITS` digits, the real scalars at
the first sampled point), for :data:`ROUNDS` rounds; where an argument holds two of
them, each round then also tries pairs: one moved to one of its first
:data:`PAIR_CANDIDATES` candidates, the other to a candidate computed there. Each round's configuration is only a
candidate, settled in 50 digits like the others; a relation whose sides keep another symbol
(a matrix) has no descent.
"""

from __future__ import annotations

from typing import Any, Callable

import sympy

ROUNDS = 3  # passes over the integers
CANDIDATES = 12  # candidates of one integer compared per pass (the most telling first)
DIGITS = 30  # precision of the comparison (the gaps compared are far above it)


def descent_configs(sides: tuple[Any, Any], op: str, base: dict[sympy.Symbol, int], names: list[sympy.Symbol],
                    candidates: Callable[[sympy.Symbol, dict], list[int]], reals: dict) -> list[dict]:
    """The configuration after each round of the descent (those that differ from ``base``)."""
    lhs, rhs = (side.xreplace(reals) if isinstance(side, sympy.Basic) else side for side in sides)
    if not all(isinstance(side, sympy.Expr) for side in (lhs, rhs)):
        return []
    if not (lhs.free_symbols | rhs.free_symbols) <= set(names):
        return []
    config = dict(base)
    out: list[dict] = []
    coupled = _coupled(lhs, rhs, names)

    def worse(c: dict) -> float:
        return _violation(lhs, rhs, op, c)

    for _ in range(ROUNDS):
        for n in names:
            found = candidates(n, config)[:CANDIDATES]
            if found:
                config[n] = max([config[n], *found], key=lambda v: worse({**config, n: v}))
        if coupled:  # an argument in two of them: one moved, the other's candidates computed there
            moves = [dict(config)]
            for n in coupled:
                for v in candidates(n, config)[:PAIR_CANDIDATES]:
                    for m in (k for k in coupled if k != n):
                        found = candidates(m, {**config, n: v})[:CANDIDATES]
                        moves += [{**config, n: v, m: w} for w in found]
            config = max(moves, key=worse)
        if config != base and config not in out:
            out.append(dict(config))
    return out


PAIR_CANDIDATES = 6  # candidates of the first integer of a pair move


def _coupled(lhs: sympy.Expr, rhs: sympy.Expr, names: list[sympy.Symbol]) -> list[sympy.Symbol]:
    """The integers (at most 3) that share an argument of a periodic function with another."""
    from .phases import PERIODIC

    found: list[sympy.Symbol] = []
    for side in (lhs, rhs):
        for node in sympy.preorder_traversal(side):
            if type(node).__name__ in PERIODIC and isinstance(node, sympy.Function) and node.args:
                shared = [n for n in names if n in node.args[0].free_symbols]
                if len(shared) > 1:
                    found += [n for n in shared if n not in found]
    return found[:3]


def _violation(lhs: sympy.Expr, rhs: sympy.Expr, op: str, config: dict) -> float:
    """How far the relation is from holding at ``config`` (larger: more violated)."""
    put = {k: sympy.Integer(v) for k, v in config.items()}
    try:
        gap = sympy.N(lhs.xreplace(put) - rhs.xreplace(put), DIGITS)
        if not gap.is_real:
            return float("-inf")
        value = float(gap)
    except (TypeError, ValueError, ArithmeticError):
        return float("-inf")
    return {"<": value, "<=": value, ">": -value, ">=": -value}.get(op, abs(value))


__all__ = ["CANDIDATES", "ROUNDS", "descent_configs"]
