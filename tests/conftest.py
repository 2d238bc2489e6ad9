"""Shared test configuration.

``tests/data`` holds derivation files that are inputs of tests (bad files,
mutants that must fail); the derivcheck pytest plugin would collect them as
tests when ``tests`` is named on the command line, so they are not collected.

The fixtures ``repo`` and ``test_data`` are the repository root and
``tests/data``, for tests that read files (``repo_paths.py`` has the same for collection time).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from repo_paths import REPO

collect_ignore = ["data"]


@pytest.fixture
def repo() -> Path:
    """The repository root (``derivations/``, ``docs/``, ``derivcheck/`` lie under it)."""
    return REPO


@pytest.fixture
def test_data() -> Path:
    """``tests/data``: the bad, false, true, mutant and runaway derivation files."""
    return REPO / "tests" / "data"
