"""Micro-batching: concurrent requests are gathered into one forward pass, run in a worker thread.

A request submits its items as one job (a job is never split, so every item of a request is scored by the
same model). The loop takes the first waiting job, waits up to `max_wait_s` for more while fewer than
`max_batch` items are gathered, then runs `run(items)` in a single dedicated thread so the event loop is
never blocked, and hands each job its slice of the results, in order. While a batch runs, new jobs queue up
and form the next batch, so under load batches fill by themselves and an idle server adds almost no delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class BatcherClosed(RuntimeError):
    """The batcher is shutting down and takes no new work."""


@dataclass
class _Job(Generic[T]):
    items: Sequence[T]
    future: asyncio.Future[Any]
    meta: dict[str, Any] = field(default_factory=dict)


class MicroBatcher(Generic[T, R]):
    """Gathers jobs into batches for `run`, a blocking function `list[T] -> (list[R], extra)`.

    `run` returns one result per item, in order, plus one `extra` value shared by the whole batch (here:
    the model that scored it). `on_batch(n_items)` is called for every batch (metrics).
    """

    def __init__(
        self,
        run: Callable[[list[T]], tuple[list[R], Any]],
        max_batch: int = 64,
        max_wait_s: float = 0.002,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.run = run
        self.max_batch = max(1, max_batch)
        self.max_wait_s = max(0.0, max_wait_s)
        self.on_batch = on_batch
        self._queue: asyncio.Queue[_Job[T] | None] | None = None
        self._queued_items = 0
        self._enough: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._closing = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and not self._closing

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._enough = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="saring-score")
        self._closing = False
        self._task = asyncio.create_task(self._loop(), name="saring-batcher")

    async def submit(self, items: Sequence[T]) -> tuple[list[R], Any]:
        """Queue `items` as one job and wait for (results in order, the batch's extra value)."""
        if not self.running or self._queue is None:
            raise BatcherClosed("the scoring queue is not running (starting up or shutting down)")
        loop = asyncio.get_running_loop()
        job: _Job[T] = _Job(items, loop.create_future())
        self._queued_items += len(items)
        self._queue.put_nowait(job)
        if self._enough is not None and self._queued_items >= self.max_batch:
            self._enough.set()
        return await job.future

    async def run_in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn` in the scoring thread (serialised with the batches)."""
        if self._executor is None:
            raise BatcherClosed("the scoring queue is not running")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def close(self, timeout: float = 30.0) -> None:
        """Stop taking work, finish the queued jobs (graceful drain), stop the thread."""
        if self._task is None or self._queue is None:
            return
        self._closing = True
        self._queue.put_nowait(None)
        if self._enough is not None:
            self._enough.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            logger.warning("the scoring queue did not drain within %.0f s; cancelling the rest", timeout)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        # Whatever is left (only after a timeout) fails cleanly rather than hanging its request.
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if job is not None and not job.future.done():
                job.future.set_exception(BatcherClosed("the server is shutting down"))
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._task = None

    async def _take(self) -> _Job[T] | None:
        assert self._queue is not None
        job = await self._queue.get()
        if job is not None:
            self._queued_items -= len(job.items)
        return job

    def _take_nowait(self) -> _Job[T] | None:
        assert self._queue is not None
        job = self._queue.get_nowait()
        if job is not None:
            self._queued_items -= len(job.items)
        return job

    async def _loop(self) -> None:
        assert self._queue is not None and self._enough is not None
        carry: _Job[T] | None = None
        stop = False
        while not stop:
            first = carry if carry is not None else await self._take()
            carry = None
            if first is None:
                break
            batch = [first]
            n = len(first.items)
            if n < self.max_batch and self.max_wait_s > 0 and n + self._queued_items < self.max_batch:
                self._enough.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._enough.wait(), self.max_wait_s)
            while n < self.max_batch and not self._queue.empty():
                nxt = self._take_nowait()
                if nxt is None:
                    stop = True  # drain what was gathered, then exit
                    break
                if n + len(nxt.items) > self.max_batch:
                    carry = nxt
                    break
                batch.append(nxt)
                n += len(nxt.items)
            await self._run_batch(batch, n)
        # Graceful drain: jobs queued before the stop marker were handled above; a carried job too.
        if carry is not None:
            await self._run_batch([carry], len(carry.items))

    async def _run_batch(self, batch: list[_Job[T]], n: int) -> None:
        items: list[T] = [it for job in batch for it in job.items]
        if self.on_batch is not None:
            try:
                self.on_batch(n)
            except Exception:  # metrics must never break scoring
                logger.debug("on_batch callback failed", exc_info=True)
        assert self._executor is not None
        try:
            results, extra = await asyncio.get_running_loop().run_in_executor(self._executor, self.run, items)
            if len(results) != len(items):
                raise RuntimeError(f"the batch function returned {len(results)} results for {len(items)} items")
        except Exception as e:
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(e)
            return
        start = 0
        for job in batch:
            end = start + len(job.items)
            if not job.future.done():  # the client may have gone away
                job.future.set_result((results[start:end], extra))
            start = end
