"""The wide integer configurations of a numeric check, and the ranges its evidence covers.

The ordinary configurations keep integers small (dimensions 1..4, naturals 1..7:
:func:`derivcheck.check.numeric.sampling.integer_configs`); a statement true only for
small integers (``n! <= 4**n``, false from n = 9; ``trace(eye(n)) <= 4``) passes
them. So, once they agree, a few more are tried: the naturals and integers at a
medium and a large value, and the dimensions at a larger size
(:func:`derivcheck.check.numeric.sampling.integer_reach`). They cost time, which grows with
the sampled scalars (a sum over a sequence, a matrix's entries), so each is tried
only where its projected size stays small.
"""

from __future__ import annotations

import random
import zlib
from typing import Any

import sympy

from ...expr.scope import MatrixDecl, ScalarDecl, Scope
from . import element_phases
from .phase_descent import descent_configs
from .phases import MAX_JOINT, TEXT as PHASES_TEXT, joint_phases
from .domains import integer_reach
from .sampling import WIDE_TEXT, interleaved

MAX_WIDE_PARAMS = 128  # a wide integer configuration is tried when its projected number of sampled scalars
MAX_WIDE_ENTRIES = 64  # is below this; the larger dimension when its projected entries are below this
# beyond those, up to these, at REDUCED_POINTS points only: a statement false only for
# n >= 8 with many sampled scalars (a double sum, four matrices) is not passed unseen
MAX_REDUCED_PARAMS = 512
MAX_REDUCED_ENTRIES = 256
REDUCED_POINTS = 2


def wide_configs(trials: list[Any], ranges: dict, kinds: dict, scope: Scope, seed: int) -> list[tuple[dict, bool]]:
    """Integer configurations beyond the small ones: the naturals and integers at a medium,
    a large and (integers) a large negative value, and the dimensions at a larger size
    (:func:`derivcheck.check.numeric.sampling.integer_reach`), each with the other parameters at
    their smallest. Where the sampled quantities grow with a parameter (a sum over a
    sequence, a matrix's entries), only where the projected count stays below
    MAX_WIDE_PARAMS (MAX_WIDE_ENTRIES for the dimensions, whose products grow fast: the
    size is the largest up to the reach that stays below); never for random variables
    (their spaces grow fast). Each comes with whether it is reduced: beyond those bounds, up
    to MAX_REDUCED_PARAMS (MAX_REDUCED_ENTRIES), it is tried at REDUCED_POINTS points."""
    valid = [t for t in trials if t.valid]
    if not valid or not ranges or any(t.main.space is not None for t in valid):
        return []
    rng = random.Random(zlib.crc32(f"wide:{seed}".encode()))
    decls = {d.symbol: d for d in scope.names.values() if isinstance(d, ScalarDecl)}
    reach = {s: integer_reach(kinds[s], decls[s].interval, rng) for s in ranges}
    base = {s: min(ranges[s], key=abs) for s in ranges}
    sizes = [sum(len(p.symbols) for p in t.params) for t in valid]  # sampled scalars (entries, elements)
    flat = max(sizes) == min(sizes)

    def largest(of: list[sympy.Symbol]) -> int:
        return max([abs(t.config.get(s, 1)) for t in valid for s in of] or [1])

    out: list[tuple[dict, bool]] = []
    others = [s for s in ranges if kinds[s] != "dimension"]
    reduced = False
    for label in ("medium", "large", "-large", "end", "-end"):
        config = {**base, **{s: reach[s][label] for s in others if label in reach[s]}}
        grown = max(sizes) * max(abs(v) for v in config.values()) / largest(others)
        if config == base or any(config == c for c, _ in out):
            continue
        if flat or grown <= MAX_WIDE_PARAMS:
            out.append((config, False))
        elif not reduced and not any(not r for _, r in out):  # only where no wide value was tried
            # once, at the values past the ordinary window that the size allows (as far as
            # the medium value): a statement true only for small integers fails there
            scale = MAX_REDUCED_PARAMS * largest(others) / max(sizes)
            small = {s: _past_window(v, ranges[s], scale) for s, v in config.items() if s in others}
            if all(v is not None for v in small.values()) and {**base, **small} != base:
                out.append(({**base, **small}, True))
                reduced = True
    dims = [s for s in ranges if kinds[s] == "dimension" and "large" in reach[s]]
    if dims and all(t.lazy for t in valid):
        # the largest size up to the reach whose projected count of entries stays in bounds
        # (entries grow with the square of a dimension; realising products, faster still)
        now = largest(dims)
        top = max(reach[s]["large"] for s in dims)
        for cap, reduced in ((MAX_WIDE_ENTRIES, False), (MAX_REDUCED_ENTRIES, True)):
            size = max((k for k in range(now + 1, top + 1) if max(sizes) * (k / now) ** 2 <= cap), default=None)
            if size is not None:  # other integers smallest
                out.append(({**base, **{s: min(size, reach[s]["large"]) for s in dims}}, reduced))
                break  # a reduced size only where no ordinary one fits
    return out


