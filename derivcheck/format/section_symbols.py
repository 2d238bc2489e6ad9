"""The ``symbols``, ``independent``, ``define`` and ``given`` sections of a derivation file."""

from __future__ import annotations

import keyword
import re

from ..model import Declaration, Definition, Hypothesis, Text
from .sections import Section, norm as _norm
from .yaml_tree import Node, Scalar

RESERVED = frozenset((
    "E Var Cov Sum Product Integral diff grad hessian det trace inv eye ones zeros Normal elementwise "
    "sqrt exp log sin cos tanh Abs sign Min Max pi oo").split())

_HYPOTHESIS = re.compile(r"[^\W\d][\w-]*\Z")
_HEAD = re.compile(r"\s*([^\W\d]\w*)\s*(?:([(\[])(.*)([)\]]))?\s*\Z", re.DOTALL)


def valid_name(name: str) -> bool:
    """A name the expression language can use: an identifier, not starting with ``_``,
    without ``__``, not a Python keyword (after NFKC normalisation)."""
    normal = _norm(name)
    return normal.isidentifier() and not keyword.iskeyword(normal) and not normal.startswith("_") and "__" not in normal


class SymbolsSection(Section):
    """Reads the declarations, independence groups, definitions and hypotheses."""

    def declarations(self, node: Node | None) -> tuple[Declaration, ...] | None:
        symbols = self.mapping(node, "`symbols`", "`names: kind` lines, e.g. `a, b: real` or `X: matrix[n, k]`")
        if symbols is None:
            return None
        result = []
        for key, value in symbols.items:
            names = self.names(key)
            kind = self.text(value, f"the kind of '{key.text}'", "a kind such as `real`, `positive`, `vector[n]`")
            for name in names:
                first = self.symbols.get(_norm(name.value))
                if first is not None:
                    self.error(f"symbol '{name.value}' is declared twice (first at line {first.span.line})",
                               name.span, "declare each name once")
                else:
                    self.symbols[_norm(name.value)] = name
            if names and kind is not None:
                result.append(Declaration(tuple(names), kind))
        return tuple(result)

    def names(self, key: Scalar) -> list[Text]:
        """``a, b, c`` -> one Text per name, each with its own column."""
        names: list[Text] = []
        offset = 0
        for part in key.text.split(","):
            stripped = part.strip()
            span = key.span.shifted(offset + len(part) - len(part.lstrip()))
            offset += len(part) + 1
            if not stripped:
                self.error(f"empty name in '{key.text}'", span, "names separated by commas, e.g. `a, b, c`")
            elif not valid_name(stripped):
                self.error(f"'{stripped}' is not a valid name", span,
                           "an identifier such as `x`, `alpha_1` or `ε`; not starting with '_', "
                           "without '__', not a Python keyword")
            elif _norm(stripped) in RESERVED:
                self.error(f"'{stripped}' is reserved and cannot be declared", span,
                           f"choose another name; reserved: {', '.join(sorted(RESERVED))}")
            else:
                names.append(Text(stripped, span))
        return names

    def independent(self, node: Node | None) -> tuple[tuple[Text, ...], ...]:
        hint = "a list of groups of random variables, e.g. `[[X1, X2], [Y]]`"
        groups = self.sequence(node, "`independent`", hint)
        if groups is None:
            return ()
        result = []
        for group in groups.items:
            members = self.sequence(group, "each group of `independent`", hint)
            if members is None:
                continue
            names = [self.declared(m, "`independent`") for m in members.items]
            result.append(tuple(n for n in names if n is not None))
        return tuple(result)

    def definitions(self, node: Node | None) -> tuple[Definition, ...]:
        entries = self.mapping(node, "`define`", "`name: expression`, `q(x): expression` or `a[t]: expression`")
        if entries is None:
            return ()
        result = []
        defined: dict[str, int] = {}
        for key, value in entries.items:
            name = self.definition_head(key)
            body = self.text(value, f"the definition of '{key.text}'", "an expression")
            if name is not None:
                norm = _norm(name)
                if norm in self.symbols:
                    self.error(f"'{name}' is both declared under `symbols` and defined", key.span,
                               "rename the definition or drop the declaration")
                elif norm in defined:
                    self.error(f"'{name}' is defined twice (first at line {defined[norm]})", key.span,
                               "define each name once")
                defined.setdefault(norm, key.span.line)
            if name is not None and body is not None:
                result.append(Definition(key.as_text(), body))
        return tuple(result)

    def definition_head(self, key: Scalar) -> str | None:
        """The defined name of ``Y``, ``q(x, y)`` or ``alpha_bar[t]``; None (and an error) if malformed."""
        hint = "`Y`, `q(x)`, `q(x, y)` or `alpha_bar[t]`"
        match = _HEAD.match(key.text)
        if match is None or (match.group(2) and (match.group(2) + match.group(4)) not in ("()", "[]")):
            self.error(f"cannot read the definition head '{key.text}'", key.span, hint)
            return None
        name = match.group(1)
        params = match.group(3)
        bad = [p.strip() for p in params.split(",")] if match.group(2) else []
        bad = [p for p in bad if not valid_name(p) or _norm(p) in RESERVED]
        if not valid_name(name) or _norm(name) in RESERVED:
            self.error(f"'{name}' cannot be defined (invalid or reserved name)", key.span, hint)
            return None
        if bad:
            self.error(f"invalid parameter '{bad[0]}' in the definition head '{key.text}'", key.span, hint)
            return None
        return name

    def given(self, node: Node | None) -> tuple[Hypothesis, ...]:
        entries = self.mapping(node, "`given`", "`name: relation`, e.g. `critical: 2 * A @ x + b = 0`")
        if entries is None:
            return ()
        result = []
        for key, value in entries.items:
            relation = self.text(value, f"hypothesis '{key.text}'", "a relation, e.g. `x > 0`")
            if not _HYPOTHESIS.match(key.text):
                self.error(f"'{key.text}' is not a valid hypothesis name", key.span,
                           "letters, digits, '_' and '-', starting with a letter")
                continue
            self.hypotheses[key.text] = key.as_text()
            if relation is not None:
                result.append(Hypothesis(key.as_text(), relation))
        return tuple(result)


__all__ = ["RESERVED", "SymbolsSection", "valid_name"]
