"""The ``steps`` section (chains and separate claims, ``using``) and the ``for`` instances."""

from __future__ import annotations

import re

from ..errors import Span
from ..model import Instance, Step, Text
from .sections import Section
from .yaml_tree import Mapping, Node, Scalar, Sequence, describe, suggest

RELATION_KEYS = ("start", "eq", "le", "lt", "ge", "gt", "claim")
STEP_KEYS = RELATION_KEYS + ("by", "using", "latex", "expect", "for")
MAX_INSTANCES = 64
MAX_INSTANCE_VALUE = 10_000

_RANGE = re.compile(r"\s*([+-]?\d+)\s*\.\.\s*([+-]?\d+)\s*\Z")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*\Z")
_CHAIN_DIRECTION = {"le": "<=", "lt": "<=", "ge": ">=", "gt": ">="}


class StepsSection(Section):
    """Reads the steps, the hypotheses each uses and the instances of ``for``."""

    def steps(self, node: Node | None) -> tuple[Step, ...] | None:
        items = self.sequence(node, "`steps`", "a list of steps, each `- start: EXPR`, `- eq: EXPR`, ...")
        if items is None:
            return None
        if not items.items:
            self.error("`steps` is empty", items.span, "list at least one step, beginning with `- start: EXPR`")
        result: list[Step] = []
        chain_start: int | None = None  # index of the open chain's start step
        chain_end: int | None = None  # index of the claim step that closed the last chain
        direction: tuple[str, int, str] | None = None  # (<= or >=, step index, relation key)
        for index, item in enumerate(items.items, start=1):
            entry = self.mapping(item, f"step {index}", "`- start: EXPR`, `- eq: EXPR`, ... or `- claim: A = B`")
            if entry is None:
                continue
            self.known_keys(entry, STEP_KEYS, f"in step {index}")
            relations = [(k, v) for k, v in entry.items if k.text in RELATION_KEYS]
            if not relations:
                self.error(f"step {index} has no relation key", entry.span,
                           "give exactly one of: " + ", ".join(RELATION_KEYS))
                continue
            if len(relations) > 1:
                self.error(f"step {index} has several relation keys ({', '.join(k.text for k, _ in relations)})",
                           relations[1][0].span, "give exactly one of: " + ", ".join(RELATION_KEYS))
                continue
            key, value = relations[0]
            relation = key.text
            if relation == "start":
                chain_start, direction = index, None
                for extra in ("using", "expect", "for"):
                    if entry.key(extra) is not None:
                        self.error(f"step {index} is a `start` and cannot have `{extra}`",
                                   entry.key(extra).span,  # type: ignore[union-attr]
                                   f"put `{extra}` on the step that states the relation")
            elif relation == "claim":
                chain_start, chain_end, direction = None, index, None
            elif chain_start is None:
                after = f"; the `claim` at step {chain_end} ended the chain" if chain_end else ""
                self.error(f"step {index} continues a chain but no `start` came before{after}", key.span,
                           "begin a chain with `- start: EXPR`, or state a separate fact with `- claim: A = B`")
            elif relation in _CHAIN_DIRECTION:
                way = _CHAIN_DIRECTION[relation]
                if direction is None:
                    direction = (way, index, relation)
                elif direction[0] != way:
                    self.error(f"step {index} uses `{relation}` but step {direction[1]} of the same chain used "
                               f"`{direction[2]}`: mixing <= and >= in one chain is not allowed", key.span,
                               "a chain may mix `eq` with `le`/`lt`, or `eq` with `ge`/`gt`; start a new chain")
            what = "a relation, e.g. `A = B`" if relation == "claim" else "an expression"
            expr = self.text(value, f"`{relation}` in step {index}", what)
            step = Step(
                index=index, relation=relation, expr=expr or Text("", key.span), span=entry.span,
                by=self.text(entry.get("by"), f"`by` in step {index}", "free text: the reason for the step"),
                using=self.using(entry.get("using"), f"`using` in step {index}", f"step {index}"),
                latex=self.text(entry.get("latex"), f"`latex` in step {index}", "LaTeX text"),
                expect=self.expect(entry.get("expect"), f"`expect` in step {index}"),
                instances=self.instances(entry.get("for"), f"`for` in step {index}"))
            result.append(step)
        return tuple(result)

    def using(self, node: Node | None, what: str, user: str) -> tuple[Text, ...]:
        """The hypothesis names of a ``using`` list (``what`` names the list, ``user`` who uses them)."""
        hint = "a list of names from `given`, e.g. `using: [critical]`"
        names = self.sequence(node, what, hint)
        if names is None:
            return ()
        result: list[Text] = []
        for item in names.items:
            name = self.text(item, what, hint)
            if name is None:
                continue
            if name.value.strip() not in self.hypotheses:
                self.error(f"{user} uses '{name.value}', which is not a hypothesis under `given`",
                           name.span, suggest(name.value.strip(), list(self.hypotheses), "hypotheses"))
                continue
            if any(n.value == name.value.strip() for n in result):
                self.error(f"{what} lists '{name.value.strip()}' twice", name.span, "list each hypothesis once")
                continue
            result.append(Text(name.value.strip(), name.span))
        return tuple(result)

    def instances(self, node: Node | None, what: str) -> tuple[Instance, ...]:
        entries = self.mapping(node, what, "`{t: 1..12, n: [1, 2, 3]}`")
        if entries is None:
            return ()
        result = []
        for key, value in entries.items:
            name = self.declared(key, what)
            values = self.instance_values(value, f"{what} for '{key.text}'")
            if name is not None and values is not None:
                result.append(Instance(name, values))
        return tuple(result)

    def instance_values(self, node: Node, what: str) -> tuple[int, ...] | None:
        hint = (f"`a..b` (inclusive), a list `[1, 2, 3]` or one integer; at most {MAX_INSTANCES} values, "
                f"each between -{MAX_INSTANCE_VALUE} and {MAX_INSTANCE_VALUE}")
        if isinstance(node, Mapping):
            self.error(f"{what} must be a range, a list or an integer, not a mapping", node.span, hint)
            return None
        if isinstance(node, Sequence):
            values: list[int] = []
            for item in node.items:
                value = self.integer(item, what, hint)
                if value is None:
                    return None
                values.append(value)
            span = node.span
        else:
            span = node.span
            match = _RANGE.match(node.text)
            if match is not None:
                lo, hi = (self.bounded(match.group(i), node.span, what, hint) for i in (1, 2))
                if lo is None or hi is None:
                    return None
                if lo > hi:
                    self.error(f"{what}: the range {node.text.strip()} is empty", span, hint)
                    return None
                if hi - lo + 1 > MAX_INSTANCES:
                    self.error(f"{what}: {node.text.strip()} has {hi - lo + 1} values, more than "
                               f"{MAX_INSTANCES}", span, hint)
                    return None
                return tuple(range(lo, hi + 1))
            value = self.integer(node, what, hint)
            return None if value is None else (value,)
        if not values:
            self.error(f"{what} is an empty list", span, hint)
            return None
        if len(values) > MAX_INSTANCES:
            self.error(f"{what} has {len(values)} values, more than {MAX_INSTANCES}", span, hint)
            return None
        if len(set(values)) != len(values):
            self.error(f"{what} lists a value twice", span, hint)
            return None
        return tuple(values)

    def integer(self, node: Node, what: str, hint: str) -> int | None:
        if not isinstance(node, Scalar) or not _INTEGER.match(node.text):
            self.error(f"{what}: cannot read {describe(node)} as instances", node.span, hint)
            return None
        return self.bounded(node.text, node.span, what, hint)

    def bounded(self, digits: str, span: Span, what: str, hint: str) -> int | None:
        digits = digits.strip()
        if len(digits.lstrip("+-")) > 6 or abs(int(digits)) > MAX_INSTANCE_VALUE:
            self.error(f"{what}: {digits} is out of range", span, hint)
            return None
        return int(digits)


__all__ = ["MAX_INSTANCES", "MAX_INSTANCE_VALUE", "RELATION_KEYS", "STEP_KEYS", "StepsSection"]
