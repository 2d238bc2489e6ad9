"""Shared test configuration.

``tests/data`` holds derivation files that are inputs of tests (bad files,
mutants that must fail); the derivcheck pytest plugin would collect them as
tests when ``tests`` is named on the command line, so they are not collected.

The fixtures ``repo`` and ``test_data`` are the repository root and
``tests/data``, for tests that read files (instead of a ``ROOT`` constant per file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

collect_ignore = ["data"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo() -> Path:
    """The repository root (``derivations/``, ``docs/``, ``derivcheck/`` lie under it)."""
    return REPO


@pytest.fixture
def test_data() -> Path:
    """``tests/data``: the bad, false, true, mutant and runaway derivation files."""
    return REPO / "tests" / "data"
