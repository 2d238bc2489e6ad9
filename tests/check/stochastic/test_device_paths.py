"""The code that runs on CUDA, exercised on the CPU (no GPU figures are claimed from this).

Simulation and numeric checks are one set of functions with a ``device`` argument;
the only branch that differs between devices is the CPU's single-thread guard for
small tensors (``simulate.cpu_threads``) and the chunking of large noise buffers,
which a GPU reaches with far more samples. Here both are forced on the CPU: the
guard off (the CUDA branch) and tiny chunks, and the verdicts must not change.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from derivcheck.check.runtime.limits import Deadline
from derivcheck.check.stochastic import simulate
from test_distribution import run, short


def test_cpu_thread_guard_is_the_only_device_branch(monkeypatch: pytest.MonkeyPatch) -> None:
    before = torch.get_num_threads()
    with simulate.cpu_threads(10, "cpu"):
        assert torch.get_num_threads() == 1
    with simulate.cpu_threads(10, "cuda"):  # the CUDA branch leaves the threads alone
        assert torch.get_num_threads() == before
    assert torch.get_num_threads() == before


def test_distribution_check_with_the_cuda_branch_and_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simulate, "THREADED_ELEMENTS", 0)  # as on CUDA: no thread guard
    monkeypatch.setattr(simulate, "CHUNK_ELEMENTS", 3 * 4000 * 7)  # 7 steps per chunk: 6 chunks for 40 steps
    good = run(short())
    assert good.status == "agree", good.detail
    wrong = run(short(noise="uniform(-sqrt(3), sqrt(3))"))
    assert wrong.status == "disagree"


def test_gradient_check_takes_the_device_argument() -> None:
    import sympy

    from derivcheck.check.numeric.gradient import check_gradient
    from derivcheck.expr import objects
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "numeric"))  # run alone too
    from test_numeric import Decls, R

    d = Decls()
    n = d.scalar("n", "dimension")
    x, a = d.matrix("x", n, 1), d.matrix("A", n, n)
    relation = R(objects.Gradient(sympy.Trace(x.T @ a @ x), x), "=", (a + a.T) @ x)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        result, _ = check_gradient(relation, d.scope, seed=1, points=12, device=device,
                                   deadline=Deadline(30))
        assert result.status == "agree", (device, result.detail)


@pytest.mark.slow
def test_benchmark_says_when_cuda_is_absent(repo: Path) -> None:
    done = subprocess.run([sys.executable, str(repo / "bench" / "distribution.py"), "--samples", "200",
                           "--repeat", "1", "--device", "cuda"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    if not torch.cuda.is_available():
        assert "| cuda | CUDA: not available on this machine (no figures) |" in done.stdout
    else:
        assert "| cuda | derivcheck simulation |" in done.stdout
