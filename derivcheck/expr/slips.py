"""The usual slips in an expression, and the hint that points at the fix.

Readers of other notations write ``x^2``, ``np.exp(x)``, ``α``, ``√x``, ``x²``,
``a ≤ b``, ``x·y``, ``Xᵀ``, ``2ab`` or a relation where an expression belongs. The
parser refuses each (nothing is guessed: ``·`` is not read as ``*``), and the error
says what to write instead.
"""

from __future__ import annotations

import re
import unicodedata

UNICODE_SPELLING: dict[str, str] = {
    "√": "sqrt(...)", "²": "**2", "³": "**3", "≤": "<=", "≥": ">=", "·": "*", "⋅": "*", "×": "* (or @ for a matrix "
    "product)", "−": "-", "∑": "Sum(term, (i, lo, hi))", "∏": "Product(term, (i, lo, hi))", "∞": "oo",
    "⊤": ".T", "ᵀ": ".T", "∫": "Integral(f, (x, lo, hi))", "∂": "diff(f, x)", "∇": "grad(f, x)",
}
"""Symbols of printed mathematics and their spelling in an expression."""

GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lam", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lam", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega",
}
"""Greek letters and the ASCII names to declare instead (``lambda`` is a Python keyword: ``lam``)."""

MODULES = frozenset({"np", "numpy", "math", "sp", "sympy", "torch", "scipy", "jnp", "tf"})
"""Module prefixes from array code (``np.exp``): functions are called by their plain names here."""

RELATION_HINT = ("this takes an expression: a chain step `- eq: EXPR` means previous = EXPR; "
                 "use `claim:` for a relation")
"""The fix for ``- eq: a = b``: the error reads "a relation where an expression belongs"."""

_NUMBER_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)([A-Za-z_]\w*)")
_LONE_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")


def syntax_hint(segment: str, offset: int, message: str) -> str | None:
    """The fix for a Python syntax error at ``offset`` of ``segment``, when it is a usual slip.

    >>> syntax_hint("x² + 1", 1, "invalid character '²' (U+00B2)")
    'write `**2` instead of `²`'
    >>> syntax_hint("2ab + 1", 0, "invalid decimal literal")
    'a number times a name needs `*`: write `2*a*b`'
    >>> syntax_hint("a = b", 2, "invalid syntax") == RELATION_HINT
    True
    """
    if "invalid character" in message:
        char = next((c for c in message.split("'")[1:2] if c), segment[offset:offset + 1])
        if char in UNICODE_SPELLING:
            return f"write `{UNICODE_SPELLING[char]}` instead of `{char}`"
        if char in GREEK:
            return f"write `{GREEK[char]}` instead of `{char}`, and declare it under symbols"
    if "decimal literal" in message or "imaginary literal" in message:
        for match in _NUMBER_NAME.finditer(segment):
            number, name = match.groups()
            product = "*".join(name) if len(name) <= 4 and name.isalpha() else name
            return f"a number times a name needs `*`: write `{number}*{product}`"
    if _LONE_EQUALS.search(segment):
        return RELATION_HINT
    return None


def unicode_slip(segment: str) -> tuple[int, str] | None:
    """The first symbol of printed mathematics in ``segment`` and the hint that spells it in ASCII.

    Checked before Python reads the text: Python takes ``·`` as a letter of a name
    (``x·y`` would be one undeclared name) and folds superscript and subscript letters
    into plain ones (``xᵀ`` would read as the name ``xT``, ``xⁿ`` as ``xn``). Greek
    letters are names (``ε`` may be declared) and are not slips here.

    >>> unicode_slip("x·y"), unicode_slip("Xᵀ @ X"), unicode_slip("xⁿ"), unicode_slip("ε + 1")
    ((1, 'write `*` instead of `·`'), (1, 'write `.T` instead of `ᵀ`'), (1, 'write `**n` instead of `ⁿ`'), None)
    """
    for index, char in enumerate(segment):
        if char.isascii():
            continue
        if char in UNICODE_SPELLING:
            return index, f"write `{UNICODE_SPELLING[char]}` instead of `{char}`"
        form = unicodedata.decomposition(char)
        plain = unicodedata.normalize("NFKC", char)
        if form.startswith("<super>"):
            return index, f"write `**{plain}` instead of `{char}`"
        if form.startswith("<sub>"):
            return index, f"write an index `[{plain}]` or a plain name instead of `{char}`"
    return None


def name_hint(name: str) -> str | None:
    """The fix for an undeclared name written in Greek letters (``α`` -> ``alpha``).

    >>> name_hint("α"), name_hint("x")
    ('write `alpha` instead of `α`, and declare it under symbols', None)
    """
    if any(c in GREEK for c in name):
        spelled = "".join(GREEK.get(c, c) for c in name)
        return f"write `{spelled}` instead of `{name}`, and declare it under symbols"
    return None


def module_hint(module: str, attribute: str) -> str | None:
    """The fix for ``np.exp(x)`` and the like: call ``exp(x)``.

    >>> module_hint("np", "exp")
    'write `exp(...)`, without `np.`: functions are called by their plain names'
    """
    if module in MODULES:
        return f"write `{attribute}(...)`, without `{module}.`: functions are called by their plain names"
    return None


def function_hint(name: str) -> str:
    """The fix for a call of a function that is neither built in nor declared nor defined."""
    return (f"declare it under `symbols:` as a function, e.g. `{name}: function(x)`, "
            f"or define it under `define:`, e.g. `{name}(x): x**2`")


__all__ = ["GREEK", "MODULES", "RELATION_HINT", "UNICODE_SPELLING", "function_hint", "module_hint", "name_hint", "syntax_hint",
           "unicode_slip"]
