"""``derivcheck lint`` (read, parse, shape-check; no proof) and duplicate ids that hide nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from derivcheck.cli import main

GOOD = "derivation: good\ntitle: t\nsymbols:\n  a, b: real\nsteps:\n  - start: (a + b)**2\n  - eq: a**2 + 2*a*b + b**2\n"
SHAPES = ("derivation: shapes\ntitle: t\nsymbols:\n  n, k: dimension\n  X: matrix[n, k]\n  z: vector[n]\n"
          "steps:\n  - claim: X @ z = z\n")
FALSE = "derivation: false\ntitle: t\nsymbols:\n  a: real\nsteps:\n  - claim: a + 1 = a\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.deriv.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lint_passes_a_good_file_and_a_false_one_without_proving(tmp_path: Path) -> None:
    write(tmp_path, "good", GOOD)
    write(tmp_path, "false", FALSE)  # false maths is verify's business: lint only reads
    result = CliRunner().invoke(main, ["lint", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 file(s) read, 0 errors" in result.output


def test_lint_exits_2_on_every_kind_of_error_and_lists_each(tmp_path: Path) -> None:
    bad_yaml = write(tmp_path, "yaml", "derivation: y\ntitle: t\nsymbols:\n  a: real\n steps: []\n")
    bad_expr = write(tmp_path, "expr", "derivation: e\ntitle: t\nsymbols:\n  a: real\nsteps:\n  - claim: a^2 = a*a\n")
    shapes = write(tmp_path, "shapes", SHAPES)
    result = CliRunner().invoke(main, ["lint", str(tmp_path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert any(line.startswith(f"{bad_yaml}:5:") for line in lines), result.output
    assert any(line.startswith(f"{bad_expr}:6:12:") and "`**`" in line for line in lines), result.output
    assert any(line.startswith(f"{shapes}:8:") for line in lines), result.output
    assert "3 file(s) read, 3 errors" in result.output


def test_show_still_prints_but_lint_is_the_gate(tmp_path: Path) -> None:
    path = write(tmp_path, "expr", "derivation: e\ntitle: t\nsymbols:\n  a: real\nsteps:\n  - claim: a^2 = a*a\n")
    assert CliRunner().invoke(main, ["lint", str(path)]).exit_code == 2


def test_lint_without_paths_uses_verifys_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "good", GOOD)
    result = CliRunner().invoke(main, ["lint"])
    assert result.exit_code == 0 and "1 file(s) read" in result.output
    (tmp_path / "good.deriv.yaml").unlink()
    assert CliRunner().invoke(main, ["lint"]).exit_code == 2


def test_lint_imports_no_torch(tmp_path: Path) -> None:
    # a pre-commit hook: what keeps it fast is that torch is never imported (its time per
    # file is measured in bench/, not asserted here: these machines are shared and noisy)
    for n in range(5):
        write(tmp_path, f"good{n}", GOOD.replace("good", f"good{n}"))
    code = ("import sys; from click.testing import CliRunner; from derivcheck.cli import main; "
            f"r = CliRunner().invoke(main, ['lint', {str(tmp_path)!r}]); "
            "print(r.exit_code, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=300).stdout.split()
    assert out == ["0", "False"], out


def test_duplicate_ids_do_not_hide_the_other_errors(tmp_path: Path) -> None:
    write(tmp_path, "a", GOOD)
    second = write(tmp_path, "b", GOOD.replace("- eq: a**2 + 2*a*b + b**2", "- eq: a**2 + 2ab + b**2"))
    result = CliRunner().invoke(main, ["lint", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{second}:1:13: duplicate derivation id 'good'" in result.output
    assert f"{second}:7:" in result.output  # its own expression error as well
    verified = CliRunner().invoke(main, ["verify", str(tmp_path), "--no-numeric", "--no-cache", "-j", "1"])
    assert verified.exit_code == 2
    assert f"{second}:1:13: duplicate derivation id 'good'" in verified.output
    assert f"{second}:7:" in verified.output


def test_a_duplicate_id_fails_its_own_file_once(tmp_path: Path) -> None:
    # the duplicate is checked (its own errors show) and failed by its id: one derivation,
    # not a passing one plus a "could not be loaded" one, and its progress line says FAIL
    write(tmp_path, "a", GOOD)
    second = write(tmp_path, "b", GOOD)
    result = CliRunner().invoke(main, ["verify", str(tmp_path), "--no-numeric", "--no-cache", "-j", "1"])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert [line.split("  ")[:3] for line in lines[:2]] == [
        ["PASS", "good", str(tmp_path / "a.deriv.yaml")], ["FAIL", "good", str(second)]], result.output
    assert "(could not be loaded)" not in result.output
    assert any(line.split() == ["derivations", "2", "(1", "passed,", "1", "failed)"] for line in lines), result.output
    assert f"{second}:1:13: duplicate derivation id 'good'" in result.output


def test_errors_are_listed_by_file_then_line(tmp_path: Path) -> None:
    # as ruff and mypy list them: here the claim's error (line 5) before the chain's (7, 8),
    # and a file's load error after an earlier file's expression errors
    write(tmp_path, "a", "derivation: a\ntitle: t\nsymbols:\n  x: real\nclaim: x^2 = x*x\nsteps:\n"
                         "  - start: x^2\n  - eq: x*x\n")
    write(tmp_path, "b", "derivation: b\ntitle: t\nsymbols:\n  x: real\n steps: []\n")
    result = CliRunner().invoke(main, ["lint", str(tmp_path)])
    assert result.exit_code == 2
    a, b = str(tmp_path / "a.deriv.yaml"), str(tmp_path / "b.deriv.yaml")
    places = [line.split(": ", 1)[0].rsplit(":", 2)[:2] for line in result.output.splitlines()[:-1]]
    assert places == [[a, "5"], [a, "7"], [a, "8"], [b, "5"]], result.output


def test_a_missing_title_does_not_hide_the_other_errors(tmp_path: Path) -> None:
    # only its name is at fault: the derivation is still read and checked (a stand-in
    # title), so its own expression errors are reported in the same run, and it fails
    broken = write(tmp_path, "b", GOOD.replace("title: t\n", "").replace("- eq: a**2 + 2*a*b + b**2",
                                                                         "- eq: a**2 + 2ab + b**2"))
    clean = write(tmp_path, "c", GOOD.replace("title: t\n", "").replace("derivation: good", "derivation: c"))
    result = CliRunner().invoke(main, ["lint", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{broken}:1:1: missing required key 'title'" in result.output
    assert f"{broken}:6:" in result.output  # `2ab`, on the line of the `eq` step
    verified = CliRunner().invoke(main, ["verify", str(tmp_path), "--no-numeric", "--no-cache", "-j", "1"])
    assert verified.exit_code == 2, verified.output
    assert f"{broken}:6:" in verified.output and f"{clean}:1:1: missing required key 'title'" in verified.output
    assert not any(line.startswith("PASS") for line in verified.output.splitlines()), verified.output


def test_a_distribution_check_with_an_undeclared_index_fails_lint_as_verify(tmp_path: Path) -> None:
    # unseen-3: lint passed a file whose `process` used an undeclared `t`; verify said exit 2
    text = ("derivation: ema\ntitle: t\nsymbols:\n  a: real in (0, 1)\n  x: sequence\n"
            "  eps: random sequence normal(0, 1)\nindependent: [[eps]]\nchecks:\n  - distribution:\n"
            "      process: x[t] = a*x[t - 1] + (1 - a)*eps[t]\n      start: x[0] = 0\n"
            "      claim: x[t] ~ Normal(0, (1 - a)*(1 - a**(2*t))/(1 + a))\n")
    path = write(tmp_path, "ema", text)
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 2 and f"{path}:10:" in result.output and "`t`" in result.output, result.output
    fixed = write(tmp_path, "ema", text.replace("  a: real in (0, 1)\n", "  a: real in (0, 1)\n  t: natural\n"))
    assert CliRunner().invoke(main, ["lint", str(fixed)]).exit_code == 0
