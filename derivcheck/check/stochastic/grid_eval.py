"""Scalar SymPy expressions evaluated over integer index grids in torch (float64, real).

Distribution checks need ``sqrt(alpha_bar[t])`` and ``1 - alpha_bar[t]`` at every
``t = 1..T``, where ``alpha_bar[t]`` was expanded at parse time into
``Product(alpha[i], (i, 1, t))``. Writing such a product out term by term for
each ``t`` is quadratic SymPy work; here it is one masked reduction over an
``(..., i)`` grid instead:

>>> import torch, sympy
>>> t, i = sympy.symbols("t i", integer=True)
>>> ev = IndexedEvaluator({t: torch.arange(1, 5, dtype=torch.float64)})
>>> ev(sympy.Product(sympy.Rational(1, 2), (i, 1, t))).tolist()
[0.5, 0.25, 0.125, 0.0625]

Values are tensors that broadcast against each other; every bound variable of a
``Sum``/``Product`` adds one trailing axis while its body is evaluated. A
declared sequence that is not defined is looked up in a table of sampled values
(``sequences``). Anything else raises :class:`Unevaluable` (the caller then
claims nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from ..evidence import NoEvidence

MAX_GRID = 20_000_000  # elements of one Sum/Product grid


class Unevaluable(NoEvidence):
    """The expression has a part this evaluator has no meaning for."""


@dataclass(frozen=True)
class SequenceTable:
    """Sampled values of a sequence: ``values[k]`` is the element at index ``first + k``."""

    first: int
    values: Any  # 1-d float64 tensor


def _unary() -> dict[type, Any]:
    import torch

    return {
        sympy.exp: torch.exp, sympy.log: torch.log, sympy.sin: torch.sin, sympy.cos: torch.cos,
        sympy.tan: torch.tan, sympy.tanh: torch.tanh, sympy.sinh: torch.sinh, sympy.cosh: torch.cosh,
        sympy.atan: torch.atan, sympy.Abs: torch.abs, sympy.sign: torch.sign,
    }


class IndexedEvaluator:
    """Evaluates real scalar expressions; ``values`` maps symbols (and matrix elements) to tensors."""

    def __init__(self, values: dict[sympy.Basic, Any], sequences: dict[str, SequenceTable] | None = None,
                 device: str = "cpu") -> None:
        import torch

        self.torch = torch
        self.values = dict(values)
        self.sequences = sequences or {}
        self.device = device
        self.depth = max((v.dim() for v in self.values.values()), default=0)
        self.unary = _unary()

    def __call__(self, expr: Any) -> Any:
        """``expr``'s value: a float64 tensor broadcastable to the frame's shape."""
        torch = self.torch
        if not isinstance(expr, sympy.Basic):
            return torch.tensor(float(expr), dtype=torch.float64, device=self.device)
        return self._eval(expr)

    def _eval(self, e: sympy.Basic) -> Any:
        torch = self.torch
        if e in self.values:
            return self.values[e]
        if e.is_Number or e.is_NumberSymbol:
            value = complex(sympy.N(e, 17))
            if value.imag:
                raise Unevaluable(f"{e} is not real")
            return torch.tensor(value.real, dtype=torch.float64, device=self.device)
        if isinstance(e, sympy.Indexed):
            return self._indexed(e)
        if isinstance(e, (sympy.Symbol, sympy.Dummy)):
            raise Unevaluable(f"no value for {e}")
        if isinstance(e, sympy.Add):
            out = self._eval(e.args[0])
            for a in e.args[1:]:
                out = out + self._eval(a)
            return out
        if isinstance(e, sympy.Mul) and e.has(sympy.RisingFactorial, sympy.FallingFactorial):
            return self._log_product(e.args)
        if isinstance(e, (sympy.RisingFactorial, sympy.FallingFactorial)):
            return self._log_product((e,))
        if isinstance(e, sympy.Mul):
            out = self._eval(e.args[0])
            for a in e.args[1:]:
                out = out * self._eval(a)
            return out
        if isinstance(e, sympy.Pow):
            base = self._eval(e.base)
            if e.exp == sympy.Rational(1, 2):
                return torch.sqrt(base)
            if e.exp.is_Integer:
                return base ** int(e.exp)
            return torch.pow(base, self._eval(e.exp))
        if isinstance(e, (sympy.Min, sympy.Max)):
            parts = [self._eval(a) for a in e.args]
            out = parts[0]
            for p in parts[1:]:
                out = torch.minimum(out, p) if isinstance(e, sympy.Min) else torch.maximum(out, p)
            return out
        fn = self.unary.get(type(e))
        if fn is not None and len(e.args) == 1:
            return fn(self._eval(e.args[0]))
        if isinstance(e, (sympy.Sum, sympy.Product)):
            return self._reduce(e)
        raise Unevaluable(f"cannot evaluate {type(e).__name__}: {e}")

    def _log_product(self, factors: tuple[sympy.Basic, ...]) -> Any:
        """A product evaluated as sign * exp(sum of log|factor|): SymPy writes ``Product`` of a
        linear factor as ``c**t * RisingFactorial(a, t)``, whose two parts overflow on their own."""
        torch = self.torch
        log_total: Any = torch.tensor(0.0, dtype=torch.float64, device=self.device)
        sign: Any = torch.tensor(1.0, dtype=torch.float64, device=self.device)
        for f in factors:
            if isinstance(f, (sympy.RisingFactorial, sympy.FallingFactorial)):
                k = sympy.Dummy("k", integer=True)
                a, n = f.args
                term = a + k if isinstance(f, sympy.RisingFactorial) else a - k
                log_part = self._eval(sympy.Sum(sympy.log(sympy.Abs(term)), (k, 0, n - 1)))
                negatives = self._eval(sympy.Sum((1 - sympy.sign(term)) / 2, (k, 0, n - 1)))
                part_sign = 1 - 2 * torch.remainder(torch.round(negatives), 2)
            elif isinstance(f, sympy.Pow) and not f.exp.is_Integer and f.base.is_number:
                base, power = self._eval(f.base), self._eval(f.exp)
                log_part = power * torch.log(base.abs())
                odd = torch.remainder(torch.round(power), 2)
                if bool((base < 0).any()) and not bool(torch.all((power - torch.round(power)).abs() < 1e-9)):
                    raise Unevaluable(f"{f} is not real")
                part_sign = torch.where(base < 0, 1 - 2 * odd, torch.ones_like(odd))
            else:
                value = self._eval(f)
                log_part, part_sign = torch.log(value.abs()), torch.sign(value)
            log_total = log_total + log_part
            sign = sign * part_sign
        return sign * torch.exp(log_total)

    def _integers(self, e: sympy.Basic, what: str) -> Any:
        torch = self.torch
        value = self._eval(e)
        rounded = torch.round(value)
        if not bool(torch.all(torch.isfinite(value))) or not bool(torch.all((value - rounded).abs() < 1e-9)):
            raise Unevaluable(f"{what} {e} is not an integer")
        return rounded.to(torch.int64)

    def _indexed(self, e: sympy.Indexed) -> Any:
        name = str(e.base.label)
        table = self.sequences.get(name)
        if table is None or len(e.indices) != 1:
            raise Unevaluable(f"no values for the sequence element {e}")
        index = self._integers(e.indices[0], "the index") - table.first
        if bool((index < 0).any()) or bool((index >= table.values.shape[0]).any()):
            raise Unevaluable(f"{e} needs {name} outside the sampled indices "
                              f"{table.first}..{table.first + table.values.shape[0] - 1}")
        return table.values[index]

    def _reduce(self, e: sympy.Sum | sympy.Product) -> Any:
        """A Sum or Product: its body on a grid with one more axis for the bound variable, masked
        to ``lo <= i <= hi`` and reduced (an empty range gives 0 or 1)."""
        torch = self.torch
        if len(e.limits) != 1:
            return self._eval(e.func(e.func(e.function, *e.limits[:-1]), e.limits[-1]))
        var, lo_e, hi_e = e.limits[0]
        lo, hi = self._integers(lo_e, "the lower bound"), self._integers(hi_e, "the upper bound")
        lo, hi = torch.broadcast_tensors(lo, hi)
        if bool((hi < lo - 1).any()):
            raise Unevaluable(f"{e} has an upper bound below its lower bound minus one")
        if lo.numel() == 0:
            raise Unevaluable(f"{e} over no points")
        first, last = int(lo.min()), int(hi.max())
        count = max(last - first + 1, 1)
        frame = max(self.depth, lo.dim())
        if count * max([lo.numel(), *(v.numel() for v in self.values.values())]) > MAX_GRID:
            raise Unevaluable(f"{e} needs a grid larger than {MAX_GRID} values")
        shape = (1,) * frame + (count,)
        index = torch.arange(first, first + count, dtype=torch.float64, device=self.device).reshape(shape)
        inner = {k: _lift(v, frame) for k, v in self.values.items()}
        inner[var] = index
        body = IndexedEvaluator(inner, self.sequences, self.device)._eval(e.function)
        lo_l, hi_l = _lift(lo, frame).to(torch.float64), _lift(hi, frame).to(torch.float64)
        mask = (index >= lo_l) & (index <= hi_l)
        body, mask = torch.broadcast_tensors(body, mask)
        if isinstance(e, sympy.Sum):
            return torch.where(mask, body, torch.zeros_like(body)).sum(dim=-1)
        return torch.where(mask, body, torch.ones_like(body)).prod(dim=-1)


def _lift(value: Any, frame: int) -> Any:
    """``value`` padded to ``frame`` leading axes, plus one trailing axis of size 1."""
    while value.dim() < frame:
        value = value.unsqueeze(0)
    return value.unsqueeze(-1)
