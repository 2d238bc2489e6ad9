"""Far integers: a relation in integer parameters alone, checked in closed form far
beyond the integer configurations.

The configurations realise a relation entry by entry at small integers (naturals to
about 1000, dimensions to 8: :mod:`.configs`, :mod:`.wide`), so a statement false only
beyond them (``log(n) < 7`` from n = 1097, ``Sum(1/i, (i, 1, n)) < 8`` from n = 1674,
``det(2*eye(n)) <= 256`` from n = 9) agrees there. Realising it further costs work that
grows with the integers (a sum's terms, a matrix's entries; a factorial's digits). Here
the relation is not realised: where its only free symbols are integer parameters, SymPy's
``doit`` (repeated to a fixed point) gives each side as a closed form in them (the sum
``harmonic(n)``, ``trace(eye(n))`` ``n``, ``det(2*eye(n))`` ``2**n``). A closed form is used
only when

- every node is in :data:`_FUNCTIONS` (numbers, the parameters, arithmetic, elementary and
  gamma-type functions): no sum, product, matrix, integral or declared function is left;
- it equals the relation itself, evaluated by SymPy after substituting, at each small
  configuration the random points used (at most :data:`CHECKED_CONFIGS`, every value at
  most :data:`CHECKED_SIZE`), to 25 digits (so a rewrite valid for other integers than the
  declared ones is not used).

It is then evaluated in mpmath at integer values spread over 10 .. 10**12 (:func:`far_values`),
one parameter at a time (the others at the first configuration's values) and all together,
inside the declared domain. Every evaluation is bounded: an exponent, a power's logarithm or a
gamma argument beyond :data:`MAX_MAGNITUDE` gives no value, and the whole search runs in a
child limited in CPU time (:data:`FAR_SECONDS`). A violation counts as in :mod:`.confirm`: at
:data:`DIGITS` digits beyond ``10**-(DIGITS - 10)`` relative, and again at :data:`CONFIRM_DIGITS`
(an inequality whose side is not real is violated). It is shrunk by bisection between the
largest value seen holding and the failing one (each step confirmed), so a crossing shows
near its first failing integer.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from ...expr.scope import ScalarDecl, Scope
from ...model import Counterexample
from ..runtime import run_bounded
from .domains import integer_domain

DIGITS = 30
CONFIRM_DIGITS = 80
RECHECKS = (CONFIRM_DIGITS, 130)  # a violation is found again at each, the same to AGREEMENT
AGREEMENT = 1e-3
SLACK = 10  # a gap counts at P digits when above 10**-(P - SLACK) relative
MAX_MAGNITUDE = 10**15  # the largest exponent (natural log of a value) evaluated
MAX_EXACT_BITS = 4096  # the largest number an exact evaluation (of a tie) builds
MAX_NODES = 400  # distinct nodes of a closed form
MAX_DOIT = 4  # rounds of doit to a fixed point
CHECKED_CONFIGS = 4
CHECKED_SIZE = 64
MAX_PARAMETERS = 3
MAX_BISECTIONS = 48
FAR_SECONDS = 4.0  # a safety limit in CPU time: cut short, the search refutes nothing
_STEPS = (1, 2, 5)
MAX_SHOWN = 80  # characters of a closed form shown
DIMENSION_VALUES = (9, 10, 12, 16, 20, 32, 64)


def far_values(kind: str, interval: Any) -> list[int]:
    """Integer values beyond the configurations' windows, inside the declared domain: 1-2-5
    steps over 10 .. 10**12 (both signs for ``integer``), with 9 .. 64 for a dimension (the
    configurations stop at 8), and a declared finite end."""
    wide = [s * 10**k for k in range(1, 13) for s in _STEPS]
    values = sorted(set(wide) | (set(DIMENSION_VALUES) if kind == "dimension" else set()))
    if kind == "integer":
        values += [-v for v in values]
    bottom, top = integer_domain(kind, interval).reach
    ends = [e for e in (top, bottom) if e is not None and abs(e) >= 8]
    inside = [v for v in values + ends if (bottom is None or v >= bottom) and (top is None or v <= top)]
    return list(dict.fromkeys(inside))


def far_counterexample(relation: Any, scope: Scope, ranges: dict, configs: list[dict], seed: int,
                       reals: list[dict] = ()) -> tuple[Counterexample | None, str]:
    """A confirmed counterexample at far integer values with the closed form it rests on, or
    None with what was covered (a text for the evidence; empty where the check does not
    apply or was cut short). ``reals``: exact values of the relation's other (real scalar)
    symbols at a few sampled points (each a base of the search; the integers alone: ``[{}]``)."""
    sides = (relation.lhs, relation.rhs)
    if relation.op not in ("=", "<", "<=", ">", ">=") or not ranges or len(ranges) > MAX_PARAMETERS:
        return None, ""
    if not all(isinstance(s, sympy.Expr) and not getattr(s, "is_Matrix", False) for s in sides):
        return None, ""
    bases = [b for b in (reals or [{}]) if set().union(*(s.free_symbols for s in sides)) <= set(ranges) | set(b)]
    decls = {d.symbol: d for d in scope.names.values() if isinstance(d, ScalarDecl) and d.symbol in ranges}
    if not bases or set(decls) != set(ranges):
        return None, ""
    far = {s: far_values(d.kind, d.interval) for s, d in decls.items()}
    small = [c for c in configs if set(c) >= set(ranges) and all(abs(c[s]) <= CHECKED_SIZE for s in ranges)]
    small = [dict(t) for t in dict.fromkeys(tuple((s, c[s]) for s in ranges) for c in small)][:CHECKED_CONFIGS]
    if not small or not any(far.values()):
        return None, ""

    def each_base() -> tuple | None:
        covered = None
        for base in bases:
            at = tuple(side.xreplace(base) for side in sides)
            result = _search(relation.op, at, list(ranges), far, small)
            if result is None or result[0] is not None:
                return result if result is None else (result[0], result[1], base)
            covered = result[1]
        return None, covered, {}

    done = run_bounded(each_base, FAR_SECONDS)
    if done.status != "ok" or done.value is None:
        return None, ""
    found, covered, base = done.value
    if found is None:
        sampled = len([b for b in bases if b])
        return None, covered + (f" (the reals at {sampled} sampled point{'s' * (sampled > 1)})" if sampled else "")
    values, lhs, rhs = found
    values = {**values, **{str(k): str(v) for k, v in base.items()}}
    return Counterexample(values=values, lhs=lhs, rhs=rhs, seed=seed), covered


def _search(op: str, sides: tuple, symbols: list, far: dict, small: list[dict]) -> tuple | None:
    """(None or (values, lhs, rhs), coverage text) in the child; None where no closed form."""
    closed = [_closed_form(s) for s in sides]
    if any(c is None for c in closed) or not _agrees_at(sides, closed, small):
        return None
    base = small[0]
    moves = [(s, v) for s in symbols for v in far[s]]
    if len(symbols) > 1:  # all together, at the values each has (the shortest list)
        moves += [(None, k) for k in range(min(len(far[s]) for s in symbols))]
    held: dict[Any, int] = {}
    for s, v in moves:
        point = {**base, s: v} if s is not None else {t: far[t][v] for t in symbols}
        verdict = _decided(op, closed, point)
        if verdict is True and s is not None:
            held[(s, v > 0)] = v  # the values come in growing size on each side
        if verdict is False:
            if s is not None:
                point = _bisected(op, closed, point, s, _holding_below(op, closed, base, s, v, held))
            where = ", ".join(f"{s} in {{{', '.join(str(c[s]) for c in small)}}}" for s in symbols)
            return _shown(op, closed, point), (f"closed form {_short(closed[0])} {op} {_short(closed[1])} "
                                               f"(SymPy's doit, equal to the relation at {where})")
    return None, _coverage(far)


def _holding_below(op: str, closed: list, base: dict, s: Any, v: int, held: dict) -> int | None:
    """The value nearest 0 on ``v``'s side from which the bisection starts: the largest
    far value seen holding there, else the first configuration's value when it holds."""
    start = held.get((s, v > 0))
    if start is not None and abs(start) < abs(v):
        return start
    return base[s] if _decided(op, closed, base) is True and abs(base[s]) < abs(v) else None


