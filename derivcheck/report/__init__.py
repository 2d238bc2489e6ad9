"""Outcomes -> human-readable reports. Only this package and ``cli/`` print."""

from .rich_report import render_report as render_report

__all__ = ["render_report"]
