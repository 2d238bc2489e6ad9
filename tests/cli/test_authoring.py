"""Authoring commands: new, show, check --once, schema; the file watcher; formats through the CLI."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from derivcheck.authoring.file_schema import file_schema
from derivcheck.authoring.scaffold import scaffold_text
from derivcheck.authoring.watch import stamp, wait_for_change
from derivcheck.cli import main
from derivcheck.errors import UsageError
from derivcheck.format.loader import load_text


def test_scaffold_loads_and_rejects_bad_names() -> None:
    derivation = load_text(scaffold_text("my-proof"), "my-proof.deriv.yaml")
    assert derivation.id.value == "my-proof" and len(derivation.steps) == 4
    with pytest.raises(UsageError):
        scaffold_text("My Proof")


def test_file_schema_accepts_the_library_and_rejects_unknown_keys(repo: Path) -> None:
    schema = file_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    files = sorted((repo / "derivations").glob("*.deriv.yaml"))[:6]
    assert files
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # every scalar as text
        jsonschema.validate(data, schema)
    data = yaml.load(scaffold_text("x"), Loader=yaml.BaseLoader)
    jsonschema.validate(data, schema)
    data["sybmols"] = data.pop("symbols")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_new_creates_and_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["new", "my-proof", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "my-proof.deriv.yaml").exists()
    again = runner.invoke(main, ["new", "my-proof", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "exists already" in again.output
    bad = runner.invoke(main, ["new", "Bad_Name", "--dir", str(tmp_path)])
    assert bad.exit_code == 2


def test_schema_command_prints_both_schemas() -> None:
    runner = CliRunner()
    fmt = json.loads(runner.invoke(main, ["schema"]).output)
    assert "derivation" in fmt["properties"] and fmt["additionalProperties"] is False
    report = json.loads(runner.invoke(main, ["schema", "--report"]).output)
    assert report["properties"]["schema_version"]["const"] == 2


def test_wait_for_change_sees_a_save_and_times_out(tmp_path: Path) -> None:
    target = tmp_path / "a.deriv.yaml"
    target.write_text("one\n", encoding="utf-8")
    before = {str(target): stamp(str(target))}
    assert wait_for_change([str(target)], before, interval=0.05, until=time.monotonic() + 0.3) is None

    def save() -> None:
        time.sleep(0.2)
        target.write_text("two, longer\n", encoding="utf-8")

    writer = threading.Thread(target=save)
    writer.start()
    changed = wait_for_change([str(target)], before, interval=0.05, until=time.monotonic() + 10)
    writer.join()
    assert changed is not None and changed != before


@pytest.mark.slow
def test_show_check_and_every_format_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["new", "demo"]).exit_code == 0
    shown = runner.invoke(main, ["show", "demo.deriv.yaml"])
    assert shown.exit_code == 0 and "demo: The square of a sum" in shown.output and "by: distribute" in shown.output
    checked = runner.invoke(main, ["check", "--once", "demo.deriv.yaml"])
    assert checked.exit_code == 0, checked.output
    for fmt in ("json", "junit", "markdown", "html", "rich"):
        result = runner.invoke(main, ["verify", "demo.deriv.yaml", "--jobs", "1", "--format", fmt,
                                      "--output", f"out.{fmt}", "-q"])
        assert result.exit_code == 0, result.output
        assert Path(f"out.{fmt}").stat().st_size > 200
    data = json.loads(Path("out.json").read_text(encoding="utf-8"))
    assert [d["cached"] for d in data["derivations"]] == [True]  # check --once filled the cache
    assert data["derivations"][0]["outcomes"][1]["latex"] == r"\left(a + b\right)^{2} = a^2 + 2ab + b^2"


def test_file_schema_knows_the_top_level_using() -> None:
    schema = file_schema()
    using = schema["properties"]["using"]
    assert using["type"] == "array" and "claim" in using["description"]
    data = yaml.load(scaffold_text("x"), Loader=yaml.BaseLoader)
    data["given"] = {"h": "a = b"}
    data["using"] = ["h"]
    jsonschema.validate(data, schema)
    data["using"] = "h"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data["using"] = ["h", "h"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_scaffold_shows_how_a_claim_states_its_hypotheses() -> None:
    text = scaffold_text("x")
    assert "\n# using: [h]" in text and "every one" in text


def test_show_names_the_hypotheses_of_the_claim_and_of_each_step(test_data: Path) -> None:
    path = test_data / "true" / "claim-states-hypothesis-second-step.deriv.yaml"
    shown = CliRunner().invoke(main, ["show", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "\nclaim (under [pos]):\n" in shown.output
    assert "by: Abs(x) = x for x > 0\n         under [pos]\n" in shown.output


GRAM = """derivation: gram
title: t
symbols:
  n, k: dimension
  X: matrix[n, k]
  z: vector[k]
  x: real
