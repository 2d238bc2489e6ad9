"""The README's commands stay true: what they run, from where, and the everyday test command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from repo_paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def first_block() -> list[str]:
    return re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()


def test_the_readme_test_command_is_what_ci_runs() -> None:
    install, test = first_block()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test == 'pip install -e ".[test]" && python -m pytest -q'
    assert install == "pip install . && derivcheck verify"


def test_the_readme_says_what_the_tests_run_and_how_long_and_gives_the_fast_subset() -> None:
    assert "about 40 minutes on an idle 2-core machine" in README
    assert 'python -m pytest -q -m "not slow"' in README
    assert '"slow: ' in (REPO / "pyproject.toml").read_text(encoding="utf-8")  # the marker exists


def test_the_readme_counts_the_tests_it_runs() -> None:
    # "about N tests" for the whole suite and the fast subset, within 10 % of what pytest collects
    said = [int(n.replace(",", "")) for n in re.findall(r"about ([\d,]+) tests", README)]
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not slow",
                                "-p", "no:cacheprovider"], cwd=REPO, capture_output=True, text=True, timeout=300)
    fast, whole = map(int, re.search(r"^(\d+)/(\d+) tests collected", collected.stdout, re.M).groups())
    assert len(said) == 2, said
    for stated, real in zip(said, (whole, fast)):
        assert abs(stated - real) <= real / 10, f"the README says about {stated} tests; pytest collects {real}"


def test_the_first_command_verifies_the_library_from_the_repository_root(monkeypatch) -> None:
    from derivcheck.cli.common import default_paths

    monkeypatch.chdir(REPO)
    assert default_paths() == ["derivations"]
    assert any((REPO / "derivations").glob("*.deriv.yaml"))


def test_every_test_file_is_placed_in_the_tests_readme() -> None:
    placed = (REPO / "tests" / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in (REPO / "tests").rglob("test_*.py"))
    assert files and [f for f in files if f"`{f}`" not in placed] == []
