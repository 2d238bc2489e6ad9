"""derivcheck: verify mathematical derivations written as declarative step files.

Importing this package is light: SymPy and torch are imported only when a
derivation is checked.
"""

__version__ = "0.1.0"