def _bisected(op: str, closed: list, point: dict, s: Any, good: int | None) -> dict:
    """``point`` with ``s`` moved towards ``good`` while the relation stays violated."""
    if good is None:
        return point
    bad = point[s]
    for _ in range(MAX_BISECTIONS):
        if abs(bad - good) <= 1:
            break
        mid = (bad + good) // 2
        verdict = _decided(op, closed, {**point, s: mid})
        if verdict is False:
            bad = mid
        elif verdict is True:
            good = mid
        else:
            break
    return {**point, s: bad}


def _shown(op: str, closed: list, point: dict) -> tuple:
    import mpmath

    with mpmath.workdps(CONFIRM_DIGITS):
        values = [_value(c, point) for c in closed]
    return ({str(s): str(v) for s, v in point.items()},
            *(mpmath.nstr(v, 12) if v is not None else "undefined" for v in values))


def _coverage(far: dict) -> str:
    parts = []
    for s, values in far.items():
        if values:
            lo, hi = min(values, key=abs), max(values, key=abs)
            parts.append(f"{s} at {len(values)} values {_magnitude(lo)} .. {_magnitude(hi)}")
    return "in closed form also " + ", ".join(parts) if parts else ""


def _magnitude(v: int) -> str:
    k = len(str(abs(v))) - 1
    lead = abs(v) // 10**k
    if k <= 2 or abs(v) != lead * 10**k:
        return str(v)
    return f"{'-' if v < 0 else ''}{f'{lead}*' if lead != 1 else ''}10**{k}"


