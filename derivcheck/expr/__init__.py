"""Safe text -> SymPy: declarations, the expression parser, and the objects they build.

Importing this package imports SymPy; the CLI imports it only when it checks.
"""
