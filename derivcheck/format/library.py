"""A library: a folder tree of ``.deriv.yaml`` files whose ids are unique."""

from __future__ import annotations

import os

from ..errors import InputError, InputErrors
from ..model import Derivation
from .loader import load_derivation

SUFFIX = ".deriv.yaml"

SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "build", "dist"})
"""Folder names a recursive search never enters, besides hidden ones and virtual environments
(pytest's ``norecursedirs`` default, less its version-control names, which are hidden anyway)."""


def skipped_folder(folder: str, name: str) -> bool:
    """Whether a recursive search leaves out ``folder/name``: hidden, a cache, or a virtual environment.

    A virtual environment is recognised by its ``pyvenv.cfg``, whatever its name.

    >>> skipped_folder(".", ".git"), skipped_folder(".", "__pycache__"), skipped_folder(".", "notes")
    (True, True, False)
    """
    if name.startswith(".") or name in SKIPPED_FOLDERS or name.endswith((".egg-info", "_cache")):
        return True
    return os.path.isfile(os.path.join(folder, name, "pyvenv.cfg"))


def discover(paths: list[str]) -> list[str]:
    """The derivation files under ``paths``, sorted and without repeats.

    A folder is searched recursively for files ending ``.deriv.yaml``; hidden
    folders, caches and virtual environments are skipped (:func:`skipped_folder`); a file named explicitly is taken
    whatever its name. Raises :class:`InputError` naming every path that does
    not exist.
    """
    found: set[str] = set()
    missing: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = [d for d in subfolders if not skipped_folder(folder, d)]
                found.update(os.path.join(folder, f) for f in files if f.endswith(SUFFIX))
        elif os.path.isfile(path):
            found.add(path)
        else:
            missing.append(path)
    if missing:
        listed = ", ".join(f"'{p}'" for p in missing)
        raise InputError(f"no such file or folder: {listed}", None,
                         "give .deriv.yaml files or folders that contain them")
    return sorted(os.path.normpath(p) for p in found)


def load_library(paths: list[str]) -> tuple[list[Derivation], list[InputError]]:
    """Load every derivation under ``paths``; collect each file's errors instead of stopping.

    A derivation whose id was already used by an earlier file (in sorted path
    order) is reported at its id, and still returned: its own errors (an
    expression that does not parse, a step that fails) are reported too, not
    hidden behind the duplicate. So is a derivation whose only problems are in its
    name (a missing `title`, a bad id, an unknown top-level key): its errors are
    collected and it is returned, built with a stand-in id or title.
    """
    errors: list[InputError] = []
    files: list[str] = []
    for path in paths:
        try:
            files.extend(discover([path]))
        except InputError as exc:
            errors.append(exc)
    derivations: list[Derivation] = []
    first: dict[str, Derivation] = {}
    for path in sorted(set(files)):
        try:
            derivation = load_derivation(path)
        except InputErrors as exc:
            errors.extend(exc.errors)
            if exc.partial is None:
                continue
            derivation = exc.partial  # only its name is at fault: its own errors are reported too
        earlier = first.get(derivation.id.value)
        if earlier is not None:
            errors.append(InputError(
                f"duplicate derivation id '{derivation.id.value}' (first in {earlier.id.span})",
                derivation.id.span, "derivation ids are unique in a library; rename one"))
        else:
            first[derivation.id.value] = derivation
        derivations.append(derivation)
    return derivations, errors
