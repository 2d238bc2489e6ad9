"""A file of mutants judged equivalent by hand -> ``{(derivation, item, mutant): why}``.

``derivcheck mutate --judged FILE`` reads it: a survivor (a mutant accepted
without a proof of equivalence) that a person has judged still true is recorded
once, with the reason, and then counts as ``equivalent``::

    judged:
      - derivation: s2-5-1-quadratic-critical-point
        item: step-10
        mutant: hessian(q(x), x) == 2 * A.T
        why: A is declared symmetric

``mutant`` is the text exactly as ``derivcheck mutate`` lists it. The file is
read like a derivation file (no anchors, aliases or tags; every problem reported
as ``FILE:LINE:COL: message``).
"""

from __future__ import annotations

from ..errors import InputError, InputErrors, Span
from .yaml_tree import MAX_BYTES, Mapping, TreeReader, decode_source, read_tree

ENTRY_KEYS = ("derivation", "item", "mutant", "why")
_ENTRY_HINT = "each entry is a mapping with derivation, item, mutant and why"

Judgements = dict[tuple[str, str, str], str]


def load_judgements(path: str) -> Judgements:
    """Read a judgements file; raises ``InputErrors`` listing every problem."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputErrors([InputError(f"cannot read the file: {exc.strerror or exc}", Span(path, 1, 1),
                                      "give the path of a readable judgements .yaml file")]) from None
    tree, errors = read_tree(decode_source(data, path), path)
    reader = TreeReader(path, errors)
    reader.known_keys(tree, ("judged",), "at the top level of a judgements file")
    judged: Judgements = {}
    entries = reader.sequence(tree.get("judged"), "judged", "write `judged:` and a list of entries")
    if tree.get("judged") is None:
        reader.error("missing key 'judged'", tree.span, "write `judged:` and a list of entries")
    for node in entries.items if entries is not None else ():
        entry = reader.mapping(node, "a judged entry", _ENTRY_HINT)
        if entry is not None:
            _read_entry(entry, reader, judged)
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: (e.span.line, e.span.col) if e.span else (0, 0)))
    return judged


def _read_entry(entry: Mapping, reader: TreeReader, judged: Judgements) -> None:
    reader.known_keys(entry, ENTRY_KEYS, "in a judged entry")
    values = []
    for key in ENTRY_KEYS:
        node = entry.get(key)
        if node is None:
            reader.error(f"missing key '{key}' in a judged entry", entry.span, _ENTRY_HINT)
        text = reader.text(node, key, _ENTRY_HINT)
        values.append(text.value.strip() if text is not None else None)
    if None in values:
        return
    derivation, item, mutant, why = values
    if (derivation, item, mutant) in judged:
        reader.error(f"the mutant of {derivation} {item} is judged twice", entry.span, "keep one entry")
        return
    judged[(derivation, item, mutant)] = why


__all__ = ["Judgements", "load_judgements"]
