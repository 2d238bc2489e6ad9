"""An exact point where a step's hypotheses all hold.

The other half of :mod:`.consistency`: a contradiction shows that the hypotheses hold
nowhere, and a witness that they hold somewhere, so that a proof under them is not
vacuous. :func:`find_witness` solves the equalities (``sympy.solve``) for one new symbol
each, gives the other symbols small values of their domains (:data:`WITNESS_VALUES`) and
keeps a candidate only when every hypothesis and every declaration holds there exactly.

Besides declared scalars, a witness may give (rule 4 of ``docs/trust.md``):

- **matrices**: a matrix relation (``u.T @ u = 1``) is written out entry by entry at the
  declared sizes (a size that is an integer parameter tries 1, 2, 3), each entry a real
  unknown (symmetric and diagonal matrices share or zero their entries); the matrix's
  other qualifiers (invertible, orthogonal, psd, pd) are checked exactly at the values
  found (:func:`_qualifiers_hold`);
- **finite laws**: random variables with no declared law that occur in the hypotheses
  get one finite law: two atoms with probabilities ``q``, ``1 - q`` (``q`` in (0, 1)),
  else three equally likely atoms, the atoms real unknowns; on one shared space where
  none of them is declared independent of anything, else on a product of one factor
  per variable (every declared independence holds there). E/Var/Cov are evaluated on
  that space, and a hypothesis with a random variable outside them holds at every
  atom. Every such law is a law the declaration ``X: random`` allows (:mod:`.witness_laws`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ...expr import objects
from ...expr.scope import INTEGER_KINDS, REAL_KINDS, MatrixDecl, ScalarDecl, Scope
from ..realize import RealizeError, realize_symbolic, side_pairs
from .witness_laws import FiniteLaws, moments_from_laws, random_variables, synthetic

WITNESS_VALUES = tuple(sympy.Rational(v) for v in ("0", "1", "-1", "2", "1/2", "-2", "3", "-1/2", "5", "1/3",
                                                    "10", "-10", "1/10", "100"))
"""The values tried for the symbols an exact witness does not solve for, in this order."""

MAX_WITNESS_TRIES = 256
"""Candidate points tried per solution of the equalities."""

MAX_GRID_TRIES = 512
"""Candidate points tried with every unknown at small values (no solution of the equalities)."""

SIZE_VALUES = (1, 2, 3)
"""The values tried for an integer parameter that sizes a matrix of the hypotheses."""

MAX_PRINCIPAL_ORDER = 4
"""The largest psd matrix whose principal minors (2**n - 1 of them) are checked at a witness."""

LAW_SHAPES = (2, 3)
"""Finite laws tried for the random variables of the hypotheses: two atoms with a free
probability, then three equally likely atoms."""


@dataclass(frozen=True)
class Witness:
    """Where every hypothesis holds: ``scalars`` the declared scalars' values, ``matrices``
    explicit values of the matrices the hypotheses name, ``laws`` one finite law (atoms
    with their probabilities) per random variable, on one space (``independent``: a
    product of one factor per variable)."""

    scalars: dict[sympy.Symbol, sympy.Expr]
    matrices: dict[sympy.MatrixSymbol, sympy.ImmutableMatrix] = field(default_factory=dict)
    laws: dict[sympy.Symbol, tuple[tuple[sympy.Expr, sympy.Expr], ...]] = field(default_factory=dict)
    independent: bool = False

    def text(self) -> str:
        """``x = 1, u = [1, 0, 0], M = 0 (prob 1/2) or 1 (prob 1/2)``."""
        parts = [f"{k} = {v}" for k, v in self.scalars.items()]
        parts += [f"{k} = {_matrix_text(v)}" for k, v in sorted(self.matrices.items(), key=lambda kv: kv[0].name)]
        for k, law in sorted(self.laws.items(), key=lambda kv: kv[0].name):
            parts.append(f"{k} = " + " or ".join(f"{v} (prob {p})" for v, p in law))
        if len(self.laws) > 1:
            parts.append("independent" if self.independent else "on one shared space (atoms in that order)")
        return ", ".join(parts)


def exact_witness(hypotheses: Sequence[objects.Relation], scope: Scope) -> dict[sympy.Symbol, sympy.Expr] | None:
    """The declared scalars' values of :func:`find_witness` (``{}`` when the hypotheses name
    only matrices and random variables), or None when no witness is found."""
    found = find_witness(hypotheses, scope)
    return None if found is None else found.scalars


def find_witness(hypotheses: Sequence[objects.Relation], scope: Scope) -> Witness | None:
    """Exact values of the declared scalars, the matrices and a finite law of the random
    variables at which every hypothesis holds, or None when none is found (or a hypothesis
    names something else: a sequence element, a bound variable, a function, a random
    variable with a declared law that its moments' canonical form does not remove).

    The equalities are solved (``sympy.solve``) for one new symbol each; the other symbols
    take small values of their domains (:data:`WITNESS_VALUES`); a candidate counts only when
    every hypothesis, every declaration and every matrix qualifier holds there exactly.
    """
    relations = _relations(hypotheses)
    if not relations:
        return None
    relations = [moments_from_laws(r, scope) for r in relations]
    for sizes in _size_choices(relations, scope):
        written = _written_out(relations, scope, sizes)
        if written is None:
            continue
        facts, matrices = written
        randoms = random_variables(facts, scope)
        if randoms is None:
            return None
        if not randoms:
            found = _solve(facts, {}, matrices, scope, sizes)
            if found is not None:
                return found
            continue
        independent = any(str(x) in group for x in randoms for group in scope.independent)
        for atoms in LAW_SHAPES:
            space = FiniteLaws(randoms, atoms, independent)
            on_space = space.facts(facts)
            if on_space is None:
                break
            found = _solve(on_space, space.domains(), matrices, scope, sizes, space)
            if found is not None:
                return found
    return None


def _relations(hypotheses: Sequence[objects.Relation]) -> list[objects.Relation] | None:
    """The hypotheses with Python numbers as SymPy numbers, or None when a side is neither a
    SymPy expression nor a matrix expression."""
    out = []
    for h in hypotheses:
        sides = [sympy.sympify(x, strict=True) if isinstance(x, (int, float)) else x for x in (h.lhs, h.rhs)]
        if not all(isinstance(x, (sympy.Basic, sympy.MatrixBase)) for x in sides):
            return None
        out.append(objects.Relation(sides[0], h.op, sides[1]))
    return out


def _has_matrix(relation: objects.Relation) -> bool:
    return any(isinstance(x, (MatrixExpr, sympy.MatrixBase)) or (isinstance(x, sympy.Basic) and x.has(MatrixExpr))
               for x in (relation.lhs, relation.rhs))


def _matrix_decls(relations: Sequence[objects.Relation], scope: Scope) -> list[MatrixDecl]:
    names = set()
    for r in relations:
        for side in (r.lhs, r.rhs):
            if isinstance(side, sympy.Basic):
                names |= {m.name for m in side.atoms(sympy.MatrixSymbol)}
    decls = [scope.names.get(n) for n in sorted(names)]
    return [d for d in decls if isinstance(d, MatrixDecl)]


def _size_choices(relations: Sequence[objects.Relation], scope: Scope) -> list[dict[sympy.Symbol, int]]:
    """Values of the integer parameters that size the hypotheses' matrices (``[{}]`` when the
    sizes are numbers), each in the parameter's declared domain."""
    if not any(_has_matrix(r) for r in relations):
        return [{}]
    params: set[sympy.Symbol] = set()
    for decl in _matrix_decls(relations, scope):
        for size in (decl.rows, decl.cols):
            params |= sympy.sympify(size, strict=True).free_symbols
    params_sorted = sorted(params, key=lambda s: s.name)
    grids = []
    for p in params_sorted:
        decl = scope.names.get(p.name)
        if not (isinstance(decl, ScalarDecl) and decl.symbol == p and decl.is_integer):
            return []
        grids.append([sympy.Integer(v) for v in SIZE_VALUES if _in_domain(decl, sympy.Integer(v))])
    return [dict(zip(params_sorted, values)) for values in itertools.product(*grids)]


