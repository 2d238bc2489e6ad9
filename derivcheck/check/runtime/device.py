"""Where torch runs: ``--device auto|cpu|cuda``.

``auto`` picks CUDA when torch sees a CUDA device, else the CPU; ``cuda`` without
a CUDA device is a usage error (exit status 2), never a silent fallback.
"""

from __future__ import annotations

from ...errors import UsageError


def resolve_device(device: str) -> str:
    """``"cuda"`` or ``"cpu"`` for the ``--device`` choice ``device``."""
    import torch

    if device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"unknown device {device!r} (choose auto, cpu or cuda)")
    if device == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise UsageError("--device cuda: torch sees no CUDA device (use --device auto or cpu)")
    return "cpu"
