"""The CI and installation recipes of docs/ci.md: a workflow that works in a user's repository,
installation from the repository, and a distribution name that is not someone else's."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from repo_paths import REPO

DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
WORKFLOW = REPO / "docs" / "github-workflow.yml"
DISTRIBUTION = "derivcheck-yaml"  # checked free on PyPI (pip index versions: no versions) on 2026-12-06


def documented_workflow() -> str:
    return re.search(r"### Example GitHub Actions workflow.*?```yaml\n(.*?)```", DOC, re.S).group(1)


def test_the_workflow_file_is_the_documented_one() -> None:
    assert WORKFLOW.read_text(encoding="utf-8") == documented_workflow()


def test_the_workflow_installs_derivcheck_not_the_users_repository_with_cpu_torch() -> None:
    flow = yaml.safe_load(documented_workflow())
    steps = flow["jobs"]["verify"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "pip install ." not in runs and not re.search(r"pip install\s+derivcheck\b", runs)
    assert "--index-url https://download.pytorch.org/whl/cpu" in runs
    assert runs.index("torch==") < runs.index('"$DERIVCHECK"')  # CPU torch before derivcheck
    assert flow["env"]["DERIVCHECK"].startswith(f"{DISTRIBUTION} @ git+")
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".derivcheck-cache"
    # saved anew by every run and restored from the latest: a key on the derivation files alone is
    # hit, so never saved again, once derivcheck or SymPy change and every entry in it is stale
    assert cache["with"]["key"] == "derivcheck-${{ runner.os }}-${{ github.run_id }}"
    assert cache["with"]["restore-keys"] == "derivcheck-${{ runner.os }}-"
    assert "derivcheck verify --strict --output derivcheck.xml" in runs  # JUnit from the extension
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "derivcheck.xml" and upload["if"] == "always()"


def test_actionlint_accepts_the_workflow(tmp_path: Path) -> None:
    linter = shutil.which("actionlint")
    if linter is None:
        pytest.skip("actionlint is not installed (the structure is checked above)")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    target = tmp_path / ".github" / "workflows" / "derivations.yml"
    target.write_text(documented_workflow(), encoding="utf-8")
    result = subprocess.run([linter, str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_distribution_name_is_our_own_and_the_docs_never_send_users_to_the_index() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"derivcheck": "derivcheck.cli.group:run"}  # the command keeps its name
    for text in (DOC.replace("never `pip install derivcheck`", ""), (REPO / "README.md").read_text(encoding="utf-8")):
        assert not re.search(r"pip install\s+[\"']?derivcheck(?![-\w/.])", text)
    assert "never `pip install derivcheck`" in DOC


def test_the_pre_commit_hooks_use_the_installed_derivcheck() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"derivcheck-lint", "derivcheck"}
    assert all(h["language"] == "system" for h in hooks.values())
    assert hooks["derivcheck-lint"]["entry"].startswith("derivcheck lint")
    assert "rev: v0.1.0" not in DOC  # a tag that does not exist
