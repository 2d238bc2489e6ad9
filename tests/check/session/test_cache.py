"""The incremental cache: keys, atomic entries, corrupt entries, reuse through run_derivations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from derivcheck.check.session.cache import ResultCache, cache_key, cacheable
from derivcheck.check.session.run import run_derivations
from derivcheck.errors import Span
from derivcheck.model import DerivationReport, Options, Outcome, Verdict


@dataclass(frozen=True)
class _Text:
    value: str


@dataclass(frozen=True)
class FakeDerivation:
    path: str
    id: _Text
    title: _Text = _Text("t")
    source: None = None


def _report(path: str) -> DerivationReport:
    ident = Path(path).name.split(".")[0]
    return DerivationReport(path=path, id=ident, title="t", source=None, outcomes=(
        Outcome(ident, "step-2", "step 2 (eq)", Verdict.PROVED, passed=True, span=Span(path, 3, 5)),))


def _library(tmp_path: Path, count: int = 3) -> list[FakeDerivation]:
    found = []
    for i in range(count):
        path = tmp_path / f"d{i}.deriv.yaml"
        path.write_text(f"derivation: d{i}\n", encoding="utf-8")
        found.append(FakeDerivation(str(path), _Text(f"d{i}")))
    return found


class Counting:
    def __init__(self) -> None:
        self.checked: list[str] = []

    def __call__(self, derivation: FakeDerivation, options: Options) -> DerivationReport:
        self.checked.append(derivation.path)
        return _report(derivation.path)


def test_key_depends_on_content_options_and_path() -> None:
    base = cache_key("a.deriv.yaml", b"x", Options())
    assert base == cache_key("a.deriv.yaml", b"x", Options())
    assert base != cache_key("a.deriv.yaml", b"y", Options())
    assert base != cache_key("a.deriv.yaml", b"x", Options(seed=1))
    assert base != cache_key("a.deriv.yaml", b"x", Options(strict=True))
    assert base != cache_key("b.deriv.yaml", b"x", Options())


def test_put_then_get_marks_cached(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    report = _report("lib/a.deriv.yaml")
    assert cache.get("k" * 64) is None
    assert cache.put("k" * 64, report)
    back = cache.get("k" * 64)
    assert back is not None and back.cached and back.outcomes == report.outcomes
    assert not list((tmp_path / "c").rglob(".tmp-*"))  # no temporary file left behind
    assert (tmp_path / "c" / ".gitignore").exists()


def test_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    (library := _library(tmp_path, 1))
    key = cache.key_for(library[0].path, Options())
    assert key is not None
    entry = cache.entry_path(key)
    entry.parent.mkdir(parents=True)
    entry.write_text('{"key": "', encoding="utf-8")  # half an entry
    check = Counting()
    reports = run_derivations(library, Options(), check, cache=cache)
    assert check.checked == [library[0].path] and not reports[0].cached
    assert cache.get(key) is not None  # rewritten


def test_warm_run_checks_nothing_and_an_edit_rechecks_only_its_file(tmp_path: Path) -> None:
    library = _library(tmp_path)
    cache = ResultCache(tmp_path / "c")
    first = Counting()
    run_derivations(library, Options(), first, cache=cache)
    assert len(first.checked) == 3
    warm = Counting()
    reports = run_derivations(library, Options(), warm, cache=cache)
    assert warm.checked == [] and all(r.cached for r in reports)
    Path(library[1].path).write_text("derivation: d1\n# edited\n", encoding="utf-8")
    edited = Counting()
    reports = run_derivations(library, Options(), edited, cache=cache)
    assert edited.checked == [library[1].path]
    assert [r.cached for r in reports] == [True, False, True]
    other_seed = Counting()
    run_derivations(library, Options(seed=3), other_seed, cache=cache)
    assert len(other_seed.checked) == 3


def test_worker_failures_are_not_cached(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    lost = DerivationReport(path="a", id="a", title="t", source=None, outcomes=(
        Outcome("a", "worker", "worker", Verdict.ERROR, method="worker", detail="died"),))
    assert not cache.put("f" * 64, lost)
    assert cache.get("f" * 64) is None


def test_an_outcome_cut_short_by_a_limit_is_not_cached(tmp_path: Path) -> None:
    # a CPU-time safety limit or a wall-clock kill makes an outcome depend on more than the file
    cache = ResultCache(tmp_path / "c")
    final = _report("a.deriv.yaml")
    cut = DerivationReport(path="a", id="a", title="t", source=None, outcomes=(
        final.outcomes[0],
        Outcome("a", "step-3", "step 3", Verdict.UNKNOWN, detail="numeric: stopped at its safety limit",
                limit="the numeric check stopped at its safety limit of 30 s of CPU time"),))
    assert not cacheable(cut) and cacheable(final)
    assert not cache.put("e" * 64, cut)
    assert cache.get("e" * 64) is None
    assert cache.put("d" * 64, final)  # the same cache stores a final result


def test_run_derivations_checks_a_cut_short_file_again(tmp_path: Path) -> None:
    library = _library(tmp_path, 2)
    calls: list[str] = []

    def check(derivation: FakeDerivation, options: Options) -> DerivationReport:
        calls.append(derivation.path)
        report = _report(derivation.path)
        if derivation.path.endswith("d0.deriv.yaml"):  # cut short by a limit every time
            report = DerivationReport(path=report.path, id=report.id, title="t", source=None, outcomes=tuple(
                replace(o, verdict=Verdict.UNKNOWN, limit="a wall-clock kill") for o in report.outcomes))
        return report

    cache = ResultCache(tmp_path / "c")
    run_derivations(library, Options(), check, cache=cache)
    run_derivations(library, Options(), check, cache=cache)
    assert sorted(Path(p).name for p in calls) == ["d0.deriv.yaml", "d0.deriv.yaml", "d1.deriv.yaml"]


def test_the_engine_fingerprint_covers_every_source_that_decides_verdicts() -> None:
    # the cache must miss after any change to the checker: every module of check/, expr/ and
    # format/ is hashed (once, cache.py moving into check/session/ left only check/__init__.py)
    from pathlib import Path

    import derivcheck
    from derivcheck.check.session import cache

    package = Path(derivcheck.__file__).resolve().parent
    assert cache._PACKAGE == package
    hashed = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if cache._decides_verdicts(p)}
    assert {"expr/parser.py", "expr/pretty.py", "format/loader.py", "check/session/cache.py",
            "check/pipeline/derivation.py", "model.py", "errors.py"} <= hashed
    assert not any(name.startswith(("report/", "cli/")) or name == "pytest_plugin.py" for name in hashed)
