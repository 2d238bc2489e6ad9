"""A parsed derivation as a list of checkable items: steps, the claim link, checks.

Chains compose like Lean's ``calc``: each step relates the previous expression
to its own. A step expected to be refuted is checked against the previous
expression but does not advance the chain, so the corrected step beside it
relates to the last step expected to hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import InputError, Span
from ...expr.names import normalize
from ...expr.objects import Gradient, Relation
from ...expr.shapes import make_relation
from ...model import Check, Derivation, Instance, Step
from ..symbolic import outside_domain

CHAIN_OPS = {"eq": "=", "le": "<=", "lt": "<", "ge": ">=", "gt": ">"}


@dataclass
class Item:
    """One thing that gets a verdict."""

    key: str
    label: str
    span: Span
    expect: str = "holds"
    relation: Relation | None = None
    hypotheses: list[Relation] = field(default_factory=list)
    using: list[str] = field(default_factory=list)
    instances: dict[str, tuple[int, ...]] = field(default_factory=dict)
    by: str | None = None
    text: str = ""
    error: str | None = None
    note: str | None = None
    chain: list[str] = field(default_factory=list)  # for the claim link: keys of the chain's steps
    claim: Relation | None = None  # for the claim link: the claim itself (``relation`` holds the chain's ends)
    chain_using: list[str] = field(default_factory=list)  # for the claim link: hypotheses the chain's steps use
    unsupported: str | None = None
    distribution: Check | None = None  # a distribution check, run by check/stochastic/distribution.py
    conditions: list[Any] = field(default_factory=list)  # what the relation needs to have a value (expr/definedness.py)


def _expect(text: Any) -> str:
    return text.value if text is not None else "holds"


def build_items(derivation: Derivation, scope: Any, parse_expression, parse_relation) -> list[Item]:
    """Every item of ``derivation``, in file order, each with its parsed relation or its error."""
    top_instances = {i.name.value: i.values for i in derivation.instances}
    items: list[Item] = []
    chains = _Chains(scope, parse_expression)
    for step in derivation.steps:
        item = _step_item(step, scope, top_instances)
        if step.relation == "start":
            if not chains.start(step, item):
                items.append(item)
            continue
        if step.relation == "claim":
            chains.stop()
            try:
                item.relation = parse_relation(step.expr, scope, conditions=item.conditions)
            except InputError as exc:
                item.error = exc.format()
        else:
            chains.link(step, item)
        items.append(item)

    if derivation.claim is not None:
        items.append(_claim_item(derivation, scope, parse_relation, chains, top_instances))
    for check in derivation.checks:
        items.append(_check_item(check, scope, parse_expression, top_instances, derivation.check_expectation(check)))
    _refuse_instances_outside_domains(derivation, scope, items)
    return items


def _step_item(step: Step, scope: Any, top_instances: dict[str, tuple[int, ...]]) -> Item:
    """A step's item before its relation is read: label, instances (its own over the
    top-level ones), ``by`` and the hypotheses of its ``using``."""
    instances = dict(top_instances)
    instances.update({i.name.value: i.values for i in step.instances})
    item = Item(
        key=f"step-{step.index}",
        label=f"step {step.index} ({step.relation})",
        span=step.span,
        expect=_expect(step.expect),
        instances=instances,
        by=step.by.value if step.by else None,
        text=step.expr.value,
    )
    item.using = [u.value for u in step.using]
    try:
        item.hypotheses = [scope.hypotheses[u.value] for u in step.using]
    except KeyError as exc:  # the loader checks names; a hypothesis that failed to parse lands here
        item.error = f"hypothesis {exc} could not be read"
    return item


@dataclass
class _Chains:
    """The chains read so far (each a list of ``(step, expression)``), and where the
    current one stands: the last expression expected to hold and what it needs to have a value."""

    scope: Any
    parse_expression: Any
    chains: list[list[tuple[Step, Any]]] = field(default_factory=list)
    broken: list[str | None] = field(default_factory=list)  # per chain: its first step that could not be read
    current: list[tuple[Step, Any]] | None = None
    previous: Any = None  # the last expression expected to hold in the current chain
    previous_conditions: list[Any] = field(default_factory=list)  # what ``previous`` needs to have a value

    def start(self, step: Step, item: Item) -> bool:
        """A ``start`` step opens a new chain; False (with ``item.error``) when its
        expression cannot be read, and only then is the step an item of its own."""
        self.current = []
        self.chains.append(self.current)
        self.broken.append(None)
        try:
            self.previous_conditions = []
            self.previous = self.parse_expression(step.expr, self.scope, self.previous_conditions)
            self.current.append((step, self.previous))
        except InputError as exc:
            self.previous = None
            item.error = exc.format()
            self._break(item)
            return False
        return True

    def _break(self, item: Item) -> None:
        if self.broken and self.broken[-1] is None and self.current is not None:
            self.broken[-1] = item.label

    def stop(self) -> None:
        """A ``claim`` step ends the current chain."""
        self.current, self.previous = None, None

    def link(self, step: Step, item: Item) -> None:
        """A chain step: ``item.relation`` relates the previous expression to this step's;
        a step expected to hold then becomes the previous expression."""
        conditions: list[Any] = []
        try:
            expr = self.parse_expression(step.expr, self.scope, conditions)
        except InputError as exc:
            item.error = exc.format()
            if item.expect == "holds":
                self.previous = None
                self._break(item)
            return
        if self.previous is None:
            item.error = item.error or "the previous expression of this chain could not be read"
        else:
            try:
                item.relation = make_relation(self.previous, CHAIN_OPS[step.relation], expr)
                item.conditions = ([c.on("left") for c in self.previous_conditions]
                                   + [c.on("right") for c in conditions])
            except InputError as exc:
                item.error = InputError(exc.message, step.expr.span, exc.hint).format()
        if item.expect == "holds" and self.current is not None:
            self.current.append((step, expr))
            self.previous, self.previous_conditions = expr, conditions


def _refuse_instances_outside_domains(derivation: Derivation, scope: Any, items: list[Item]) -> None:
    """An item whose ``for`` (its own, or the top-level one) lists a value outside the
    symbol's declared domain is an error at that ``for`` entry."""

    def problems(instances: tuple[Instance, ...]) -> dict[str, str]:
        found = {}
        for instance in instances:
            name = normalize(instance.name.value)
            why = outside_domain(name, instance.values, scope)
            if why is not None:
                found[name] = InputError(why, instance.name.span, "list values the declaration allows").format()
        return found

    top = problems(derivation.instances)
    own = {f"step-{step.index}": (problems(step.instances), {normalize(i.name.value) for i in step.instances})
           for step in derivation.steps}
    for item in items:
        mine, overridden = own.get(item.key, ({}, set()))
        found = {**mine, **{n: e for n, e in top.items() if n not in overridden}}
        if found and item.error is None:
            item.error = next(iter(found.values()))


