"""The worker pool: order, a dying worker, a hanging worker, sharding."""

from __future__ import annotations

import os
import signal
import time

import pytest

from derivcheck.check.runtime.parallel import Failure, run_pool
from derivcheck.check.session.shard import parse_shard, shard_paths
from derivcheck.errors import UsageError


def _work(task: str) -> str:
    if task == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "hang":
        time.sleep(60)
    if task == "raise":
        raise RuntimeError("boom")
    if task == "slow":
        time.sleep(0.3)
    return task.upper()


def test_results_are_keyed_by_task_whatever_finishes_first() -> None:
    done: list[int] = []
    results = run_pool(["slow", "b", "c", "d"], _work, jobs=2, on_done=lambda i, _: done.append(i))
    assert results == {0: "SLOW", 1: "B", 2: "C", 3: "D"}
    assert sorted(done) == [0, 1, 2, 3] and done[0] != 0  # "slow" finished after another one


def test_a_dying_or_hanging_worker_costs_only_its_task() -> None:
    started = time.monotonic()
    results = run_pool(["a", "die", "hang", "raise", "e"], _work, jobs=3, deadline=2.0)
    assert time.monotonic() - started < 20
    assert results[0] == "A" and results[4] == "E"
    assert isinstance(results[1], Failure) and results[1].kind == "died"
    assert "signal 9" in results[1].message
    assert isinstance(results[2], Failure) and results[2].kind == "timeout"
    assert isinstance(results[3], Failure) and "RuntimeError: boom" in results[3].message


def test_shards_are_disjoint_and_cover_everything() -> None:
    paths = [f"lib/d{i}.deriv.yaml" for i in range(7)]
    shards = [shard_paths(list(reversed(paths)), k, 3) for k in (1, 2, 3)]
    assert sorted(p for s in shards for p in s) == sorted(paths)
    assert [len(s) for s in shards] == [3, 2, 2]
    assert shards[0] == shard_paths(paths, 1, 3)  # the order of the input does not matter


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_bad_shards_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_shard(text)


def _torch_work(_: int) -> float:
    import torch

    m = torch.randn(64, 3, 3, dtype=torch.float64)
    a = torch.randn(300, 300, dtype=torch.float64)
    return float(torch.linalg.det(m).sum() + (a @ a).sum())


def test_workers_do_not_hang_on_a_thread_pool_the_parent_used() -> None:
    import torch

    x = torch.randn(1500, 1500, dtype=torch.float64)
    for _ in range(2):
        (x @ x).sum()  # the parent's intra-op pool is now in use; a forked child must not wait on it
    results = run_pool([1, 2, 3], _torch_work, jobs=2, deadline=60)
    assert all(isinstance(r, float) for r in results.values()), results
