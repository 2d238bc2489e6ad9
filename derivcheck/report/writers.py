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
from typing import Any, Callable

from ..model import Report
from .formats import FORMAT_OF_EXTENSION, FORMATS, report_format


def renderer(fmt: str) -> Callable[[Report], str]:
    """The function that turns a report into text in format ``fmt`` (its module imported on use)."""
    from importlib import import_module

    row = report_format(fmt)
    return getattr(import_module(f"{__package__}.{row.module}"), row.function)


def format_for_output(path: str) -> str:
    """The report format of ``-o path`` without ``--format``, from its extension.

    Raises :class:`~derivcheck.errors.UsageError` when the extension says nothing.

    >>> format_for_output("out/report.json"), format_for_output("junit.XML")
    ('json', 'junit')
    """
    from ..errors import UsageError

    extension = Path(path).suffix.lower()
    if extension in FORMAT_OF_EXTENSION:
        return FORMAT_OF_EXTENSION[extension]
    known = ", ".join(f"{e} ({f})" for e, f in FORMAT_OF_EXTENSION.items())
    raise UsageError(f"cannot tell the report format of '{path}' from its extension; add --format "
                     f"({'|'.join(FORMATS)}) or name the file with one of {known}")


def render_plain(report: Report, *, quiet: bool = False, verbosity: int = 0, width: int | None = None) -> str:
    """The Rich report as plain text (no colour), as written to a file: not wrapped (``width`` None)."""
    import io

    from rich.console import Console

    from .rich_report import UNWRAPPED_WIDTH, render_report

    width = UNWRAPPED_WIDTH if width is None else width
    buffer = io.StringIO()
    render_report(report, Console(file=buffer, no_color=True, width=width, force_terminal=False), quiet=quiet,
                  verbosity=verbosity)
    return buffer.getvalue()


def emit_report(report: Report, fmt: str, output: str | None, *, quiet: bool = False, verbosity: int = 0,
                console: Any = None, shown: frozenset[str] | set[str] = frozenset(),
                written: Any = None) -> None:
    """Show ``report`` on the terminal and/or write it in ``fmt`` to ``output``.

    ``console`` is where the Rich report goes (default: standard output, see
    :func:`~derivcheck.report.rich_report.report_console`); ``shown`` the
    derivations whose lines were already printed as they finished.
    """
    from .rich_report import render_report, report_console

    if output is not None:
        text = render_plain(report, quiet=quiet, verbosity=verbosity) if fmt == "rich" else renderer(fmt)(report)
        write_atomically(output, text)
        render_report(report, console or report_console(), quiet=quiet, verbosity=verbosity, shown=shown,
                      written=written)
    elif fmt == "rich":
        render_report(report, console or report_console(), quiet=quiet, verbosity=verbosity, shown=shown,
                      written=written)
    else:
        sys.stdout.write(renderer(fmt)(report))
        sys.stdout.flush()


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``.

    A new file gets the usual mode (0666 less the umask, as ``open`` would give);
    a file that exists keeps its mode.
    """
    target = Path(path)
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, mode)  # mkstemp creates 0600
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _umask() -> int:
    """The process's umask (read by setting it and putting it back: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


__all__ = ["FORMATS", "FORMAT_OF_EXTENSION", "emit_report", "format_for_output", "render_plain", "renderer", "write_atomically"]
