"""The report formats: one table, which ``--format``, ``-o FILE`` and the renderers read.

A new format is one row here and one module in ``report/`` with a function
``Report -> str``; the CLI's choices, the extension of ``-o FILE`` and
:func:`~derivcheck.report.writers.renderer` follow from the table. This module
imports nothing heavy: the CLI reads it to build ``--help``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportFormat:
    """One ``--format``: its name, the function that renders it, the extensions of ``-o FILE`` that imply it."""

    name: str
    module: str  # under derivcheck.report
    function: str  # Report -> str
    extensions: tuple[str, ...]
    summary: str


REPORT_FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat("rich", "writers", "render_plain", (".txt", ".log"),
                 "the terminal report (plain text, unwrapped, in a file)"),
    ReportFormat("json", "json_report", "render_json", (".json",), "versioned JSON (schema: derivcheck schema)"),
    ReportFormat("junit", "junit", "render_junit", (".xml",), "JUnit XML for CI test tabs"),
    ReportFormat("markdown", "markdown", "render_markdown", (".md", ".markdown"), "a Markdown summary"),
    ReportFormat("html", "html", "render_html", (".html", ".htm"), "a self-contained HTML page"),
)
"""Every report format, the default (``rich``) first."""

FORMATS: tuple[str, ...] = tuple(f.name for f in REPORT_FORMATS)
"""The values of ``--format``."""

FORMAT_OF_EXTENSION: dict[str, str] = {ext: f.name for f in REPORT_FORMATS for ext in f.extensions}
"""The report format ``-o FILE`` implies when ``--format`` is not given."""


def report_format(name: str) -> ReportFormat:
    """The row of ``name``; raises ``ValueError`` for an unknown format."""
    for row in REPORT_FORMATS:
        if row.name == name:
            return row
    raise ValueError(f"unknown report format {name!r} (known: {', '.join(FORMATS)})")


__all__ = ["FORMATS", "FORMAT_OF_EXTENSION", "REPORT_FORMATS", "ReportFormat", "report_format"]