def _claim_item(derivation, scope, parse_relation, chains, instances) -> Item:
    claim = derivation.claim
    expect = _expect(derivation.expect)
    item = Item(
        key="claim",
        label="claim" if expect == "refuted" else "claim link",
        span=claim.span,
        expect=expect,
        instances=dict(instances),
        text=claim.value,
    )
    # The claim holds only under the hypotheses it states (top-level `using`): the
    # claim link refuses a chain that relies on others; a refuted claim is checked under them.
    item.using = [u.value for u in derivation.using]
    try:
        item.hypotheses = [scope.hypotheses[name] for name in item.using]
    except KeyError as exc:  # the loader checks names; a hypothesis that failed to parse lands here
        item.error = f"hypothesis {exc} could not be read"
        return item
    try:
        item.relation = parse_relation(claim, scope, conditions=item.conditions)
    except InputError as exc:
        item.error = exc.format()
        return item
    if expect == "refuted":
        return item  # the claim itself is checked: it must be refuted
    if chains.broken and chains.broken[0] is not None:
        item.error = (f"the chain that establishes the claim is broken at its {chains.broken[0]}, which "
                      "could not be read (listed with its own error)")
        return item
    if not chains.chains or len(chains.chains[0]) < 2:
        item.error = "a `claim` needs a chain (a `start` step and at least one more) to establish it"
        return item
    chain = chains.chains[0]
    item.chain = [f"step-{s.index}" for s, _ in chain[1:]]
    item.chain_using = list(dict.fromkeys(u.value for s, _ in chain[1:] for u in s.using))
    ops = [CHAIN_OPS[s.relation] for s, _ in chain[1:]]
    item.note = compose(ops)
    item.claim = item.relation
    item.relation = Relation(chain[0][1], "chain", chain[-1][1])
    return item


def compose(ops: list[str]) -> str:
    """The relation a chain of ``ops`` establishes between its ends (``=``, ``<=``, ``<``, ...)."""
    if all(op == "=" for op in ops):
        return "="
    rising = any(op in ("<=", "<") for op in ops)
    strict = any(op in ("<", ">") for op in ops)
    if rising:
        return "<" if strict else "<="
    return ">" if strict else ">="


def _check_item(check: Check, scope, parse_expression, instances, expect: str) -> Item:
    item = Item(
        key=f"check-{check.index}",
        label=f"check {check.index} ({check.kind})",
        span=check.span,
        expect=expect,
        instances=dict(instances),
        by=check.fields["by"].value if "by" in check.fields else None,
    )
    if check.kind == "distribution":
        item.distribution = check
        item.text = check.fields["claim"].value
        return item
    if check.kind != "gradient":
        item.unsupported = f"{check.kind} checks are not implemented in this version; no verdict is claimed"
        return item
    try:
        of = parse_expression(check.fields["of"], scope, item.conditions)
        wrt = parse_expression(check.fields["wrt"], scope)
        if not (getattr(wrt, "is_symbol", False) and getattr(wrt, "is_Matrix", False)):  # a scalar: no shape
            raise InputError("`wrt` of a gradient check must be a declared matrix or vector name",
                             check.fields["wrt"].span, "for a scalar, write a step `diff(f, x)` instead")
        equals = parse_expression(check.fields["equals"], scope, right := [])
        item.conditions = [c.on("left") for c in item.conditions] + [c.on("right") for c in right]
        item.text = f"grad({check.fields['of'].value}, {check.fields['wrt'].value}) = {check.fields['equals'].value}"
        item.relation = make_relation(Gradient(of, wrt), "=", equals)
    except InputError as exc:
        item.error = exc.format() if exc.span else InputError(exc.message, check.span, exc.hint).format()
    except (KeyError, TypeError, ValueError) as exc:
        item.error = f"gradient check needs `of`, `wrt` (a declared matrix or vector) and `equals`: {exc}"
    return item
