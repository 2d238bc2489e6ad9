"""The command line through click's CliRunner, with the pipeline replaced by a fake."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from derivcheck import __version__, cli
from derivcheck.errors import InputError, Span, UsageError
from derivcheck.model import DerivationReport, Options, Outcome, Report, Verdict



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

    def verify_paths(self, paths: list[str], options: Options, **run: object) -> Report:
        self.calls.append((list(paths), options))
        if isinstance(self.result, Exception):
            raise self.result
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
    loud = invoke("verify", "a.deriv.yaml").output
    quiet = invoke("verify", "--quiet", "a.deriv.yaml").output
    assert "step 1 (eq)" in loud
    assert "step 1 (eq)" not in quiet
    assert "PASSED" in quiet


def test_default_path_is_the_local_derivations_folder(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    Path("derivations").mkdir()
    result = runner.invoke(cli.main, ["verify"])
    assert result.exit_code == 0, result.output
    assert fake.calls[0][0] == ["derivations"]


def test_default_path_falls_back_to_the_shipped_library(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    monkeypatch.setattr(cli.common, "shipped_library", lambda: tmp_path / "lib")
    runner = CliRunner()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    result = runner.invoke(cli.main, ["verify"])
    assert result.exit_code == 0, result.output
    assert fake.calls[0][0] == [str(tmp_path / "lib")]


def test_no_default_library_is_a_usage_error(pipeline, monkeypatch, tmp_path: Path) -> None:
    fake = pipeline(Report(derivations=(derivation(),)))
    monkeypatch.setattr(cli.common, "shipped_library", lambda: None)
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.main, ["verify"])
    assert result.exit_code == 2
    assert "pass the files or folders to check" in result.output
    assert fake.calls == []


def test_shipped_library_is_found_from_a_source_checkout() -> None:
    # Installed or not, the repository's derivations/ folder (with its
    # *.deriv.yaml files) is what the package ships.
    library = cli.shipped_library()
    repo_library = Path(__file__).resolve().parent.parent / "derivations"
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
