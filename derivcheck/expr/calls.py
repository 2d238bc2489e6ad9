"""Calls: the fixed list of built-in functions, declared functions, defined functions.

Each built-in has a signature (shown in arity errors) and a reader that turns the
call's ``ast`` arguments into a SymPy object through the parser's
:class:`~derivcheck.expr.parser.Reader`. Calls of declared and defined functions
are read by :mod:`derivcheck.expr.function_calls`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..errors import InputError
from . import objects, shapes
from .definedness import has_infinite_bound
from .singular import NO_INVERSE, always_singular, nowhere_invertible
from .names import declaration_problem, name_problem
from .numbers import is_undefined
from .function_calls import declared_call, defined_call, instantiate
from .scope import FunctionDecl, may_be_complex

if TYPE_CHECKING:
    from .parser import Reader


@dataclass(frozen=True)
class Builtin:
    """A built-in function: how it is written, how many arguments, how it is read."""

    signature: str
    arity: tuple[int, int | None]
    read: Callable[["Reader", ast.Call], Any]


def _scalar_function(function: Callable[..., sympy.Expr],
                     entrywise: str | None = None) -> Callable[["Reader", ast.Call], Any]:
    """A built-in function of scalars; ``entrywise`` names one that ``elementwise`` also applies,
    so that a matrix argument is told how to write the function of each entry."""
    def read(reader: "Reader", node: ast.Call) -> Any:
        result = function(*(_scalar_argument(reader, arg, entrywise) for arg in node.args))
        if is_undefined(result):
            reader.fail(node, "undefined value (such as log(0))")
        return result

    return read


def _scalar_argument(reader: "Reader", node: ast.expr, entrywise: str | None) -> sympy.Expr:
    """``node`` as a scalar argument of the function ``entrywise``: ``exp(A)`` of a matrix is not
    the matrix exponential here, and the error says how to take ``exp`` of each entry."""
    if entrywise is None:
        return reader.scalar(node)
    value = reader.read(node)
    if shapes.is_matrix(value) and not shapes.is_one_by_one(value):
        reader.fail(node, f"expected a scalar, got {shapes.describe(value)}",
                    f"for {entrywise} of each entry write elementwise({entrywise}, {reader.text_of(node)}); "
                    "only 1 x 1 matrix expressions (like z.T @ A @ z) act as scalars")
    try:
        return shapes.as_scalar(value)
    except InputError as exc:
        reader.fail(node, exc.message, exc.hint)


_INTEGER_BOUNDS = (
    "a Sum or Product bound is an integer expression: integer literals, integer, natural or dimension "
    "names, enclosing bound variables, elements of integer sequences, and their sums, differences and "
    "products; or oo, -oo"
)
_REAL_BOUNDS = ("an Integral bound is provably real (no complex names, no sqrt or log of what may be negative), "
                "or oo, -oo")


def _bound_problem(value: sympy.Expr, assumption: str) -> tuple[str, str] | None:
    """(why, hint) when ``value`` may not bound a variable with ``assumption``, or None.

    The variable of a sum is an integer only when its bounds are (SymPy's sum runs
    over a, a + 1, ..., so a real offset makes every term non-integer): a bound
    that is not *provably* an integer under the declarations is refused rather
    than read with an assumption nothing justifies. An integral's variable is
    real when its bounds are."""
    integer = assumption == "integer"
    if value in (sympy.oo, -sympy.oo) or (value.is_integer if integer else value.is_extended_real) is True:
        return None

    def loose(atom: Any) -> bool:
        return (atom.is_integer if integer else atom.is_extended_real) is not True

    labels = {element.base.label for element in value.atoms(sympy.Indexed)}
    # a define's parameter is a dummy named after the parameter; it is an integer
    # only when that name is declared integer or natural
    names = sorted({f"`{s.name}`" for s in value.atoms(sympy.Symbol) if s not in labels and loose(s)})
    sequences = sorted({f"`{e.base.label}`" for e in value.atoms(sympy.Indexed) if loose(e)})
    hint = _INTEGER_BOUNDS if integer else _REAL_BOUNDS
    if names:
        hint += f"; declare {', '.join(names)} {'integer or natural' if integer else 'real'}"
    if sequences:
        hint += f"; declare {', '.join(sequences)} {'an integer' if integer else 'a real'} sequence"
    return ("is not provably an integer" if integer else "is not provably real"), hint


def _bound_limits(reader: "Reader", node: ast.Call, assumption: str) -> list[tuple[sympy.Symbol, Any, Any]]:
    name = node.func.id  # type: ignore[attr-defined]
    limits: list[tuple[sympy.Symbol, Any, Any]] = []
    bound: dict[str, sympy.Symbol] = {}
    for limit in node.args[1:]:
        if not (isinstance(limit, ast.Tuple) and len(limit.elts) == 3 and isinstance(limit.elts[0], ast.Name)):
            reader.fail(limit, f"a limit of {name} is a tuple (variable, lower, upper)", f"write {BUILTINS[name].signature}")
        variable = limit.elts[0].id  # type: ignore[attr-defined]
        problem = declaration_problem(variable)
        if problem is not None:
            reader.fail(limit.elts[0], problem)
        with reader.bind(bound):
            lower = reader.scalar(limit.elts[1], "a scalar limit")
            upper = reader.scalar(limit.elts[2], "a scalar limit")
        for end, value in ((limit.elts[1], lower), (limit.elts[2], upper)):
            problem = _bound_problem(value, assumption)
            if problem is not None:
                reader.fail(end, f"the bound of `{variable}` in {name} {problem[0]}", problem[1])
        symbol = sympy.Symbol(variable, **{assumption: True})
        if symbol in lower.free_symbols | upper.free_symbols:
            reader.fail(limit, f"bound variable `{variable}` also appears in its own limits", "rename the bound variable")
        if any(symbol == getattr(decl, "symbol", None) for decl in reader.scope.names.values()):
            # the declared name is this very SymPy symbol: substituting the declared one
            # (a solved hypothesis, an instance) would reach into the call and capture
            # its variable; a fresh dummy of the same name cannot be reached
            symbol = sympy.Dummy(variable, **{assumption: True})
        bound = {**bound, variable: symbol}
        limits.append((symbol, lower, upper))
    return limits


def _sum_like(kind: type, assumption: str) -> Callable[["Reader", ast.Call], Any]:
    def read(reader: "Reader", node: ast.Call) -> Any:
        limits = _bound_limits(reader, node, assumption)
        with reader.bind({symbol.name: symbol for symbol, _, _ in limits}):
            body = reader.scalar(node.args[0], f"a scalar inside {node.func.id}")  # type: ignore[attr-defined]
        # the file lists limits outermost first (a later limit may use an earlier
        # bound name); SymPy lists them innermost first
        value = kind(body, *reversed(limits))
        if has_infinite_bound(value):
            reader.require("convergent", value)  # before SymPy may cancel it against another
        return value

    return read


def _diff(reader: "Reader", node: ast.Call) -> Any:
    variables = _diff_variables(reader, node)
    # A derivative needs the function on both sides of the point. A variable whose
    # declared domain is closed on one side (nonnegative, nonpositive) would let SymPy
    # simplify the body with its sign first (Max(x, 0) -> x), and diff(Max(x, 0), x) would
    # be 1 at x = 0: the body is read with a plain real variable, differentiated, and the
    # declared variable put back into the derivative.
    # An element x[i] of a sequence so declared is read with a plain real sequence of the
    # same name (every element of it, inside this derivative).
    closed = [v for v, _ in variables if isinstance(v, (sympy.Symbol, sympy.Indexed)) and v.is_integer is not True
              and ((v.is_nonnegative and not v.is_positive) or (v.is_nonpositive and not v.is_negative))]
    if not closed:
        return sympy.Derivative(reader.scalar(node.args[0]), *variables)
    fresh: dict[sympy.Basic, sympy.Basic] = {}
    for v in closed:
        if isinstance(v, sympy.Indexed):
            fresh[v.base] = sympy.IndexedBase(sympy.Dummy(str(v.base.label)), real=True)
        else:
            fresh[v] = sympy.Dummy(v.name, real=True)
    names = {str(k.label) if isinstance(k, sympy.IndexedBase) else k.name: d for k, d in fresh.items()}
    recorded = len(reader.conditions)
    with reader.bind(names, renaming=True):
        expr = reader.scalar(node.args[0])
    back = {d: v for v, d in fresh.items()}  # the body's conditions are the declared variables'
    reader.conditions[recorded:] = [c.replaced(back) for c in reader.conditions[recorded:]]
    if any(isinstance(n, (sympy.Sum, sympy.Product)) and any(b.is_infinite for lim in n.limits for b in lim[1:])
           for n in sympy.preorder_traversal(expr)):
        reader.fail(node, "diff in a nonnegative or nonpositive variable of an infinite sum or product is not "
                          "supported", "declare the variable `real` (or `positive`)")
    def plain(v: sympy.Basic) -> sympy.Basic:
        if isinstance(v, sympy.Indexed) and v.base in fresh:
            return fresh[v.base][v.indices]
        return fresh.get(v, v)

    derivative = sympy.diff(expr, *[(plain(v), k) for v, k in variables])
    return derivative.xreplace({d: v for v, d in fresh.items()})


def _diff_variables(reader: "Reader", node: ast.Call) -> list[Any]:
    variables: list[Any] = []
    for arg in node.args[1:]:
        if isinstance(arg, ast.Constant) and type(arg.value) is int and variables:
            if not 1 <= arg.value <= 10:
                reader.fail(arg, "a derivative order is an integer from 1 to 10")
            variables[-1] = (variables[-1][0], arg.value)
            continue
        value = reader.read(arg)
        if shapes.is_matrix(value):
            reader.fail(arg, "diff differentiates by a scalar", "use grad(f, X) for a vector or matrix")
        if not isinstance(value, (sympy.Symbol, sympy.Indexed)):
            reader.fail(arg, "diff differentiates by a name or a sequence element")
        variables.append((value, 1))
    return variables


def _declared_matrix(reader: "Reader", node: ast.AST, what: str) -> sympy.MatrixSymbol:
    value = reader.read(node)
    if not isinstance(value, sympy.MatrixSymbol):
        hint = "use diff(f, x) for a scalar" if not shapes.is_matrix(value) else None
        reader.fail(node, f"{what} must be a declared matrix or vector name", hint)
    return value


def _grad(reader: "Reader", node: ast.Call) -> Any:
    first = node.args[0]
    if isinstance(first, ast.Name) and not any(first.id in frame for frame in reader.bound):
        decl = reader.scope.names.get(first.id)
        if isinstance(decl, FunctionDecl):
            if len(decl.arguments) != 1 or decl.arguments[0] is None:
                reader.fail(first, f"grad({first.id}, M) needs a function of one matrix argument")
            return objects.FunctionGradient(declared_call(reader, node, decl, [node.args[1]]))
    wrt = _declared_matrix(reader, node.args[1], "the variable of grad")
    return objects.Gradient(reader.scalar(first, "a scalar to differentiate"), wrt)


def _hessian(reader: "Reader", node: ast.Call) -> Any:
    wrt = _declared_matrix(reader, node.args[1], "the variable of hessian")
    if wrt.shape[1] != 1:
        reader.fail(node.args[1], "hessian is taken in a vector (a vector[n] name)")
    return objects.HessianMatrix(reader.scalar(node.args[0], "a scalar to differentiate"), wrt)


def _square(kind: type) -> Callable[["Reader", ast.Call], Any]:
    def read(reader: "Reader", node: ast.Call) -> Any:
        value = reader.read(node.args[0])
        if not shapes.is_matrix(value) or not shapes.same_dimension(*value.shape):
            reader.fail(node.args[0], f"{node.func.id} needs a square matrix, got {shapes.describe(value)}")  # type: ignore[attr-defined]
        if kind is sympy.Inverse:
            why = nowhere_invertible(kind(value))
            if why is not None:  # like a division by 0: no value anywhere
                reader.fail(node, why, NO_INVERSE)
            reader.require("invertible", value)  # before inv(M) @ M cancels
        if kind is sympy.Determinant and always_singular(value) is not None:
            # 0 for every value (z @ z.T has rank 1): so 1/det(z @ z.T) is a division by 0,
            # not a factor that cancels against det(z @ z.T)
            return sympy.Integer(0)
        return kind(value)

    return read


def _constant_matrix(kind: type) -> Callable[["Reader", ast.Call], Any]:
    def read(reader: "Reader", node: ast.Call) -> Any:
        return kind(*(reader.dimension(arg) for arg in node.args))

    return read


ELEMENTWISE_BUILTINS = ("sqrt", "exp", "log", "sin", "cos", "tanh", "Abs", "sign")
"""The built-in scalar functions ``elementwise`` applies by name."""


def _elementwise(reader: "Reader", node: ast.Call) -> Any:
    """``elementwise(f, X)``: the scalar function ``f`` applied to each entry of the matrix ``X``."""
    function, argument = node.args
    value = reader.read(argument)
    if not shapes.is_matrix(value):
        reader.fail(argument, f"elementwise applies a function to each entry of a matrix or vector, "
                              f"got {shapes.describe(value)}", "for a scalar write f(x)")
    if may_be_complex(value, reader.scope):
        reader.fail(argument, "elementwise applies real functions, and this matrix may be complex")
    recorded = len(reader.conditions)
    body = _entry_function(reader, function)
    if is_undefined(body):
        reader.fail(function, "undefined value (such as log(0))")
    _conditions_on_every_entry(reader, recorded, value)
    return objects.Elementwise(sympy.Lambda(objects.ENTRY, body), value)


def _conditions_on_every_entry(reader: "Reader", recorded: int, matrix: Any) -> None:
    """The conditions the function's body recorded on its variable (``u != 0`` for
    ``recip(u): 1/u``) become conditions on every entry of ``matrix``: the product of the
    condition over the entries is nonzero (written out at each size the checks realise),
    so ``elementwise(recip, D)`` of a diagonal D has no value (rule 33)."""
    from .definedness import Condition

    mine = [k for k in reader.conditions[recorded:]
            if isinstance(k.expr, sympy.Basic) and k.expr.has(objects.ENTRY)]
    if not mine:
        return
    reader.conditions[recorded:] = [k for k in reader.conditions[recorded:] if k not in mine]
    i, j = sympy.Dummy("i", integer=True), sympy.Dummy("j", integer=True)
    rows, cols = matrix.shape
    for condition in mine:
        if condition.kind != "nonzero":  # an entry's inverse or series: left for no point to satisfy
            reader.conditions.append(condition)
            continue
        every = objects.Elementwise(sympy.Lambda(objects.ENTRY, condition.expr), matrix)
        product = sympy.Product(sympy.Product(every[i, j], (i, 0, rows - 1)), (j, 0, cols - 1))
        shown = condition.expr.xreplace({objects.ENTRY: sympy.Symbol("u")})  # as `describe` names it
        reader.conditions.append(Condition("nonzero", product, condition.side, (shown, matrix)))


def _entry_function(reader: "Reader", node: ast.expr) -> Any:
    """The body of ``elementwise``'s function, applied to :data:`~derivcheck.expr.objects.ENTRY`."""
    functions = [n for n, d in reader.scope.names.items() if isinstance(d, FunctionDecl) and d.arguments == (None,)]
    functions += [n for n, d in reader.scope.definitions.items()
                  if len(d.params) == 1 and not d.indexed and not isinstance(d.params[0], MatrixExpr)]
    hint = ("name a scalar function of one argument: " + ", ".join([*ELEMENTWISE_BUILTINS, *sorted(functions)])
            + " (define one, e.g. `sigmoid(u): 1/(1 + exp(-u))`, for anything else)")
    if not isinstance(node, ast.Name) or any(node.id in frame for frame in reader.bound):
        reader.fail(node, "the first argument of elementwise is the name of a scalar function", hint)
    name = node.id
    if name in ELEMENTWISE_BUILTINS:
        return getattr(sympy, name)(objects.ENTRY)
    decl = reader.scope.names.get(name)
    if isinstance(decl, FunctionDecl) and decl.arguments == (None,):
        return decl.cls(objects.ENTRY)
    definition = reader.scope.definitions.get(name)
    if definition is not None and name in functions:
        param = definition.params[0]
        if param.is_integer:
            reader.fail(node, f"{name} takes an integer, and the entries of a matrix are real", hint)
        return instantiate(reader, node, definition, {param: objects.ENTRY})
    reader.fail(node, f"`{name}` is not a scalar function of one argument", hint)