def _written_out(relations: Sequence[objects.Relation], scope: Scope, sizes: dict[sympy.Symbol, int]
                 ) -> tuple[list[objects.Relation], dict[sympy.MatrixSymbol, sympy.ImmutableMatrix]] | None:
    """Scalar relations: each matrix relation entry by entry at ``sizes`` (its matrices with
    one real symbol per entry), the integer parameters of ``sizes`` substituted; with the
    written-out matrices. None when a relation cannot be written out."""
    ints = {k: int(v) for k, v in sizes.items()}
    values = {k: sympy.Integer(v) for k, v in sizes.items()}
    facts: list[objects.Relation] = []
    matrices: dict[sympy.MatrixSymbol, sympy.ImmutableMatrix] = {}
    try:
        for decl in _matrix_decls(relations, scope):
            written = realize_symbolic(decl.symbol, scope, ints)
            if not isinstance(written, sympy.MatrixBase):
                return None
            matrices[decl.symbol] = sympy.ImmutableMatrix(written)
        for r in relations:
            if not _has_matrix(r):
                facts.append(objects.Relation(r.lhs.xreplace(values), r.op, r.rhs.xreplace(values)))
                continue
            if r.op != "=":
                return None  # an order between matrices (Loewner) is not written out here
            pairs = side_pairs(realize_symbolic(r.lhs, scope, ints), realize_symbolic(r.rhs, scope, ints))
            if pairs is None:
                return None
            for lhs, rhs in pairs:
                if not all(isinstance(x, sympy.Basic) and not isinstance(x, sympy.MatrixBase) for x in (lhs, rhs)):
                    return None
                facts.append(objects.Relation(lhs, "=", rhs))
    except RealizeError:
        return None
    return facts, matrices


