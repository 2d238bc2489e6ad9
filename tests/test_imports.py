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
from repo_paths import REPO

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


def test_the_checkers_face_is_light_for_the_cache_and_shards() -> None:
    # the CLI reads these before anything is checked (derivcheck.check is a lazy face)
    body = "from derivcheck.check import DEFAULT_CACHE_DIR, ResultCache, default_jobs, parse_shard"
    assert heavy_modules_after(body) == []
    assert "sympy" in heavy_modules_after("from derivcheck.check import check_derivation")


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


SMALL = """derivation: small
title: the square of a sum
symbols:
  a: real
  b: real
steps:
  - start: (a + b)**2
  - eq: (a + b)*(a + b)
  - eq: a**2 + 2*a*b + b**2
  - claim: log(exp(a)) = a
"""

VERIFY = """
from derivcheck.cli import main
try:
    main(['verify', {path!r}, '--no-cache', '-q'], prog_name='derivcheck')
except SystemExit as exit:
    assert exit.code == 0, exit.code
"""


def test_a_small_scalar_file_is_checked_without_torch(tmp_path: Path) -> None:
    # issue 14: torch's import is most of a small file's time; random points run on numpy
    path = tmp_path / "small.deriv.yaml"
    path.write_text(SMALL, encoding="utf-8")
    heavy = heavy_modules_after(VERIFY.format(path=str(path)))
    assert "sympy" in heavy and "numpy" in heavy
    assert not [m for m in heavy if m.split(".")[0] == "torch"]


def test_a_gradient_file_is_checked_with_torch(test_data: Path) -> None:
    # autograd is torch's: grad(f, X) = G is cross-checked there, and passes
    path = test_data / "true" / "matrix-derivative-sum-of-traces.deriv.yaml"
    assert "torch" in heavy_modules_after(VERIFY.format(path=str(path)))


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


# -- layers and faces ---------------------------------------------------------------
#
# Each package lists its parts from the bottom up; a tuple is one layer of parts
# that may not import each other. A module may import its own package's modules,
# and from elsewhere only plain modules (errors.py, model.py, model_json.py, check/evidence.py)
# and the faces (``__init__``) of packages in a lower layer. docs/architecture.md
# says the same in prose.

LAYERS: dict[str, list[tuple[str, ...]]] = {
    "derivcheck": [("errors",), ("model",), ("model_json",), ("format", "expr"), ("check", "report", "authoring"),
                   ("cli", "pytest_plugin"), ("__main__",)],
    "derivcheck.check": [("runtime", "trees", "evidence"), ("realize",), ("symbolic",), ("numeric",),
                         ("stochastic",), ("pipeline",), ("session",), ("mutation",)],
}
# Packages reached only through their faces: the checker's (the outer packages' faces are
# still thin: cli/, report/ and format/ import each other's modules directly for now).
FACED = "derivcheck.check"
# Known exceptions, each with its reason; the test fails when one is no longer needed.
ALLOWED: dict[tuple[str, str], str] = {}


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package face) for every module under ``root/derivcheck``."""
    found = {}
    for path in (root / "derivcheck").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        face = parts[-1] == "__init__"
        found[".".join(parts[:-1] if face else parts)] = (path, face)
    return found


def import_edges(root: Path = REPO) -> list[tuple[str, str, int]]:
    """(importer, imported module, line) for every import of a derivcheck module, at any depth
    (function-level imports included; ``if TYPE_CHECKING:`` blocks excluded)."""
    import ast

    modules = _modules(root)
    edges = []
    for name, (path, face) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and "TYPE_CHECKING" in ast.dump(block.test) for n in ast.walk(block)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                package = name.split(".") if face else name.split(".")[:-1]
                base = package[:len(package) - node.level + 1] if node.level else []
                module = ".".join(base + (node.module.split(".") if node.module else []))
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
            else:
                continue
            edges += [(name, target, node.lineno) for target in dict.fromkeys(targets)
                      if target in modules and target != name]
    return edges


def layer_violations(edges: list[tuple[str, str, int]], root: Path = REPO) -> list[str]:
    """Each import that reaches into another package past its face, or up or sideways a layer."""
    modules = _modules(root)
    problems = []
    for importer, target, line in edges:
        if (importer, target) in ALLOWED:
            continue
        a, b = importer.split("."), target.split(".")
        common = 0
        while common < min(len(a), len(b)) and a[common] == b[common]:
            common += 1
        where = f"{importer}:{line} imports {target}"
        if common == len(b):  # an enclosing package's face: only the root's (its version) is light enough
            if target != "derivcheck":
                problems.append(f"{where}: a module may not import its own package's face")
            continue
        if common == len(a) or (common == len(a) - 1 and common == len(b) - 1):
            continue  # a face importing its own package's modules, or two modules of one package
        package, mine, theirs = ".".join(a[:common]), a[common], b[common]
        unit = ".".join(b[:common + 1])
        if modules[unit][1] and target != unit and unit.startswith(FACED):
            problems.append(f"{where}: import the face {unit} instead")
        layers = LAYERS.get(package)
        if layers is None:
            problems.append(f"{where}: {package} has no layer table in tests/test_imports.py")
            continue
        level = {part: i for i, layer in enumerate(layers) for part in layer}
        if mine not in level or theirs not in level:
            problems.append(f"{where}: place {package}.{mine if mine not in level else theirs} in LAYERS")
        elif level[theirs] >= level[mine]:
            problems.append(f"{where}: {theirs} is not below {mine}")
    return problems


def import_cycles(edges: list[tuple[str, str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for importer, target, _ in edges:
        graph.setdefault(importer, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_imports_respect_the_layers_and_the_faces() -> None:
    assert layer_violations(import_edges()) == []


def test_every_allowed_exception_is_still_needed() -> None:
    edges = {(importer, target) for importer, target, _ in import_edges()}
    assert set(ALLOWED) <= edges, "remove the exceptions no import needs any more"


def test_there_are_no_import_cycles() -> None:
    assert import_cycles(import_edges()) == []


def test_the_layer_and_cycle_checks_notice_a_violation(tmp_path: Path) -> None:
    # Guards the guards: a tree with upward imports, reaches past a face and a cycle.
    for name, text in {
        "derivcheck/__init__.py": "",
        "derivcheck/errors.py": "from .check.session import run\n",  # upward
        "derivcheck/check/__init__.py": "",
        "derivcheck/check/evidence.py": "",
        "derivcheck/check/session/__init__.py": "",
        "derivcheck/check/session/run.py": "from ..pipeline.items import x\n",  # past the face
        "derivcheck/check/pipeline/__init__.py": "",
        "derivcheck/check/pipeline/items.py": "from ..session.run import y\n",  # upward, past the face
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    edges = import_edges(tmp_path)
    problems = layer_violations(edges, tmp_path)
    assert any("errors:1 imports derivcheck.check.session.run: import the face" in p for p in problems), problems
    assert any("check is not below errors" in p for p in problems), problems
    assert any("import the face derivcheck.check.pipeline instead" in p for p in problems), problems
    assert any("session is not below pipeline" in p for p in problems), problems
    assert import_cycles(edges) == [["derivcheck.check.pipeline.items", "derivcheck.check.session.run"]]

