"""The pytest plugin, driven through pytester: collection, failures with file lines, -k, --lf, -n 2."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

# Runs that check derivations go through runpytest_subprocess: pytester's
# in-process runs drop the modules each run imported, and torch cannot be
# imported twice in one process. Collection-only runs stay in-process.

GOOD = """\
derivation: commute
title: Addition commutes
symbols:
  a, b: real
claim: a + b = b + a
steps:
  - start: a + b
  - eq: b + a
    by: commutativity
"""

MUTANT = """\
derivation: square
title: The square of a sum, with a dropped term
symbols:
  a, b: real
steps:
  - start: (a + b)**2
  - eq: a**2 + b**2
    by: a dropped cross term
  - claim: a*b = b*a
"""


@pytest.fixture
def library(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".deriv.yaml", commute=GOOD, square=MUTANT)
    pytester.makefile(".yaml", unrelated="a: 1\n")
    return pytester


def test_nothing_is_collected_unless_asked(library: pytest.Pytester) -> None:
    # No path on the command line and no testpaths: the plugin stays out of the way.
    result = library.runpytest("--co", "-q")
    assert "deriv.yaml" not in result.stdout.str()


def test_items_failure_report_shows_file_lines_and_replay(library: pytest.Pytester) -> None:
    result = library.runpytest_subprocess(".", "-rf")
    result.assert_outcomes(passed=3, failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "*square.deriv.yaml::step-2*",
        "square.deriv.yaml:7: step 2 (eq): FAIL: expected holds, got refuted",
        "  6 |   - start: (a + b)**2",
        "> 7 |   - eq: a**2 + b**2",
        "> 8 |     by: a dropped cross term",
        "verdict: refuted (expected holds)*",
        "counterexample:",
        "replay: derivcheck verify square.deriv.yaml --seed 0",
    ])
    assert "> 9 |" not in out  # the next step is not part of the failing item
    # the relation as the file writes it (a chain step: previous = expression), then as checked
    assert out.index("(a + b)**2 = a**2 + b**2") < out.index("as checked:") < out.index("counterexample:")
    assert "Traceback" not in out and "raise DerivationFailure" not in out


@pytest.mark.slow
def test_k_x_and_last_failed(library: pytest.Pytester) -> None:
    result = library.runpytest_subprocess(".", "-k", "step-2 and commute", "-q")
    result.assert_outcomes(passed=1, deselected=3)
    result = library.runpytest_subprocess("-x", "-q", "square.deriv.yaml")
    result.assert_outcomes(failed=1)
    result = library.runpytest_subprocess(".", "--lf", "-q")
    result.assert_outcomes(failed=1)  # only the item that failed last time ran


def test_reportinfo_points_at_the_step_line(library: pytest.Pytester) -> None:
    items, _ = library.inline_genitems(".")
    info = {item.name: item.reportinfo()[1] + 1 for item in items if item.path.name == "square.deriv.yaml"}
    assert info == {"step-2": 7, "step-3": 9}


def test_a_file_with_input_errors_fails_with_its_messages(pytester: pytest.Pytester) -> None:
    pytester.makefile(".deriv.yaml", broken="derivation: broken\ntitle: t\nsybmols: {a: real}\nsteps:\n  - claim: a = a\n")
    result = pytester.runpytest(".")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*broken.deriv.yaml:3:1: unknown key 'sybmols'*did you mean 'symbols'*"])


@pytest.mark.slow
def test_xdist_runs_derivations_in_two_workers(library: pytest.Pytester) -> None:
    result = library.runpytest_subprocess(".", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*replay: derivcheck verify square.deriv.yaml --seed 0*"])


def test_plugin_module_imports_nothing_heavy() -> None:
    from test_imports import heavy_modules_after

    assert heavy_modules_after("import derivcheck.pytest_plugin") == []
