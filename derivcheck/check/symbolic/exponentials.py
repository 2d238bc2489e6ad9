"""An exp/log normal form for equalities of logistic, tanh, softplus and Gaussian expressions.

Each rewrite is an identity where it is applied:

- ``tanh(u) = (exp(2*u) - 1)/(exp(2*u) + 1)``;
- a Gaussian integral over the real line, ``Integral(c*exp(a*x**2 + b*x + d), (x, -oo, oo))``
  with ``c``, ``b``, ``d`` free of ``x`` and real, and ``a < 0`` proved, is
  ``c*sqrt(pi/(-a))*exp(d - b**2/(4*a))`` (completing the square); with ``c`` a
  polynomial in ``x``, its moments about ``m = -b/(2*a)`` (odd ones vanish, the
  ``2*j``-th is ``(2*j - 1)!!/(-2*a)**j`` times the above); a sum of such terms term
  by term (each converges);
- ``log(p*q) = log(p) + log(q)`` and ``log(p**e) = e*log(p)`` only where ``p``, ``q``
  are proved positive and ``e`` real; ``log(exp(u)) = u`` for real ``u``;
- ``det(M)`` of a matrix declared diagonal, at a concrete size, is the product of its
  diagonal entries; the entries of real matrices are real, and the diagonal entries
  of a ``pd`` matrix positive (``e_i.T @ M @ e_i > 0``), so they stand as real
  (positive) symbols;
- the exponentials: every exponent (a real rational function, put over one
  denominator) is written as a rational combination of a basis of them
  (exact row reduction), and ``exp(e_j) = t_1**k_1 * ... * t_m**k_m`` with one new
  positive symbol ``t_i = exp(b_i/L_i)`` per basis exponent and integer ``k``.
  Treating the ``t_i`` as independent proves more than the identity, never less.

Then the difference of the two sides must ``cancel`` to exactly 0.
"""

from __future__ import annotations

from functools import reduce

import sympy

from sympy.matrices.expressions.matexpr import MatrixElement

from ...expr.scope import MatrixDecl, Scope
from .certificates import gap_certificate
from .inequalities import is_real, positive

_OPAQUE = (sympy.Sum, sympy.Product, sympy.Derivative, sympy.Piecewise, sympy.Abs, sympy.sign,
           sympy.Min, sympy.Max)


MAX_NODES = 3000
"""Larger differences are left to ``simplify``: this strategy runs before it, in the same budget."""


def applies(expr: sympy.Basic) -> bool:
    """Whether the normal form can read ``expr`` (cheaply)."""
    if not isinstance(expr, sympy.Expr):
        return False
    size = sum(1 for _ in zip(range(MAX_NODES + 1), sympy.preorder_traversal(expr)))
    return (size <= MAX_NODES and not expr.has(*_OPAQUE) and not expr.atoms(sympy.MatrixSymbol, sympy.Indexed)
            and not expr.atoms(sympy.Function) - expr.atoms(sympy.exp, sympy.log, sympy.tanh))


def equal_by_exponential_form(lhs: sympy.Expr, rhs: sympy.Expr, scope: Scope) -> bool:
    """A proof that ``lhs = rhs`` wherever both are defined (see the module docstring)."""
    difference = _entries_as_symbols(_diagonal_determinants(sympy.sympify(lhs - rhs, strict=True), scope), scope)
    if not applies(difference) or not all(s.is_real for s in difference.free_symbols):
        return False
    form = _logs(gaussian_integrals(difference.rewrite(sympy.exp) if difference.has(sympy.tanh) else difference,
                                     scope), scope)
    if form.has(sympy.Integral):
        return False
    substituted = _substitute_exponentials(form, scope)
    if substituted is None:
        return False
    substituted = _logs(substituted, scope)
    try:
        return sympy.cancel(sympy.together(substituted)) == 0
    except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
        return False


def _diagonal_determinants(expr: sympy.Expr, scope: Scope) -> sympy.Expr:
    def product(node: sympy.Determinant) -> sympy.Expr:
        decl = scope.names.get(str(getattr(node.arg, "name", "")))
        size = node.arg.shape[0]
        if not (isinstance(decl, MatrixDecl) and decl.symbol == node.arg and "diagonal" in decl.qualifiers
                and size.is_Integer and 0 < size <= 16):
            return node
        return sympy.Mul(*[node.arg[i, i] for i in range(int(size))])

    return expr.replace(lambda n: isinstance(n, sympy.Determinant), product)


