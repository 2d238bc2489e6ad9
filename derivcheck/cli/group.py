"""The ``derivcheck`` command group; the command modules register their commands on it.

It lives apart from the package's face so that the command modules import it
without importing the face that imports them (no import circle).
"""

from __future__ import annotations

import os

import click

from .. import __version__

SYMPY_CACHE_SIZE = "10000"
"""Entries of each of SymPy's caches for the commands (SymPy's default is 1,000): realising a
relation at each integer configuration and the symbolic strategies rebuild the same
sub-expressions many times, and the default cache evicts them (about 5 % of the library's CPU
time). The pipeline clears the cache before each derivation, so a verdict does not depend on
what was checked before; SymPy reads the size once, when it is first imported."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="derivcheck")
def main() -> None:
    """Verify mathematical derivations written as YAML step files (*.deriv.yaml)."""
    os.environ.setdefault("SYMPY_CACHE_SIZE", SYMPY_CACHE_SIZE)  # (a user's own setting stands)


def run() -> None:
    """The ``derivcheck`` command as a program (the console script, ``python -m derivcheck``):
    where a reader closes the pipe early (``derivcheck verify | head``), the process ends by
    SIGPIPE as ``cat`` or ``grep`` do, not with the status 1 of a failed gate."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main()


__all__ = ["main", "run"]