def _normal_misplaced(reader: "Reader", node: ast.Call) -> Any:
    reader.fail(node, "Normal(mean, variance) is only allowed on the right of `~` in a distribution check")


BUILTINS: dict[str, Builtin] = {
    "sqrt": Builtin("sqrt(x)", (1, 1), _scalar_function(sympy.sqrt, "sqrt")),
    "exp": Builtin("exp(x)", (1, 1), _scalar_function(sympy.exp, "exp")),
    "log": Builtin("log(x) or log(x, base)", (1, 2), _scalar_function(sympy.log, "log")),
    "sin": Builtin("sin(x)", (1, 1), _scalar_function(sympy.sin, "sin")),
    "cos": Builtin("cos(x)", (1, 1), _scalar_function(sympy.cos, "cos")),
    "tanh": Builtin("tanh(x)", (1, 1), _scalar_function(sympy.tanh, "tanh")),
    "Abs": Builtin("Abs(x)", (1, 1), _scalar_function(sympy.Abs, "Abs")),
    "sign": Builtin("sign(x)", (1, 1), _scalar_function(sympy.sign, "sign")),
    "Min": Builtin("Min(a, b, ...)", (1, None), _scalar_function(sympy.Min)),
    "Max": Builtin("Max(a, b, ...)", (1, None), _scalar_function(sympy.Max)),
    "Sum": Builtin("Sum(f, (i, a, b))", (2, None), _sum_like(sympy.Sum, "integer")),
    "Product": Builtin("Product(f, (i, a, b))", (2, None), _sum_like(sympy.Product, "integer")),
    "Integral": Builtin("Integral(f, (x, a, b))", (2, None), _sum_like(sympy.Integral, "real")),
    "diff": Builtin("diff(f, x) or diff(f, x, n)", (2, None), _diff),
    "grad": Builtin("grad(f, X) or grad(F, M)", (2, 2), _grad),
    "hessian": Builtin("hessian(f, x)", (2, 2), _hessian),
    "det": Builtin("det(M)", (1, 1), _square(sympy.Determinant)),
    "trace": Builtin("trace(M)", (1, 1), _square(sympy.Trace)),
    "inv": Builtin("inv(M)", (1, 1), _square(sympy.Inverse)),
    "eye": Builtin("eye(n)", (1, 1), _constant_matrix(sympy.Identity)),
    "ones": Builtin("ones(r, c)", (2, 2), _constant_matrix(sympy.OneMatrix)),
    "zeros": Builtin("zeros(r, c)", (2, 2), _constant_matrix(sympy.ZeroMatrix)),
    "E": Builtin("E(x)", (1, 1), _scalar_function(objects.Expectation)),
    "Var": Builtin("Var(x)", (1, 1), _scalar_function(objects.Variance)),
    "Cov": Builtin("Cov(x, y)", (2, 2), _scalar_function(objects.Covariance)),
    "Normal": Builtin("Normal(mean, variance)", (2, 2), _normal_misplaced),
    "elementwise": Builtin("elementwise(f, X)", (2, 2), _elementwise),
}


