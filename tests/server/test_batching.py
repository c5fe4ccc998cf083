"""Micro-batching: concurrent items share one batch, each caller gets its own result."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.batching import MicroBatcher


class SlowDoubler:
    """Doubles numbers, taking 20 ms per batch whatever its size, like a forward pass."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(items)
        time.sleep(0.02)
        return [ValueError(f"bad item {i}") if i < 0 else 2 * i for i in items]


def test_concurrent_callers_share_batches_and_each_gets_its_own_result() -> None:
    process = SlowDoubler()
    batcher = MicroBatcher(process, max_batch=32, max_wait_ms=5)
    start = threading.Barrier(24)

    def ask(i: int) -> int:
        start.wait()
        return batcher.submit(i).result(timeout=10)

    with ThreadPoolExecutor(24) as pool:
        assert list(pool.map(ask, range(24))) == [2 * i for i in range(24)]
    batcher.close()
    sizes = [len(b) for b in process.batches]
    assert sum(sizes) == 24 and len(sizes) < 12 and max(sizes) > 1


def test_a_lone_caller_is_never_held_back_for_company() -> None:
    batcher = MicroBatcher(SlowDoubler(), max_batch=32, max_wait_ms=500)
    started = time.monotonic()
    assert [batcher.submit(i).result(timeout=10) for i in range(5)] == [0, 2, 4, 6, 8]
    assert time.monotonic() - started < 5 * 0.5  # not one 500 ms wait was taken
    batcher.close()
    assert list(batcher.batch_sizes) == [1] * 5


def test_once_as_many_as_the_last_batch_have_come_the_worker_stops_waiting() -> None:
    batches: list[list[int]] = []
    first_batch_started, first_batch_may_finish = threading.Event(), threading.Event()

    def process(items: list[int]) -> list[int | BaseException]:
        batches.append(items)
        if len(batches) == 1:
            first_batch_started.set()
            first_batch_may_finish.wait(timeout=10)
        return [2 * i for i in items]

    batcher = MicroBatcher(process, max_batch=32, max_wait_ms=2000)
    held = batcher.submit(0)
    assert first_batch_started.wait(timeout=10)
    queued = [batcher.submit(i) for i in range(1, 5)]  # wait behind the first batch, then go together
    first_batch_may_finish.set()
    assert [f.result(timeout=10) for f in [held, *queued]] == [0, 2, 4, 6, 8]

    started = time.monotonic()
    again = [batcher.submit(i) for i in range(5, 9)]  # the same four callers ask again
    assert [f.result(timeout=10) for f in again] == [10, 12, 14, 16]
    assert time.monotonic() - started < 1.0  # the 2 s wait for company was cut short
    batcher.close()
    assert [len(b) for b in batches] == [1, 4, 4]


def test_batches_never_exceed_the_maximum() -> None:
    process = SlowDoubler()
    batcher = MicroBatcher(process, max_batch=4, max_wait_ms=5)
    futures = [batcher.submit(i) for i in range(10)]
    assert [f.result(timeout=10) for f in futures] == [2 * i for i in range(10)]
    batcher.close()
    assert max(len(b) for b in process.batches) <= 4


def test_a_failing_item_fails_alone_and_a_failing_batch_fails_everyone() -> None:
    batcher = MicroBatcher(SlowDoubler())
    good, bad = batcher.submit(3), batcher.submit(-1)
    assert good.result(timeout=10) == 6
    with pytest.raises(ValueError, match="bad item -1"):
        bad.result(timeout=10)
    batcher.close()

    def explode(items: list[int]) -> list[int]:
        raise RuntimeError("model exploded")

    broken = MicroBatcher(explode)
    futures = [broken.submit(i) for i in range(3)]
    for future in futures:
        with pytest.raises(RuntimeError, match="model exploded"):
            future.result(timeout=10)
    broken.close()


