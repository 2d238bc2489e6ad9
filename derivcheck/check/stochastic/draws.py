"""The values a distribution check gives its drawn quantities, one set per draw.

A declared real scalar, a matrix and a sequence without a definition are drawn
from their domains (format section 9). One draw sees one part of the domain
(``x[t] = Max(a, 0) * eps[t]`` against ``Normal(0, a**2)`` holds for every
positive ``a``), so a check that depends on drawn quantities is simulated at the
:data:`DRAWS`, each a whole run at the file's sample size:

1. ``window``: uniform in the sampling window (:meth:`Domain.span`), as the
   numeric checks start (and as a single draw did);
2. ``other side``: in the window, on the other side of draw 1 (per value): the
   other sign where the window spans 0, else the other half of the window; a
   matrix generator with every entry of the other sign;
3. ``far``: magnitudes ``10**u``, u in (1, 6), with the sign of draw 1 on an
   unbounded line; ``10**u`` beyond the bound on a half-line; a relative offset
   ``10**-u`` from the lower end of an interval; a matrix generator scaled by
   ``10**u``, u in (1, 3);
4. ``far other side``: the same with the other sign; ``10**-u`` from the bound
   of a half-line; ``10**-u`` from the upper end of an interval; a generator
   scaled by ``10**-u`` (near zero);

   at draws 3 and 4 every other drawn quantity (and every other value of a
   sequence or vector) takes the two the other way round, so that two
   quantities are also far on opposite sides (all four sign combinations of
   two reals appear among draws 1 to 4);
5. ``special``: a closed end of the domain, else 0, else the first of the
   simple values (1, -1, 2, ...) inside it; the zero generator for a matrix
   (``-I`` for an orthogonal one), so a zero vector or matrix.

Every value of a sequence is drawn the same way, index by index (draw 5 is
constant). Scalars of several names are drawn together, so draw 5 puts all of
them at their special points at once.
"""

from __future__ import annotations

from typing import Any

from ..numeric import MATRIX_DECADES, SPECIAL, Domain

DRAWS = ("window", "other side", "far", "far other side", "special")
FAR_DECADES = (1.0, 6.0)  # a real's far magnitudes, 10 .. 1e6 (offsets 0.1 .. 1e-6 of an interval's width)
MATRIX_FAR_DECADES = (1.0, float(MATRIX_DECADES))  # a generator scaled by 10 .. 1e3, or by 0.1 .. 1e-3


def real_values(domain: Domain, draw: int, count: int, generator: Any, reference: Any = None,
                parity: int = 0) -> Any:
    """``count`` values (a float64 tensor) of a real with ``domain`` at ``draw`` (0-based); ``reference``
    holds draw 0's values (needed by draws 1 to 3). Draw 0 takes exactly one ``rand`` of ``count``.
    ``parity`` (the quantity's position among those drawn) swaps the two far draws for every
    other value (:func:`_alternate`), so that two quantities are also far on opposite sides."""
    import torch

    lo, hi = domain.span()

    def uniform(n: int) -> Any:
        return torch.rand(n, generator=generator, dtype=torch.float64)

    if draw == 0:
        return lo + (hi - lo) * uniform(count)
    if draw == 1:
        r = uniform(count)
        if lo < 0 < hi:  # the other sign, anywhere in the window
            return torch.where(reference >= 0, lo * r, hi * r)
        mid = (lo + hi) / 2
        return torch.where(reference >= mid, lo + (mid - lo) * r, mid + (hi - mid) * r)
    if draw in (2, 3):
        power = torch.pow(10.0, FAR_DECADES[0] + (FAR_DECADES[1] - FAR_DECADES[0]) * uniform(count))
        first = _alternate(count, parity) if draw == 2 else -_alternate(count, parity)  # +1: "far", -1: the other
        if domain.lo is None and domain.hi is None:
            far = torch.where(reference >= 0, 1.0, -1.0).to(torch.float64) * first * power
        elif domain.hi is None:
            far = float(domain.lo) + torch.where(first > 0, power, 1 / power)
        elif domain.lo is None:
            far = float(domain.hi) - torch.where(first > 0, power, 1 / power)
        else:
            width = float(domain.hi - domain.lo)
            far = torch.where(first > 0, float(domain.lo) + width / power, float(domain.hi) - width / power)
        inside = torch.tensor([domain.contains(v) for v in far.tolist()], dtype=torch.bool)
        return torch.where(inside, far, lo + (hi - lo) * uniform(count))
    return torch.full((count,), special_value(domain), dtype=torch.float64)


def _alternate(count: int, parity: int) -> Any:
    """``+1, -1, +1, ...`` starting with ``-1`` for an odd ``parity``: which far side each value takes
    at draw 2 (draw 3 takes the other). With draws 0 and 1 this puts any two quantities of
    different parity at all four sign combinations (``Max(a * b, 0)`` is seen with ``a * b < 0``)."""
    import torch

    return 1.0 - 2.0 * ((torch.arange(count) + parity) % 2).to(torch.float64)


def special_value(domain: Domain) -> float:
    """A closed end, else 0, else the first simple value inside, else the window's middle."""
    for end, is_open in ((domain.lo, domain.lo_open), (domain.hi, domain.hi_open)):
        if end is not None and not is_open:
            return float(end)
    for value in SPECIAL:
        if domain.contains(value):
            return float(value)
    lo, hi = domain.span()
    return (lo + hi) / 2


def matrix_generator(transform: str, shape: tuple[int, int], draw: int, generator: Any,
                     reference: Any = None, parity: int = 0) -> Any:
    """The ``(1, rows, cols)`` generator of a matrix at ``draw`` (see the module docstring);
    draw 0 is one ``rand``, as before several draws existed."""
    import torch

    rows, cols = shape
    if draw == 4:
        if transform in ("orthogonal", "signdiag") and rows == cols:
            return -torch.eye(rows, dtype=torch.float64)[None]
        return torch.zeros((1, rows, cols), dtype=torch.float64)
    g = 4 * torch.rand((1, rows, cols), generator=generator, dtype=torch.float64) - 2
    if draw == 1:
        return -torch.where(reference >= 0, 1.0, -1.0).to(g.dtype) * g.abs()
    if draw in (2, 3) and transform not in ("orthogonal", "signdiag"):  # scale-free transforms stay
        lo, hi = MATRIX_FAR_DECADES
        u = lo + (hi - lo) * float(torch.rand(1, generator=generator, dtype=torch.float64))
        return g * 10.0 ** (u if (draw == 2) == (parity % 2 == 0) else -u)
    return g