def read_call(reader: "Reader", node: ast.Call) -> Any:
    """The value of a call: a built-in, a declared function or a defined function."""
    func = node.func
    if isinstance(func, ast.Attribute):
        reader.read(func)  # a non-.T attribute is refused there, at its own column
    if not isinstance(func, ast.Name):
        reader.fail(func, "only named functions can be called")
    if node.keywords:
        reader.fail(node.keywords[0], "keyword arguments are not allowed", "pass arguments by position")
    name = func.id
    problem = name_problem(name)
    if problem is not None:
        reader.fail(func, problem)
    if any(name in frame for frame in reader.bound):
        reader.fail(func, f"`{name}` is a bound variable, not a function")
    builtin = BUILTINS.get(name)
    definition = reader.scope.definitions.get(name)
    decl = reader.scope.names.get(name)
    if builtin is not None:
        low, high = builtin.arity
        if len(node.args) < low or (high is not None and len(node.args) > high):
            reader.fail(node, f"wrong number of arguments to {name}", f"write {builtin.signature}")
        try:
            return builtin.read(reader, node)
        except InputError:
            raise
        except Exception as exc:  # a SymPy constructor refusing its arguments
            if "is not comparable" in str(exc):  # Min/Max of a constant SymPy cannot place
                reader.fail(node, f"cannot build {name}: {exc}",
                            "a constant argument must have a value SymPy can compare (an integral it cannot "
                            "evaluate, or a 0 not written 0 such as Integral(t, (t, 0, 1)) - 1/2, has none); "
                            "write its value, or state the comparison as a claim")
            reader.fail(node, f"cannot build {name}: {exc}")
    if definition is not None and definition.params and not definition.indexed:
        if len(node.args) != len(definition.params):
            reader.fail(node, f"{name} takes {len(definition.params)} argument(s)")
        return defined_call(reader, node, definition)
    if isinstance(decl, FunctionDecl):
        if len(node.args) != len(decl.arguments):
            reader.fail(node, f"{name} takes {len(decl.arguments)} argument(s), as declared")
        return declared_call(reader, node, decl, node.args)
    if decl is not None or definition is not None:
        reader.fail(func, f"`{name}` is not a function")
    functions = [n for n, d in reader.scope.names.items() if isinstance(d, FunctionDecl)]
    functions += [n for n, d in reader.scope.definitions.items() if d.params and not d.indexed]
    reader.undeclared(func, name, sorted(BUILTINS) + functions, called=True)


def read_law(reader: "Reader", node: ast.expr) -> objects.NormalLaw:
    """The right side of ``~``: ``Normal(mean, variance)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Normal"):
        reader.fail(node, "the right side of `~` must be Normal(mean, variance)")
    if node.keywords or len(node.args) != 2:
        reader.fail(node, "wrong arguments to Normal", "write Normal(mean, variance)")
    return objects.NormalLaw(reader.scalar(node.args[0]), reader.scalar(node.args[1]))
