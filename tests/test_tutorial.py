"""docs/tutorial.md stays true: its first file and its whole file read, verify, and fail as it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from derivcheck.cli import main
from repo_paths import REPO

TUTORIAL = (REPO / "docs" / "tutorial.md").read_text(encoding="utf-8")
FILES = [block for block in re.findall(r"```yaml\n(.*?)```", TUTORIAL, re.S) if block.startswith("derivation:")]


def test_the_tutorial_has_a_first_file_and_a_whole_file() -> None:
    assert len(FILES) == 2
    assert "using: [at_vertex]" in FILES[1] and "expect: refuted" in FILES[1] and "gradient:" in FILES[1]


@pytest.mark.parametrize("index", [0, 1])
def test_each_tutorial_file_lints(index: int, tmp_path: Path) -> None:
    path = tmp_path / "quadratic-vertex.deriv.yaml"
    path.write_text(FILES[index], encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_the_tutorial_runs_as_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "quadratic-vertex.deriv.yaml"
    path.write_text(FILES[1], encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--no-cache", "-j", "1"])  # the default: files below here
    assert result.exit_code == 0, result.output
    assert "PASS  quadratic-vertex  quadratic-vertex.deriv.yaml  (6 proved, 1 refuted;" in result.output
    verbose = CliRunner().invoke(main, ["verify", "-v", "-j", "1"]).output
    assert "✔ proved under [at_vertex]  step 6 (claim)  pass" in verbose
    path.write_text(FILES[1].replace("    expect: refuted\n", ""), encoding="utf-8")  # section 3: the slip
    failed = CliRunner().invoke(main, ["verify", "--no-cache", "-j", "1"])
    assert failed.exit_code == 1
    for line in ("├── a = 1", "├── b = 1", "├── c = 0", "├── x = 0", "├── left side  = 0",
                 "├── right side = 3/4", "└── replay: derivcheck verify quadratic-vertex.deriv.yaml --seed 0"):
        assert line in failed.output, failed.output
    assert "? unknown  claim  FAIL" in failed.output
