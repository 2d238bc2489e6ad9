"""``derivcheck schema``: a JSON Schema of the ``.deriv.yaml`` format, for editors.

It gives a YAML language server completion, hover text and early warnings
(unknown keys, a step with two relation keys). It is a help for authoring, not
the validator: the loader (:mod:`derivcheck.format.loader`) is the authority
and reports what the schema cannot express (expressions, declarations, chain
rules), with line and column. The key lists come from the loader itself, so
the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from ..format.loader import CHECK_FIELDS, EXPECTATIONS, RELATION_KEYS, STEP_KEYS, TOP_KEYS

_TEXT = {"type": "string"}
_EXPR = {"type": "string", "description": "an expression (docs/format.md section 5), one line"}
_RELATION = {"type": "string", "description": "a relation: EXPR = EXPR, <=, <, >=, > (docs/format.md section 6)"}
_INSTANCE = {"oneOf": [
    {"type": "string", "pattern": r"^\s*[+-]?\d+\s*\.\.\s*[+-]?\d+\s*$", "description": "a range a..b"},
    {"type": "integer"},
    {"type": "string", "pattern": r"^\s*[+-]?\d+\s*$"},
    {"type": "array", "items": {"type": ["integer", "string"]}, "maxItems": 64},
]}
_FOR = {"type": "object", "description": "instances of integer parameters: {t: 1..12, n: [1, 2, 3]}",
        "additionalProperties": _INSTANCE}
_USING = {"type": "array", "items": _TEXT, "uniqueItems": True}
_EXPECT = {"enum": list(EXPECTATIONS), "description": "holds (default) or refuted: a recorded error"}

_STEP_DOCS = {
    "start": ("begins a chain with an expression", _EXPR),
    "eq": ("continues the chain: previous = this", _EXPR),
    "le": ("continues the chain: previous <= this", _EXPR),
    "lt": ("continues the chain: previous < this", _EXPR),
    "ge": ("continues the chain: previous >= this", _EXPR),
    "gt": ("continues the chain: previous > this", _EXPR),
    "claim": ("a separate fact (a relation); ends the current chain", _RELATION),
    "by": ("the justification, free text shown in reports", _TEXT),
    "using": ("names of hypotheses under `given` this step relies on", _USING),
    "latex": ("how reports typeset this step's expression (LaTeX)", _TEXT),
    "expect": ("holds (default) or refuted", _EXPECT),
    "for": ("instances for this step (replace the top-level ones)", _FOR),
}

_TOP_DOCS = {
    "derivation": ("the id: kebab-case, unique in the library",
                   {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}),
    "title": ("one line of text", _TEXT),
    "source": ("citation: document, section, equation numbers", _TEXT),
    "symbols": ("declarations `names: kind`, e.g. `a, b: real`, `X: matrix[n, k]`, `f: function(x)`",
                {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}),
    "independent": ("groups of mutually independent random variables: [[X1, X2], [eps]]",
                    {"type": "array", "items": {"type": "array", "items": _TEXT}}),
    "define": ("names for expressions: `Y: X @ W`, `q(x): ...`, `alpha_bar[t]: ...`",
               {"type": "object", "additionalProperties": _EXPR}),
    "given": ("named hypotheses `name: relation`, used by steps that list them in `using`",
              {"type": "object", "additionalProperties": _RELATION}),
    "claim": ("the relation the derivation establishes, linked to the first chain", _RELATION),
    "using": ("names of hypotheses under `given` the claim holds under; the claim link needs every "
              "hypothesis its chain's steps use", _USING),
    "steps": ("chains (`start`, then eq/le/lt/ge/gt) and separate facts (`claim`)",
              {"type": "array", "items": {"$ref": "#/$defs/step"}}),
    "checks": ("gradient and distribution checks", {"type": "array", "items": {"$ref": "#/$defs/check"}}),
    "for": ("instances of integer parameters", _FOR),
    "expect": ("`refuted`: the claim (or, without one, the checks) must be refuted", _EXPECT),
}


def file_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07, which YAML language servers read) of a derivation file."""
    top = {key: dict(_TOP_DOCS[key][1], description=_TOP_DOCS[key][0]) for key in TOP_KEYS}
    step = {key: dict(_STEP_DOCS[key][1], description=_STEP_DOCS[key][0]) for key in STEP_KEYS}
    checks = {}
    for kind, (required, optional) in CHECK_FIELDS.items():
        fields = {name: dict(_EXPR) for name in (*required, *optional)}
        for name in ("steps", "samples"):
            if name in fields:
                fields[name] = {"type": ["integer", "string"], "description": "a positive integer"}
        fields.update({"by": _TEXT, "expect": _EXPECT})
        checks[kind] = {"type": "object", "required": list(required), "additionalProperties": False,
                        "properties": fields}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "urn:derivcheck:schema:derivation:1",
        "title": "derivcheck derivation file (*.deriv.yaml), format version 1",
        "description": "An editing aid; derivcheck's loader is the authority (docs/format.md).",
        "type": "object",
        "required": ["derivation", "title", "symbols"],
        "anyOf": [{"required": ["steps"]}, {"required": ["checks"]}],
        "additionalProperties": False,
        "properties": top,
        "$defs": {
            "step": {
                "type": "object",
                "properties": step,
                "additionalProperties": False,
                "oneOf": [{"required": [key]} for key in RELATION_KEYS],
            },
            "check": {
                "type": "object",
                "properties": {**checks, "by": _TEXT, "expect": _EXPECT},
                "additionalProperties": False,
                "oneOf": [{"required": [kind]} for kind in CHECK_FIELDS],
            },
        },
    }


__all__ = ["file_schema"]
