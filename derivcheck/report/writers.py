"""``--format`` and ``--output``: which report a run writes, and where.

Without ``--output`` the chosen format goes to standard output (``rich`` is the
terminal report). With ``--output FILE`` the chosen format goes to FILE and the
terminal still shows the Rich report, so a CI log stays readable while the
machine-readable file is archived.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Callable

from ..model import Report

FORMATS = ("rich", "json", "junit", "markdown", "html")
"""The values of ``--format``."""


def renderer(fmt: str) -> Callable[[Report], str]:
    """The function that turns a report into text in format ``fmt`` (imported lazily)."""
    if fmt == "json":
        from .json_report import render_json

        return render_json
    if fmt == "junit":
        from .junit import render_junit

        return render_junit
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown
    if fmt == "html":
        from .html import render_html

        return render_html
    if fmt == "rich":
        return render_plain
    raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")


def render_plain(report: Report, *, quiet: bool = False, width: int = 120) -> str:
    """The Rich report as plain text (no colour), as written to a file."""
    import io

    from rich.console import Console

    from .rich_report import render_report

    buffer = io.StringIO()
    render_report(report, Console(file=buffer, no_color=True, width=width, force_terminal=False), quiet=quiet)
    return buffer.getvalue()


def emit_report(report: Report, fmt: str, output: str | None, *, quiet: bool = False) -> None:
    """Show ``report`` on the terminal and/or write it in ``fmt`` to ``output``."""
    from rich.console import Console

    from .rich_report import render_report

    if output is not None:
        text = render_plain(report, quiet=quiet) if fmt == "rich" else renderer(fmt)(report)
        write_atomically(output, text)
        render_report(report, Console(), quiet=quiet)
    elif fmt == "rich":
        render_report(report, Console(), quiet=quiet)
    else:
        sys.stdout.write(renderer(fmt)(report))
        sys.stdout.flush()


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


__all__ = ["FORMATS", "emit_report", "render_plain", "renderer", "write_atomically"]
