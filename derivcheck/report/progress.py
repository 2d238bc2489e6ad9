"""Progress while derivations are checked: a bar on a terminal, a line per derivation in a log.

On a terminal, a transient Rich progress bar on standard error (the report
below it is all that remains). When the report's stream is not a terminal (CI
logs, pipes), one line per derivation is printed as soon as it finishes (the
line the report would print for it, see
:func:`~derivcheck.report.rich_report.derivation_lines`), so a long run never
looks hung; the report then leaves those derivations out of its list.
With ``--quiet``, neither.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

ProgressCallback = Callable[[int, int, Any], None]


@contextmanager
def progress_bar(enabled: bool = True, console: Any = None) -> Iterator[ProgressCallback | None]:
    """Yield a ``progress(done, total, report)`` callback drawing a bar, or None when hidden."""
    from rich.console import Console

    console = console if console is not None else Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]checking[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.fields[last]}", markup=False), console=console, transient=True)
    task = bar.add_task("checking", total=None, last="")

    def update(done: int, total: int, report: Any) -> None:
        last = f"{report.id}" + (" (cached)" if getattr(report, "cached", False) else "") if report else ""
        bar.update(task, completed=done, total=total, last=last)

    with bar:
        yield update


class ProgressLines:
    """A ``progress(done, total, report)`` callback printing each finished derivation's line at once.

    ``shown`` holds the paths printed so far (the report leaves them out of its list).
    """

    def __init__(self, console: Any, verbosity: int) -> None:
        self.console = console
        self.verbosity = verbosity
        self.shown: set[str] = set()

    def __call__(self, done: int, total: int, report: Any) -> None:
        from .rich_report import derivation_lines

        if report is None:
            return
        self.console.print(derivation_lines(report, verbosity=self.verbosity), crop=False, soft_wrap=True)
        self.console.file.flush()
        self.shown.add(report.path)


@contextmanager
def progress_display(console: Any, verbosity: int) -> Iterator[ProgressCallback | None]:
    """The progress a run shows while ``console`` (where its report goes) waits for it.

    A bar on standard error when ``console`` is a terminal, :class:`ProgressLines`
    on ``console`` when it is not, nothing when ``verbosity`` is quiet.
    """
    from .rich_report import NORMAL

    if verbosity < NORMAL:
        yield None
    elif console.is_terminal:
        with progress_bar() as bar:
            yield bar
    else:
        yield ProgressLines(console, verbosity)


__all__ = ["ProgressLines", "progress_bar", "progress_display"]