define:
  G: X.T @ X
  f(x): x**2 + 1
claim: z.T @ G @ z >= 0
steps:
  - start: z.T @ G @ z
  - eq: (X @ z).T @ (X @ z)
  - claim: f(x) >= 1
  - start: f(
"""


def test_show_writes_relations_as_the_file_does_and_expands_them_with_vv(tmp_path: Path) -> None:
    path = tmp_path / "gram.deriv.yaml"
    path.write_text(GRAM.replace("  - start: f(\n", ""), encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(main, ["show", str(path)])
    assert shown.exit_code == 0, shown.output
    # defined names kept, @ products, as verify's reports show them; nothing expanded
    assert "\nclaim:\n    z.T @ G @ z >= 0\n" in shown.output
    assert "  1      z.T @ G @ z\n  2 =    (X @ z).T @ (X @ z)\n  3 fact f(x) >= 1\n" in shown.output
    assert "checked as" not in shown.output and "X  @ X" not in shown.output and "x  + 1" not in shown.output
    for verbose in (["-v"], []):  # -v alone: every item, which show always lists
        assert runner.invoke(main, ["show", *verbose, str(path)]).output == shown.output
    full = runner.invoke(main, ["show", "-vv", str(path)])
    assert full.exit_code == 0, full.output
    assert "z.T @ G @ z >= 0" in full.output and "f(x) >= 1" in full.output  # still as written first
    assert full.output.count("checked as:") == 4  # each relation as checked: G and f expanded
    assert full.output.count("X  @ X @ z") == 3 and "x  + 1 ≥ 1" in full.output


def test_show_keeps_an_unreadable_expression_as_written_with_its_error(tmp_path: Path) -> None:
    path = tmp_path / "gram.deriv.yaml"
    path.write_text(GRAM, encoding="utf-8")
    shown = CliRunner().invoke(main, ["show", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "  4      f(    (cannot be read: " in shown.output


def test_new_points_at_a_schema_only_when_it_exists(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", "first", "--dir", str(tmp_path)]).exit_code == 0
    text = (tmp_path / "first.deriv.yaml").read_text(encoding="utf-8")
    assert "$schema=" not in text.splitlines()[0]  # no modeline to a file that is not there
    assert "derivcheck schema > derivation.schema.json" in text
    (tmp_path / "derivation.schema.json").write_text(runner.invoke(main, ["schema"]).output, encoding="utf-8")
    assert runner.invoke(main, ["new", "second", "--dir", str(tmp_path)]).exit_code == 0
    first = (tmp_path / "second.deriv.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./derivation.schema.json"
    assert (tmp_path / first.split("=", 1)[1]).is_file()
    assert CliRunner().invoke(main, ["lint", str(tmp_path)]).exit_code == 0  # both verify-ready as written


def test_check_accepts_quiet_and_prints_an_input_error_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.deriv.yaml"
    bad.write_text("derivation: bad\ntitle: t\nsymbols:\n  x: real\nsteps:\n  - claim: x^2 = x*x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--once", "-q", str(bad)])
    assert result.exit_code == 2
    assert result.output.count("bad.deriv.yaml:6:12: `^` is not a power here") == 1, result.output
