"""derivcheck as a pytest plugin: each ``.deriv.yaml`` is a test file, each item a test.

Registered through the ``pytest11`` entry point ``derivcheck``. It collects a
derivation file only when asked: when the file lies under a path given on the
command line (``pytest derivations/``, ``pytest some.deriv.yaml``), or with
``--derivcheck``. So a project's own ``pytest`` run (its ``testpaths``) never
picks up test data such as mutated derivations.

Each step (except ``start``), the claim link and each check is one item, named
by its stable key (``step-3``, ``claim``, ``check-1``), so ``-k step-3``, ``-x``,
``--lf`` and pytest-xdist (``-n 2``) work as usual. The whole derivation is
checked once, the first time one of its items runs (in each xdist worker that
runs one), through the same incremental cache as ``derivcheck verify``
(``.derivcheck-cache/`` in the root folder; ``--derivcheck-no-cache``). A failing
item's report shows the item's own lines from the file, the verdict, the
counterexample and the replay command; ``reportinfo`` gives its real line.

Importing this module imports nothing heavy: the loader (PyYAML) is imported
when a derivation file is collected, SymPy and torch when an item runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

SUFFIX = ".deriv.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's command-line options (group ``derivcheck``)."""
    group = parser.getgroup("derivcheck", "derivation files (*.deriv.yaml)")
    group.addoption("--derivcheck", action="store_true", default=False,
                    help="collect .deriv.yaml files everywhere, not only under paths given on the command line")
    group.addoption("--derivcheck-seed", type=int, default=0, help="seed of every random choice (default 0)")
    group.addoption("--derivcheck-timeout", type=float, default=20.0,
                    help="symbolic time limit per step in seconds (default 20)")
    group.addoption("--derivcheck-strict", action="store_true", default=False,
                    help="numeric agreement alone does not pass")
    group.addoption("--derivcheck-no-cache", action="store_true", default=False,
                    help="do not read or write the incremental cache")
    group.addoption("--derivcheck-cache-dir", default=None,
                    help="cache folder (default: .derivcheck-cache in the root folder)")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> "DerivationFile | None":
    """A :class:`DerivationFile` for each ``*.deriv.yaml`` the run asked for."""
    if file_path.name.endswith(SUFFIX) and _asked_for(parent.config, file_path):
        return DerivationFile.from_parent(parent, path=file_path)
    return None


def _asked_for(config: pytest.Config, file_path: Path) -> bool:
    if config.getoption("derivcheck"):
        return True
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        return False  # testpaths or the current folder: not asked explicitly
    resolved = file_path.resolve()
    for arg in config.args:
        given = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if given == resolved or given in resolved.parents:
            return True
    return False


class DerivationFailure(Exception):
    """An item that did not reach its expectation; ``text`` is what the report shows."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class DerivationFile(pytest.File):
    """One ``.deriv.yaml`` file: its items, and its report computed once."""

    _report: Any = None

    def display_path(self) -> str:
        """The file's path relative to the current folder when below it (as spans show it)."""
        try:
            return os.path.relpath(self.path)
        except ValueError:  # pragma: no cover - another drive on Windows
            return str(self.path)

    def collect(self) -> Iterator[pytest.Item]:
        """One item per step (except ``start``), the claim, and each check; or one ``load`` item on bad input."""
        from .errors import InputErrors
        from .format.loader import load_derivation

        try:
            derivation = load_derivation(self.display_path())
        except InputErrors as exc:
            yield LoadErrorItem.from_parent(self, name="load", messages=[e.format() for e in exc.errors])
            return
        self.derivation = derivation
        for step in derivation.steps:
            if step.relation != "start":
                yield DerivationItem.from_parent(self, name=f"step-{step.index}", line=step.span.line)
        if derivation.claim is not None:
            yield DerivationItem.from_parent(self, name="claim", line=derivation.claim.span.line)
        for check in derivation.checks:
            yield DerivationItem.from_parent(self, name=f"check-{check.index}", line=check.span.line)

    def derivation_report(self) -> Any:
        """The derivation's :class:`~derivcheck.model.DerivationReport`, checked (or read from the cache) once."""
        if self._report is None:
            from .check import DEFAULT_CACHE_DIR, ResultCache
            from .check import check_derivation
            from .check import run_derivations
            from .model import Options

            config = self.config
            options = Options(seed=config.getoption("derivcheck_seed"), timeout=config.getoption("derivcheck_timeout"),
                              strict=config.getoption("derivcheck_strict"))
            cache = None
            if not config.getoption("derivcheck_no_cache"):
                folder = config.getoption("derivcheck_cache_dir") or str(config.rootpath / DEFAULT_CACHE_DIR)
                cache = ResultCache(folder)
            self._report = run_derivations([self.derivation], options, check_derivation, cache=cache)[0]
        return self._report


