"""``derivcheck verify | head``: the program ends by SIGPIPE, as ``cat`` does, not with the
status 1 of a failed gate (click's default for a closed pipe)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from repo_paths import REPO


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE on this platform")
def test_the_program_restores_the_default_sigpipe_before_the_commands_run() -> None:
    probe = ("import signal; from derivcheck.cli import group; "
             "group.main = lambda: print(signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL); group.run()")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.stdout.strip() == "True", out.stderr


def test_python_dash_m_and_the_console_script_enter_through_run() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["derivcheck"] == "derivcheck.cli.group:run"
    assert "run()" in (REPO / "derivcheck" / "__main__.py").read_text(encoding="utf-8")
