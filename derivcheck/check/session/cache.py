"""The incremental cache: one stored result per derivation file, keyed by content.

A derivation's verdicts depend only on its file's bytes (its steps,
declarations, definitions and hypotheses all live in the file), the options
that change checking (seed, timeout, points, strictness, numeric, device), the
path (spans and messages name it), and the checker itself. The key hashes all
of them; "the checker" is SymPy's and torch's versions plus a fingerprint of
derivcheck's own source files, so a changed derivcheck never reuses a verdict
computed by an older one, even at the same version number.

Entries are the JSON report form of one derivation
(:func:`~derivcheck.report.json_report.derivation_to_dict`), written atomically
(a temporary file in the same folder, then ``os.replace``), so concurrent runs
never see half an entry. An entry that cannot be read or parsed is ignored
(treated as a miss) and rewritten by the run that checks the file again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, replace
from functools import lru_cache
from pathlib import Path

from ... import __version__
from ...model import DerivationReport, Options, Verdict
from ...model_json import derivation_from_dict, derivation_to_dict

DEFAULT_CACHE_DIR = ".derivcheck-cache"
"""Cache folder, relative to the current directory, unless ``--cache-dir`` says otherwise."""

FORMAT = "entry-1"
"""Layout version of the cache folder; bumping it orphans every older entry."""

_PACKAGE = Path(__file__).resolve().parents[2]
"""The derivcheck package folder (this file is derivcheck/check/session/cache.py)."""


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A hash of everything about the checker that can change a verdict.

    derivcheck's version and the bytes of the Python sources that decide verdicts
    (``check/``, ``expr/``, ``format/``, the model and errors; not the reports,
    the CLI or the pytest plugin), and the versions of SymPy, torch and numpy.
    Computed once per process (reading ~60 small files, a few milliseconds).
    """
    from importlib import metadata  # here: --no-cache runs do not need it (email, zipfile, ...)

    digest = hashlib.sha256(f"derivcheck {__version__}\n".encode())
    for name in ("sympy", "torch", "numpy"):
        try:
            digest.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} absent\n".encode())
    for source in sorted(p for p in _PACKAGE.rglob("*.py") if _decides_verdicts(p)):
        relative = source.relative_to(_PACKAGE).as_posix()
        digest.update(relative.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def _decides_verdicts(source: Path) -> bool:
    """Whether a derivcheck source file can change a verdict (reports, CLI and plugin cannot)."""
    parts = source.relative_to(_PACKAGE).parts
    return parts[0] in ("check", "expr", "format") or parts == ("model.py",) or parts == ("errors.py",) or \
        parts == ("__init__.py",)


def options_fingerprint(options: Options) -> str:
    """The options that change verdicts, as canonical JSON text."""
    return json.dumps(asdict(options), sort_keys=True)


def cache_key(path: str, content: bytes, options: Options) -> str:
    """The cache key of checking the file at ``path`` whose bytes are ``content``.

    >>> a = cache_key("x.deriv.yaml", b"derivation: a", Options())
    >>> a == cache_key("x.deriv.yaml", b"derivation: a", Options(seed=1))
    False
    """
    digest = hashlib.sha256()
    for part in (FORMAT, engine_fingerprint(), options_fingerprint(options), os.path.normpath(path)):
        digest.update(part.encode() + b"\0")
    digest.update(content)
    return digest.hexdigest()


class ResultCache:
    """Stored results of checking derivation files, under ``folder``."""

    def __init__(self, folder: str | os.PathLike[str] = DEFAULT_CACHE_DIR) -> None:
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0

    def entry_path(self, key: str) -> Path:
        """Where the entry for ``key`` lives (two-character fan-out folders)."""
        return self.folder / FORMAT / key[:2] / f"{key}.json"

    def key_for(self, path: str, options: Options) -> str | None:
        """The key of ``path`` with ``options``; None when the file cannot be read."""
        try:
            content = Path(path).read_bytes()
        except OSError:
            return None
        return cache_key(path, content, options)

    def get(self, key: str) -> DerivationReport | None:
        """The stored result for ``key``, or None (missing, unreadable or corrupt: a miss)."""
        try:
            data = json.loads(self.entry_path(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError("entry stored under another key")
            report = derivation_from_dict(data["result"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        return replace(report, cached=True)

    def put(self, key: str, report: DerivationReport) -> bool:
        """Store ``report`` under ``key`` atomically; False when it is not cacheable or cannot be written.

        A result with an ``error`` verdict from a worker that died or timed out
        (method ``worker``) is not stored: it says nothing about the file. Nor is a
        result with an outcome that a limit cut short or that depends on the
        machine's load (``Outcome.limit``: a wall-clock kill, a CPU-time safety
        limit): it is not final, and a later run checks the file again.
        """
        if not cacheable(report):
            return False
        target = self.entry_path(key)
        payload = json.dumps({"key": key, "result": derivation_to_dict(replace(report, cached=False))},
                             ensure_ascii=False)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _ensure_gitignore(self.folder)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(payload)
                os.replace(temporary, target)
            except BaseException:
                _remove_quietly(temporary)
                raise
        except OSError:
            return False  # a read-only or full disk costs the cache, never the run
        return True


def cacheable(report: DerivationReport) -> bool:
    """Whether ``report`` is final, so that it may be stored (see :meth:`ResultCache.put`)."""
    return not any((o.verdict is Verdict.ERROR and o.method == "worker") or o.limit for o in report.outcomes)


def _ensure_gitignore(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        try:
            marker.write_text("# created by derivcheck: the cache is not meant to be committed\n*\n",
                              encoding="utf-8")
        except OSError:
            pass


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


__all__ = ["DEFAULT_CACHE_DIR", "ResultCache", "cache_key", "cacheable", "engine_fingerprint"]
