"""What catalogue jobs need from the outside world: a store shared by every worker, a queue of
chunks that workers take up, and someone to tell when a job finishes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from src.domain.jobs.model import Job, JobProduct, JobState, NewJob, ProductResult


class JobStore(Protocol):
    """Jobs, their products and their results, shared by the API and every worker."""

    def create(self, job: NewJob, job_id: str, now: datetime) -> Job:
        """Stores the job and all its products, all or nothing (what was written is deleted if
        storing fails); a large catalogue in several short transactions, so that other writers
        are not held up."""
        ...

    def get(self, job_id: str) -> Job | None:
        """The job with its counts, or None."""
        ...

    def start(self, job_id: str, now: datetime) -> None:
        """A queued or paused job becomes running (the first start time is kept); any other
        state is left as is."""
        ...

    def pause(self, job_id: str) -> None:
        """A queued or running job becomes paused; any other state is left as is."""
        ...

    def cancel(self, job_id: str, now: datetime) -> Job | None:
        """A queued, running or paused job becomes cancelled; returns the job as it is
        afterwards."""
        ...

    def cancel_owned(self, owner: str, now: datetime) -> int:
        """Every unfinished job of `owner` becomes cancelled; returns how many did."""
        ...

    def pending(self, job_id: str, first: int, last: int) -> list[JobProduct]:
        """The products at positions first..last (inclusive) that have no result yet, in order."""
        ...

    def record(self, job_id: str, outcome: ProductResult, now: datetime) -> JobState | None:
        """Writes a product's result once: a second write for the same (job, product id) changes
        nothing, counts nothing, and answers None. Otherwise the job's state after the write:
        DONE only for the write that finished it (it was the last product)."""
        ...

    def results(self, job_id: str, after: int = -1) -> Iterator[ProductResult]:
        """The job's results at positions past `after`, in catalogue order, each with its
        product as submitted (id, text, fields), read a page at a time."""
        ...


class ChunkQueue(Protocol):
    """Where chunks of a job wait for a worker. Delivery is at least once: a chunk may run twice,
    which the store's once-only writes make harmless."""

    def enqueue(self, job_id: str, first: int, last: int) -> None:
        """Schedules the products at positions first..last (inclusive) of the job."""
        ...


class JobListener(Protocol):
    """Hears of a job once it is done (a webhook)."""

    def job_finished(self, job: Job) -> None: ...
