"""``derivcheck lint``: read, parse and shape-check derivation files without proving anything.

Every error a verify run would report as bad input (exit 2) is found here, in
a fraction of the time: the YAML and its keys, declarations, definitions and
hypotheses, every step, claim and check expression, the shapes of matrix
expressions, duplicate ids. No SymPy simplification, no numeric check, no
torch, so it suits a pre-commit hook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError, InputErrors


@dataclass(frozen=True)
class LintResult:
    """What ``lint`` found: the files read and every error as one ``FILE:LINE:COL: message`` line."""

    files: tuple[str, ...]
    errors: tuple[str, ...]


def lint_paths(paths: list[str]) -> LintResult:
    """Read every derivation under ``paths`` as ``verify`` would, stopping before any proof.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.deriv.yaml").write_text("derivation: a\\ntitle: t\\nsymbols:\\n  x: real\\n"
    ...                                          "steps:\\n  - claim: x^2 = x*x\\n")
    >>> [e.split(": ", 1)[1] for e in lint_paths([str(folder)]).errors]  # doctest: +ELLIPSIS
    ["6:12: ...`^`..."]
    """
    from ..check import build_items
    from ..expr.declarations import build_scope
    from ..expr.parser import parse_expression, parse_relation
    from ..format.library import discover, load_library

    files: list[str] = []
    for path in paths:
        try:
            files.extend(discover([path]))
        except InputError:
            pass  # load_library reports it
    derivations, load_errors = load_library(paths)
    errors = [e.format() for e in load_errors]
    for derivation in derivations:
        try:
            scope = build_scope(derivation)
        except (InputErrors, InputError) as exc:
            errors.extend(e.format() for e in (exc.errors if isinstance(exc, InputErrors) else [exc]))
            continue
        try:
            items = build_items(derivation, scope, parse_expression, parse_relation)
        except InputError as exc:
            errors.append(exc.format())
            continue
        for item in items:
            if item.error is None and item.distribution is not None:
                item.error = _distribution_error(item, scope)
            if item.error is None:
                continue
            located = item.error.startswith(derivation.path)
            errors.append(item.error if located or item.span is None else f"{item.span}: {item.error}")
    return LintResult(files=tuple(sorted(set(files))), errors=tuple(sorted(dict.fromkeys(errors), key=_location)))


def _distribution_error(item, scope) -> str | None:  # type: ignore[no-untyped-def]
    """The input error of a distribution check's fields (an undeclared index in `process`),
    as verify would report it; parsing them loads no simulator (no torch)."""
    from ..check import parse_plan

    try:
        parse_plan(item.distribution.fields, scope, item.instances)
    except InputError as exc:
        return exc.format()
    except Exception:  # noqa: BLE001 - what verify reports as no evidence, not as bad input
        return None
    return None


_LOCATED = re.compile(r"^(.*?):(\d+):(\d+): ")


def _location(error: str) -> tuple[str, int, int]:
    """Where an error line points, to list them as ruff and mypy do: by file, then line and column
    (an error that names no place, such as a missing path, first)."""
    match = _LOCATED.match(error)
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else ("", 0, 0)


__all__ = ["LintResult", "lint_paths"]
