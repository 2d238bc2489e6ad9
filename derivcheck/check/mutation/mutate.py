"""Mutation testing of proofs: break every step that should hold, and see it refuted.

For each step (and gradient check) expected to hold, :func:`mutate_text` makes
small AST-level edits of its expression text -- flip a sign, scale a term by 2
or 1/2, drop a term, add or remove a transpose, swap two indices, shift a
``Sum``/``Product`` bound by one, replace a symbol by another declared with the
same kind -- and :func:`run_mutation` runs each mutant through the real
pipeline (:func:`~derivcheck.check.pipeline.derivation.check_item` on an in-memory copy of
the derivation). Each mutant ends as one of:

* ``killed`` -- refuted (a confirmed counterexample);
* ``undecided`` -- not accepted by the gate (``unknown``), but not refuted either;
* ``equivalent`` -- accepted and still true: it parses to the same SymPy
  expression as the original, or it is ``proved`` symbolically and a second
  numeric cross-check (another seed, four times the points) finds no counterexample;
* ``survived`` -- accepted (``numeric`` or ``proved-instances``) without a proof
  of equivalence: a soundness gap in derivcheck or a vacuous check in the file;
* ``invalid`` -- the mutant does not read (shape error, ...): not counted.

A survivor that a person has judged still true is recorded in a judgements file
(:mod:`derivcheck.format.judged`); :func:`apply_judgements` then counts it as
``equivalent``, with the reason. A judged mutant that is refuted contradicts the
judgement (or derivcheck refuted a true step): it is listed, and fails the run.

The kill rate is ``killed / (killed + undecided + survived)``. Mutant texts are
produced by ``ast.unparse`` and read by the safe parser like any file text.
"""

from __future__ import annotations

import ast
import copy
import random
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

from ...errors import InputError, InputErrors
from ...expr.declarations import build_scope
from ...expr.parser import parse_expression, parse_relation
from ...format.library import load_library
from ...model import Derivation, Options, Text, Verdict
from ..pipeline import build_items, check_item

KINDS = ("killed", "undecided", "equivalent", "survived", "invalid")


@dataclass(frozen=True)
class Mutant:
    """One edited copy of one item's text."""

    derivation: str
    path: str
    item: str  # "step-3", "check-1"
    operator: str  # "flip sign", "scale by 2", ...
    original: str
    text: str


@dataclass(frozen=True)
class MutantResult:
    """What the pipeline said about one mutant, and how that is classified."""

    mutant: Mutant
    status: str  # one of KINDS
    verdict: str
    method: str = ""
    detail: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class MutationReport:
    """Every mutant of a run, in order."""

    results: tuple[MutantResult, ...]
    seconds: float = 0.0
    contradicted: tuple[MutantResult, ...] = ()  # judged equivalent, yet refuted
    unmatched: tuple[tuple[str, str, str], ...] = ()  # judgements no mutant of this run matched

    def counts(self, derivation: str | None = None) -> dict[str, int]:
        """How many mutants (of one derivation, or all) ended in each status."""
        out = {k: 0 for k in KINDS}
        for r in self.results:
            if derivation is None or r.mutant.derivation == derivation:
                out[r.status] += 1
        return out

    def kill_rate(self, derivation: str | None = None) -> float | None:
        """killed / (killed + undecided + survived); None when no mutant counts."""
        c = self.counts(derivation)
        total = c["killed"] + c["undecided"] + c["survived"]
        return None if total == 0 else c["killed"] / total

    @property
    def derivations(self) -> list[str]:
        return list(dict.fromkeys(r.mutant.derivation for r in self.results))


# --- text -> mutants ---------------------------------------------------------

