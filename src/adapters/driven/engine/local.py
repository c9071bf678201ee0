"""The embedded engine: without REDIS_URL, chunks run on a few threads of the API process, through
the same ChunkRunner as Celery's workers, so `make run` has jobs too."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from src.domain.errors import BudgetExceededError, StorageUnavailableError

log = logging.getLogger(__name__)

RunChunk = Callable[[str, int, int], int]


class LocalChunkQueue:
    """Runs each chunk on one of `concurrency` threads (so at most that many products are in
    flight), in the order they were queued. A chunk that meets an unavailable database, or a
    spent budget (its job is paused), is tried again after `retry_seconds`, as Celery's
    workers retry it."""

    def __init__(self, run_chunk: RunChunk, concurrency: int, retry_seconds: float = 5.0) -> None:
        self._run_chunk = run_chunk
        self._retry_seconds = retry_seconds
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="job")

    def enqueue(self, job_id: str, first: int, last: int) -> None:
        self._pool.submit(self._run, job_id, first, last)

    def close(self) -> None:
        """Stops taking chunks; those under way finish their product in flight."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job_id: str, first: int, last: int) -> None:
        try:
            self._run_chunk(job_id, first, last)
        except (StorageUnavailableError, BudgetExceededError) as error:
            log.info("a job chunk waits %g s: %s", self._retry_seconds, error)
            time.sleep(self._retry_seconds)
            with contextlib.suppress(RuntimeError):  # shutting down: the chunk is dropped
                self._pool.submit(self._run, job_id, first, last)
        except Exception:
            log.exception("a job chunk failed")
