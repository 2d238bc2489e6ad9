"""Which identifiers a derivation may use, declare, define and bind.

Identifiers follow Python's rules (Unicode allowed, NFKC-normalised as Python
does: ``ﬁ`` reads as ``fi``); names starting with ``_`` or containing ``__`` are
refused everywhere; reserved words (the built-in function names and ``pi``,
``oo``) cannot be declared, defined or bound.
"""

from __future__ import annotations

import keyword
import unicodedata

FUNCTION_NAMES = frozenset(
    {
        "sqrt", "exp", "log", "sin", "cos", "tanh", "Abs", "sign", "Min", "Max",
        "Sum", "Product", "Integral", "diff", "grad", "hessian", "det", "trace", "inv",
        "eye", "ones", "zeros", "E", "Var", "Cov", "Normal", "elementwise",
    }
)  # fmt: skip
CONSTANT_NAMES = frozenset({"pi", "oo"})
RESERVED = FUNCTION_NAMES | CONSTANT_NAMES


def normalize(name: str) -> str:
    """``name`` as Python reads an identifier (NFKC), without surrounding spaces."""
    return unicodedata.normalize("NFKC", name.strip())


def name_problem(name: str) -> str | None:
    """Why ``name`` may not appear in an expression at all, or None."""
    if name.startswith("_") or "__" in name:
        return f"names starting with `_` or containing `__` are not allowed (`{name}`)"
    return None


def declaration_problem(name: str) -> str | None:
    """Why ``name`` cannot be declared, defined or bound, or None when it can."""
    if not name:
        return "empty name"
    if not name.isidentifier():
        return f"`{name}` is not a name (letters, digits and _, not starting with a digit)"
    if keyword.iskeyword(name):
        return f"`{name}` is a Python keyword and cannot be a name"
    if name in RESERVED:
        return f"`{name}` is reserved (a built-in function or constant)"
    return name_problem(name)
