"""The symbolic work on a derivation's items, in one bounded child process (:class:`Prover`).

The pipeline asks it for a general proof, a proof at instances, ``simplify``, a
contradiction between hypotheses, an exact witness of them, and whether two
texts of a claim link are equal; each attempt has its own CPU-time limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import InputError
from ...expr.objects import Relation
from ...expr.shapes import make_relation
from ..realize import untrusted_integrals
from ..runtime import BoundedSession
from ..symbolic import (Proof, apply_hypotheses, declared_invertible, declared_nonzero, declared_value, divergence,
                        find_witness, inconsistency, instance_assignments, nonzero_at, prove, prove_at_instances,
                        prove_by_simplify, prove_equal, written_out_nonzero)
from .items import Item


@dataclass(frozen=True)
class InstanceProof:
    """A proof attempt at instances: whether every instance was ``proved``, the ``detail``
    (the strategy, or why not), the instances tried (``at``), and the dimensions no ``for``
    lists, set to default small shapes (``defaulted``: then the proof is no verdict)."""

    proved: bool
    detail: str
    at: str
    defaulted: tuple[str, ...]


class Prover:
    """The symbolic work on a derivation's items, in one bounded child process.

    Every attempt is bounded on its own (:class:`~derivcheck.check.runtime.limits.BoundedSession`);
    the child keeps SymPy's caches from one attempt to the next, and the steps of a
    chain share most of their sub-expressions. The child works from the items and
    scope it inherits, so a request names only the item.
    """

    def __init__(self, items: list[Item], scope: Any) -> None:
        self._items = {item.key: item for item in items}
        self._scope = scope
        self._targets: dict[str, Any] = {}
        self._session = BoundedSession({"general": self._general, "instances": self._instances,
                                        "simplify": self._simplify, "same": self._same,
                                        "inconsistency": self._inconsistency, "witness": self._witness,
                                        "valueless": self._valueless, "defined_at": self._defined_at,
                                        "recursion": self._recursion})

    def item(self, key: str) -> Item:
        """The item of ``key`` (a step of the chain, for the claim link)."""
        return self._items[key]

    def __enter__(self) -> "Prover":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._session.close()

    def general(self, item: Item, seconds: float, *, simplify: bool = True) -> Any:
        """A bounded general proof of the item: ``value`` is a :class:`~derivcheck.check.symbolic.Proof` or None.
        ``simplify=False``: every strategy but the last (see :meth:`simplify`)."""
        return self._session.run(seconds, "general", item.key, simplify)

    def simplify(self, item: Item, seconds: float, *, upgrade: bool = False) -> Any:
        """A bounded proof of an equality by ``sympy.simplify`` alone: ``value`` as for :meth:`general`.
        ``upgrade``: the item is proved at its instances already (see :func:`symbolic.prove_by_simplify`)."""
        return self._session.run(seconds, "simplify", item.key, upgrade)

    def instances(self, item: Item, seconds: float) -> Any:
        """A bounded proof at instances: ``value`` is None (no instances) or an :class:`InstanceProof`."""
        return self._session.run(seconds, "instances", item.key)

    def inconsistency(self, item: Item, seconds: float) -> str | None:
        """Why the item's hypotheses hold nowhere (:func:`consistency.inconsistency`), or None
        when no contradiction was found within ``seconds``."""
        done = self._session.run(seconds, "inconsistency", item.key)
        return done.value if done.status == "ok" else None

    def witness(self, item: Item, seconds: float) -> str | None:
        """Exact values at which every hypothesis of the item holds (``x = 1, y = 2``), or None
        when none was found within ``seconds`` (:func:`witness.find_witness`)."""
        done = self._session.run(seconds, "witness", item.key)
        return done.value if done.status == "ok" else None

    def valueless(self, item: Item, seconds: float, kinds: tuple[str, ...]) -> str | None:
        """The first of the item's definedness conditions of ``kinds`` shown to fail everywhere,
        with why (an infinite sum that diverges; a denominator proved 0 under the hypotheses),
        or None when none was within ``seconds``."""
        done = self._session.run(seconds, "valueless", item.key, kinds)
        return done.value if done.status == "ok" else None

    def defined_at(self, item: Item, seconds: float) -> str | None:
        """An exact point where the item's denominators are all nonzero and its hypotheses hold
        (:func:`~derivcheck.check.symbolic.nonzero_at`), or None when none was found."""
        done = self._session.run(seconds, "defined_at", item.key)
        return done.value if done.status == "ok" else None

    def recursion(self, item: Item, seconds: float) -> Any:
        """A bounded proof of a distribution check by the moment recursion: ``value`` is
        ``(detail, "")`` when proved, else ``(None, why not)``."""
        return self._session.run(seconds, "recursion", item.key)

    def same(self, item: Item, left: str, right: str, seconds: float) -> bool:
        """Whether two ends of a claim item (``claim.lhs``, ``claim.rhs``, ``start``, ``end``) are proved equal."""
        done = self._session.run(seconds, "same", item.key, left, right)
        return done.status == "ok" and bool(done.value)

    # -- in the child --

    def _target(self, key: str) -> Any:
        if key not in self._targets:
            item = self._items[key]
            self._targets[key] = apply_hypotheses(item.relation, item.hypotheses, self._scope)
        return self._targets[key]

    def _general(self, key: str, simplify: bool) -> Proof | None:
        return prove(self._target(key), self._scope, self._items[key].hypotheses, simplify=simplify)

    def _simplify(self, key: str, upgrade: bool) -> Proof | None:
        import sympy

        target = self._target(key)
        if target.op != "=":
            return None
        lhs, rhs = (sympy.sympify(side, strict=True) for side in (target.lhs, target.rhs))
        return prove_by_simplify(lhs, rhs, self._scope, skip_sums=upgrade)

    def _instances(self, key: str) -> InstanceProof | None:
        item, target = self._items[key], self._target(key)
        plan = instance_assignments(target, self._scope, item.instances)
        if not plan.assignments:
            return None
        proved, text = prove_at_instances(target, self._scope, plan.assignments, item.hypotheses, item.using)
        return InstanceProof(proved, text, plan.described, plan.defaulted)

    def _witness(self, key: str) -> str | None:
        found = find_witness(self._items[key].hypotheses, self._scope)
        if found is None:
            return None
        text = found.text()
        if _undefined_at(self._items[key].relation, found.scalars):
            # a rewrite by the hypotheses may have cancelled a 0/0 the claim has there
            return f"{UNDEFINED_AT}{text}"
        return text

    def _valueless(self, key: str, kinds: tuple[str, ...]) -> str | None:
        import sympy

        item = self._items[key]
        for condition in item.conditions:
            if condition.kind not in kinds:
                continue
            if condition.kind == "convergent":
                why = divergence(condition.expr, declared_value(self._scope))
                if why is not None:
                    return f"{condition.describe()} {why}"
                continue
            value = condition.expr if condition.kind == "nonzero" else sympy.Determinant(condition.expr)
            zero = prove(Relation(value, "=", sympy.Integer(0)), self._scope, item.hypotheses, simplify=False)
            if zero is not None:
                where = "wherever the hypotheses hold" if item.hypotheses else "for every value of its symbols"
                what = "is 0" if condition.kind == "nonzero" else "is singular"
                return f"{condition.describe()} {what} {where} (strategy '{zero.method}')"
        return None

    def _defined_at(self, key: str) -> str | None:
        import sympy

        item = self._items[key]
        if not item.hypotheses:  # matrices at literal sizes: written out, at one point of their entries
            values = [c.expr if c.kind == "nonzero" else sympy.Determinant(c.expr)
                      for c in item.conditions if c.kind in ("nonzero", "invertible")]
            found = written_out_nonzero(values, self._scope) if values else None
            if found is not None:
                return found
        if not all(declared_invertible(c.expr, self._scope) for c in item.conditions if c.kind == "invertible"):
            return None  # an inverted matrix not invertible by its declarations: no exact point is searched
        denominators = [c.expr for c in item.conditions
                        if c.kind == "nonzero" and not declared_nonzero(c.expr, self._scope)]
        if not denominators:
            return "the inverted matrices are invertible by their declarations"
        return nonzero_at(sympy.Mul(*denominators), item.hypotheses, self._scope)

    def _recursion(self, key: str) -> tuple[str | None, str]:
        from ..stochastic import prove_linear_law  # here: a file without a `~` step does not load it

        item = self._items[key]
        return prove_linear_law(item.distribution.fields, self._scope, item.instances)

    def _inconsistency(self, key: str) -> str | None:
        item = self._items[key]
        return inconsistency(item.hypotheses, item.using, self._scope)

    def _same(self, key: str, left: str, right: str) -> bool:
        item = self._items[key]
        ends = {"claim.lhs": item.claim.lhs, "claim.rhs": item.claim.rhs,
                "start": item.relation.lhs, "end": item.relation.rhs}
        try:
            pair = make_relation(ends[left], "=", ends[right])
        except InputError:
            return False
        if pair.lhs != pair.rhs and (untrusted_integrals(pair.lhs) or untrusted_integrals(pair.rhs)):
            return False  # no numeric cross-check of the link: SymPy's closed form alone is no proof
        # the link has no numeric cross-check: the ends match only by the strategies that
        # rewrite without deciding anything new (the tree, its canonical form, finite sums),
        # not by SymPy's simplify or matrix calculus, which a step's numeric check guards
        proof = prove_equal(pair.lhs, pair.rhs, self._scope, simplify=False)
        return proof is not None and proof.method in LINK_STRATEGIES


LINK_STRATEGIES = ("structural", "canonical form", "sums")


UNDEFINED_AT = "undefined at: "


def _undefined_at(relation: Any, point: dict) -> bool:
    """Whether a side of ``relation`` is 0/0 or a division by zero at the exact ``point``."""
    import sympy

    for side in (relation.lhs, relation.rhs):
        if not isinstance(side, sympy.Basic):
            continue
        try:
            value = side.xreplace(point)
        except Exception:  # noqa: BLE001 - a side that cannot take the point says nothing
            continue
        if value.has(sympy.nan, sympy.zoo):
            return True
    return False




__all__ = ["InstanceProof", "Prover", "UNDEFINED_AT"]
