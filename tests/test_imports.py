"""Importing derivcheck and its CLI stays light; the package ships every subpackage.

Learned from click's tests/test_imports.py: ``derivcheck --help`` must start
fast, so neither SymPy nor torch may be imported until a derivation is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

from derivcheck import cli

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("sympy", "torch", "numpy")

PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})))
"""


def heavy_modules_after(body: str) -> list[str]:
    """Run ``body`` in a fresh interpreter; return the heavy modules it imported."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    completed = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body, heavy=HEAVY)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_the_probe_sees_a_heavy_import() -> None:
    # Guards the guard: the subprocess probe does notice an imported module.
    assert "sympy" in heavy_modules_after("import sympy")


def test_import_derivcheck_and_cli_is_light() -> None:
    assert heavy_modules_after("import derivcheck, derivcheck.cli") == []


def test_help_and_version_are_light() -> None:
    body = (
        "from derivcheck.cli import main\n"
        "for args in (['--help'], ['verify', '--help'], ['--version']):\n"
        "    try:\n"
        "        main(args, prog_name='derivcheck')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, exit.code\n"
    )
    assert heavy_modules_after(body) == []


def test_help_through_click() -> None:
    result = CliRunner().invoke(cli.main, ["--help"])
    assert result.exit_code == 0
    assert "verify" in result.output
    verify_help = CliRunner().invoke(cli.main, ["verify", "--help"])
    assert verify_help.exit_code == 0
    for option in ("--strict", "--timeout", "--seed", "--no-numeric", "--quiet", "--points", "--device"):
        assert option in verify_help.output


def test_python_dash_m_derivcheck() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "derivcheck", "--version"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert "derivcheck" in completed.stdout


def test_every_package_folder_is_shipped() -> None:
    # pyproject.toml lists packages explicitly (derivations/ is mapped to
    # derivcheck.derivations); a new subpackage missing from the list would be
    # silently left out of `pip install .`.
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(folder.relative_to(REPO).parts)
        for folder in [REPO / "derivcheck", *(REPO / "derivcheck").rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py"))
    }
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert config["package-dir"] == {"derivcheck.derivations": "derivations"}
    assert listed - on_disk == {"derivcheck.derivations"}
