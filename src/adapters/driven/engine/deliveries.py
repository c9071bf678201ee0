"""Where webhooks are delivered from: a few threads of each process that runs jobs (the API
process with the embedded engine, every `python cli.py worker` with Celery), taking due
deliveries from the outbox, apart from the threads that run chunks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from src.domain.errors import StorageUnavailableError
from src.domain.jobs.model import Job

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0


class DeliveryThreads:
    """Runs `deliver_one` (one attempt at the delivery due longest; False when none is) on
    `count` daemon threads, each looking again every `poll_seconds` once nothing is due, or at
    once when a job of this process finishes (it is a JobListener)."""

    def __init__(
        self,
        deliver_one: Callable[[], bool],
        count: int = 2,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._deliver_one = deliver_one
        self._count = count
        self._poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Starts the threads (once)."""
        if self._threads:
            return
        for number in range(self._count):
            thread = threading.Thread(target=self._deliver, name=f"webhook-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def job_finished(self, job: Job) -> None:
        self._wake.set()

    def close(self) -> None:
        """Stops the threads; an attempt under way is left to its deadline."""
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=1.0)

    def _deliver(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self._deliver_one()
            except StorageUnavailableError as error:
                log.warning("webhook deliveries wait: %s", error)
                busy = False
            except Exception:
                log.exception("a webhook delivery failed")
                busy = False
            if not busy:
                self._wake.wait(self._poll_seconds)
                self._wake.clear()
