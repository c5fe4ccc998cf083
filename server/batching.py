"""Micro-batching: items submitted from many threads or tasks are processed together by one worker."""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class MicroBatcher(Generic[Item, Result]):
    """Feeds submitted items to `process` in batches, gathered by one worker thread.

    While the worker runs a batch, new items queue up and form the next one, so under load batches
    grow by themselves. After a batch of more than one item (traffic is concurrent) the worker also
    waits up to `max_wait_ms` for company, but no longer once as many items as that batch held have
    come: a steady set of callers asks again all together, and waiting on after the last of them
    only idles the worker. A lone item never waits. `process` returns one result per item, in
    order; an exception among the results goes to that item's caller alone. When it yields them one
    by one, each caller has its result as soon as it is yielded, not when the whole batch is done.

    With one lane the worker also runs each batch. With more, batches run side by side, each on its
    lane's thread, and the worker only gathers: it takes the lowest free lane (so a lone caller always
    gets lane 0), waits for one while all are busy (the queue meanwhile grows the next batch), and
    hands it the batch. A lone item that finds every lane free has them all (`alone()`): it may use
    every core, and the next batch waits for it rather than competing for the cores. `process` learns
    its lane from `lane()`.
    """

    def __init__(
        self,
        process: Callable[[list[Item]], Iterable[Result | BaseException]],
        max_batch: int = 32,
        max_wait_ms: float = 2.0,
        name: str = "micro-batcher",
        lanes: int = 1,
    ) -> None:
        self.process = process
        self.max_batch = max_batch
        self.max_wait = max_wait_ms / 1000
        self.batch_sizes: deque[int] = deque(maxlen=1000)  # recent batch sizes, for tests and metrics
        self.lane_batches = [0] * max(lanes, 1)  # batches each lane has run, for metrics
        self._queue: queue.SimpleQueue[tuple[Item, Future[Result]] | None] = queue.SimpleQueue()
        self._free_lanes = set(range(lanes))
        self._lane_freed = threading.Condition()
        self._here = threading.local()
        self._lane_threads = [
            ThreadPoolExecutor(1, f"{name}-{lane}", self._enter_lane, (lane,))
            for lane in (range(lanes) if lanes > 1 else ())
        ]
        self._worker = threading.Thread(target=self._run, name=name, daemon=True)
        self._worker.start()

    def submit(self, item: Item) -> Future[Result]:
        """Queue `item`; the future resolves to its result. Cancelling the future drops the item."""
        future: Future[Result] = Future()
        self._queue.put((item, future))
        return future

    def close(self) -> None:
        """Stop the worker once the queued items are done."""
        self._queue.put(None)
        self._worker.join(timeout=10)
        for lane in self._lane_threads:
            lane.shutdown(wait=True)

    def lane(self) -> int:
        """The lane whose batch the calling thread is processing (0 with a single lane)."""
        return int(getattr(self._here, "lane", 0))

    def alone(self) -> bool:
        """Whether the calling thread's batch has every lane to itself."""
        return bool(getattr(self._here, "alone", True))

    def _run(self) -> None:
        last_size, stopping = 0, False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            lane = self._take_lane()
            batch = self._gather(first, expected=last_size)
            stopping = None in batch
            # Items whose callers gave up (timed out) are dropped here rather than computed for nobody.
            live = [entry for entry in batch if entry is not None and entry[1].set_running_or_notify_cancel()]
            lanes = [lane, *self._take_idle_lanes()] if len(live) == 1 else [lane]
            if not live:
                self._release(lanes)
            elif self._lane_threads:
                self._lane_threads[lane].submit(self._process_on, lanes, live)
            else:
                self._process_on(lanes, live)
            last_size = len(live)

    def _enter_lane(self, lane: int) -> None:
        self._here.lane = lane

    def _take_lane(self) -> int:
        """The lowest free lane, once there is one."""
        with self._lane_freed:
            self._lane_freed.wait_for(lambda: bool(self._free_lanes))
            lane = min(self._free_lanes)
            self._free_lanes.remove(lane)
            return lane

    def _take_idle_lanes(self) -> list[int]:
        """Every other lane, when all are free (only this worker takes lanes, so they stay free); else none."""
        with self._lane_freed:
            if len(self._free_lanes) < len(self._lane_threads) - 1:
                return []
            taken = sorted(self._free_lanes)
            self._free_lanes.clear()
            return taken

    def _release(self, lanes: list[int]) -> None:
        with self._lane_freed:
            self._free_lanes.update(lanes)
            self._lane_freed.notify()

    def _process_on(self, lanes: list[int], batch: list[tuple[Item, Future[Result]]]) -> None:
        self._here.alone = len(lanes) == len(self.lane_batches)
        self.lane_batches[lanes[0]] += 1
        try:
            self._process(batch)
        finally:
            self._release(lanes)

    def _gather(self, first: tuple[Item, Future[Result]], expected: int) -> list[tuple[Item, Future[Result]] | None]:
        """`first` and what else is queued; after a concurrent batch, wait for up to `expected` in all."""
        batch: list[tuple[Item, Future[Result]] | None] = [first]
        deadline = time.monotonic() + (self.max_wait if expected > 1 else 0.0)
        while len(batch) < self.max_batch and batch[-1] is not None:
            remaining = deadline - time.monotonic() if len(batch) < expected else 0.0
            try:
                batch.append(self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _process(self, batch: list[tuple[Item, Future[Result]]]) -> None:
        self.batch_sizes.append(len(batch))
        futures = [future for _, future in batch]
        answered = 0
        try:
            for result in self.process([item for item, _ in batch]):
                future = futures[answered]
                answered += 1
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
            if answered < len(futures):
                raise RuntimeError(f"processing the batch gave {answered} results for {len(futures)} items")
        except Exception as exc:  # every waiting caller must learn of the failure, never hang
            for future in futures[answered:]:
                future.set_exception(exc)
