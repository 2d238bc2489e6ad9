"""Array back ends of the numeric checks: numpy (the default) and torch (CUDA, autograd).

The evaluator (:mod:`.evaluate`) and the matrix maps (:mod:`.domains`) are written once
against :class:`Arrays`, a small vocabulary of batched complex128 operations with
SymPy's meaning (principal branches, ``sign(z) = z/|z|``, ``b**e = exp(e*log(b))`` so
that ``0**0`` has no float value, a non-finite argument of ``sign`` none either).
:data:`NUMPY` runs on the CPU without importing torch: a file of scalar steps checks
in a fraction of torch's import time. :func:`torch_arrays` runs on torch's device;
the gradient check uses it for autograd, and ``--device cuda`` for random points.

The points themselves are drawn by numpy in both (:mod:`.sampling`), so the evidence
does not depend on the back end: only the float rounding of an evaluation may.

>>> import numpy
>>> with NUMPY.quiet():
...     NUMPY.power(NUMPY.complex(numpy.array([0.0, 4.0])), NUMPY.complex(numpy.array([0.0, 0.5]))).tolist()
[(nan+nanj), (2+0j)]
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Callable

import numpy
import sympy

NAN = complex("nan")
NO_VALUE = complex(math.nan, math.nan)


class Arrays:
    """The operations on batched arrays (one value per point, axis 0) that the evaluator and
    the matrix maps need; each back end implements them with its own library.

    Besides the methods documented here: ``broadcast``, ``where``, ``stack``, ``amin``,
    ``amax``, ``sort``, ``repeat``, ``clip`` (the axis or dimension named the same way in
    both), the matrix operations ``swap`` (the last two axes), ``eye``, ``diagonal``,
    ``diag_embed``, ``solve``, ``det``, ``inverse`` (NaN where singular), ``power``; and
    ``lib``, the library itself, for the functions whose name and meaning are the same in
    numpy and torch (``sqrt``, ``isfinite``, ``isinf``, ``maximum``, ``nan_to_num``,
    ``ones_like``, ``zeros_like``, ``where``).
    """

    name = ""
    device = "cpu"

    def complex(self, data: Any) -> Any:
        """Values (a numpy array or this back end's) as complex128 on the device."""
        raise NotImplementedError

    def full(self, shape: Any, value: complex) -> Any:
        raise NotImplementedError

    def bools(self, n: int, value: bool) -> Any:
        raise NotImplementedError

    def reals(self, n: int, value: float) -> Any:
        raise NotImplementedError

    def host(self, x: Any) -> numpy.ndarray:
        """``x`` as a numpy array on the CPU (masks and gaps go back to the sampler's side)."""
        raise NotImplementedError

    def quiet(self) -> contextlib.AbstractContextManager:
        """A context in which float exceptions (overflow, 0/0) stay silent: they make nan or inf."""
        return contextlib.nullcontext()

    def reciprocal(self, z: Any) -> Any:
        """``1/z``; at ``z = 0`` NaN + NaN*i (no value, not an infinity that a function such as
        ``atan`` or ``tanh`` would map to a finite limit)."""
        return 1 / z

    def signs(self, d: Any) -> Any:
        """1.0 where ``d >= 0``, else -1.0, in ``d``'s dtype."""
        raise NotImplementedError

    def unary(self) -> dict[type, Callable[[Any], Any]]:
        """SymPy's elementary functions of one argument, on complex128 arrays."""
        raise NotImplementedError


class NumpyArrays(Arrays):
    name = "numpy"
    device = "cpu"
    lib = numpy  # for the functions of the same name and meaning in both libraries

    def complex(self, data: Any) -> Any:
        return numpy.asarray(data).astype(numpy.complex128)

    def full(self, shape: Any, value: complex) -> Any:
        return numpy.full(shape, value, dtype=numpy.complex128)

    def bools(self, n: int, value: bool) -> Any:
        return numpy.full(n, value, dtype=bool)

    def reals(self, n: int, value: float) -> Any:
        return numpy.full(n, value, dtype=numpy.float64)

    def host(self, x: Any) -> numpy.ndarray:
        return numpy.asarray(x)

    def quiet(self) -> contextlib.AbstractContextManager:
        return numpy.errstate(all="ignore")

    def reciprocal(self, z: Any) -> Any:
        # numpy follows C99 Annex G: 1/0 is inf + nan*i, and atan or tanh of that is finite
        # (pi/2, 1); torch's 1/0 is nan + nan*i, which stays without a value, as here
        return numpy.where(z == 0, NO_VALUE, 1 / z)

    def broadcast(self, x: Any, n: int) -> Any:
        return numpy.broadcast_to(x, (n,))

    def where(self, mask: Any, a: Any, b: Any) -> Any:
        return numpy.where(mask, a, b)

    def stack(self, parts: list[Any], axis: int = 0) -> Any:
        return numpy.stack(parts, axis=axis)

    def amin(self, x: Any, axis: int) -> Any:
        return x.min(axis=axis)

    def amax(self, x: Any, axis: int) -> Any:
        return x.max(axis=axis)

    def sort(self, x: Any, axis: int) -> Any:
        return numpy.sort(x, axis=axis)

    def repeat(self, x: Any, m: int) -> Any:
        return numpy.repeat(x, m, axis=0)

    def clip(self, x: Any, lo: float, hi: float) -> Any:
        return numpy.clip(x, lo, hi)

    def swap(self, g: Any) -> Any:
        return numpy.swapaxes(g, -1, -2)

    def eye(self, rows: int, cols: int, like: Any) -> Any:
        return numpy.eye(rows, cols, dtype=like.dtype)

    def diagonal(self, g: Any) -> Any:
        return numpy.diagonal(g, axis1=-2, axis2=-1)

    def diag_embed(self, d: Any) -> Any:
        out = numpy.zeros(d.shape + (d.shape[-1],), dtype=d.dtype)
        k = numpy.arange(d.shape[-1])
        out[..., k, k] = d
        return out

    def signs(self, d: Any) -> Any:
        return numpy.where(d >= 0, 1.0, -1.0).astype(d.dtype)

    def solve(self, a: Any, b: Any) -> Any:
        return numpy.linalg.solve(a, b)

    def det(self, m: Any) -> Any:
        return numpy.linalg.det(m)

    def inverse(self, m: Any) -> Any:
        """The inverse of each matrix, NaN where it is singular (|det| < 1e-12), as torch's does."""
        singular = ~(numpy.abs(numpy.linalg.det(m)) >= 1e-12)
        safe = numpy.where(singular[:, None, None], numpy.eye(m.shape[-1], dtype=m.dtype), m)
        return numpy.where(singular[:, None, None], NAN, numpy.linalg.inv(safe))

    def power(self, b: Any, e: Any) -> Any:
        # torch's complex pow: exp(e * log(b)), so 0**0 is NaN in both (numpy's own ** says 1)
        return numpy.exp(e * numpy.log(b))

    def unary(self) -> dict[type, Callable[[Any], Any]]:
        np = numpy
        return {
            sympy.exp: np.exp, sympy.log: np.log, sympy.sin: np.sin, sympy.cos: np.cos,
            sympy.tan: np.tan, sympy.tanh: np.tanh, sympy.sinh: np.sinh, sympy.cosh: np.cosh,
            sympy.atan: np.arctan, sympy.asin: np.arcsin, sympy.acos: np.arccos,
            sympy.Abs: lambda z: np.abs(z).astype(np.complex128),
            sympy.sign: _sign,
            sympy.re: lambda z: np.real(z).astype(np.complex128),
            sympy.im: lambda z: np.imag(z).astype(np.complex128),
            sympy.conjugate: np.conj,
        }


class TorchArrays(Arrays):
    name = "torch"

    def __init__(self, device: str) -> None:
        import torch

        self.torch = torch
        self.lib = torch
        self.device = device

    def complex(self, data: Any) -> Any:
        torch = self.torch
        if isinstance(data, numpy.ndarray):
            data = torch.from_numpy(data)
        return data.to(device=self.device, dtype=torch.complex128)

    def full(self, shape: Any, value: complex) -> Any:
        return self.torch.full(shape if isinstance(shape, tuple) else (shape,), value,
                               dtype=self.torch.complex128, device=self.device)

    def bools(self, n: int, value: bool) -> Any:
        return self.torch.full((n,), value, dtype=self.torch.bool, device=self.device)

    def reals(self, n: int, value: float) -> Any:
        return self.torch.full((n,), value, dtype=self.torch.float64, device=self.device)

    def host(self, x: Any) -> numpy.ndarray:
        return x.detach().cpu().resolve_conj().numpy()

    def broadcast(self, x: Any, n: int) -> Any:
        return x.expand(n)

    def where(self, mask: Any, a: Any, b: Any) -> Any:
        return self.torch.where(mask, a, b)

    def stack(self, parts: list[Any], axis: int = 0) -> Any:
        return self.torch.stack(parts, dim=axis)

    def amin(self, x: Any, axis: int) -> Any:
        return x.amin(dim=axis)

    def amax(self, x: Any, axis: int) -> Any:
        return x.amax(dim=axis)

    def sort(self, x: Any, axis: int) -> Any:
        return self.torch.sort(x, dim=axis).values

    def repeat(self, x: Any, m: int) -> Any:
        return x.repeat_interleave(m, dim=0)

    def clip(self, x: Any, lo: float, hi: float) -> Any:
        return x.clamp(lo, hi)

    def swap(self, g: Any) -> Any:
        return g.transpose(-1, -2)

    def eye(self, rows: int, cols: int, like: Any) -> Any:
        return self.torch.eye(rows, cols, dtype=like.dtype, device=like.device)

    def diagonal(self, g: Any) -> Any:
        return self.torch.diagonal(g, dim1=-2, dim2=-1)

    def diag_embed(self, d: Any) -> Any:
        return self.torch.diag_embed(d)

    def signs(self, d: Any) -> Any:
        return self.torch.where(d >= 0, 1.0, -1.0).to(d.dtype)

    def solve(self, a: Any, b: Any) -> Any:
        return self.torch.linalg.solve(a, b)

    def det(self, m: Any) -> Any:
        return self.torch.linalg.det(m)

    def inverse(self, m: Any) -> Any:
        """The inverse of each matrix, NaN where it is singular (|det| < 1e-12)."""
        torch = self.torch
        inverse = torch.linalg.inv_ex(m)[0]
        singular = torch.linalg.det(m).abs() < 1e-12
        return torch.where(singular[:, None, None], torch.full_like(inverse, NAN), inverse)

    def power(self, b: Any, e: Any) -> Any:
        return self.torch.pow(b, e)

    def unary(self) -> dict[type, Callable[[Any], Any]]:
        torch = self.torch
        return {
            sympy.exp: torch.exp, sympy.log: torch.log, sympy.sin: torch.sin, sympy.cos: torch.cos,
            sympy.tan: torch.tan, sympy.tanh: torch.tanh, sympy.sinh: torch.sinh, sympy.cosh: torch.cosh,
            sympy.atan: torch.atan, sympy.asin: torch.asin, sympy.acos: torch.acos,
            sympy.Abs: lambda z: torch.abs(z).to(z.dtype), sympy.sign: torch.sgn,
            sympy.re: lambda z: torch.real(z).to(z.dtype), sympy.im: lambda z: torch.imag(z).to(z.dtype),
            sympy.conjugate: torch.conj,
        }


def _sign(z: Any) -> Any:
    """``z/|z|`` (0 at 0) part by part, as torch.sgn: ``sign(inf*i)`` is ``0 + nan*i`` there, where
    numpy's own sign says ``i`` (an overflow has no sign here)."""
    size = numpy.abs(z)
    out = numpy.empty_like(z)
    out.real = numpy.where(size == 0, 0.0, z.real / size)
    out.imag = numpy.where(size == 0, 0.0, z.imag / size)
    return out


NUMPY = NumpyArrays()


def torch_arrays(device: str = "cpu") -> TorchArrays:
    """The torch back end on ``device`` (``cpu`` or ``cuda``, resolved already)."""
    return TorchArrays(device)


def arrays_for(device: str) -> Arrays:
    """The back end of random-point checks for the ``--device`` choice: torch on CUDA where
    ``cuda`` is asked for, else numpy. ``auto`` does not import torch to look for a GPU: a
    batch of a few dozen points gains nothing there, and the draws are numpy's either way."""
    if device == "cuda":
        from ..runtime import resolve_device

        return torch_arrays(resolve_device(device))
    if device not in ("auto", "cpu"):
        from ..runtime import resolve_device

        resolve_device(device)  # the usage error for an unknown choice
    return NUMPY


__all__ = ["Arrays", "NUMPY", "NumpyArrays", "TorchArrays", "arrays_for", "torch_arrays"]
