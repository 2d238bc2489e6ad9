"""The command line: ``derivcheck verify [PATHS...]`` and its companions. The only place that exits.

Importing this package is light (click only): SymPy, torch and Rich are imported
inside the commands, so ``derivcheck --help`` and ``--version`` start fast.
The commands live by purpose: ``verify.py`` (verify, mutate), ``authoring.py``
(new, show, check, schema), ``library.py`` (index, errata); ``common.py`` holds
the exit statuses and what they share.

Exit statuses:

* 0 -- every item of every derivation reached its expectation;
* 1 -- the gate failed (an item did not reach its expectation);
* 2 -- bad input (a derivation file with errors, a missing path, no derivation
  files found) or bad command-line usage;
* 3 -- an internal error of derivcheck itself (a bug: please report it).
"""

from __future__ import annotations

from .common import (DEBUG_ENV, DEFAULT_FOLDER, EXIT_BAD_INPUT, EXIT_GATE_FAILED, EXIT_INTERNAL, EXIT_OK,
                     default_paths, exit_status, input_error_lines, run_verify, shipped_library)
from .group import main
from . import authoring, library, verify  # registers their commands on main

__all__ = ["main", "DEBUG_ENV", "DEFAULT_FOLDER", "EXIT_OK", "EXIT_GATE_FAILED", "EXIT_BAD_INPUT", "EXIT_INTERNAL",
           "default_paths", "exit_status", "input_error_lines", "run_verify", "shipped_library",
           "authoring", "library", "verify"]