def _solve(facts: Sequence[objects.Relation], extra: dict[sympy.Symbol, ScalarDecl],
           matrices: dict[sympy.MatrixSymbol, sympy.ImmutableMatrix], scope: Scope,
           sizes: dict[sympy.Symbol, int], space: FiniteLaws | None = None) -> Witness | None:
    """A point where every fact holds exactly: equalities solved for one new unknown each,
    the other unknowns at small values of their domains."""
    entries = {e for m in matrices.values() for e in m.free_symbols}
    decls: dict[sympy.Symbol, ScalarDecl] = {}
    for r in facts:
        for sym in r.lhs.free_symbols | r.rhs.free_symbols:
            if sym in extra:
                decls[sym] = extra[sym]
                continue
            if sym in entries:
                decls[sym] = synthetic(sym, None)
                continue
            decl = scope.names.get(getattr(sym, "name", ""))
            if not (isinstance(decl, ScalarDecl) and decl.symbol == sym
                    and decl.kind in REAL_KINDS + INTEGER_KINDS):
                return None  # a random variable, a sequence element, a bound variable: not searched
            decls[sym] = decl
    # an entry no fact names takes any value: 0
    free_entries = sorted(entries - set(decls), key=lambda s: s.name)
    equalities = list(dict.fromkeys(r.lhs - r.rhs for r in facts if r.op == "="))  # (a matrix's mirrored entries)
    unknowns: list[sympy.Symbol] = []
    for d in equalities:
        # solve for an unconstrained real first: a constrained one keeps values of its domain
        fresh = sorted((x for x in d.free_symbols if x not in unknowns and decls[x].kind in REAL_KINDS),
                       key=lambda x: (decls[x].kind != "real" or decls[x].interval is not None, x.name))
        if fresh:
            unknowns.append(fresh[0])
    try:
        solutions = sympy.solve(equalities, unknowns, dict=True) if unknowns else [{}]
    except Exception:  # noqa: BLE001 - SymPy cannot solve them: no witness
        return None
    # last, no solution: every unknown at small values, the smallest first (SymPy's solve may
    # return no solution of a system whose solutions are not isolated: P**2 = P at 2x2)
    for solution in [*solutions, None]:
        # an unknown the solution leaves free (dependent equalities) takes small values too
        solved = [x for x in unknowns if solution is not None and x in solution]
        rest = sorted(set(decls) - set(solved), key=lambda x: x.name)
        grids = [[v for v in WITNESS_VALUES if _in_domain(decls[x], v)] for x in rest]
        candidates = itertools.islice(itertools.product(*grids), MAX_WITNESS_TRIES) if solution is not None \
            else itertools.islice(_graded(grids), MAX_GRID_TRIES)
        for values in candidates:
            point = dict(zip(rest, values))
            point.update({x: _solution_value(solution, x).xreplace(point) for x in solved})
            point.update({x: sympy.Integer(0) for x in free_entries})
            if not (all(_in_domain(decls[x], v) for x, v in point.items() if x in decls)
                    and all(_holds_at(r, point) for r in facts)):
                continue
            explicit = {m: sympy.ImmutableMatrix(v.xreplace(point)) for m, v in matrices.items()}
            if not all(_qualifiers_hold(scope.names[m.name], v) for m, v in explicit.items()):
                continue
            scalars = {x: v for x, v in point.items() if x not in entries and x not in extra}
            scalars.update({k: sympy.Integer(v) for k, v in sizes.items()})
            laws = space.laws(point) if space is not None else {}
            return Witness(scalars, explicit, laws, space.independent if space is not None else False)
    return None