def test_results_yielded_one_by_one_reach_their_callers_before_the_batch_ends() -> None:
    # The answerer composes a batch's answers one after another; the first asker need not wait for the last.
    busy, gate, release = threading.Event(), threading.Event(), threading.Event()

    def one_by_one(items: list[int]) -> Iterator[int]:
        if items == [-1]:  # holds the worker until the two items below are queued together
            busy.set()
            assert gate.wait(timeout=10)
        for position, item in enumerate(items):
            if position:
                assert release.wait(timeout=10)
            yield 2 * item

    batcher = MicroBatcher(one_by_one, max_wait_ms=0)
    batcher.submit(-1)
    assert busy.wait(timeout=10)
    first, second = batcher.submit(1), batcher.submit(2)
    gate.set()
    assert first.result(timeout=10) == 2
    assert not second.done()
    release.set()
    assert second.result(timeout=10) == 4
    assert list(batcher.batch_sizes) == [1, 2]
    batcher.close()


@pytest.mark.parametrize(("fails", "message"), [(True, "model exploded"), (False, "gave 2 results for 3 items")])
def test_a_batch_that_stops_short_fails_the_callers_it_left(fails: bool, message: str) -> None:
    busy, gate = threading.Event(), threading.Event()

    def two_of_each_batch(items: list[int]) -> Iterator[int]:
        if items == [-1]:  # holds the worker until the three items below are queued together
            busy.set()
            assert gate.wait(timeout=10)
        yield from (2 * i for i in items[:2])
        if fails:
            raise RuntimeError("model exploded")

    batcher = MicroBatcher(two_of_each_batch, max_wait_ms=0)
    batcher.submit(-1)
    assert busy.wait(timeout=10)
    futures = [batcher.submit(i) for i in range(3)]
    gate.set()
    assert [f.result(timeout=10) for f in futures[:2]] == [0, 2]
    with pytest.raises(RuntimeError, match=message):
        futures[2].result(timeout=10)
    batcher.close()


def test_a_cancelled_item_is_never_processed() -> None:
    process = SlowDoubler()
    batcher = MicroBatcher(process)
    first = batcher.submit(1)  # keeps the worker busy while the next one is cancelled
    dropped = batcher.submit(2)
    dropped.cancel()
    assert first.result(timeout=10) == 2
    batcher.close()
    assert all(2 not in batch for batch in process.batches)


def test_batches_run_side_by_side_on_lanes_and_a_lone_item_has_them_all() -> None:
    seen: list[tuple[list[int], int, bool]] = []
    lone_started, lone_may_finish, pair_started = threading.Event(), threading.Event(), threading.Event()
    side_by_side = threading.Barrier(2, timeout=10)  # broken unless two batches run at the same time

    def process(items: list[int]) -> list[int]:
        seen.append((items, batcher.lane(), batcher.alone()))
        if items == [-1]:
            lone_started.set()
            assert lone_may_finish.wait(timeout=10)
        else:
            pair_started.set()
            side_by_side.wait()
        return [2 * i for i in items]

    batcher = MicroBatcher(process, max_wait_ms=0, lanes=2)
    lone = batcher.submit(-1)
    assert lone_started.wait(timeout=10)
    pair = [batcher.submit(1), batcher.submit(2)]  # queued while the lone item holds every lane
    lone_may_finish.set()
    assert lone.result(timeout=10) == -2
    assert pair_started.wait(timeout=10)
    other_pair = [batcher.submit(3), batcher.submit(4)]
    assert [f.result(timeout=10) for f in [*pair, *other_pair]] == [2, 4, 6, 8]
    batcher.close()
    assert seen == [([-1], 0, True), ([1, 2], 0, False), ([3, 4], 1, False)]


def test_with_one_lane_every_batch_has_it_alone() -> None:
    seen: list[tuple[int, bool]] = []

    def process(items: list[int]) -> list[int]:
        seen.append((batcher.lane(), batcher.alone()))
        return items

    batcher = MicroBatcher(process, max_wait_ms=0)
    assert [batcher.submit(i).result(timeout=10) for i in range(3)] == [0, 1, 2]
    batcher.close()
    assert seen == [(0, True)] * 3