def _short(expr: sympy.Expr) -> str:
    text = sympy.sstr(expr)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."


def _decided(op: str, closed: list, point: dict) -> bool | None:
    """Whether the relation holds at ``point``: True when it holds at DIGITS (or, undecided
    there, at CONFIRM_DIGITS); False only when violated at DIGITS (or CONFIRM_DIGITS) and
    at every higher precision of :data:`RECHECKS`, the deciding difference agreeing between
    them to AGREEMENT relative (digits lost in the evaluation, as ``sin(pi*n/2)`` at
    n = 5*10**12 loses 13, make a difference that changes with the precision); else None."""
    verdict, witness = _holds_at(op, closed, point, DIGITS)
    ladder = RECHECKS
    if verdict is None:
        verdict, witness = _holds_at(op, closed, point, CONFIRM_DIGITS)
        ladder = RECHECKS[1:]
    if verdict is not False:
        return verdict
    for digits in ladder:
        again, found = _holds_at(op, closed, point, digits)
        if again is not False or (witness is None) != (found is None):
            return None
        if witness is not None and abs(witness - found) > AGREEMENT * abs(found):
            return None
        witness = found
    return False


def _holds_at(op: str, closed: list, point: dict, digits: int) -> tuple[bool | None, Any]:
    """(verdict, the difference that decides it, None when decided exactly) at ``digits``."""
    found, witness = _holds_in_floats(op, closed, point, digits)
    if found is None:  # equal to the precision: exactly, where the forms are rational there
        l, r = (_exact(c, point) for c in closed)
        if l is not None and r is not None:
            return bool({"=": l == r, "<": l < r, "<=": l <= r, ">": l > r, ">=": l >= r}[op]), None
    return found, witness


