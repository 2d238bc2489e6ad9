"""``derivcheck new NAME``: a commented derivation file that verifies as written."""

from __future__ import annotations

import re

from ..errors import UsageError

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")

SCHEMA_FILE = "derivation.schema.json"
"""The file name ``derivcheck schema`` output is saved under, beside the derivations, for editor completion."""

MODELINE = "# yaml-language-server: $schema={schema}\n"
NO_SCHEMA = ("# Editor completion: run `derivcheck schema > " + SCHEMA_FILE + "` in this folder, then make the\n"
             "# first line of this file: # yaml-language-server: $schema=./" + SCHEMA_FILE + "\n")

TEMPLATE = """\
{schema_line}# A derivation checked by derivcheck (format: docs/format.md). Verify it with
#   derivcheck verify {name}.deriv.yaml        or, re-checking on every save,
#   derivcheck check {name}.deriv.yaml
# Every step is checked symbolically (SymPy), then numerically (torch).
derivation: {name}                 # the id: kebab-case, unique in the library
title: The square of a sum          # one line
source: "where it comes from: document, section, equation numbers"
symbols:                            # declare every name: real, positive, natural, dimension,
  a, b: real                        #   matrix[n, k], vector[n], random, function(x), ...
  n: dimension
  x: vector[n]
claim: (a + b)**2 = a**2 + 2*a*b + b**2   # what the chain below establishes
# using: [h]                        # the hypotheses (under `given:`) the claim holds under: every one
#                                   #   a step of its chain uses must be listed, or the claim is not accepted
steps:
  - start: (a + b)**2               # a chain starts with an expression
  - eq: (a + b) * (a + b)           # eq/le/lt/ge/gt: previous = (<=, <, ...) this one
    by: the definition of a square  # free text, shown in reports
  - eq: a**2 + 2*a*b + b**2
    by: distribute and collect
    latex: a^2 + 2ab + b^2          # optional: how reports typeset this expression
  - claim: x.T @ x >= 0             # a separate fact (a relation)
    by: a squared norm is non-negative
# - eq: a**2 + b**2                 # a recorded error must be refuted:
#   expect: refuted                 #   expect: refuted passes only while it is refuted
"""


def scaffold_text(name: str, schema: str | None = None) -> str:
    """The text of a new derivation called ``name`` (a kebab-case id).

    With ``schema`` (the path of a JSON Schema file that exists), the first line
    points the YAML language server at it; without, a comment says how to make
    one (a modeline never points at a file that is not there).

    Raises :class:`UsageError` when ``name`` is not a valid id.

    >>> "derivation: my-proof" in scaffold_text("my-proof")
    True
    """
    if not _ID.match(name):
        raise UsageError(f"'{name}' is not a derivation id: use lowercase letters, digits and single hyphens "
                         "(for example: s2-1-xtx-psd)")
    schema_line = MODELINE.format(schema=schema) if schema else NO_SCHEMA
    return TEMPLATE.format(name=name, schema_line=schema_line)


__all__ = ["SCHEMA_FILE", "scaffold_text"]
