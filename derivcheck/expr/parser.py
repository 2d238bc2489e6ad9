"""Safe text -> SymPy: a whitelist walk over Python's ``ast``, never ``eval``.

:func:`parse_expression` reads one expression, :func:`parse_relation` one
relation (``a = b``, ``a == b``, ``<=``, ``<``, ``>=``, ``>``, and ``x ~ Normal(m, v)``
where laws are allowed). Only the node types named in :class:`Reader` are
accepted; anything else is an :class:`~derivcheck.errors.InputError` carrying the
offending text and its exact line and column. Size limits are enforced before
any work: :data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` levels of nesting and
:data:`MAX_NODES` syntax nodes. The meaning of each construct is the format's
(``docs/format.md``); calls are read by :mod:`derivcheck.expr.calls`.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
from collections.abc import Iterator
from typing import Any, NoReturn

import sympy

from ..errors import InputError, Span
from ..model import Text
from . import calls, names, objects, shapes, slips
from .constants import constant_sign, enclosable
from .definedness import Condition, needed
from .numbers import decimal_literal, integer_literal
from .segments import MAX_LENGTH, Source, read_segment
from .singular import NO_INVERSE, nowhere_invertible
from .scope import DefinitionDecl, FunctionDecl, MatrixDecl, RandomDecl, ScalarDecl, Scope, SequenceDecl

ACCEPTED = (
    "accepted: numbers, declared names, + - * / ** @, unary -, .T, x[i], X[i, j], "
    "and calls of " + ", ".join(sorted(calls.BUILTINS)) + ", declared and defined functions"
)

_REJECTED = {
    ast.Lambda: "a lambda",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.BoolOp: "`and`/`or`",
    ast.NamedExpr: "an assignment expression (:=)",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Starred: "a starred expression",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.List: "a list",
    ast.Tuple: "a tuple (tuples only appear as Sum/Product/Integral limits)",
    ast.IfExp: "a conditional expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice (indices are single integers)",
    ast.Compare: "a comparison (a relation has exactly one =, <=, <, >=, > at its top level)",
}

_OPERATORS = {
    ast.Add: shapes.add,
    ast.Sub: lambda a, b: shapes.add(a, shapes.negate(b)),
    ast.Mult: shapes.multiply,
    ast.Div: shapes.divide,
    ast.Pow: shapes.power,
    ast.MatMult: shapes.matmul,
}

_COMPARISONS = {ast.Eq: "=", ast.LtE: "<=", ast.Lt: "<", ast.GtE: ">=", ast.Gt: ">"}


class UndeclaredName(InputError):
    """An expression used a name that is not declared; ``name`` says which."""

    def __init__(self, message: str, span: Span | None, hint: str | None, name: str) -> None:
        super().__init__(message, span, hint)
        self.name = name


class Reader:
    """Reads one parsed segment into SymPy objects against a scope.

    Accepted nodes: BinOp (+ - * / ** @), UnaryOp (- +), int and float
    Constants, Name, Attribute ``.T``, Subscript, Call, and Tuples inside calls.
    """

    def __init__(self, source: Source, start: int, segment: str) -> None:
        self.source = source
        self.start = start
        self.encoded = segment.encode("utf-8")
        self.scope: Scope = Scope(path=source.span.file)
        self.bound: list[dict[str, sympy.Symbol]] = []
        self.conditions: list[Condition] = []  # what the expression needs to have a value (expr/definedness.py)
        self.renaming: set[int] = set()  # frames that rename declared names (diff), binding no conditions

    # positions ---------------------------------------------------------------
    def _char(self, byte_offset: int) -> int:
        return len(self.encoded[:byte_offset].decode("utf-8", errors="ignore"))

    def span_of(self, node: ast.AST, byte_offset: int | None = None) -> Span:
        offset = node.col_offset if byte_offset is None else byte_offset  # type: ignore[attr-defined]
        return self.source.span_at(self.start + self._char(offset))

    def text_of(self, node: ast.AST) -> str:
        """The source text of ``node``, shortened for messages."""
        end = node.end_col_offset or node.col_offset  # type: ignore[attr-defined]
        text = self.encoded[node.col_offset : end].decode("utf-8", errors="replace")  # type: ignore[attr-defined]
        return text if len(text) <= 60 else text[:57] + "..."

    def fail(self, node: ast.AST, message: str, hint: str | None = None) -> NoReturn:
        """Raise an InputError about ``node``, naming its text and position."""
        raise InputError(f"{message}: `{self.text_of(node)}`", self.span_of(node), hint)

    # reading -----------------------------------------------------------------
    def read(self, node: ast.AST) -> Any:
        """The SymPy value of ``node`` (a scalar or a matrix expression)."""
        try:
            value = self._dispatch(node)
            self._told_from_zero(node, value)
            return value
        except InputError as exc:
            if exc.span is not None:
                raise
            raise InputError(f"{exc.message}: `{self.text_of(node)}`", self.span_of(node), exc.hint) from None
        except (TypeError, ValueError, ArithmeticError, NotImplementedError, AttributeError) as exc:
            self.fail(node, f"cannot build this expression ({type(exc).__name__}: {exc})")

    def _told_from_zero(self, node: ast.AST, value: Any) -> None:
        """Refuse a compound constant that no interval evaluation tells from 0 (trust rule 35).

        SymPy judges the sign of such a constant from a rounded value: ``tanh(log(6) - log(2)
        - log(3))`` is "negative" to it, so ``sign`` of it becomes -1 as it is built and
        ``x**2 - tanh(...)`` "positive". Read bottom-up, the innermost such constant is refused
        before anything is built on it; a constant outside the enclosed operations (an
        integral) is left to the checks, which certify or doubt it themselves."""
        if (isinstance(value, sympy.Expr) and not value.is_Rational and enclosable(value)
                and value.has(sympy.Function, sympy.Pow, sympy.Add) and constant_sign(value) is None):
            self.fail(node, "this constant cannot be told from 0 (no interval evaluation up to 1024 bits "
                            "excludes 0): derivcheck cannot reason about its sign",
                      "write 0 if it is 0 (log(6) - log(2) - log(3) is 0), or a form without a near "
                      "cancellation")

    def scalar(self, node: ast.AST, what: str = "a scalar") -> sympy.Expr:
        """The value of ``node`` as a scalar (1x1 matrices become their Trace)."""
        value = self.read(node)
        try:
            return shapes.as_scalar(value, what)
        except InputError as exc:
            self.fail(node, exc.message, exc.hint)

    def dimension(self, node: ast.AST) -> sympy.Expr:
        """The value of ``node`` as a matrix dimension."""
        value = self.read(node)
        try:
            return shapes.check_dimension(value)
        except InputError as exc:
            self.fail(node, exc.message, exc.hint)

    def require(self, kind: str, expr: Any) -> None:
        """Record that the expression being read needs ``expr`` to be ``kind`` (nonzero,
        invertible, convergent): read now, before SymPy combines ``expr`` away."""
        bound = {s for frame in self.bound if id(frame) not in self.renaming for s in frame.values()}
        condition = needed(kind, expr, bound)
        if condition is not None and condition not in self.conditions:
            self.conditions.append(condition)

    def require_all(self, conditions: Any, replacements: dict[Any, Any] | None = None) -> None:
        """Record the conditions of a definition's body, with its arguments put in."""
        for condition in conditions:
            if replacements:
                condition = condition.replaced(replacements)
            self.require(condition.kind, condition.expr)

    @contextlib.contextmanager
    def bind(self, symbols: dict[str, Any], *, renaming: bool = False) -> Iterator[None]:
        """Bound variables (of Sum, Product, Integral) visible inside the block; ``renaming``:
        fresh copies of declared names (inside ``diff``), whose conditions are the point's."""
        self.bound.append(symbols)
        if renaming:
            self.renaming.add(id(symbols))
        try:
            yield
        finally:
            self.bound.pop()
            self.renaming.discard(id(symbols))

    def _dispatch(self, node: ast.AST) -> Any:
        if isinstance(node, ast.BinOp):
            operator = _OPERATORS.get(type(node.op))
            if operator is None:
                if isinstance(node.op, ast.BitXor):
                    fixed = self.text_of(node).replace("^", "**")
                    self.fail(node, "`^` is not a power here", f"did you mean `**`? write {fixed}")
                self.fail(node, "operator not allowed", "operators: + - * / ** @")
            left, right = self.read(node.left), self.read(node.right)
            result = operator(left, right)
            self._record_divisor(node, left, right)
            return result
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return shapes.negate(self.read(node.operand))
            if isinstance(node.op, ast.UAdd):
                return self.read(node.operand)
            self.fail(node, "operator not allowed", "unary operators: - +")
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Call):
            return calls.read_call(self, node)
        what = _REJECTED.get(type(node), f"`{type(node).__name__}`")
        self.fail(node, f"{what} is not allowed in an expression", ACCEPTED)

    def _record_divisor(self, node: ast.BinOp, left: Any, right: Any) -> None:
        """The divisor of ``left / right``, or the base of a power whose exponent may be
        negative, must be nonzero (a matrix to a negative power, invertible: refused, as
        ``inv`` is, when it is singular for every value)."""
        op = node.op
        if isinstance(op, ast.Div):
            self.require("nonzero", shapes.as_scalar(right))
        elif isinstance(op, ast.Pow):
            exponent = shapes.as_scalar(right)
            if getattr(exponent, "is_nonnegative", None) is True:
                return
            if shapes.is_matrix(left) and not shapes.is_one_by_one(left):
                why = nowhere_invertible(sympy.Inverse(left))
                if why is not None:  # as inv(M): like a division by 0, no value anywhere
                    self.fail(node, why, NO_INVERSE)
                self.require("invertible", left)
            else:
                self.require("nonzero", shapes.as_scalar(left))

    def _constant(self, node: ast.Constant) -> sympy.Expr:
        if type(node.value) is int:
            return integer_literal(node.value)
        if type(node.value) is float:
            return decimal_literal(self.encoded[node.col_offset : node.end_col_offset].decode())
        kind = {str: "a string", bytes: "bytes", bool: "a boolean", complex: "a complex literal"}.get(
            type(node.value), "this constant"
        )
        self.fail(node, f"{kind} is not allowed in an expression", "numbers are integers or decimals like 0.5, 1e-3")

    def _name(self, node: ast.Name) -> Any:
        name = node.id
        problem = names.name_problem(name)
        if problem is not None:
            self.fail(node, problem)
        for frame in reversed(self.bound):
            if name in frame:
                return frame[name]
        definition = self.scope.definitions.get(name)
        if definition is not None:
            if definition.params:
                form = f"{name}[...]" if definition.indexed else f"{name}(...)"
                self.fail(node, f"`{name}` takes arguments", f"write {form}")
            self.require_all(definition.conditions)
            return definition.body
        decl = self.scope.names.get(name)
        if isinstance(decl, (ScalarDecl, RandomDecl, MatrixDecl)):
            return decl.symbol
        if isinstance(decl, SequenceDecl):
            self.fail(node, f"`{name}` is a sequence", f"use an element, e.g. {name}[i]")
        if isinstance(decl, FunctionDecl):
            self.fail(node, f"`{name}` is a function", f"call it, e.g. {name}(x)")
        if name == "pi":
            return sympy.pi
        if name == "oo":
            return sympy.oo
        if name == "E":
            self.fail(node, "`E` is the expectation E(x)", "Euler's number is exp(1)")
        if name in calls.BUILTINS:
            self.fail(node, f"`{name}` is a function", f"call it: {calls.BUILTINS[name].signature}")
        self.undeclared(node, name, list(self.scope.names) + list(self.scope.definitions))

    def undeclared(self, node: ast.AST, name: str, candidates: list[str], *, called: bool = False) -> NoReturn:
        """Raise the error for an undeclared name (``called``: a function's), with a did-you-mean hint."""
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
        fix = slips.function_hint(name) if called else slips.name_hint(name) or f"declare `{name}` under symbols"
        hint = (f"did you mean {', '.join(close)}?" + (f" or {fix}" if called else "")) if close else fix
        if name == "e":
            hint += "; Euler's number is exp(1)"
        raise UndeclaredName(f"undeclared name `{name}`", self.span_of(node), hint, name)

    def _attribute(self, node: ast.Attribute) -> Any:
        if node.attr != "T":
            attr_start = (node.end_col_offset or 0) - len(node.attr.encode("utf-8"))
            module = node.value.id if isinstance(node.value, ast.Name) else ""
            if slips.module_hint(module, node.attr):
                raise InputError(f"`{module}.{node.attr}` is array code", self.span_of(node),
                                 slips.module_hint(module, node.attr))
            raise InputError(
                f"attribute `.{node.attr}` is not allowed",
                self.span_of(node, attr_start),
                "the only attribute is .T (transpose)",
            )
        value = self.read(node.value)
        if not shapes.is_matrix(value):
            self.fail(node, "`.T` transposes matrices, but this is a scalar")
        return value.T

    def _indices(self, node: ast.Subscript) -> list[ast.expr]:
        index = node.slice
        return list(index.elts) if isinstance(index, ast.Tuple) else [index]

    def _integer(self, node: ast.AST) -> sympy.Expr:
        value = self.scalar(node, "an integer index")
        if value.is_integer is not True:
            self.fail(node, "an index must be an integer expression", "use integers and integer, natural or bound names")
        return value

    def _subscript(self, node: ast.Subscript) -> Any:
        base = node.value
        if isinstance(base, ast.Name) and not any(base.id in frame for frame in self.bound):
            decl = self.scope.names.get(base.id)
            if isinstance(decl, SequenceDecl):
                indices = self._indices(node)
                if len(indices) != 1:
                    self.fail(node, f"sequence `{base.id}` takes one index", f"write {base.id}[i]")
                return decl.base[self._integer(indices[0])]
            definition = self.scope.definitions.get(base.id)
            if definition is not None and definition.indexed:
                return self._indexed_definition(node, definition)
        value = self.read(base)
        if isinstance(value, sympy.IndexedBase):  # a bound sequence (a plain copy inside a derivative)
            indices = self._indices(node)
            if len(indices) != 1:
                self.fail(node, f"sequence `{base.id}` takes one index", f"write {base.id}[i]")  # type: ignore[attr-defined]
            return value[self._integer(indices[0])]
        if not shapes.is_matrix(value):
            self.fail(node, "only sequences, indexed definitions and matrices can be indexed")
        return self._entry(node, value)

    def _indexed_definition(self, node: ast.Subscript, definition: DefinitionDecl) -> Any:
        indices = self._indices(node)
        if len(indices) != len(definition.params):
            self.fail(node, f"`{definition.name}` takes {len(definition.params)} index(es)")
        values = [self._integer(index) for index in indices]
        return calls.instantiate(self, node, definition, dict(zip(definition.params, values)))

    def _entry(self, node: ast.Subscript, matrix: Any) -> sympy.Expr:
        rows, cols = matrix.shape
        indices = self._indices(node)
        if len(indices) == 1 and (cols == 1 or rows == 1):
            index = self._integer(indices[0])
            self._check_bound(indices[0], index, cols if rows == 1 else rows)
            return matrix[0, index - 1] if rows == 1 else matrix[index - 1, 0]
        if len(indices) != 2:
            self.fail(node, f"an entry of {shapes.describe(matrix)} needs two indices", "write X[i, j] (1-based)")
        i, j = self._integer(indices[0]), self._integer(indices[1])
        self._check_bound(indices[0], i, rows)
        self._check_bound(indices[1], j, cols)
        return matrix[i - 1, j - 1]

    def _check_bound(self, node: ast.AST, index: sympy.Expr, size: sympy.Expr) -> None:
        if index.is_Integer and (index < 1 or (size.is_Integer and index > size)):
            self.fail(node, f"index out of range 1..{size}", "indices are 1-based")


