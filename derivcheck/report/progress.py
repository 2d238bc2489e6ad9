"""A Rich progress bar for runs longer than a moment, on standard error.

Hidden when standard error is not a terminal (CI logs, pipes) or with
``--quiet``; transient, so the report below it is all that remains.
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


__all__ = ["progress_bar"]
