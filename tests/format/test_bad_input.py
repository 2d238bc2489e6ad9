"""Malicious and malformed files through the real CLI: FILE:LINE:COL, exit 2, fast, no side effect."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from derivcheck.cli import main
from repo_paths import DATA

HEADER = "derivation: bad\ntitle: bad input\nsymbols:\n  x: real\n  n: dimension\n  A: matrix[n, n]\nsteps:\n"

CASES = {
    "import": (HEADER + "  - start: __import__('os').system('touch PWNED')\n  - eq: x\n", 8, 12),
    "attribute": (HEADER + "  - start: A.shape\n  - eq: x\n", 8, 12),
    "lambda": (HEADER + "  - start: (lambda: 1)()\n  - eq: x\n", 8, 13),
    "dunder": (HEADER + "  - start: x.__class__\n  - eq: x\n", 8, 12),
    "huge-power": (HEADER + "  - start: 10**10**10\n  - eq: x\n", 8, 12),
    "undeclared": (HEADER + "  - start: y + 1\n  - eq: x\n", 8, 12),
    "unknown-key": ("derivation: bad\ntitle: t\nsymbol:\n  x: real\nsteps:\n  - claim: x = x\n", 3, 1),
    "bad-kind": ("derivation: bad\ntitle: t\nsymbols:\n  x: reel\nsteps:\n  - claim: x = x\n", 4, 6),
    "huge-shape": ("derivation: bad\ntitle: t\nsymbols:\n  A: matrix[10**9, 10**9]\nsteps:\n  - claim: A = A\n", 4, 6),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gives_located_error_and_exit_2(name: str, tmp_path: Path, monkeypatch) -> None:
    text, line, col = CASES[name]
    path = tmp_path / f"{name}.deriv.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["verify", str(path), "--no-numeric", "--timeout", "5"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result.output
    assert f"{path}:{line}:" in result.output, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "PWNED").exists()
    assert elapsed < 30  # the acceptance bound is 5 s on a quiet machine; see bench/ for timings


def test_binary_junk_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "junk.deriv.yaml").write_bytes(b"\x00\xff\xfe binary \x01")
    (tmp_path / "empty.deriv.yaml").write_bytes(b"")
    result = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'junk.deriv.yaml'}:1:" in result.output
    assert f"{tmp_path / 'empty.deriv.yaml'}:" in result.output
    assert "Traceback" not in result.output


def test_one_bad_step_loses_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "mixed.deriv.yaml"
    path.write_text(
        "derivation: mixed\ntitle: t\nsymbols:\n  x: real\nsteps:\n"
        "  - claim: (x + 1)**2 = x**2 + 2*x + 1\n  - claim: x.real = x\n  - claim: x*2 = x + x\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["verify", str(path), "--no-numeric"])
    assert result.exit_code == 2
    assert result.output.count("proved") >= 2
    assert f"{path}:7:" in result.output


BAD_EXPRESSIONS = sorted((DATA / "bad-expressions").glob("*.deriv.yaml"))


@pytest.mark.parametrize("path", BAD_EXPRESSIONS, ids=lambda p: p.name.removesuffix(".deriv.yaml"))
def test_bad_expression_files_are_errors_at_their_position(path: Path) -> None:
    """Each file's first line says ``# expect-error: LINE:COL: message``; the file loads, but
    an expression in it cannot be read (a sum bound that is not provably an integer, ...)."""
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect-error: ")
    result = CliRunner().invoke(main, ["verify", str(path), "--no-numeric", "--no-cache"])
    assert result.exit_code == 2, result.output
    assert f"{path}:{expected}" in result.output.replace("\n", " ") or f"{path}:{expected}" in result.output
    assert "proved" not in result.output.split("Summary")[0]
    assert "Traceback" not in result.output


def test_the_bad_expression_corpus_covers_sum_bounds() -> None:
    names = {p.name.removesuffix(".deriv.yaml") for p in BAD_EXPRESSIONS}
    assert {"sum-bounds-real-offset", "sum-bounds-half-of-natural", "product-bounds-half-integers",
            "sum-bounds-define-real-parameter", "for-outside-declared-domain"} <= names
