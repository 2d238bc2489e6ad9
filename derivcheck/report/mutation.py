"""A mutation run -> plain text lines: kill rate per derivation and overall, survivors listed.

Plain text on purpose: the output of ``derivcheck mutate`` is read in CI logs.
"""

from __future__ import annotations

from typing import Any


def _rate(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}%"


def mutation_lines(report: Any, verbose: bool = False) -> list[str]:
    """The lines ``derivcheck mutate`` prints for a :class:`~derivcheck.check.mutation.mutate.MutationReport`.

    Counts per derivation, then every survivor (accepted without a proof that it
    is equivalent: a soundness gap or a vacuous check), then the equivalent and
    undecided mutants, then the overall kill rate.
    """
    lines: list[str] = []
    header = f"{'derivation':44} {'mutants':>7} {'killed':>6} {'undec.':>6} {'equiv.':>6} {'surv.':>5} {'invalid':>7}  kill rate"
    lines.append(header)
    for name in report.derivations:
        c = report.counts(name)
        total = sum(c.values())
        lines.append(f"{name:44} {total:>7} {c['killed']:>6} {c['undecided']:>6} {c['equivalent']:>6} "
                     f"{c['survived']:>5} {c['invalid']:>7}  {_rate(report.kill_rate(name))}")
    groups = [("survived", "SURVIVED (accepted without a proof of equivalence: judge each by hand)"),
              ("equivalent", "equivalent (still true)"), ("undecided", "undecided (not accepted, not refuted)")]
    for status, title in groups:
        chosen = [r for r in report.results if r.status == status]
        if chosen and (status != "undecided" or verbose):
            lines.extend(_listing(title, chosen))
    if report.contradicted:
        lines.extend(_listing("JUDGED EQUIVALENT BUT REFUTED (the judgement or derivcheck is wrong: look at each)",
                              report.contradicted))
    if report.unmatched:
        lines.append("")
        lines.append(f"{len(report.unmatched)} judgement(s) matched no mutant of this run "
                     "(another --seed or --max-per-step, or an edited step)" + (":" if verbose else ""))
        if verbose:
            lines.extend(f"  {derivation} {item}: {text}" for derivation, item, text in report.unmatched)
    c = report.counts()
    lines.append("")
    lines.append(f"overall: {sum(c.values())} mutants, {c['killed']} killed, {c['undecided']} undecided, "
                 f"{c['equivalent']} equivalent, {c['survived']} survived, {c['invalid']} invalid; "
                 f"kill rate {_rate(report.kill_rate())} of non-equivalent mutants; {report.seconds:.1f} s")
    return lines


def _listing(title: str, results: Any) -> list[str]:
    """A titled list of mutants: where, what the pipeline said, the texts, and why."""
    lines = ["", f"{title}:"]
    for r in results:
        m = r.mutant
        lines.append(f"  {m.path} {m.item} [{m.operator}] -> {r.verdict}" + (f" ({r.method})" if r.method else ""))
        lines.append(f"    original: {m.original}")
        lines.append(f"    mutant:   {m.text}")
        if r.detail:
            lines.append(f"    why:      {r.detail.splitlines()[0][:300]}")
    return lines


__all__ = ["mutation_lines"]
