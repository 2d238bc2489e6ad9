"""Two JSON reports of ``derivcheck verify --format json`` compared without their times.

    python bench/same_report.py A.json B.json

Every key named ``seconds`` (the run's, each derivation's and each outcome's) is removed,
then the rest is compared as sorted, indented JSON: verdicts, methods, details, evidence
and counterexamples. Prints a unified diff; nothing, and exit status 0, when they agree.
"""

from __future__ import annotations

import difflib
import json
import sys
from typing import Any


def without_times(value: Any) -> Any:
    """``value`` with every ``seconds`` key removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def main(left: str, right: str) -> int:
    texts = []
    for path in (left, right):
        with open(path, encoding="utf-8") as stream:
            texts.append(json.dumps(without_times(json.load(stream)), indent=1, sort_keys=True).splitlines())
    diff = list(difflib.unified_diff(*texts, left, right, lineterm="", n=2))
    sys.stdout.writelines(line + "\n" for line in diff)
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
