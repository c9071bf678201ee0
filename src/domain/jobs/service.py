"""The job use cases of a caller: submit a catalogue, follow it, collect it, cancel it."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from itertools import chain

from src.domain.errors import InvalidRequestError, JobNotFoundError
from src.domain.jobs.model import Job, JobProgress, NewJob, ProductResult
from src.domain.jobs.ports import ChunkQueue, JobStore
from src.domain.jobs.webhooks import WebhookAddresses, WebhookOutbox
from src.domain.lookup.llms import LLMRegistry
from src.domain.model.clock import utc_now


class JobService:
    """Submits jobs in chunks of `chunk_size` products to `queue` and answers for them.

    A job belongs to its owner (an API key): any other caller is told it does not exist. A job's
    webhook_url is checked against `addresses` before anything is stored, and its delivery kept
    in `outbox` before any chunk is queued, so it cannot be lost by the worker that finishes the
    job."""

    def __init__(
        self,
        store: JobStore,
        queue: ChunkQueue,
        llms: LLMRegistry,
        chunk_size: int,
        addresses: WebhookAddresses,
        outbox: WebhookOutbox,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._addresses = addresses
        self._outbox = outbox
        self._queue = queue
        self._llms = llms
        self._chunk_size = chunk_size
        self._now = now

    def submit(self, job: NewJob) -> Job:
        """Stores the job and queues its chunks; raises InvalidRequestError (an unknown LLM, no
        product, a webhook_url the service will not call) before anything is stored."""
        products = iter(job.products)
        head = next(products, None)
        if head is None:
            raise InvalidRequestError("the catalogue has no product", ("body", "file"))
        if job.webhook_url is not None:
            self._addresses.check(job.webhook_url)
        named = replace(
            job, products=chain((head,), products), llm=self._llms.resolve_name(job.llm)
        )
        stored = self._store.create(named, secrets.token_hex(16), self._now())
        if stored.webhook_url is not None:
            self._outbox.add(stored.id, stored.webhook_url, self._now())
        for first in range(0, stored.total, self._chunk_size):
            self._queue.enqueue(stored.id, first, min(first + self._chunk_size, stored.total) - 1)
        return stored

    def get(self, owner: str, job_id: str) -> Job:
        job = self._store.get(job_id)
        if job is None or job.owner != owner:
            raise JobNotFoundError(job_id)
        return job

    def progress(self, owner: str, job_id: str) -> JobProgress:
        """The job's counts, its rate since it started and the time left at that rate."""
        job = self.get(owner, job_id)
        if job.started_at is None:
            return JobProgress(job, None, None)
        end = job.finished_at or self._now()
        elapsed = (end - job.started_at).total_seconds()
        finished = job.done + job.failed
        rate = finished / elapsed if elapsed > 0 and finished else None
        eta = 0.0 if job.state.finished else ((job.total - finished) / rate if rate else None)
        return JobProgress(job, rate, eta)

    def results(self, owner: str, job_id: str) -> tuple[Job, Iterator[ProductResult]]:
        """The job, and its results so far in catalogue order (failed products left out)."""
        job = self.get(owner, job_id)
        return job, (
            outcome for outcome in self._store.results(job_id) if outcome.result is not None
        )

    def outcomes(self, owner: str, job_id: str, after: int = -1) -> Iterator[ProductResult]:
        """The job's results so far at positions past `after`, in catalogue order, the failed
        products' included (`result` None, with their `error`)."""
        self.get(owner, job_id)
        return self._store.results(job_id, after)

    def cancel(self, owner: str | None, job_id: str) -> Job:
        """Nothing new starts; the products under way finish. Cancelling twice is harmless.
        An operator (`owner` None) cancels any job."""
        if owner is not None:
            self.get(owner, job_id)
        cancelled = self._store.cancel(job_id, self._now())
        if cancelled is None:
            raise JobNotFoundError(job_id)
        return cancelled

    def owner(self, job_id: str) -> str | None:
        """Whom the job `job_id` belongs to; None when there is no such job. (Its owner's tenant
        says whether an admin may act on it.)"""
        job = self._store.get(job_id)
        return job.owner if job is not None else None

    def cancel_owned(self, owner: str) -> int:
        """Cancels every unfinished job of `owner` (a revoked key); returns how many."""
        return self._store.cancel_owned(owner, self._now())