def _exact(expr: sympy.Expr, point: dict) -> Fraction | None:
    """``expr`` at ``point`` as an exact rational, where it is one built of rationals, the
    parameters and integer powers (no number beyond MAX_EXACT_BITS bits); else None."""
    if expr.is_Symbol:
        return Fraction(point[expr]) if expr in point else None
    if expr.is_Rational:
        return Fraction(expr.p, expr.q)
    args = [_exact(a, point) for a in expr.args]
    if any(a is None for a in args):
        return None
    if isinstance(expr, sympy.Add):
        value = sum(args, Fraction(0))
    elif isinstance(expr, sympy.Mul):
        value = Fraction(1)
        for a in args:
            value *= a
    elif isinstance(expr, sympy.Pow) and args[1].denominator == 1:
        base, k = args[0], int(args[1])
        size = max(base.numerator.bit_length(), base.denominator.bit_length())
        if size * abs(k) > MAX_EXACT_BITS or (base == 0 and k < 0):
            return None
        value = base ** k
    else:
        return None
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_EXACT_BITS:
        return None
    return value


def _holds_in_floats(op: str, closed: list, point: dict, digits: int) -> tuple[bool | None, Any]:
    import mpmath

    with mpmath.workdps(digits):
        l, r = (_value(c, point) for c in closed)
        if l is None or r is None:
            return None, None
        margin = mpmath.mpf(10) ** -(digits - SLACK) * (1 + abs(l) + abs(r))
        if op == "=":
            gap = abs(l - r)
            return (False if gap > margin else (True if gap < margin * mpmath.mpf(10) ** -5 else None)), l - r
        imaginary = mpmath.mpc(mpmath.im(l), mpmath.im(r))
        if abs(imaginary) > margin:
            return False, imaginary  # an inequality states two real values
        d = mpmath.re(l) - mpmath.re(r)
        if abs(d) <= margin:
            return None, d
        return bool({"<": d < 0, "<=": d < 0, ">": d > 0, ">=": d > 0}[op]), d


def _closed_form(side: Any) -> sympy.Expr | None:
    """``side`` after SymPy's ``doit`` to a fixed point, when it is a closed form (every node
    in :data:`_FUNCTIONS`, at most MAX_NODES distinct nodes); else None."""
    value = _done(side)
    if value is None or not isinstance(value, sympy.Expr) or getattr(value, "is_Matrix", False):
        return None
    nodes = set(sympy.preorder_traversal(value))
    if len(nodes) > MAX_NODES or not all(_known(n) for n in nodes):
        return None
    return value


def _done(expr: Any) -> Any:
    """``expr`` after ``doit`` to a fixed point (at most MAX_DOIT rounds), or None."""
    for _ in range(MAX_DOIT):
        try:
            after = expr.doit()
        except Exception:  # noqa: BLE001 - no closed form is no evidence
            return None
        if after == expr:
            break
        expr = after
    return expr


def _known(node: Any) -> bool:
    if isinstance(node, sympy.Symbol):
        return True
    if isinstance(node, (sympy.Rational, sympy.core.numbers.NumberSymbol, sympy.core.numbers.ImaginaryUnit)):
        return True
    return isinstance(node, (sympy.Add, sympy.Mul, sympy.Pow)) or type(node) in _FUNCTIONS


def _agrees_at(sides: tuple, closed: list, small: list[dict]) -> bool:
    """Whether each closed form equals its side, evaluated by SymPy after substituting, at
    each small configuration (25 digits, relative)."""
    import mpmath

    for config in small:
        at = {s: sympy.Integer(v) for s, v in config.items()}
        for side, form in zip(sides, closed):
            try:
                exact = sympy.N(_done(side.xreplace(at)), 40)
            except Exception:  # noqa: BLE001 - not evaluable there: the form is not checked
                return False
            if exact.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or not exact.is_number:
                return False
            with mpmath.workdps(40):
                mine = _value(form, config)
                re, im = (mpmath.mpf(str(sympy.N(part, 40))) for part in exact.as_real_imag())
                if mine is None or abs(mine - mpmath.mpc(re, im)) > mpmath.mpf(10) ** -25 * (1 + abs(mpmath.mpc(re, im))):
                    return False
    return True