def _split_relation(text: str) -> tuple[str, bool]:
    """``a = b`` -> ``a == b`` so that Python's ast reads it; (text, is_relation)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            before, after = text[i - 1] if i else "", text[i + 1] if i + 1 < len(text) else ""
            if before not in "<>=!" and after != "=":
                return text[:i] + "==" + text[i + 1:], True
    return text, any(op in text for op in ("==", "<=", ">=", "<", ">"))


def _replace_node(tree: ast.AST, target: ast.AST, new: ast.AST) -> ast.AST:
    class Swap(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            if node is target:
                return new
            return self.generic_visit(node)

    return Swap().visit(tree)


def _num(value: int) -> ast.expr:
    return ast.Constant(value)


def _edits(node: ast.AST, kinds: dict[str, str], tree: ast.AST) -> Iterator[tuple[str, Callable[[ast.AST], Any]]]:
    """(operator name, function building the replacement of the copied ``node``)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        flipped = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        yield "flip sign", lambda n: ast.BinOp(n.left, flipped, n.right)
        yield "drop a term", lambda n: n.left
        yield "drop a term", lambda n: n.right if isinstance(n.op, ast.Add) else ast.UnaryOp(ast.USub(), n.right)
        yield "scale by 2", lambda n: ast.BinOp(n.left, n.op, ast.BinOp(_num(2), ast.Mult(), n.right))
        yield "scale by 1/2", lambda n: ast.BinOp(ast.BinOp(n.left, ast.Div(), _num(2)), n.op, n.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "flip sign", lambda n: n.operand
    if isinstance(node, ast.Attribute) and node.attr == "T":
        yield "swap transpose", lambda n: n.value
    if isinstance(node, ast.Name) and node.id in kinds:
        kind = kinds[node.id]
        if "matrix" in kind and "function" not in kind:
            yield "swap transpose", lambda n: ast.Attribute(ast.Name(n.id, ast.Load()), "T", ast.Load())
        for other in sorted(kinds):
            if other != node.id and kinds[other] == kind:
                yield f"replace {node.id} by {other}", lambda n, o=other: ast.Name(o, ast.Load())
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2:
        if ast.dump(node.slice.elts[0]) != ast.dump(node.slice.elts[1]):
            yield "swap indices", lambda n: ast.Subscript(
                n.value, ast.Tuple([n.slice.elts[1], n.slice.elts[0]], ast.Load()), ast.Load())
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        subs = [s for s in (node.left, node.right) if isinstance(s, ast.Subscript)]
        if len(subs) == 2 and ast.dump(subs[0].slice) != ast.dump(subs[1].slice):
            yield "swap indices", lambda n: ast.BinOp(
                ast.Subscript(n.left.value, n.right.slice, ast.Load()), ast.Mult(),
                ast.Subscript(n.right.value, n.left.slice, ast.Load()))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("Sum", "Product")
            and len(node.args) == 2 and isinstance(node.args[1], ast.Tuple) and len(node.args[1].elts) == 3):
        for position, label in ((1, "lower"), (2, "upper")):
            for delta in (1, -1):
                yield f"shift {node.func.id} {label} bound by {delta:+d}", (
                    lambda n, p=position, d=delta: _shift_bound(n, p, d))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.MatMult)):
        yield "scale by 2", lambda n: ast.BinOp(_num(2), ast.Mult(), n)


def _shift_bound(call: ast.Call, position: int, delta: int) -> ast.Call:
    limits = call.args[1]
    elts = list(limits.elts)
    op = ast.Add() if delta > 0 else ast.Sub()
    elts[position] = ast.BinOp(elts[position], op, _num(abs(delta)))
    return ast.Call(call.func, [call.args[0], ast.Tuple(elts, ast.Load())], [])


def mutate_text(text: str, kinds: dict[str, str]) -> list[tuple[str, str]]:
    """Every (operator, mutated text) of an expression or relation, distinct and differing from ``text``.

    ``kinds`` maps each declared name to its declaration (``"real"``,
    ``"matrix[n, n]"``); a name is replaced only by another of the same kind.

    >>> mutate_text("a + b", {"a": "real", "b": "real"})[:2]
    [('flip sign', 'a - b'), ('drop a term', 'a')]
    """
    source, relation = _split_relation(text)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    try:
        baseline = ast.unparse(tree)
    except (RecursionError, ValueError):
        return []
    nodes = list(ast.walk(tree))
    out: list[tuple[str, str]] = []
    seen = {baseline}
    for index, node in enumerate(nodes):
        if relation and node is tree.body:
            continue  # the relation itself: mutate its sides, not the comparison
        for operator, build in _edits(node, kinds, tree):
            fresh = copy.deepcopy(tree)
            target = list(ast.walk(fresh))[index]
            try:
                mutated = _replace_node(fresh, target, build(target))
                text_out = ast.unparse(ast.fix_missing_locations(mutated))
            except (RecursionError, ValueError, AttributeError, TypeError):
                continue
            if text_out not in seen:
                seen.add(text_out)
                out.append((operator, text_out))
    return out


