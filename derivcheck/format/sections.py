"""What every section reader of a derivation file shares: the names declared and the
hypotheses given so far (later sections check references against them), the
reading of an ``expect`` value and of a name that must be declared."""

from __future__ import annotations

import unicodedata

from ..errors import InputError
from ..model import Text
from .yaml_tree import Node, TreeReader, suggest

EXPECTATIONS = ("holds", "refuted")


def norm(name: str) -> str:
    """A name as the expression language compares it (NFKC)."""
    return unicodedata.normalize("NFKC", name)


class Section(TreeReader):
    """A tree reader that remembers the file's declared symbols and hypotheses."""

    def __init__(self, path: str, errors: list[InputError]) -> None:
        super().__init__(path, errors)
        self.symbols: dict[str, Text] = {}
        self.hypotheses: dict[str, Text] = {}

    def expect(self, node: Node | None, what: str) -> Text | None:
        value = self.text(node, what, "`holds` or `refuted`")
        if value is not None and value.value.strip() not in EXPECTATIONS:
            self.error(f"{what} must be `holds` or `refuted`, not '{value.value}'", value.span,
                       suggest(value.value.strip(), EXPECTATIONS, "accepted"))
            return None
        return value

    def declared(self, node: Node, what: str) -> Text | None:
        """A scalar that must name a declared symbol."""
        name = self.text(node, what, "the name of a symbol declared under `symbols`")
        if name is None:
            return None
        value = name.value.strip()
        if norm(value) not in self.symbols:
            self.error(f"{what} names '{value}', which is not declared under `symbols`", name.span,
                       suggest(value, list(self.symbols), "declared"))
            return None
        return Text(value, name.span)


__all__ = ["EXPECTATIONS", "Section", "norm"]
