"""The ``checks`` section: gradient and distribution checks."""

from __future__ import annotations

from ..model import Check, Text
from .sections import Section
from .yaml_tree import Node

CHECK_FIELDS = {
    "gradient": (("of", "wrt", "equals"), ()),
    "distribution": (("process", "claim"), ("start", "steps", "samples")),
}
MAX_COUNT_DIGITS = 9


class ChecksSection(Section):
    """Reads the checks (a check's ``wrt`` names a declared symbol)."""

    def checks(self, node: Node | None) -> tuple[Check, ...] | None:
        items = self.sequence(node, "`checks`", "a list of `- gradient: {of, wrt, equals}` or "
                              "`- distribution: {process, start, claim, steps, samples}`")
        if items is None:
            return None
        if not items.items:
            self.error("`checks` is empty", items.span, "list at least one check, or remove `checks`")
        result = []
        for index, item in enumerate(items.items, start=1):
            check = self.check(item, index)
            if check is not None:
                result.append(check)
        return tuple(result)

    def check(self, item: Node, index: int) -> Check | None:
        kinds = tuple(CHECK_FIELDS)
        entry = self.mapping(item, f"check {index}", "`- gradient: {...}` or `- distribution: {...}`")
        if entry is None:
            return None
        self.known_keys(entry, kinds + ("expect", "by"), f"in check {index}")
        present = [k for k in entry.keys() if k in kinds]
        if len(present) != 1:
            self.error(f"check {index} must have exactly one of `gradient`, `distribution`"
                       + (f" (found {', '.join(present)})" if present else ""), entry.span,
                       "e.g. `- gradient: {of: EXPR, wrt: NAME, equals: EXPR}`")
            return None
        kind = present[0]
        required, optional = CHECK_FIELDS[kind]
        body = self.mapping(entry.get(kind), f"`{kind}` in check {index}",
                            f"a mapping with {', '.join(required + optional)}")
        if body is None:
            return None
        allowed = required + optional + ("expect", "by")
        self.known_keys(body, allowed, f"in the `{kind}` of check {index}")
        for key in required:
            if body.get(key) is None:
                self.error(f"check {index} ({kind}) is missing '{key}'", body.span,
                           f"a {kind} check needs {', '.join(required)}")
        fields: dict[str, Text] = {}
        for key, value in body.items:
            if key.text not in allowed or key.text == "expect":
                continue
            if key.text == "wrt":
                text = self.declared(value, f"`wrt` in check {index}")
            elif key.text in ("steps", "samples"):
                text = self.count(value, f"`{key.text}` in check {index}")
            else:
                text = self.text(value, f"`{key.text}` in check {index}", "an expression or relation")
            if text is not None:
                fields[key.text] = text
        expect = self.expect(entry.get("expect"), f"`expect` in check {index}")
        inner = self.expect(body.get("expect"), f"`expect` in check {index}")
        by = self.text(entry.get("by"), f"`by` in check {index}", "free text: the reason")
        for outer, nested, name in ((entry.get("expect"), body.get("expect"), "expect"),
                                    (entry.get("by"), body.get("by"), "by")):
            if outer is not None and nested is not None:
                self.error(f"check {index} gives `{name}` twice", nested.span, f"give `{name}` once")
        if by is not None:
            fields.setdefault("by", by)
        return Check(index=index, kind=kind, fields=fields, span=entry.span, expect=expect or inner)

    def count(self, node: Node, what: str) -> Text | None:
        hint = f"a positive integer with at most {MAX_COUNT_DIGITS} digits"
        value = self.text(node, what, hint)
        if value is None:
            return None
        digits = value.value.strip()
        if not digits.isdigit() or not digits.isascii() or len(digits) > MAX_COUNT_DIGITS or int(digits) < 1:
            self.error(f"{what} must be a positive integer, not '{digits}'", value.span, hint)
            return None
        return Text(digits, value.span)


__all__ = ["CHECK_FIELDS", "MAX_COUNT_DIGITS", "ChecksSection"]
