"""The ``derivcheck`` command group; the command modules register their commands on it.

It lives apart from the package's face so that the command modules import it
without importing the face that imports them (no import circle).
"""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="derivcheck")
def main() -> None:
    """Verify mathematical derivations written as YAML step files (*.deriv.yaml)."""


__all__ = ["main"]
