"""The pre-commit recipe of docs/ci.md, run for real with ``pre-commit`` in a scratch repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from repo_paths import REPO

GOOD = "derivation: good\ntitle: t\nsymbols:\n  a, b: real\nsteps:\n  - start: (a + b)**2\n  - eq: a**2 + 2*a*b + b**2\n"


def pre_commit() -> list[str]:
    found = shutil.which("pre-commit")
    if found:
        return [found]
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    return [sys.executable, "-m", "pre_commit"]


@pytest.mark.slow
def test_the_documented_pre_commit_recipe_runs_lint_and_verify(tmp_path: Path) -> None:
    command = pre_commit()
    recipe = re.search(r"## As a pre-commit hook.*?```yaml\n(.*?)```", (REPO / "docs" / "ci.md").read_text(
        encoding="utf-8"), re.S).group(1)
    # `derivcheck` on PATH is this checkout (the project's own environment, as language: system expects)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "derivcheck"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m derivcheck \"$@\"\n", encoding="utf-8")
    shim.chmod(0o755)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PRE_COMMIT_HOME": str(tmp_path / "home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    run("git", "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(recipe, encoding="utf-8")
    (repo / "good.deriv.yaml").write_text(GOOD, encoding="utf-8")
    (repo / "notes.txt").write_text("not a derivation\n", encoding="utf-8")
    run("git", "add", ".")
    good = run(*command, "run", "--all-files")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"derivcheck lint\.+Passed", good.stdout) and re.search(r"derivcheck verify\.+Passed", good.stdout)

    (repo / "bad.deriv.yaml").write_text(GOOD.replace("good", "bad").replace("(a + b)**2", "(a + b)^2"),
                                         encoding="utf-8")
    run("git", "add", ".")
    bad = run(*command, "run", "--files", "bad.deriv.yaml")
    assert bad.returncode == 1
    assert re.search(r"derivcheck lint\.+Failed", bad.stdout)
    assert "bad.deriv.yaml:6:12: `^` is not a power here: `(a + b)^2` (did you mean `**`? write (a + b)**2)" \
        in bad.stdout, bad.stdout
