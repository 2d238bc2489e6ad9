"""Outcomes -> human-readable reports. Only this package and ``cli/`` print.

A lazy face (PEP 562): the CLI reads :mod:`.formats` while building ``--help``,
which must not import Rich's renderers.
"""

from __future__ import annotations

from typing import Any

__all__ = ["render_report"]


def __getattr__(name: str) -> Any:
    if name == "render_report":
        from .rich_report import render_report  # on use: keeps the face light for --help

        return render_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