def reader_for(source: Source, scope: Scope, start: int = 0, end: int | None = None) -> tuple[ast.expr, Reader]:
    """Parse a piece of ``source`` (all of it by default) and a reader for it against ``scope``."""
    if len(source.text) > MAX_LENGTH:
        raise source.error(0, f"text longer than {MAX_LENGTH} characters")
    node, start, segment = read_segment(source, start, len(source.text) if end is None else end, ACCEPTED)
    reader = Reader(source, start, segment)
    reader.scope = scope
    return node, reader


def _read(reader: Reader, node: ast.AST) -> Any:
    try:
        return reader.read(node)
    except RecursionError:
        raise reader.source.error(reader.start, "expression too deeply nested") from None


def parse_expression(text: Text, scope: Scope, conditions: list[Condition] | None = None) -> Any:
    """Read ``text`` as one expression against ``scope``: a SymPy scalar or matrix expression.

    Raises :class:`~derivcheck.errors.InputError` with the offending text and its
    line and column. ``conditions``, when given, receives what the expression needs to
    have a value (:mod:`derivcheck.expr.definedness`), recorded before SymPy simplified.

    >>> from derivcheck.errors import Span
    >>> parse_expression(Text("0.1 + pi", Span("f", 1, 1)), Scope("f"))
    1/10 + pi
    """
    node, reader = reader_for(Source(text), scope)
    value = _read(reader, node)
    if conditions is not None:
        conditions.extend(reader.conditions)
    return value


