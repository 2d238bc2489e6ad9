"""The repository's paths, for tests in any folder (a module, not a fixture, where a path
parametrises tests at collection time; the fixtures ``repo`` and ``test_data`` in
``conftest.py`` give the same paths)."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
