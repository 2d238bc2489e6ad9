"""Shared test configuration.

``tests/data`` holds derivation files that are inputs of tests (bad files,
mutants that must fail); the derivcheck pytest plugin would collect them as
tests when ``tests`` is named on the command line, so they are not collected.
"""

collect_ignore = ["data"]