def _split_points(text: str) -> list[tuple[int, str]]:
    """Top-level single ``=`` and ``~`` positions (not parts of ==, <=, >=, !=)."""
    points: list[tuple[int, str]] = []
    depth = 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and char == "~":
            points.append((i, "~"))
        elif depth == 0 and char == "=":
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if before not in ("<", ">", "=", "!") and after != "=":
                points.append((i, "="))
    return points


def parse_relation(text: Text, scope: Scope, allow_law: bool = False,
                   conditions: list[Condition] | None = None) -> objects.Relation:
    """Read ``text`` as a relation: ``a = b`` (or ``==``), ``<=``, ``<``, ``>=``, ``>``,
    and, with ``allow_law``, ``x ~ Normal(mean, variance)``.

    Shapes follow :func:`derivcheck.expr.shapes.make_relation`. ``conditions``, when
    given, receives what each side needs to have a value (as :func:`parse_expression`).
    """
    source = Source(text)
    if len(text.value) > MAX_LENGTH:
        raise source.error(0, f"text longer than {MAX_LENGTH} characters")
    points = _split_points(text.value)
    if len(points) > 1:
        raise source.error(points[1][0], "a relation has exactly one relation sign", "write one of =, <=, <, >=, >, ~")
    if not points:
        node, reader = reader_for(source, scope)
        if not isinstance(node, ast.Compare):
            raise source.error(
                reader.start, "expected a relation", "write `lhs = rhs`, or use <=, <, >=, >"
            )
        if len(node.ops) != 1:
            reader.fail(node, "a relation has exactly one relation sign", "split chained comparisons into steps")
        op = _COMPARISONS.get(type(node.ops[0]))
        if op is None:
            reader.fail(node, "unsupported relation", "use =, <=, <, >=, > (not != or `in`/`is`)")
        lhs = _read(reader, node.left)
        left = len(reader.conditions)
        rhs = _read(reader, node.comparators[0])
        if conditions is not None:
            conditions.extend([c.on("left") for c in reader.conditions[:left]]
                              + [c.on("right") for c in reader.conditions[left:]])
        return _relate(reader, node, lhs, op, rhs)
    index, op = points[0]
    if op == "~" and not allow_law:
        raise source.error(index, "`~` (is distributed as) is only allowed in distribution checks")
    if not text.value[:index].strip():
        raise source.error(index, f"missing left side of `{op}`")
    if not text.value[index + 1 :].strip():
        raise source.error(index, f"missing right side of `{op}`")
    left_node, left = reader_for(source, scope, 0, index)
    lhs = _read(left, left_node)
    right_node, right = reader_for(source, scope, index + 1)
    rhs = calls.read_law(right, right_node) if op == "~" else _read(right, right_node)
    if conditions is not None:
        conditions.extend([c.on("left") for c in left.conditions] + [c.on("right") for c in right.conditions])
    try:
        return shapes.make_relation(lhs, op, rhs)
    except InputError as exc:
        raise source.error(index, exc.message, exc.hint) from None


def _relate(reader: Reader, node: ast.Compare, lhs: Any, op: str, rhs: Any) -> objects.Relation:
    try:
        return shapes.make_relation(lhs, op, rhs)
    except InputError as exc:
        reader.fail(node, exc.message, exc.hint)