def _entries_as_symbols(expr: sympy.Expr, scope: Scope) -> sympy.Expr:
    """Each entry of a declared real matrix as a real symbol (positive on the diagonal of a pd matrix)."""
    out = {}
    for entry in expr.atoms(MatrixElement):
        decl = scope.names.get(str(getattr(entry.parent, "name", "")))
        if not (isinstance(decl, MatrixDecl) and decl.symbol == entry.parent and "complex" not in decl.qualifiers):
            continue
        if not (entry.i.is_Integer and entry.j.is_Integer):
            continue
        sign = {"positive": True} if entry.i == entry.j and decl.has_qualifier("pd") else {"real": True}
        out[entry] = sympy.Symbol(f"_{decl.name}_{entry.i}_{entry.j}", **sign)
    return expr.xreplace(out)


def gaussian_integrals(expr: sympy.Expr, scope: Scope) -> sympy.Expr:
    """Every Gaussian integral over the real line in ``expr`` in closed form (see the module
    docstring); other integrals are left as they are."""
    def closed(node: sympy.Integral) -> sympy.Expr:
        if len(node.limits) != 1 or len(node.limits[0]) != 3:
            return node
        x, low, high = node.limits[0]
        if (low, high) != (-sympy.oo, sympy.oo):
            return node
        terms = [_gaussian_term(t, x, scope) for t in sympy.Add.make_args(sympy.expand(node.function))]
        return node if None in terms else sympy.Add(*terms)

    return expr.replace(lambda n: isinstance(n, sympy.Integral), closed)


