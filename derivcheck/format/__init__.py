"""YAML step files -> :class:`~derivcheck.model.Derivation`, validated, with spans.

Imports only PyYAML (no SymPy, no torch).
"""

from .library import discover as discover
from .library import load_library as load_library
from .loader import load_derivation as load_derivation
from .loader import load_text as load_text

__all__ = ["discover", "load_derivation", "load_library", "load_text"]
