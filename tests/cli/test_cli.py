"""The command line through click's CliRunner, with the pipeline replaced by a fake."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from derivcheck import __version__, cli
from derivcheck.errors import InputError, Span, UsageError
from derivcheck.model import DerivationReport, Options, Outcome, Report, Verdict
from repo_paths import REPO



def derivation(*, passed: bool = True, errors: tuple[str, ...] = ()) -> DerivationReport:
    item = Outcome(
        derivation="demo",
        item="step 1",
        label="step 1 (eq)",
        verdict=Verdict.PROVED if passed else Verdict.REFUTED,
        passed=passed,
    )
    return DerivationReport(
        path="demo.deriv.yaml", id="demo", title="Demo", source=None, outcomes=(item,), errors=errors
    )


class FakePipeline:
    """Stands in for ``derivcheck.check.verify_paths``: records calls, returns a set Report or raises."""

    def __init__(self, result: Report | Exception) -> None:
        self.result = result
        self.calls: list[tuple[list[str], Options]] = []
        self.seen: list[str] = []  # standard output as each derivation finished

    def verify_paths(self, paths: list[str], options: Options, **run: object) -> Report:
        self.calls.append((list(paths), options))
        if isinstance(self.result, Exception):
            raise self.result
        progress = run.get("progress")
        if progress is not None:  # as the real pipeline does: (0, total, None), then once per derivation
            total = len(self.result.derivations)
            progress(0, total, None)
            for done, report in enumerate(reversed(self.result.derivations), start=1):  # any order
                progress(done, total, report)
                self.seen.append(sys.stdout.buffer.getvalue().decode())  # type: ignore[attr-defined]
        return self.result


@pytest.fixture
def pipeline(monkeypatch: pytest.MonkeyPatch) -> Callable[[Report | Exception], FakePipeline]:
    """Install a fake ``verify_paths`` on the checker's face, where the CLI imports it from."""
    import derivcheck.check

    def install(result: Report | Exception) -> FakePipeline:
        fake = FakePipeline(result)
        # raising=False: the face imports the real one lazily, so it may not be an attribute yet
        monkeypatch.setattr(derivcheck.check, "verify_paths", fake.verify_paths, raising=False)
        return fake

    return install


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args))


def test_all_items_pass_exits_0(pipeline, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(passed=True),)))
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output
    assert fake.calls[0][0] == [str(tmp_path)]


def test_gate_failure_exits_1(pipeline, tmp_path: Path) -> None:
    pipeline(Report(derivations=(derivation(passed=True), derivation(passed=False))))
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output


def test_input_errors_in_a_file_exit_2_without_traceback(pipeline, tmp_path: Path) -> None:
    message = "demo.deriv.yaml:3:7: unknown name `y` (declare it under symbols)"
    pipeline(Report(derivations=(derivation(passed=False), derivation(errors=(message,)))))
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_derivcheck_error_from_the_pipeline_is_printed_with_its_exit_code(pipeline) -> None:
    pipeline(InputError("no such file or folder", Span("missing.deriv.yaml", 1, 1), hint="check the path"))
    result = invoke("verify", "missing.deriv.yaml")
    assert result.exit_code == 2
    assert "missing.deriv.yaml:1:1: no such file or folder (check the path)" in result.output
    assert "Traceback" not in result.output


def test_an_error_class_chooses_its_own_exit_code(pipeline) -> None:
    class Odd(UsageError):
        exit_code = 4

    pipeline(Odd("odd"))
    assert invoke("verify", "x").exit_code == 4