def _gaussian_term(term: sympy.Expr, x: sympy.Symbol, scope: Scope) -> sympy.Expr | None:
    """The integral over the real line of ``term = p(x)*exp(a*x**2 + b*x + d)``, ``a < 0``, with
    ``p`` a polynomial in ``x``: with ``m = -b/(2*a)`` and ``x = m + y``, the odd moments of
    ``exp(a*y**2)`` vanish and ``Integral(y**(2*j)*exp(a*y**2)) = sqrt(pi/(-a))*(2*j - 1)!!/(-2*a)**j``."""
    factors = sympy.Mul.make_args(term)
    exponent = sympy.Add(*[f.args[0] for f in factors if f.func == sympy.exp])
    coefficient = sympy.Mul(*[f for f in factors if f.func != sympy.exp])
    if not exponent.has(x) or not is_real(coefficient, scope):
        return None
    try:
        poly, prefactor = sympy.Poly(sympy.expand(exponent), x), sympy.Poly(coefficient, x)
    except sympy.PolynomialError:
        return None
    if poly.degree() != 2 or prefactor.degree() > 8:
        return None
    a, b, d = (poly.coeff_monomial(x**k) for k in (2, 1, 0))
    if not all(is_real(c, scope) for c in (a, b, d)) or gap_certificate(-a, True, scope) is None:
        return None
    centre = -b / (2 * a)
    shifted = sympy.Poly(sympy.expand(prefactor.as_expr().subs(x, x + centre)), x)
    moments = sympy.Add(*[c * sympy.factorial2(k - 1) / (-2 * a) ** (k // 2)
                          for (k,), c in shifted.terms() if k % 2 == 0])
    return moments * sympy.sqrt(sympy.pi / (-a)) * sympy.exp(d - b**2 / (4 * a))


def _logs(expr: sympy.Expr, scope: Scope) -> sympy.Expr:
    """Logarithms of products, powers and exponentials split where positivity is proved."""
    def split(node: sympy.Basic) -> sympy.Basic:
        (argument,) = node.args
        return _split_log(argument, scope) or node

    return expr.replace(lambda n: n.func == sympy.log and len(n.args) == 1, split)


def _split_log(argument: sympy.Expr, scope: Scope) -> sympy.Expr | None:
    if argument.func == sympy.exp and is_real(argument.args[0], scope):
        return argument.args[0]
    numerator, denominator = sympy.fraction(sympy.together(argument))
    factors = _signs_into_odd_powers([*_powers(numerator), *[(b, -e) for b, e in _powers(denominator)]])
    if len(factors) == 1 and factors[0][1] == 1:
        return None
    out = []
    for base, power in factors:
        if not _positive(base, scope) or not is_real(power, scope):
            return None
        out.append(power * (base.args[0] if base.func == sympy.exp else sympy.log(base)))
    return sympy.Add(*out)


def _signs_into_odd_powers(factors: list[tuple[sympy.Expr, sympy.Expr]]) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """A negative number times an odd power, ``-(b - 1)**3``, as ``(1 - b)**3``: SymPy writes
    ``(1 - b)**3`` so, and ``c*p**k = (-c)*(-p)**k`` for odd integer ``k``."""
    sign = [k for k, (base, power) in enumerate(factors) if base.is_number and base.is_negative and power == 1]
    odd = [k for k, (base, power) in enumerate(factors) if power.is_integer and power.is_odd and not base.is_number]
    if len(sign) != 1 or not odd:
        return factors
    out = list(factors)
    (s,), k = sign, odd[0]
    out[s] = (-out[s][0], sympy.Integer(1))
    out[k] = (sympy.expand(-out[k][0]), out[k][1])
    return [f for f in out if f[0] != 1]


def _powers(expr: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """The factors of ``expr`` as ``(base, power)``; a polynomial base (expanded, as the canonical
    form leaves ``(1 - b)**3``) by its ``factor_list``: ``(c*p**k)**e = c**e * p**(k*e)`` once
    each factor is proved positive, as :func:`_split_log` requires."""
    out = []
    for f in sympy.Mul.make_args(expr):
        base, power = f.as_base_exp()
        if isinstance(base, sympy.Add) and len(base.args) <= 30 and base.is_polynomial():
            try:
                coefficient, factors = sympy.factor_list(base)
            except (sympy.PolynomialError, NotImplementedError):
                factors = None
            if factors and (len(factors) > 1 or factors[0][1] > 1):
                out += [(coefficient, power)] if coefficient != 1 else []
                out += [(p, k * power) for p, k in factors]
                continue
        if f != 1:
            out.append((base, power))
    return out


def _positive(expr: sympy.Expr, scope: Scope) -> bool:
    # gap_certificate writes a scalar of a bounded interval over exactly that interval where
    # its half-line is not enough
    return positive(expr, scope) or gap_certificate(expr, True, scope) is not None


def _substitute_exponentials(expr: sympy.Expr, scope: Scope) -> sympy.Expr | None:
    """Each ``exp`` as a monomial in positive symbols, one per basis exponent; None when an
    exponent is not a real rational function of the expression's generators."""
    atoms = list(sympy.ordered(expr.atoms(sympy.exp)))
    if not atoms:
        return expr
    exponents = [sympy.together(a.args[0]) for a in atoms]
    if not all(is_real(e, scope) for e in exponents):
        return None
    denominator = reduce(sympy.lcm, [sympy.fraction(e)[1] for e in exponents])
    numerators = [sympy.cancel(e * denominator) for e in exponents]
    try:
        polys, _ = sympy.parallel_poly_from_expr(numerators)
    except (sympy.PolynomialError, sympy.GeneratorsNeeded):
        return None
    if not all(p.domain.is_ZZ or p.domain.is_QQ for p in polys):
        return None
    monomials = sorted({m for p in polys for m in p.monoms()})
    matrix = sympy.Matrix([[p.coeff_monomial(m) for p in polys] for m in monomials])
    reduced, pivots = matrix.rref()
    replacement = {}
    for column, atom in enumerate(atoms):
        value = sympy.Integer(1)
        for row, pivot in enumerate(pivots):
            multiple = sympy.Rational(reduced[row, column])
            scale = reduce(sympy.ilcm, [sympy.Rational(reduced[row, c]).q for c in range(len(atoms))], 1)
            value *= sympy.Symbol(f"_exp{row}", positive=True) ** (multiple * scale)
        replacement[atom] = value
    return expr.xreplace(replacement)


def matrix_coefficients_vanish(difference: sympy.Basic, scope: Scope) -> bool:
    """Whether a matrix expression ``sum_k c_k * M_k`` (scalar ``c_k``, matrix products ``M_k``)
    is zero because, for each distinct ``M_k``, the sum of its scalar coefficients is 0 in the
    exponential normal form (a sufficient condition). Each trace of real matrices in a
    coefficient is a real number, and stands as a new real symbol: independent symbols prove more."""
    terms: dict[sympy.Basic, sympy.Expr] = {}
    for term in sympy.Add.make_args(difference) if not isinstance(difference, sympy.MatAdd) else difference.args:
        scalars = [a for a in (term.args if isinstance(term, sympy.MatMul) else (term,)) if not a.is_Matrix]
        matrices = [a for a in (term.args if isinstance(term, sympy.MatMul) else (term,)) if a.is_Matrix]
        if not matrices:
            return False
        key = sympy.MatMul(*matrices).doit() if len(matrices) > 1 else matrices[0]
        terms[key] = terms.get(key, sympy.Integer(0)) + sympy.Mul(*scalars)
    if len(terms) > 16:
        return False
    for coefficient in terms.values():
        traces = sorted(coefficient.atoms(sympy.Trace), key=sympy.default_sort_key)
        if not all(is_real(t, scope) for t in traces):
            return False
        plain = coefficient.xreplace({t: sympy.Symbol(f"_trace{k}", real=True) for k, t in enumerate(traces)})
        if plain.atoms(sympy.MatrixSymbol) or not equal_by_exponential_form(plain, sympy.Integer(0), scope):
            return False
    return True
