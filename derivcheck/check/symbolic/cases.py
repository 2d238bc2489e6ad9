"""Case splits: a relation with ``Abs``, ``Max``, ``Min``, ``sign``, ``Heaviside`` or
``Piecewise`` proved cell by cell.

Each such node is a function of its arguments with a known value on each side of a
*switch* ``s``: ``Abs(a)`` is ``a`` where ``a >= 0`` and ``-a`` where ``a < 0``;
``Max(a, b)`` is ``a`` where ``a - b >= 0`` and ``b`` where ``a - b < 0`` (``Min``
the other way round); ``sign(a)`` is ``1``, ``0``, ``-1`` where ``a > 0``, ``a = 0``,
``a < 0``; ``Heaviside(a, h0)`` is ``1``, ``h0``, ``0`` there (``h0`` a number);
``Piecewise`` takes its first branch whose condition (a single relation) holds. The
cases of one node cover every real value of its arguments, so the cells (every
combination, refined node by node, innermost first) cover every point. In a cell each
node is replaced by its value there, which is exact *pointwise* only: a relation with a
node inside ``E``, ``Var``, ``Cov`` or an unevaluated derivative, integral, sum, product,
limit or map (where the argument takes many values at once), or with a node whose
arguments hold a random variable, is refused (:mod:`.pointwise`). Derivatives are taken by
SymPy (``doit``) before the split.

A cell is then done when:

- its linear conditions (the cell's switches, the step's hypotheses, the declared signs
  and intervals of the symbols, all with rational coefficients) are infeasible, shown by
  Fourier-Motzkin elimination (exact: a non-negative combination gives ``0 > 0`` or
  ``c >= 0`` with ``c < 0``); or
- the relation, now free of the nodes, is proved by the other strategies, with the
  cell's conditions added to the step's hypotheses (``s = 0`` is an equality that the
  ``hypotheses`` strategy can use).

At most :data:`MAX_CELLS` cells; past that, no proof.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Sequence

import sympy

from ...expr.objects import Relation
from ...expr.scope import INTEGER_KINDS, ScalarDecl, Scope
from .inequalities import is_real
from .pointwise import all_splittable

NODES = (sympy.Abs, sympy.Max, sympy.Min, sympy.sign, sympy.Heaviside, sympy.Piecewise)
MAX_CELLS = 64
MAX_CONSTRAINTS = 400

Case = tuple[sympy.Expr, str, sympy.Expr]  # (switch s, op against 0, the node's value where s op 0 holds)


def has_cases(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Basic) and expr.has(*NODES)


def prove_by_cases(relation: Relation, scope: Scope, hypotheses: Sequence[Relation],
                   prove_cell: Callable[[Relation, list[Relation]], object]) -> str | None:
    """How ``relation`` was proved cell by cell (see the module docstring), or None.
    ``prove_cell(relation, hypotheses)`` proves a relation free of the nodes, or returns None."""
    sides = [relation.lhs, relation.rhs]
    if not all(isinstance(s, sympy.Expr) for s in sides) or not any(has_cases(s) for s in sides):
        return None
    sides = [s.doit() for s in sides]
    given = [(sympy.sympify(h.lhs, strict=True), h.op, sympy.sympify(h.rhs, strict=True)) for h in hypotheses]
    if not all(isinstance(e, sympy.Expr) for h in given for e in (h[0], h[2])):
        return None
    exprs = [*sides, *[e for h in given for e in (h[0], h[2])]]
    if not all_splittable(exprs, NODES, scope):
        return None
    search = _Search(relation.op, [h[1] for h in given], scope, prove_cell)
    if not search.run(exprs, []):
        return None
    return f"{search.cells} cells ({search.vacuous} infeasible)"


class _Search:
    """The cells, refined depth first; ``cells`` counts the leaves reached."""

    def __init__(self, op: str, hypothesis_ops: list[str], scope: Scope, prove_cell: Callable) -> None:
        self.op, self.hypothesis_ops, self.scope, self.prove_cell = op, hypothesis_ops, scope, prove_cell
        self.cells = self.vacuous = 0

    def run(self, exprs: list[sympy.Expr], conditions: list[tuple[sympy.Expr, str]]) -> bool:
        if self.cells >= MAX_CELLS:
            return False
        node = _innermost(exprs)
        cases = _cases(node, self.scope) if node is not None else None
        if node is not None and cases is None:
            return False
        if _infeasible(self._constraints(exprs, conditions), self.scope):
            self.cells += 1
            self.vacuous += 1
            return True
        if node is None:
            self.cells += 1
            return self._prove(exprs, conditions, self._constraints(exprs, conditions))
        for switch, op, value in cases:
            replaced = [e.xreplace({node: value}) for e in exprs]
            if not self.run(replaced, [*conditions, (sympy.expand(switch), op)]):
                return False
        return True

    def _hypotheses(self, exprs: list[sympy.Expr]) -> list[tuple[sympy.Expr, str, sympy.Expr]]:
        rest = exprs[2:]
        return [(rest[2 * k], op, rest[2 * k + 1]) for k, op in enumerate(self.hypothesis_ops)]

    def _constraints(self, exprs, conditions) -> list[tuple[sympy.Expr, str]]:
        out = list(conditions)
        for lhs, op, rhs in self._hypotheses(exprs):
            if not (has_cases(lhs) or has_cases(rhs)):
                out.append((sympy.expand(lhs - rhs), op))
        return out

    def _prove(self, exprs, conditions, constraints) -> bool:
        given = [Relation(lhs, op, rhs) for lhs, op, rhs in self._hypotheses(exprs)]
        given += [Relation(switch, op, sympy.Integer(0)) for switch, op in conditions]
        # a non-strict condition that cannot hold strictly here is an equality (u >= M with u <= M)
        given += [Relation(expr, "=", sympy.Integer(0)) for expr, op in constraints
                  if op in (">=", "<=") and _infeasible([*constraints, (expr, op[0])], self.scope)]
        return self.prove_cell(Relation(exprs[0], self.op, exprs[1]), given) is not None


def _innermost(exprs: list[sympy.Expr]) -> sympy.Basic | None:
    found = [n for e in exprs for n in e.atoms(*NODES) if not any(a.has(*NODES) for a in n.args)]
    return min(found, key=sympy.default_sort_key) if found else None


def _cases(node: sympy.Basic, scope: Scope) -> list[Case] | None:
    """The cases of one node, covering every value of its (real) arguments; None when unknown."""
    if isinstance(node, sympy.Piecewise):
        return _piecewise_cases(node, scope)
    arguments = node.args[:1] if isinstance(node, sympy.Heaviside) else node.args
    if not all(is_real(a, scope) for a in arguments):
        return None
    if isinstance(node, sympy.Abs):
        (a,) = node.args
        return [(a, ">=", a), (a, "<", -a)]
    if isinstance(node, (sympy.Max, sympy.Min)):
        first, *rest = node.args
        other = node.func(*rest) if len(rest) > 1 else rest[0]
        if isinstance(node, sympy.Max):
            return [(first - other, ">=", first), (first - other, "<", other)]
        return [(first - other, "<=", first), (first - other, ">", other)]
    if isinstance(node, sympy.sign):
        (a,) = node.args
        return [(a, ">", sympy.Integer(1)), (a, "=", sympy.Integer(0)), (a, "<", sympy.Integer(-1))]
    a, at_zero = node.args[0], (node.args[1] if len(node.args) > 1 else None)
    if at_zero is None or not (at_zero.is_Rational):
        return None  # Heaviside(0) undefined or symbolic: no value to put in
    return [(a, ">", sympy.Integer(1)), (a, "=", at_zero), (a, "<", sympy.Integer(0))]


_RELATIONS = {sympy.StrictGreaterThan: ">", sympy.GreaterThan: ">=", sympy.StrictLessThan: "<",
              sympy.LessThan: "<=", sympy.Equality: "="}
_NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}


def _piecewise_cases(node: sympy.Piecewise, scope: Scope) -> list[Case] | None:
    """``Piecewise((e1, c1), (e2, c2), ..., (en, True))`` with each ``c_k`` one inequality
    ``l op r``: the cell of branch k is ``c_k`` and every earlier condition false, so the
    cells are a nested split on the ``c_k``: only a two-branch Piecewise is split here,
    a longer one becomes its first branch or the Piecewise of the rest."""
    (value, condition), *rest = node.args
    if condition == sympy.true:
        return [(sympy.Integer(0), "=", value)]
    op = _RELATIONS.get(type(condition))
    if op is None or op == "=" or not rest:
        return None
    switch = condition.lhs - condition.rhs
    if not is_real(switch, scope):
        return None
    other = rest[0][0] if len(rest) == 1 and rest[0][1] == sympy.true else (
        sympy.Piecewise(*rest) if len(rest) > 1 else None)
    if other is None:
        return None  # no branch where every condition fails: undefined there
    return [(switch, op, value), (switch, _NEGATED[op], other)]


def _infeasible(constraints: list[tuple[sympy.Expr, str]], scope: Scope) -> bool:
    """Whether the linear ones among ``constraints`` (``e op 0``), with the declared signs and
    intervals of their symbols, have no common real solution (Fourier-Motzkin, exact)."""
    rows = []
    for expr, op in constraints:
        rows += _rows(expr, op)
    symbols = {v for row in rows for v in row[0]}
    for symbol in symbols:
        rows += _declared_rows(symbol, scope)
    if not rows:
        return False
    for symbol in sorted(symbols, key=str):
        rows = _eliminate(rows, symbol)
        if rows is None:
            return False
    return any(const < 0 or (strict and const == 0) for _, const, strict in rows)


Row = tuple[dict, Fraction, bool]  # sum(coefficient * symbol) + const >= 0 (> 0 when strict)


def _rows(expr: sympy.Expr, op: str) -> list[Row]:
    """``expr op 0`` as rows, when ``expr`` is linear in real symbols with rational coefficients."""
    expr = sympy.expand(expr)
    symbols = expr.free_symbols
    if not all(isinstance(s, sympy.Symbol) and s.is_real for s in symbols):
        return []
    try:
        poly = sympy.Poly(expr, *sorted(symbols, key=str)) if symbols else None
    except sympy.PolynomialError:
        return []
    if poly is not None and (poly.total_degree() > 1 or not poly.domain.is_QQ and not poly.domain.is_ZZ):
        return []
    if poly is None:
        if not expr.is_Rational:
            return []
        coefficients, const = {}, Fraction(int(expr.p), int(expr.q))
    else:
        coefficients = {s: _fraction(poly.coeff_monomial(s)) for s in symbols}
        const = _fraction(poly.coeff_monomial(1))
    negated = ({s: -c for s, c in coefficients.items()}, -const)
    if op in (">=", ">"):
        return [(coefficients, const, op == ">")]
    if op in ("<=", "<"):
        return [(*negated, op == "<")]
    return [(coefficients, const, False), (*negated, False)]


def _fraction(value: sympy.Expr) -> Fraction:
    value = sympy.Rational(value)
    return Fraction(int(value.p), int(value.q))


def _declared_rows(symbol: sympy.Symbol, scope: Scope) -> list[Row]:
    rows: list[Row] = []
    if symbol.is_positive:
        rows.append(({symbol: Fraction(1)}, Fraction(0), True))
    elif symbol.is_nonnegative:
        rows.append(({symbol: Fraction(1)}, Fraction(0), False))
    if symbol.is_negative:
        rows.append(({symbol: Fraction(-1)}, Fraction(0), True))
    elif symbol.is_nonpositive:
        rows.append(({symbol: Fraction(-1)}, Fraction(0), False))
    decl = scope.names.get(symbol.name)
    interval = decl.interval if isinstance(decl, ScalarDecl) and decl.symbol == symbol else None
    if interval is not None and decl.kind not in INTEGER_KINDS:
        lo, hi = (None if end is None else sympy.sympify(end, strict=True) for end in (interval.lo, interval.hi))
        if lo is not None and lo.is_Rational:
            rows.append(({symbol: Fraction(1)}, -_fraction(lo), bool(interval.lo_open)))
        if hi is not None and hi.is_Rational:
            rows.append(({symbol: Fraction(-1)}, _fraction(hi), bool(interval.hi_open)))
    return rows


def _eliminate(rows: list[Row], symbol: sympy.Symbol) -> list[Row] | None:
    """Fourier-Motzkin: every pair of a lower and an upper bound on ``symbol`` combined."""
    lower = [r for r in rows if r[0].get(symbol, 0) > 0]
    upper = [r for r in rows if r[0].get(symbol, 0) < 0]
    out = [r for r in rows if r[0].get(symbol, 0) == 0]
    if len(out) + len(lower) * len(upper) > MAX_CONSTRAINTS:
        return None
    for lo_coeffs, lo_const, lo_strict in lower:
        for hi_coeffs, hi_const, hi_strict in upper:
            a, b = lo_coeffs[symbol], -hi_coeffs[symbol]
            coefficients = {}
            for s in set(lo_coeffs) | set(hi_coeffs):
                c = b * lo_coeffs.get(s, 0) + a * hi_coeffs.get(s, 0)
                if c != 0:
                    coefficients[s] = c
            out.append((coefficients, b * lo_const + a * hi_const, lo_strict or hi_strict))
    return out