def _kinds(derivation: Derivation) -> dict[str, str]:
    return {name.value: " ".join(d.kind.value.split()) for d in derivation.symbols for name in d.names}


def generate_mutants(derivation: Derivation, max_per_step: int | None = 6, seed: int = 0) -> list[Mutant]:
    """Mutants of every step and gradient check of ``derivation`` that is expected to hold.

    At most ``max_per_step`` per item (a seeded sample that keeps one of each
    operator first, so every kind of edit is tried); None keeps them all.
    """
    kinds = _kinds(derivation)
    rng = random.Random(f"{seed}:{derivation.id.value}")
    mutants: list[Mutant] = []
    targets: list[tuple[str, str]] = []
    for step in derivation.steps:
        if step.relation != "start" and (step.expect is None or step.expect.value == "holds"):
            targets.append((f"step-{step.index}", step.expr.value))
    for check in derivation.checks:
        if check.kind == "gradient" and "equals" in check.fields and derivation.check_expectation(check) == "holds":
            targets.append((f"check-{check.index}", check.fields["equals"].value))
    readable = _reader(derivation)
    for key, text in targets:
        candidates = [(op, new) for op, new in mutate_text(text, kinds) if readable(key, text, new)]
        chosen = _sample(candidates, max_per_step, rng)
        mutants.extend(Mutant(derivation.id.value, derivation.path, key, op, text, new) for op, new in chosen)
    return mutants


def _reader(derivation: Derivation) -> Callable[[str, str, str], bool]:
    """A cheap filter: does a mutant text read, with the original's shape? (Saves sampling dead mutants.)"""

    try:
        scope = build_scope(derivation)
    except (InputError, InputErrors):
        return lambda key, original, text: False
    spans = {f"step-{s.index}": (s.relation == "claim", s.expr.span) for s in derivation.steps}

    def shape(value: Any) -> Any:
        return getattr(value, "shape", None)

    def readable(key: str, original: str, text: str) -> bool:
        is_relation, span = spans.get(key, (False, derivation.span))
        try:
            if is_relation:
                parse_relation(Text(text, span), scope)
                return True
            return shape(parse_expression(Text(text, span), scope)) == shape(
                parse_expression(Text(original, span), scope))
        except (InputError, InputErrors):
            return False
        except (RecursionError, MemoryError, ValueError, TypeError):
            return False

    return readable


def _sample(candidates: list[tuple[str, str]], limit: int | None, rng: random.Random) -> list[tuple[str, str]]:
    if limit is None or len(candidates) <= limit:
        return candidates
    shuffled = candidates[:]
    rng.shuffle(shuffled)
    by_family: dict[str, list[tuple[str, str]]] = {}
    for op, text in shuffled:
        by_family.setdefault(op.split(" ")[0], []).append((op, text))
    chosen: list[tuple[str, str]] = []
    while len(chosen) < limit:
        for family in sorted(by_family):
            if by_family[family] and len(chosen) < limit:
                chosen.append(by_family[family].pop(0))
    order = {c: i for i, c in enumerate(candidates)}
    return sorted(chosen, key=order.__getitem__)


# --- running -----------------------------------------------------------------

def apply_mutant(derivation: Derivation, mutant: Mutant) -> Derivation:
    """A copy of ``derivation`` whose item ``mutant.item`` reads ``mutant.text``."""
    kind, number = mutant.item.split("-")
    index = int(number)
    if kind == "step":
        steps = tuple(replace(s, expr=Text(mutant.text, s.expr.span)) if s.index == index else s
                      for s in derivation.steps)
        return replace(derivation, steps=steps)
    checks = []
    for c in derivation.checks:
        if c.index == index:
            fields = dict(c.fields)
            fields["equals"] = Text(mutant.text, fields["equals"].span)
            c = replace(c, fields=fields)
        checks.append(c)
    return replace(derivation, checks=tuple(checks))


