"""A lookup cache written behind the lookups: answers are queued and stored by one writer on the
pool, so a lookup never waits for the write, and many lookups' answers go in one write."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Executor

from src.domain.lookup.cache import CachedAnswer
from src.domain.lookup.ports import LookupCache

log = logging.getLogger(__name__)

GATHER_SECONDS = 0.05
"""How long the writer lets answers gather before each write: one write of many lookups'
answers costs much less than one write each."""


class WriteBehindCache:
    """A LookupCache in front of `backend`: `put_many` queues and returns at once; one writer
    on `executor` stores what is queued, the answers that arrive while it writes in its next
    write. Answers not written yet are served by `get_many` from the queue, so an immediate
    repeat of a lookup is a hit. A write that fails is logged and its answers dropped: a cache
    that cannot be written must not fail lookups."""

    def __init__(
        self, backend: LookupCache, executor: Executor, gather_seconds: float = GATHER_SECONDS
    ) -> None:
        self._backend = backend
        self._executor = executor
        self._gather_seconds = gather_seconds
        self._queued: dict[str, CachedAnswer] = {}
        self._writing_now: dict[str, CachedAnswer] = {}
        self._lock = threading.Lock()
        self._writing = False

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        found: dict[str, CachedAnswer] = {}
        with self._lock:  # only the keys asked: a copy of every unwritten answer costs more
            for key in keys:
                answer = self._queued.get(key)
                if answer is None:
                    answer = self._writing_now.get(key)
                if answer is not None:
                    found[key] = answer
        rest = [key for key in keys if key not in found]
        return {**self._backend.get_many(rest), **found} if rest else found

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        with self._lock:
            self._queued.update(answers)
            if self._writing:
                return
            self._writing = True
        self._executor.submit(self._write_until_empty)

    def _write_until_empty(self) -> None:
        while True:
            time.sleep(self._gather_seconds)
            with self._lock:
                answers, self._queued = self._queued, {}
                self._writing_now = answers
                if not answers:
                    self._writing = False
                    return
            try:
                self._backend.put_many(answers)
            except Exception:  # a cache that cannot be written must not fail lookups
                log.warning(
                    "could not store %d answers in the lookup cache", len(answers), exc_info=True
                )
            finally:
                with self._lock:
                    self._writing_now = {}