class DerivationItem(pytest.Item):
    """One step, the claim link or one check of a derivation."""

    def __init__(self, *, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.line = line

    def runtest(self) -> None:
        """Pass when the item reached its expectation; else raise :class:`DerivationFailure`."""
        from .report.junit import failure_text

        parent: DerivationFile = self.parent  # type: ignore[assignment]
        report = parent.derivation_report()
        if report.errors:
            raise DerivationFailure(self._header("input errors") + "\n".join(report.errors))
        outcome = next((o for o in report.outcomes if o.item == self.name), None)
        if outcome is None:
            lost = next((o for o in report.outcomes if o.method == "worker"), None)
            why = lost.detail if lost is not None else "the checker produced no verdict for this item"
            raise DerivationFailure(self._header("no verdict") + self._source_lines() + why)
        if not outcome.passed:
            from dataclasses import replace

            from .report.pretty import expectation_phrase, item_name
            from .report.written import written_statement

            written = written_statement(parent.derivation, outcome.item)  # as the file writes it, then as checked
            outcome = replace(outcome, written=" ".join(written.split())) if written else outcome
            self.line = outcome.span.line if outcome.span is not None else self.line
            raise DerivationFailure(self._header(f"{item_name(outcome)}: {expectation_phrase(outcome)}")
                                    + self._source_lines() + failure_text(outcome))

    def _header(self, what: str) -> str:
        parent: DerivationFile = self.parent  # type: ignore[assignment]
        return f"{parent.display_path()}:{self.line}: {what}\n"

    def _source_lines(self) -> str:
        return source_excerpt(self.path, self.line) + "\n"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The item's file lines, verdict, counterexample and replay command (no Python traceback)."""
        if isinstance(excinfo.value, DerivationFailure):
            return excinfo.value.text
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the item is: its file and (0-based) line, and its key."""
        return self.path, self.line - 1, f"{self.parent.name}::{self.name}"


class LoadErrorItem(pytest.Item):
    """Stands for a file that could not be loaded: it fails with every input error."""

    def __init__(self, *, messages: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.messages = messages

    def runtest(self) -> None:
        """Always fails: the file has input errors."""
        raise DerivationFailure("the derivation file could not be loaded:\n" + "\n".join(self.messages))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The input errors, one ``FILE:LINE:COL: message`` per line."""
        if isinstance(excinfo.value, DerivationFailure):
            return excinfo.value.text
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        """The file, line 1."""
        return self.path, 0, f"{self.parent.name}::load"


def source_excerpt(path: Path | str, line: int, context: int = 1) -> str:
    """The lines of the YAML entry starting at ``line`` (1-based), numbered, marked with ``>``.

    The entry runs on while the following lines are blank or indented deeper
    than its first line; ``context`` lines before it are shown unmarked.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return ""
    if not 1 <= line <= len(lines):
        return ""
    first = lines[line - 1]
    base = len(first) - len(first.lstrip(" "))
    end = line
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) > base):
        end += 1
    while end > line and not lines[end - 1].strip():
        end -= 1
    width = len(str(end))
    shown = []
    for number in range(max(1, line - context), end + 1):
        mark = ">" if number >= line else " "
        shown.append(f"{mark} {number:>{width}} | {lines[number - 1]}")
    return "\n".join(shown)
