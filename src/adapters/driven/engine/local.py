"""The embedded engine: without REDIS_URL, chunks run on a few threads of the API process, through
the same ChunkRunner as Celery's workers, so `make run` has jobs too."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from src.domain.errors import BudgetExceededError, StorageUnavailableError

log = logging.getLogger(__name__)

RunChunk = Callable[[str, int, int], int]
Chunk = tuple[str, int, int]


class LocalChunkQueue:
    """Runs each chunk on one of `concurrency` threads (so at most that many products are in
    flight), in the order they were queued. A chunk that meets an unavailable database, or a
    spent budget (its job is paused), is parked, holding no thread, and queued again after
    `retry_seconds`, as Celery's workers retry it: another key's chunks run meanwhile."""

    def __init__(self, run_chunk: RunChunk, concurrency: int, retry_seconds: float = 5.0) -> None:
        self._run_chunk = run_chunk
        self._retry_seconds = retry_seconds
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="job")
        self._parked = Parking(self._submit)

    def enqueue(self, job_id: str, first: int, last: int) -> None:
        self._submit((job_id, first, last))

    def close(self) -> None:
        """Stops taking chunks; those under way finish their product in flight."""
        self._parked.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _submit(self, chunk: Chunk) -> None:
        with contextlib.suppress(RuntimeError):  # shutting down: the chunk is dropped
            self._pool.submit(self._run, chunk)

    def _run(self, chunk: Chunk) -> None:
        try:
            self._run_chunk(*chunk)
        except (StorageUnavailableError, BudgetExceededError) as error:
            log.info("a job chunk waits %g s: %s", self._retry_seconds, error)
            self._parked.park(chunk, time.monotonic() + self._retry_seconds)
        except Exception:
            log.exception("a job chunk failed")


class Parking:
    """Chunks waiting for a time, on one thread of their own: at that time each is handed to
    `release`."""

    def __init__(self, release: Callable[[Chunk], None]) -> None:
        self._release = release
        self._waiting: list[tuple[float, int, Chunk]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="job-parking", daemon=True)
        self._thread.start()

    def park(self, chunk: Chunk, until: float) -> None:
        with self._changed:
            heapq.heappush(self._waiting, (until, next(self._order), chunk))
            self._changed.notify()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()

    def _serve(self) -> None:
        while True:
            with self._changed:
                while not self._closed and (
                    not self._waiting or self._waiting[0][0] > time.monotonic()
                ):
                    wait = self._waiting[0][0] - time.monotonic() if self._waiting else None
                    self._changed.wait(wait)
                if self._closed:
                    return
                _, _, chunk = heapq.heappop(self._waiting)
            self._release(chunk)
