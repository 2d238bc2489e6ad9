"""The data that flows through derivcheck: frozen dataclasses, no behaviour.

    file --load--> Derivation --parse--> SymPy objects --check--> Outcome --render--> report

``Derivation`` and its parts hold the file's text exactly as written, each piece
with the :class:`~derivcheck.errors.Span` where it starts, so that every later
error can point back into the file. ``Outcome`` and ``Report`` are what the
checker produces and the reporters render.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .errors import Span


@dataclass(frozen=True)
class Text:
    """A YAML scalar as written, with where it starts."""

    value: str
    span: Span

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Declaration:
    """``names: kind`` under ``symbols``; ``names`` may list several (``a, b, c``)."""

    names: tuple[Text, ...]
    kind: Text


@dataclass(frozen=True)
class Definition:
    """``head: body`` under ``define``; head is ``q(x)``, ``alpha_bar[t]`` or ``Y``."""

    head: Text
    body: Text


@dataclass(frozen=True)
class Hypothesis:
    """``name: relation`` under ``given``."""

    name: Text
    relation: Text


@dataclass(frozen=True)
class Step:
    """One step of a chain or one separate fact.

    ``relation`` is ``start``, ``eq``, ``le``, ``lt``, ``ge``, ``gt`` (chain steps,
    ``expr`` holds the expression) or ``claim`` (a separate fact, ``expr`` holds
    a relation).
    """

    index: int
    relation: str
    expr: Text
    span: Span
    by: Text | None = None
    using: tuple[Text, ...] = ()
    latex: Text | None = None
    expect: Text | None = None
    instances: tuple["Instance", ...] = ()


@dataclass(frozen=True)
class Instance:
    """``for: {t: 1..12}`` entry: a parameter and the values to try."""

    name: Text
    values: tuple[int, ...]


@dataclass(frozen=True)
class Check:
    """An entry of ``checks``: ``kind`` is ``gradient`` or ``distribution``.

    ``fields`` maps each key of the check to its text.
    """

    index: int
    kind: str
    fields: dict[str, Text]
    span: Span
    expect: Text | None = None


@dataclass(frozen=True)
class Derivation:
    """One ``.deriv.yaml`` file, validated against the format but not yet parsed."""

    path: str
    id: Text
    title: Text
    symbols: tuple[Declaration, ...]
    span: Span
    source: Text | None = None
    independent: tuple[tuple[Text, ...], ...] = ()
    define: tuple[Definition, ...] = ()
    given: tuple[Hypothesis, ...] = ()
    claim: Text | None = None
    steps: tuple[Step, ...] = ()
    checks: tuple[Check, ...] = ()
    instances: tuple[Instance, ...] = ()
    expect: Text | None = None
    using: tuple[Text, ...] = ()  # the hypotheses the top-level claim states (``using:`` at the top level)

    def check_expectation(self, check: Check) -> str:
        """``holds`` or ``refuted``: the check's own ``expect``, else the top-level one when
        there is no claim (which it would apply to instead), else ``holds`` (format section 12)."""
        if check.expect is not None:
            return check.expect.value
        return self.expect.value if self.expect is not None and self.claim is None else "holds"


class Verdict(enum.Enum):
    """What the checker established about one item (format section 7)."""

    PROVED = "proved"
    PROVED_INSTANCES = "proved-instances"
    NUMERIC = "numeric"
    REFUTED = "refuted"
    UNKNOWN = "unknown"
    ERROR = "error"

    @property
    def strength(self) -> int:
        """Order used by the gate: higher is stronger evidence that the item holds."""
        return _STRENGTH[self]


_STRENGTH = {
    Verdict.PROVED: 3,
    Verdict.PROVED_INSTANCES: 2,
    Verdict.NUMERIC: 1,
    Verdict.UNKNOWN: 0,
    Verdict.REFUTED: -1,
    Verdict.ERROR: -2,
}


@dataclass(frozen=True)
class Counterexample:
    """Values at which a step fails, confirmed in high precision.

    ``values`` maps each symbol to a readable value (``"1/2"``, ``"[[1, 0], [0, 2]]"``);
    ``lhs``/``rhs`` are the two sides evaluated there; ``replay`` is a command that
    reproduces the failure.
    """

    values: dict[str, str]
    lhs: str
    rhs: str
    seed: int | None = None
    replay: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The verdict on one item: a step, the claim link, or a check.

    ``using`` names the hypotheses (under ``given``) the item was checked under:
    a verdict with hypotheses is conditional ("proved under [h]"), and every
    report shows them beside it.
    """

    derivation: str
    item: str
    label: str
    verdict: Verdict
    expect: str = "holds"
    method: str = ""
    detail: str = ""
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    span: Span | None = None
    by: str | None = None
    pretty: str = ""  # the relation checked, definitions expanded (reports' -vv, JSON)
    passed: bool = False
    latex: str = ""
    using: tuple[str, ...] = ()
    # a limit that cut this outcome's work short or depends on the machine's load (a wall-clock
    # kill, a CPU-time safety limit): the outcome is not final, and the cache never stores it
    limit: str = ""
    # the relation as the file writes it (defined names kept, `@` products), filled in by the
    # report layer from the file (report.written.with_written); "" when there is none to show
    written: str = ""

    @property
    def name(self) -> str:
        """The item's name in every report: its label (``step 2 (eq)``, ``check 1 (gradient)``), and
        ``claim`` for the claim, as the JSON ``item`` and the file's ``claim:`` key call it (the
        pipeline labels it ``claim link``, after the method that checks it)."""
        return "claim" if self.item == "claim" else self.label


@dataclass(frozen=True)
class DerivationReport:
    """All outcomes of one derivation file, in file order."""

    path: str
    id: str
    title: str
    source: str | None
    outcomes: tuple[Outcome, ...]
    seconds: float = 0.0
    errors: tuple[str, ...] = ()
    cached: bool = False

    @property
    def passed(self) -> bool:
        return not self.errors and all(o.passed for o in self.outcomes)


@dataclass(frozen=True)
class Report:
    """A whole run."""

    derivations: tuple[DerivationReport, ...]
    seconds: float = 0.0
    seed: int = 0
    options: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(d.passed for d in self.derivations)


@dataclass(frozen=True)
class Options:
    """How a run checks: the CLI's options, passed down unchanged."""

    seed: int = 0
    timeout: float = 20.0
    numeric: bool = True
    strict: bool = False
    points: int = 24
    device: str = "auto"