MAX_EQUALITY_CONFIGS = 4  # integer configurations at the equality cases (special_points.integer_cases)


def equality_configs(relation: Any, trials: list[Any], ranges: dict, scope: Scope) -> list[tuple[dict, bool]]:
    """Integer configurations at the equality cases of ``relation`` in its integer parameters
    (:func:`.special_points.integer_cases`: ``(n - 13)**2 > 0`` at n = 13), the others as in
    the first configuration, inside the declared domains; sized as the wide ones (reduced
    where the sampled scalars grow past MAX_WIDE_PARAMS, left out past MAX_REDUCED_PARAMS)."""
    from ..realize import RealizedRelation
    from ..symbolic import provably_in_domain
    from .special_points import integer_cases

    valid = [t for t in trials if t.valid]
    if not valid or not ranges or any(t.main.space is not None for t in valid):
        return []
    sides = [side for side in (relation.lhs, relation.rhs)]
    if not all(isinstance(side, (sympy.Basic, int)) for side in sides):
        return []
    base = dict(valid[0].config)
    sizes = [sum(len(p.symbols) for p in t.params) for t in valid]
    flat = max(sizes) == min(sizes)
    tried = [t.config for t in trials]
    out: list[tuple[dict, bool]] = []
    inside = lambda n, v: provably_in_domain(sympy.Integer(v), n, scope)  # noqa: E731
    for n, value in integer_cases(RealizedRelation(relation.op, (tuple(sides),), None), list(ranges), base, inside):
        config = {**base, n: value}
        if config in tried or any(config == c for c, _ in out):
            continue
        now = max([abs(t.config.get(n, 1)) for t in valid] + [1])
        grown = max(sizes) * (abs(value) / now) ** (2 if n in ranges and _dimension(n, scope) else 1)
        if flat or grown <= MAX_WIDE_PARAMS:
            out.append((config, False))
        elif grown <= MAX_REDUCED_PARAMS:
            out.append((config, True))
        if len(out) >= MAX_EQUALITY_CONFIGS:
            break
    return out


MAX_PHASE_CONFIGS = 12  # integer configurations near the quarter periods of sin/cos arguments (.phases)


