"""Points that satisfy eigenvector hypotheses by construction.

A hypothesis ``M @ v = s * v`` (either way round) holds at almost no random
point, so filtering points by it leaves none, and a step that uses it could be
neither confirmed nor refuted numerically. When ``M`` is declared symmetric,
psd or pd, ``v`` is a declared vector and ``s`` a declared real scalar, the
sampled point is built to satisfy it instead:

* ``M = Q diag(d) Q^T`` with ``Q`` a random orthogonal matrix (the rational
  Cayley map the sampler already uses) and eigenvalues ``d`` in the domain that
  ``M``'s qualifier and the eigenvalue's declaration allow;
* each such ``v = c * Q[:, k]`` with a scale ``c`` of its own, and ``s = d[k]``,
  the pairs of one matrix on distinct columns while there are enough; or, at
  random per configuration, all of them in one eigenspace of a shared
  eigenvalue, each ``v`` a random combination of its columns (so that equal
  eigenvalues, and eigenvectors neither parallel nor orthogonal, are sampled too).

The zero vector satisfies ``M @ v = s * v`` for every ``s``: it is a member the
hypothesis allows, and a claim such as ``s >= 0`` fails there. So ``s`` is built
as ``Piecewise((t, v == 0), (d[k], True))`` with ``t`` a free scalar of ``s``'s
declaration: where every scale of ``v`` is 0 (a simple value the sampler gives
now and then, and a special point of the Piecewise) ``s`` is unconstrained.

Every point built this way satisfies the hypotheses exactly (all values are
rational, so the 50-digit confirmation applies), and the hypotheses stay as
filters, which checks the construction at every point. The points are a subset
of the valid ones: any disagreement there is a counterexample; agreement is
evidence over the constructed points. A general (non-symmetric) ``M`` is not
built this way (a symmetric one would not stand for it), nor is one vector or
eigenvalue shared between two hypotheses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Sequence

import sympy

from ...errors import Span
from ...expr import objects
from ...expr.scope import MatrixDecl, ScalarDecl, Scope
from ..realize import entry_symbol
from .sampling import matrix_text

BUILT = {"symmetric": "real", "psd": "nonnegative", "pd": "positive"}
"""The qualifiers of a matrix that is built, and the kind of its eigenvalues."""

_STRONGER = {("positive", "nonnegative"): "positive", ("nonnegative", "positive"): "positive"}


@dataclass(frozen=True)
class EigenPair:
    """``matrix @ vector = value * vector``."""

    matrix: sympy.MatrixSymbol
    vector: sympy.MatrixSymbol
    value: sympy.Symbol


@dataclass(frozen=True)
class Construction:
    """What realisation substitutes at one integer configuration, and the scope that
    declares the new sampled quantities (orthogonal factors, eigenvalues, scales)."""

    scope: Scope
    matrices: dict[sympy.MatrixSymbol, sympy.ImmutableMatrix]
    scalars: dict[sympy.Symbol, sympy.Symbol]
    factors: frozenset[sympy.MatrixSymbol] = frozenset()  # the orthogonal factors Q (sampled, not declared)

    def shown(self, values: dict[sympy.Basic, sympy.Expr]) -> dict[str, str]:
        """The constructed quantities at a point, by their declared names (for a counterexample)."""
        out = {}
        for m, value in self.matrices.items():
            if m not in self.factors:
                out[m.name] = matrix_text(value.xreplace(values))
        for s, d in self.scalars.items():
            out[s.name] = str(d.xreplace(values))
        return out


def eigen_pairs(hypotheses: Sequence[objects.Relation], scope: Scope) -> list[EigenPair]:
    """The hypotheses of the form ``M @ v = s * v`` that can be built (see the module text)."""
    pairs = [p for p in (_pair(h, scope) for h in hypotheses) if p is not None]
    vectors = [p.vector for p in pairs]
    values = [p.value for p in pairs]
    return [p for p in pairs if vectors.count(p.vector) == 1 and values.count(p.value) == 1]


def construct(pairs: list[EigenPair], scope: Scope, sizes: dict[sympy.MatrixSymbol, int],
              rng: random.Random) -> Construction | None:
    """The construction at the given sizes of the matrices (``n`` of each ``n x n`` M), or None
    when the declarations of the eigenvalues and the matrix's qualifier admit no common value.

    ``rng`` picks one of two layouts per matrix: pair ``i`` on column ``i mod n`` with
    eigenvalues of their own (orthogonal eigenvectors unless the columns coincide), or
    all pairs in one eigenspace (the first ``min(pairs, n)`` columns) with one shared
    eigenvalue, each vector a random combination of its columns.
    """
    built = _Built(Span(scope.path, 1, 1), dict(scope.names))
    for m in dict.fromkeys(p.matrix for p in pairs):
        n = sizes[m]
        implied = next(BUILT[q] for q in ("pd", "psd", "symmetric") if q in scope.names[m.name].qualifiers)
        mine = [p for p in pairs if p.matrix == m]
        shared = len(mine) > 1 and rng.random() < 0.5
        spaces = [list(range(min(len(mine), n)))] * len(mine) if shared else [[i % n] for i in range(len(mine))]
        q = built.orthogonal(m, n)
        eigenvalues = _eigenvalues(built, scope, m, n, list(zip(mine, spaces)), implied, shared)
        if eigenvalues is None:
            return None
        built.matrices[m] = sympy.ImmutableMatrix(q * sympy.diag(*eigenvalues) * q.T)
        for p, space in zip(mine, spaces):
            built.eigenvector(scope, p, space, q, eigenvalues)
    return Construction(replace(scope, names=built.names), built.matrices, built.scalars, frozenset(built.factors))


@dataclass
class _Built:
    """A :class:`Construction` in the making: the names it declares (the scope's and the new
    sampled quantities, in the order they are made) and what it substitutes."""

    span: Span
    names: dict[str, object]
    matrices: dict[sympy.MatrixSymbol, sympy.ImmutableMatrix] = field(default_factory=dict)
    scalars: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    factors: set[sympy.MatrixSymbol] = field(default_factory=set)

    def scalar(self, name: str, kind: str, interval: object) -> sympy.Symbol:
        """A new sampled scalar ``name``, declared ``kind`` in ``interval``."""
        symbol = sympy.Symbol(name, real=True)
        self.names[name] = ScalarDecl(name, symbol, kind, interval, self.span)
        return symbol

    def orthogonal(self, m: sympy.MatrixSymbol, n: int) -> sympy.ImmutableMatrix:
        """The orthogonal factor ``Q`` of ``m``: entry symbols of a new ``n x n`` orthogonal matrix."""
        q_name = f"eigenvectors({m.name})"
        q = sympy.ImmutableMatrix(n, n, lambda i, j: entry_symbol(q_name, i, j, n))
        self.names[q_name] = MatrixDecl(q_name, sympy.MatrixSymbol(q_name, n, n), sympy.Integer(n),
                                        sympy.Integer(n), frozenset({"orthogonal"}), self.span)
        self.factors.add(sympy.MatrixSymbol(q_name, n, n))
        self.matrices[sympy.MatrixSymbol(q_name, n, n)] = q
        return q

    def eigenvector(self, scope: Scope, p: EigenPair, space: list[int], q: sympy.ImmutableMatrix,
                    eigenvalues: list[sympy.Symbol]) -> None:
        """``p.vector`` as a scaled combination of the columns ``space`` of ``q``, and ``p.value``
        as their eigenvalue, or free (in its declaration) where every scale is 0: the zero
        vector is an eigenvector of every value."""
        vector = sympy.zeros(q.rows, 1)
        scales = []
        for k in space:
            scale_name = f"scale({p.vector.name})" if len(space) == 1 else f"scale{k + 1}({p.vector.name})"
            scales.append(self.scalar(scale_name, "real", None))
            vector += scales[-1] * q[:, k]
        self.matrices[p.vector] = sympy.ImmutableMatrix(vector)
        declared = scope.names[p.value.name]
        free = self.scalar(f"unconstrained({p.value.name})", declared.kind, declared.interval)
        self.scalars[p.value] = sympy.Piecewise((free, sympy.And(*[sympy.Eq(c, 0) for c in scales])),
                                                (eigenvalues[space[0]], True))


def _eigenvalues(built: _Built, scope: Scope, m: sympy.MatrixSymbol, n: int,
                 placed: list[tuple[EigenPair, list[int]]], implied: str, shared: bool) -> list[sympy.Symbol] | None:
    """The ``n`` eigenvalues of ``m``, new sampled scalars: column ``k``'s of the kind its pair
    declares (if any) and ``m``'s qualifier implies, the shared eigenspace's columns one value;
    None when no value satisfies both."""
    owners: dict[int, list[EigenPair]] = {}
    for p, space in placed:
        for k in space[:1]:
            owners.setdefault(k, []).append(p)
    eigenvalues: list[sympy.Symbol] = []
    for k in range(n):
        if shared and 0 < k < len(placed[0][1]):
            eigenvalues.append(eigenvalues[0])
            continue
        declared = {(scope.names[p.value.name].kind, scope.names[p.value.name].interval) for p in owners.get(k, [])}
        if len(declared) > 1:
            return None  # eigenvalues declared differently cannot be one value here
        kind, interval = next(iter(declared)) if declared else ("real", None)
        kind = _combine(kind, implied)
        if kind is None:
            return None
        eigenvalues.append(built.scalar(f"eigenvalue{k + 1}({m.name})", kind, interval))
    return eigenvalues


def _pair(h: objects.Relation, scope: Scope) -> EigenPair | None:
    if h.op != "=":
        return None
    for left, right in ((h.lhs, h.rhs), (h.rhs, h.lhs)):
        if not (isinstance(left, sympy.MatMul) and len(left.args) == 2):
            continue
        m, v = left.args
        if not (isinstance(m, sympy.MatrixSymbol) and isinstance(v, sympy.MatrixSymbol)):
            continue
        if not (isinstance(right, sympy.MatMul) and len(right.args) == 2 and right.args[1] == v):
            continue
        s = right.args[0]
        m_decl, v_decl, s_decl = (scope.names.get(x.name) for x in (m, v, s)) if isinstance(
            s, sympy.Symbol) else (None, None, None)
        if not (isinstance(m_decl, MatrixDecl) and m_decl.qualifiers & set(BUILT)
                and not m_decl.qualifiers - set(BUILT) and m_decl.rows == m_decl.cols):
            continue
        if not (isinstance(v_decl, MatrixDecl) and not v_decl.qualifiers and v_decl.cols == 1
                and v_decl.rows == m_decl.rows):
            continue
        if not (isinstance(s_decl, ScalarDecl) and s_decl.kind in ("real", "positive", "nonnegative", "negative")):
            continue
        return EigenPair(m, v, s)
    return None


def _combine(declared: str, implied: str) -> str | None:
    """The kind of an eigenvalue declared ``declared`` of a matrix whose qualifier implies ``implied``."""
    if declared == implied or implied == "real":
        return declared
    if declared == "real":
        return implied
    return _STRONGER.get((declared, implied))