def test_unexpected_exception_is_an_internal_error_exit_3(pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    pipeline(ZeroDivisionError("boom"))
    result = invoke("verify", "x")
    assert result.exit_code == 3
    assert "internal error: ZeroDivisionError: boom" in result.output
    assert "Traceback" not in result.output


def test_debug_env_shows_the_internal_error(pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.DEBUG_ENV, "1")
    pipeline(ZeroDivisionError("boom"))
    result = invoke("verify", "x")
    assert isinstance(result.exception, ZeroDivisionError)


def test_no_derivation_found_is_bad_input(pipeline, tmp_path: Path) -> None:
    pipeline(Report(derivations=()))
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 2
    assert "no .deriv.yaml files found" in result.output


def test_default_options_reach_the_pipeline(pipeline) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    assert invoke("verify", "a.deriv.yaml", "lib").exit_code == 0
    paths, options = fake.calls[0]
    assert paths == ["a.deriv.yaml", "lib"]
    assert options == Options(seed=0, timeout=20.0, numeric=True, strict=False, points=24, device="auto")


def test_every_option_reaches_the_pipeline(pipeline) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    result = invoke(
        "verify", "--strict", "--timeout", "2.5", "--seed", "17", "--no-numeric",
        "--points", "5", "--device", "cpu", "a.deriv.yaml",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _, options = fake.calls[0]
    assert options == Options(seed=17, timeout=2.5, numeric=False, strict=True, points=5, device="cpu")


@pytest.mark.parametrize(
    "args",
    [
        ["--timeout", "0"],
        ["--timeout", "abc"],
        ["--points", "0"],
        ["--device", "tpu"],
        ["--seed", "1.5"],
        ["--no-such-option"],
    ],
)
def test_bad_usage_exits_2_before_checking(pipeline, args: list[str]) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    result = invoke("verify", *args, "a.deriv.yaml")
    assert result.exit_code == 2
    assert fake.calls == []


def test_quiet_leaves_out_passing_items(pipeline) -> None:
    pipeline(Report(derivations=(derivation(passed=True),)))
    loud = invoke("verify", "-v", "a.deriv.yaml").output
    quiet = invoke("verify", "--quiet", "a.deriv.yaml").output
    assert "step 1 (eq)" in loud
    assert "step 1 (eq)" not in quiet
    assert "demo" not in quiet
    assert "PASSED" in quiet


def test_default_path_is_the_local_derivations_folder(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    Path("derivations").mkdir()
    Path("other.deriv.yaml").write_text("x", encoding="utf-8")  # the folder wins over a recursive search
    result = runner.invoke(cli.main, ["verify"])
    assert result.exit_code == 0, result.output
    assert fake.calls[0][0] == ["derivations"]


def test_default_paths_come_from_pyproject_first(pipeline, monkeypatch, tmp_path: Path) -> None:
    # like pytest's testpaths: the nearest pyproject.toml with [tool.derivcheck], paths relative to it
    fake = pipeline(Report(derivations=(derivation(),)))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.derivcheck]\n'
                                             'paths = ["maths", "notes/ch1.deriv.yaml"]\n', encoding="utf-8")
    (tmp_path / "derivations").mkdir()
    monkeypatch.chdir(tmp_path)
    assert invoke("verify").exit_code == 0
    assert fake.calls[-1][0] == ["maths", "notes/ch1.deriv.yaml"]
    (tmp_path / "maths").mkdir()
    monkeypatch.chdir(tmp_path / "maths")  # from a subfolder: the same files, as seen from there
    assert invoke("verify").exit_code == 0
    assert fake.calls[-1][0] == [".", str(tmp_path / "notes" / "ch1.deriv.yaml")]


def test_a_pyproject_without_the_table_is_passed_over(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    (tmp_path / "pyproject.toml").write_text('[tool.derivcheck]\npaths = ["lib"]\n', encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.other]\nx = 1\n', encoding="utf-8")
    monkeypatch.chdir(inner)
    assert invoke("verify").exit_code == 0
    assert fake.calls[-1][0] == [str(tmp_path / "lib")]


def test_bad_pyproject_paths_are_a_usage_error(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    (tmp_path / "pyproject.toml").write_text('[tool.derivcheck]\npaths = "lib"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("verify")
    assert result.exit_code == 2
    assert "[tool.derivcheck] paths must be a non-empty list of strings" in result.output
    assert fake.calls == []


def test_default_is_the_derivation_files_below_here(pipeline, monkeypatch, tmp_path: Path) -> None:
    # no pyproject table, no derivations/: the current folder, searched recursively
    fake = pipeline(Report(derivations=(derivation(),)))
    monkeypatch.chdir(tmp_path)
    Path("notes").mkdir()
    Path("notes/a.deriv.yaml").write_text("x", encoding="utf-8")
    assert invoke("verify").exit_code == 0
    assert fake.calls[-1][0] == ["."]


def test_the_recursive_search_skips_hidden_cache_and_virtualenv_folders(tmp_path: Path) -> None:
    from derivcheck.format import discover

    for folder in ("ok/deep", ".hidden", "__pycache__", "node_modules", "myenv", "venv", "pkg.egg-info",
                   ".derivcheck-cache", "build"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.deriv.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")  # a venv of any name
    found = [Path(p).relative_to(tmp_path).as_posix() for p in discover([str(tmp_path)])]
    assert found == ["ok/deep/x.deriv.yaml"]


def test_no_derivation_files_anywhere_is_a_clear_usage_error(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    monkeypatch.setattr(cli.common, "shipped_library", lambda: tmp_path / "lib")  # never chosen by default
    monkeypatch.chdir(tmp_path)
    Path(".venv").mkdir()
    Path(".venv/x.deriv.yaml").write_text("x", encoding="utf-8")
    result = invoke("verify")
    assert result.exit_code == 2
    assert "no derivation files (*.deriv.yaml) in" in result.output
    assert "derivcheck verify --library" in result.output
    assert fake.calls == []


def test_library_flag_checks_the_shipped_library(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    monkeypatch.setattr(cli.common, "shipped_library", lambda: tmp_path / "lib")
    monkeypatch.chdir(tmp_path)
    assert invoke("verify", "--library").exit_code == 0
    assert fake.calls[-1][0] == [str(tmp_path / "lib")]
    assert invoke("verify", "mine.deriv.yaml", "--library").exit_code == 0
    assert fake.calls[-1][0] == ["mine.deriv.yaml", str(tmp_path / "lib")]


def test_library_flag_without_a_shipped_library_is_a_usage_error(pipeline, monkeypatch) -> None:
    pipeline(Report(derivations=(derivation(),)))
    monkeypatch.setattr(cli.common, "shipped_library", lambda: None)
    result = invoke("verify", "--library")
    assert result.exit_code == 2
    assert "no library of derivations is installed" in result.output


def test_shipped_library_is_found_from_a_source_checkout() -> None:
    # Installed or not, the repository's derivations/ folder (with its
    # *.deriv.yaml files) is what the package ships.
    library = cli.shipped_library()
    repo_library = REPO / "derivations"
    if not any(repo_library.rglob("*.deriv.yaml")):
        pytest.skip("the repository has no derivations yet")
    assert library is not None
    assert any(library.rglob("*.deriv.yaml"))


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_exit_status_prefers_bad_input_over_gate_failure() -> None:
    both = Report(derivations=(derivation(passed=False), derivation(errors=("f:1:1: bad",))))
    assert cli.exit_status(both) == 2
    assert cli.exit_status(Report(derivations=(derivation(passed=False),))) == 1
    assert cli.exit_status(Report(derivations=(derivation(passed=True),))) == 0


def passing(name: str) -> DerivationReport:
    item = Outcome(derivation=name, item="step-2", label="step 2 (eq)", verdict=Verdict.PROVED, passed=True)
    return DerivationReport(path=f"{name}.deriv.yaml", id=name, title=name, source=None, outcomes=(item,))


def test_verbosity_levels(pipeline) -> None:
    pipeline(Report(derivations=(passing("one"), passing("two"))))
    default = invoke("verify", "x").output
    assert "PASS  one  one.deriv.yaml  (1 proved; 0 ms)" in default
    assert "step 2 (eq)" not in default
    verbose = invoke("verify", "-v", "x").output
    assert "    ✔ proved  step 2 (eq)  pass" in verbose
    assert "method:" not in verbose
    full = invoke("verify", "-vv", "x").output
    assert "├── ✔ proved  step 2 (eq)  pass" in full or "└── ✔ proved  step 2 (eq)  pass" in full
    assert "0 ms" in full
    quiet = invoke("verify", "-q", "x").output
    assert "one" not in quiet and "PASSED" in quiet
    both = invoke("verify", "-q", "-v", "x")
    assert both.exit_code == 2 and "-q and -v" in both.output


def test_piped_output_prints_a_line_per_derivation_as_it_finishes(pipeline) -> None:
    fake = pipeline(Report(derivations=(passing("one"), passing("two"))))
    result = invoke("verify", "x")
    assert result.exit_code == 0
    # the fake finishes "two" first: its line is out before "one" is done, and before the summary
    assert "PASS  two" in fake.seen[0] and "PASS  one" not in fake.seen[0]
    assert "PASS  one" in fake.seen[1] and "Summary" not in fake.seen[1]
    assert result.output.count("PASS  one") == 1 and result.output.count("PASS  two") == 1
    quiet = invoke("verify", "-q", "x")
    assert quiet.exit_code == 0 and "PASS  " not in quiet.output
    assert len(fake.seen) == 2  # quiet: no progress callback at all


def test_progress_lines_go_to_stderr_when_stdout_is_a_machine_report(pipeline) -> None:
    import json

    fake = pipeline(Report(derivations=(passing("one"),)))
    result = CliRunner(mix_stderr=False).invoke(cli.main, ["verify", "--format", "json", "x"]) \
        if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner().invoke(
            cli.main, ["verify", "--format", "json", "x"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["derivations"][0]["id"] == "one"
    assert "PASS  one" in result.stderr
    assert fake.seen == [""]  # nothing on stdout until the report


def test_long_replay_commands_are_not_wrapped_when_piped(pipeline) -> None:
    from derivcheck.model import Counterexample

    path = "derivations/" + "a-long-folder-name/" * 4 + "file.deriv.yaml"
    replay = f"derivcheck verify {path} --seed 0"
    item = Outcome(derivation="d", item="step-2", label="step 2 (eq)", verdict=Verdict.REFUTED, passed=False,
                   span=Span(path, 4, 5),
                   counterexample=Counterexample(values={"x": "1"}, lhs="1", rhs="2", seed=0, replay=replay))
    pipeline(Report(derivations=(DerivationReport(path=path, id="d", title="t", source=None, outcomes=(item,)),)))
    result = invoke("verify", "x")
    assert result.exit_code == 1
    assert any(line.endswith("replay: " + replay) for line in result.output.splitlines()), result.output
    assert any(line.endswith(f"at {path}:4:5") for line in result.output.splitlines())


def test_a_text_report_file_is_not_wrapped_either(pipeline, tmp_path: Path) -> None:
    from derivcheck.model import Counterexample

    path = "derivations/" + "a-long-folder-name/" * 8 + "file.deriv.yaml"
    replay = f"derivcheck verify {path} --seed 0"
    item = Outcome(derivation="d", item="step-2", label="step 2 (eq)", verdict=Verdict.REFUTED, passed=False,
                   counterexample=Counterexample(values={"x": "1"}, lhs="1", rhs="2", seed=0, replay=replay))
    pipeline(Report(derivations=(DerivationReport(path=path, id="d", title="t", source=None, outcomes=(item,)),)))
    assert invoke("verify", "x", "-o", str(tmp_path / "out.txt")).exit_code == 1
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert any(line.endswith("replay: " + replay) for line in text.splitlines()), text


def test_input_errors_are_printed_once(pipeline) -> None:
    message = "demo.deriv.yaml:3:7: unknown name `y` (declare it under symbols)"
    pipeline(Report(derivations=(derivation(errors=(message,)),)))
    result = invoke("verify", "x")
    assert result.exit_code == 2
    assert result.output.count(message) == 1
    machine = invoke("verify", "--format", "json", "x")  # stdout is JSON: the line goes to stderr
    assert message + "\n" in machine.output


@pytest.mark.parametrize(("name", "starts"), [("out.json", "{"), ("out.xml", "<?xml"), ("out.md", "# derivcheck"),
                                              ("out.html", "<!DOCTYPE html>"), ("out.txt", "PASS  demo")])
def test_output_format_follows_the_extension(pipeline, tmp_path: Path, name: str, starts: str) -> None:
    pipeline(Report(derivations=(derivation(),)))
    target = tmp_path / name
    result = invoke("verify", "x", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(starts)
    assert "PASS  demo" in result.output  # the terminal still shows the report


def test_output_with_an_unknown_extension_is_refused(pipeline, tmp_path: Path) -> None:
    pipeline(Report(derivations=(derivation(),)))
    result = invoke("verify", "x", "-o", str(tmp_path / "report.out"))
    assert result.exit_code == 2
    assert "cannot tell the report format of" in result.output and "--format" in result.output
    assert not (tmp_path / "report.out").exists()
    forced = invoke("verify", "x", "-o", str(tmp_path / "report.out"), "--format", "json")
    assert forced.exit_code == 0
    assert (tmp_path / "report.out").read_text(encoding="utf-8").startswith("{")


def test_report_files_respect_the_umask(pipeline, tmp_path: Path) -> None:
    import os

    pipeline(Report(derivations=(derivation(),)))
    old = os.umask(0o022)
    try:
        assert invoke("verify", "x", "-o", str(tmp_path / "a.json")).exit_code == 0
        os.umask(0o002)
        assert invoke("verify", "x", "-o", str(tmp_path / "b.json")).exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.json").stat().st_mode & 0o777 == 0o664
    (tmp_path / "a.json").chmod(0o600)  # an existing file keeps its mode
    assert invoke("verify", "x", "-o", str(tmp_path / "a.json")).exit_code == 0
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o600


def test_relations_are_shown_as_the_file_writes_them(pipeline, tmp_path: Path) -> None:
    path = tmp_path / "psd.deriv.yaml"
    path.write_text("derivation: psd\ntitle: t\nsymbols:\n  n, k: dimension\n  X: matrix[n, k]\n  z: vector[k]\n"
                    "define:\n  G: X.T @ X\nsteps:\n  - start: z.T @ G @ z\n  - eq: 2 * (X @ z).T @ (X @ z)\n",
                    encoding="utf-8")
    item = Outcome(derivation="psd", item="step-2", label="step 2 (eq)", verdict=Verdict.REFUTED, passed=False,
                   pretty="tr(zᵀ⋅Xᵀ⋅X⋅z) = 2⋅tr(zᵀ⋅Xᵀ⋅X⋅z)", span=Span(str(path), 11, 5))
    pipeline(Report(derivations=(DerivationReport(path=str(path), id="psd", title="t", source=None,
                                                  outcomes=(item,)),)))
    default = invoke("verify", str(path)).output
    assert "z.T @ G @ z = 2 * (X @ z).T @ (X @ z)" in default  # defined name kept, @ products, no tr(...)
    assert "tr(zᵀ" not in default
    full = invoke("verify", "-vv", str(path)).output
    assert "z.T @ G @ z = 2 * (X @ z).T @ (X @ z)" in full and "tr(zᵀ⋅Xᵀ⋅X⋅z)" in full  # -vv: the checked form too
    machine = invoke("verify", "--format", "json", str(path)).output
    assert "tr(zᵀ⋅Xᵀ⋅X⋅z)" in machine  # JSON keeps the expanded form
    written = "z.T @ G @ z = 2 * (X @ z).T @ (X @ z)"
    assert json.JSONDecoder().raw_decode(machine[machine.index("{"):])[0]["derivations"][0]["outcomes"][0]["written"] == written
    for fmt in ("markdown", "html", "junit"):  # every format shows it as written
        assert written in invoke("verify", "--format", fmt, str(path)).output, fmt
    assert invoke("verify", "-o", str(tmp_path / "out.txt"), str(path)).exit_code == 1
    assert written in (tmp_path / "out.txt").read_text(encoding="utf-8")