def phase_configs(relation: Any, trials: list[Any], ranges: dict, kinds: dict, scope: Scope) -> list[tuple[dict, bool]]:
    """Integer configurations where an argument ``a*n + b`` of a periodic function in an
    integer parameter ``n`` comes nearest a quarter period (:func:`.phases.phase_integers`:
    ``cos(n) < 1 - 10**-11`` fails at n = 312689, and nearer still at 4272943), the other
    integers as in the first configuration, inside the declared domain; the arguments'
    candidates in turn, at most MAX_PHASE_CONFIGS; sized as the wide ones."""
    from ..symbolic import provably_in_domain
    from .domains import integer_domain
    from .nonlinear_phases import phase_candidates

    valid = [t for t in trials if t.valid]
    if not valid or not ranges or any(t.main.space is not None for t in valid):
        return []
    sides = [side for side in (relation.lhs, relation.rhs) if isinstance(side, sympy.Basic)]
    base = dict(valid[0].config)
    decls = {d.symbol: d for d in scope.names.values() if isinstance(d, ScalarDecl)}
    lists = []
    for n in ranges:
        if n not in decls or (kinds[n] == "dimension" and _sets_a_shape(n, sides, scope)):
            continue  # a dimension that sizes a matrix is tried at the sizes of the ladder only
        bottom, top = integer_domain(kinds[n], decls[n].interval).reach
        lists += [(n, values) for values in phase_candidates(sides, n, base, bottom, top)]
    sizes = [sum(len(p.symbols) for p in t.params) for t in valid]
    flat = max(sizes) == min(sizes)
    tried = [t.config for t in trials]
    out: list[tuple[dict, bool]] = []

    def add(changes: dict) -> None:
        config = {**base, **changes}
        if config in tried or any(config == c for c, _ in out):
            return
        if not all(provably_in_domain(sympy.Integer(v), n, scope) for n, v in changes.items()):
            return
        grown = max(sizes) * max(abs(v) / max([abs(t.config.get(n, 1)) for t in valid] + [1])
                                 for n, v in changes.items())
        if flat or grown <= MAX_WIDE_PARAMS:
            out.append((config, False))
        elif grown <= MAX_REDUCED_PARAMS:
            out.append((config, True))

    for k in range(max((len(values) for _, values in lists), default=0)):
        for n, values in lists:
            if k < len(values) and len(out) < MAX_PHASE_CONFIGS:
                add({n: values[k]})
    single = len(out)
    for joint in joint_phases(lists):
        if len(out) - single >= MAX_JOINT:
            break
        add(joint)
    names = sorted({n for n, values in lists if values}, key=str)
    if len(names) > 1:  # several at once, each at the quarter period its term needs (.phase_descent)
        reach = {n: integer_domain(kinds[n], decls[n].interval).reach for n in names}

        def candidates(n: sympy.Symbol, config: dict) -> list[int]:
            return interleaved(phase_candidates(sides, n, config, *reach[n]))

        for config in descent_configs((relation.lhs, relation.rhs), relation.op, base, names, candidates,
                                      _first_point(valid[0])):
            add({n: v for n, v in config.items() if n in names})
    return out


def _first_point(trial: Any) -> dict:
    """The exact values of the real scalars at ``trial``'s first point (for :mod:`.phase_descent`)."""
    from ..realize import RealizeError
    from .sampling import exact_values, point_at

    if not trial.params or not trial.batch:
        return {}
    try:
        return exact_values(trial.params, point_at(trial.params, trial.batch, 0))
    except RealizeError:
        return {}


def _sets_a_shape(n: sympy.Symbol, sides: list[sympy.Basic], scope: Scope) -> bool:
    """Whether the dimension ``n`` is the size of a declared matrix or of a matrix in ``sides``
    (``eye(n)``): a quarter-period candidate such as 312689 cannot size one."""
    shapes = [d.rows for d in scope.names.values() if isinstance(d, MatrixDecl)]
    shapes += [d.cols for d in scope.names.values() if isinstance(d, MatrixDecl)]
    shapes += [size for side in sides for m in side.atoms(sympy.MatrixExpr) for size in m.shape]
    return any(n in size.free_symbols for size in shapes if isinstance(size, sympy.Basic))


def _dimension(n: sympy.Symbol, scope: Scope) -> bool:
    return any(isinstance(d, ScalarDecl) and d.symbol == n and d.kind == "dimension" for d in scope.names.values())


def _past_window(value: int, window: list[int], scale: float) -> int | None:
    """``value`` brought back to the largest integer whose size fits ``scale`` (at least one
    past ``window``, on ``value``'s side), or None when not even that fits."""
    step = max(window) + 1 if value > 0 else min(window) - 1
    if abs(step) > scale:
        return None
    fitted = int(scale) if value > 0 else -int(scale)
    return min(value, fitted) if value > 0 else max(value, fitted)


def coverage(trials: list[Any]) -> str:
    """The ranges the evidence covers: each integer parameter's values, and the reals' spread."""
    values: dict[str, set[int]] = {}
    for t in trials:
        if t.valid:
            for s, v in t.config.items():
                values.setdefault(str(s), set()).add(v)
    parts = [f"{s} in {{{', '.join(map(str, sorted(vs)))}}}" for s, vs in values.items()]
    if any(p.wide and p.kind in ("scalar", "matrix") and not p.domain.integer
           for t in trials if t.valid for p in t.params):
        parts.append(WIDE_TEXT)
    if any(t.phase for t in trials) or any(element_phases.applies(t.main, t.params) for t in trials if t.valid):
        parts.append(PHASES_TEXT)
    return ("; " + "; ".join(parts)) if parts else ""


__all__ = ["wide_configs", "equality_configs", "phase_configs", "MAX_PHASE_CONFIGS", "coverage", "MAX_WIDE_PARAMS", "MAX_WIDE_ENTRIES", "REDUCED_POINTS"]