def _item(derivation: Derivation, key: str) -> tuple[Any, Any] | None:
    try:
        scope = build_scope(derivation)
        items = build_items(derivation, scope, parse_expression, parse_relation)
    except (InputError, InputErrors):
        return None
    for item in items:
        if item.key == key:
            return item, scope
    return None


def run_mutant(derivation: Derivation, mutant: Mutant, options: Options) -> MutantResult:
    """Check one mutant through the pipeline and classify it."""

    started = time.perf_counter()
    found = _item(apply_mutant(derivation, mutant), mutant.item)
    if found is None or found[0].error is not None or found[0].relation is None:
        detail = found[0].error if found is not None and found[0].error else "does not read"
        return MutantResult(mutant, "invalid", "error", detail=detail.splitlines()[0],
                            seconds=time.perf_counter() - started)
    item, scope = found
    item.expect = "holds"
    outcome = check_item(item, scope, derivation, options)
    status = _classify(outcome.verdict)
    detail = outcome.detail
    if status == "survived":
        reason = _equivalence(derivation, mutant, item, scope, outcome, options)
        if reason is not None:
            status, detail = "equivalent", reason
    return MutantResult(mutant, status, outcome.verdict.value, outcome.method, detail,
                        time.perf_counter() - started)


def _classify(verdict: Verdict) -> str:
    if verdict is Verdict.REFUTED:
        return "killed"
    if verdict is Verdict.ERROR:
        return "invalid"
    if verdict is Verdict.UNKNOWN:
        return "undecided"
    return "survived"


def _equivalence(derivation: Derivation, mutant: Mutant, item: Any, scope: Any, outcome: Any,
                 options: Options) -> str | None:
    """Why an accepted mutant is still true, or None (then it is a survivor)."""

    original = _item(derivation, mutant.item)
    if original is not None and original[0].relation is not None:
        mine, theirs = item.relation, original[0].relation
        try:
            same = mine.op == theirs.op and bool(mine.lhs == theirs.lhs) and bool(mine.rhs == theirs.rhs)
        except (TypeError, ValueError):
            same = False
        if same:
            return "equivalent: reads as the same SymPy expression as the original"
    if outcome.verdict is not Verdict.PROVED:
        return None
    second = check_item(item, scope, derivation,
                        replace(options, seed=options.seed + 1, points=4 * options.points))
    if second.verdict is Verdict.PROVED:
        return f"equivalent: proved symbolically ({outcome.method}); no counterexample at {4 * options.points} more points"
    return None


def apply_judgements(report: MutationReport, judged: dict[tuple[str, str, str], str]) -> MutationReport:
    """Survivors judged equivalent by hand become ``equivalent``; refuted judged mutants
    are recorded as contradictions, and judgements that match no mutant as unmatched."""
    results, contradicted, used = [], [], set()
    for r in report.results:
        key = (r.mutant.derivation, r.mutant.item, r.mutant.text)
        why = judged.get(key)
        if why is not None:
            used.add(key)
            if r.status == "survived":
                r = replace(r, status="equivalent", detail=f"equivalent (judged by hand): {why}")
            elif r.status == "killed":
                contradicted.append(r)
        results.append(r)
    unmatched = tuple(k for k in judged if k not in used)
    return replace(report, results=tuple(results), contradicted=tuple(contradicted), unmatched=unmatched)


def run_mutation(paths: list[str], options: Options, max_per_step: int | None = 6,
                 seed: int = 0, progress: Callable[[MutantResult], None] | None = None) -> MutationReport:
    """Generate and check the mutants of every derivation under ``paths``.

    Files that do not load are skipped here (``derivcheck verify`` reports them).
    """

    started = time.perf_counter()
    derivations, _errors = load_library(paths)
    results: list[MutantResult] = []
    for derivation in derivations:
        for mutant in generate_mutants(derivation, max_per_step, seed):
            result = run_mutant(derivation, mutant, options)
            results.append(result)
            if progress is not None:
                progress(result)
    return MutationReport(tuple(results), time.perf_counter() - started)


__all__ = ["Mutant", "MutantResult", "MutationReport", "mutate_text", "generate_mutants", "apply_mutant",
           "run_mutant", "run_mutation", "apply_judgements"]
