"""Issue 12's structural measures: long modules and functions, and modules no test reaches.

    python bench/structure.py sizes [--module-lines 450] [--function-lines 60]
    python bench/structure.py reached COVERAGE_FILE

``sizes`` lists the modules of ``derivcheck/`` over ``--module-lines`` lines and
the functions over ``--function-lines`` (``end_lineno - lineno + 1``, decorators
and docstring included); it needs nothing but the standard library.

``reached`` lists the modules of ``derivcheck/`` with no line reached in a
coverage data file. ``coverage`` is not a dependency of derivcheck; install it
for the measurement (``pip install coverage``) and collect the data first, one
test folder at a time if the machine is slow, e.g.::

    COVERAGE_FILE=/tmp/cov/.coverage python -m coverage run --parallel-mode \\
        --source=derivcheck -m pytest -q -n 0 -m "not slow" tests/check/realize
    python -m coverage combine --data-file=/tmp/cov/.coverage /tmp/cov
    python bench/structure.py reached /tmp/cov/.coverage

Only the test processes are measured: code that runs only in a worker process
(``--jobs`` > 1) or a subprocess counts as not reached.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "derivcheck"


def sizes(module_lines: int, function_lines: int) -> list[str]:
    """One line per module over ``module_lines`` lines and per function over ``function_lines``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE.parent)
        lines = len(text.splitlines())
        if lines > module_lines:
            found.append(f"module   {name}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > function_lines:
                    found.append(f"function {name}:{node.lineno} {node.name}: {length} lines")
    return found


def unreached(data_file: str) -> list[str]:
    """The modules of ``derivcheck/`` (``__init__.py`` and empty modules included) with no
    line executed in ``data_file`` (matched by their path inside the package)."""
    import coverage  # not a dependency of derivcheck: only this measurement needs it

    data = coverage.CoverageData(basename=data_file)
    data.read()
    # by the path inside the package, so that data collected on another copy of the tree counts
    reached = {Path(f).as_posix().rsplit("/derivcheck/", 1)[-1] for f in data.measured_files() if data.lines(f)}
    return [f"derivcheck/{p.relative_to(PACKAGE).as_posix()}" for p in sorted(PACKAGE.rglob("*.py"))
            if p.relative_to(PACKAGE).as_posix() not in reached]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    size = commands.add_parser("sizes", help="modules and functions over the limits")
    size.add_argument("--module-lines", type=int, default=450)
    size.add_argument("--function-lines", type=int, default=60)
    reach = commands.add_parser("reached", help="modules with no line reached in a coverage data file")
    reach.add_argument("data_file")
    args = parser.parse_args(argv)
    if args.command == "sizes":
        found = sizes(args.module_lines, args.function_lines)
    else:
        found = unreached(args.data_file)
    print("\n".join(found) if found else "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