def _graded(grids: Sequence[Sequence[sympy.Expr]]) -> Iterator[tuple[sympy.Expr, ...]]:
    """Every tuple of one value per grid, by increasing sum of the values' positions (all the
    first values, then one second value, ...), so that the small points come first."""
    if any(not g for g in grids):
        return
    for total in range(sum(len(g) - 1 for g in grids) + 1):
        yield from _with_sum(grids, total)


def _with_sum(grids: Sequence[Sequence[sympy.Expr]], total: int) -> Iterator[tuple[sympy.Expr, ...]]:
    if not grids:
        if total == 0:
            yield ()
        return
    room = sum(len(g) - 1 for g in grids[1:])
    for k in range(max(0, total - room), min(total, len(grids[0]) - 1) + 1):
        for tail in _with_sum(grids[1:], total - k):
            yield (grids[0][k], *tail)


def _qualifiers_hold(decl: MatrixDecl, value: sympy.ImmutableMatrix) -> bool:
    """Whether an explicit matrix of exact numbers is what its declaration says, exactly
    (symmetric and diagonal are encoded in the entries and checked again; complex is refused)."""
    quals = set(decl.qualifiers)
    if "complex" in quals or value.free_symbols or not all(x.is_extended_real is True for x in value):
        return False
    square = value.rows == value.cols
    if decl.has_qualifier("symmetric") and not (square and _is_zero_matrix(value - value.T)):
        return False
    if "diagonal" in quals and not (square and all(value[i, j] == 0 for i in range(value.rows)
                                                   for j in range(value.cols) if i != j)):
        return False
    if decl.has_qualifier("invertible") and not (square and _sign(value.det()) not in (0, None)):
        return False
    if decl.has_qualifier("orthogonal") and not (square and _is_zero_matrix(value.T * value - sympy.eye(value.rows))):
        return False
    if decl.has_qualifier("pd") and not all(_sign(value[:k, :k].det()) == 1 for k in range(1, value.rows + 1)):
        return False  # Sylvester's criterion (symmetric checked above)
    if decl.has_qualifier("psd"):
        if value.rows > MAX_PRINCIPAL_ORDER:
            return False
        for k in range(1, value.rows + 1):
            for rows in itertools.combinations(range(value.rows), k):
                if _sign(value.extract(list(rows), list(rows)).det()) not in (0, 1):
                    return False
    return True


def _is_zero_matrix(value: sympy.MatrixBase) -> bool:
    return all(x == 0 or sympy.simplify(x) == 0 for x in value)


def _sign(value: sympy.Expr) -> int | None:
    """-1, 0 or 1 for an exact real number when SymPy decides it; None otherwise."""
    value = sympy.sympify(value, strict=True)
    if value == 0 or sympy.simplify(value) == 0:
        return 0
    if value.is_positive is True:
        return 1
    if value.is_negative is True:
        return -1
    return None


def _matrix_text(value: sympy.ImmutableMatrix) -> str:
    if value.cols == 1:
        return "[" + ", ".join(str(x) for x in value) + "]"
    return "[" + ", ".join("[" + ", ".join(str(x) for x in value.row(i)) + "]" for i in range(value.rows)) + "]"


def _solution_value(solution: dict, x: sympy.Symbol) -> sympy.Expr:
    """The value SymPy solved for x (x itself where it was left free), as a SymPy object."""
    value = solution.get(x, x)
    return sympy.sympify(value, strict=True)


def _in_domain(decl: ScalarDecl, value: sympy.Expr) -> bool:
    """Whether an exact value satisfies the declaration (kind and interval)."""
    value = sympy.sympify(value, strict=True)
    if value.free_symbols or value.is_extended_real is not True:
        return False
    if decl.kind in INTEGER_KINDS and value.is_integer is not True:
        return False
    inside = decl.value_set().contains(value)
    return inside is sympy.true


def _holds_at(relation: objects.Relation, point: dict[sympy.Symbol, sympy.Expr]) -> bool:
    """Whether the relation holds exactly at the point (undecided counts as not holding)."""
    d = (relation.lhs - relation.rhs).xreplace(point)
    if d.free_symbols or d.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return False
    if relation.op == "=":
        return d == 0 or sympy.simplify(d) == 0
    if d.is_extended_real is not True:
        return False
    return {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}[relation.op](d, 0) is sympy.true


__all__ = ["Witness", "exact_witness", "find_witness"]