def _value(expr: sympy.Expr, point: dict) -> Any:
    """``expr`` at ``point`` in mpmath at the working precision, or None (a value beyond
    MAX_MAGNITUDE, a pole, an unknown node)."""
    import mpmath

    memo: dict = {}

    def walk(e: Any) -> Any:
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            v = mpmath.mpf(point[e]) if e in point else None
        elif e.is_Rational:
            v = mpmath.mpf(e.p) / e.q
        elif e is sympy.I:
            v = mpmath.mpc(0, 1)
        elif isinstance(e, sympy.core.numbers.NumberSymbol):
            v = mpmath.mpf(sympy.N(e, mpmath.mp.dps + 5))
        else:
            args = [walk(a) for a in e.args]
            v = None if any(a is None for a in args) else _apply(e, args)
        memo[e] = v
        return v

    try:
        return walk(expr)
    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError, KeyError):
        return None


def _large(x: Any) -> bool:
    import mpmath

    return abs(x) > MAX_MAGNITUDE if mpmath.isfinite(x) else True


def _apply(e: Any, args: list) -> Any:
    import mpmath

    if isinstance(e, sympy.Add):
        return mpmath.fsum(args)
    if isinstance(e, sympy.Mul):
        return mpmath.fprod(args)
    if isinstance(e, sympy.Pow):
        base, exponent = args
        if base == 0:
            return None if mpmath.re(exponent) <= 0 else mpmath.mpf(0)
        if _large(exponent * mpmath.log(abs(base))):
            return None
        return mpmath.power(base, exponent)
    name = type(e)
    if name in (sympy.exp,) and _large(mpmath.re(args[0])):
        return None
    if name in (sympy.factorial, sympy.gamma, sympy.loggamma, sympy.harmonic, sympy.binomial,
                sympy.RisingFactorial, sympy.FallingFactorial) and \
            any(_large(a) for a in args):
        return None
    v = _FUNCTIONS[name](*args)
    return None if not mpmath.isfinite(v) else v


def _harmonic(n: Any, *order: Any) -> Any:
    """SymPy's ``harmonic(n)`` and ``harmonic(n, m) = sum_{i <= n} i**-m`` (``m != 1``: Hurwitz)."""
    import mpmath

    if not order or order[0] == 1:
        return mpmath.harmonic(n)
    return mpmath.zeta(order[0]) - mpmath.zeta(order[0], n + 1)


def _function_table() -> dict:
    import mpmath

    return {
        sympy.exp: mpmath.exp, sympy.log: lambda x, *b: mpmath.log(x) if not b else mpmath.log(x) / mpmath.log(b[0]),
        sympy.sin: mpmath.sin, sympy.cos: mpmath.cos, sympy.tan: mpmath.tan, sympy.atan: mpmath.atan,
        sympy.sinh: mpmath.sinh, sympy.cosh: mpmath.cosh, sympy.tanh: mpmath.tanh, sympy.asinh: mpmath.asinh,
        sympy.Abs: abs, sympy.sign: mpmath.sign, sympy.floor: mpmath.floor, sympy.ceiling: mpmath.ceil,
        sympy.Min: min, sympy.Max: max,
        sympy.factorial: mpmath.factorial, sympy.gamma: mpmath.gamma, sympy.loggamma: mpmath.loggamma,
        sympy.harmonic: _harmonic, sympy.binomial: mpmath.binomial,
        sympy.RisingFactorial: mpmath.rf, sympy.FallingFactorial: mpmath.ff,
    }


_FUNCTIONS = _function_table()


__all__ = ["far_counterexample", "far_values"]
