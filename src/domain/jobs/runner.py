"""The worker's use case: run one chunk of a job, product by product."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from src.domain.errors import BudgetExceededError, FieldLookupError, StorageUnavailableError
from src.domain.jobs.model import Job, JobProduct, JobState, ProductResult
from src.domain.jobs.ports import JobListener, JobStore
from src.domain.lookup.batch import BatchLookup
from src.domain.model import LookupRequest
from src.domain.model.clock import utc_now
from src.domain.usage.accounts import Accounts
from src.domain.usage.meter import charging
from src.domain.usage.model import Account

log = logging.getLogger(__name__)
T = TypeVar("T")

UNSTORED = "its result could not be stored"
"""The error of a product whose result the store refused: the product counts as failed."""


class ChunkRunner:
    """Looks up the products of a chunk that have no result yet, one after the other, through
    the same lookup service as the API, and writes each result as it finishes.

    A chunk delivered twice (a worker died, the broker redelivered it) redoes only what the first
    delivery had not written; the store keeps one result per product whatever happens. A
    cancelled job starts nothing more. The write that finishes the job tells the listener. A
    result the store refuses (not an unavailable database) is written as the product's failure,
    so the job still ends.

    Every model call is charged to the job and its key, and written before the product's result
    (so what a finished product spent is never lost with its worker). For a key with a monthly
    budget, each product's worst case (`worst_case`) is held against the budget before it runs
    and released once its spend is written (see usage/reservations.py); when the budget has no
    room the job is paused and the chunk raises BudgetExceededError: the engine runs it again
    later (it resumes once the budget is raised or renewed). Each product has the batch's
    deadline (BATCH_QUERY_TIMEOUT, as `enrich`)."""

    def __init__(
        self,
        store: JobStore,
        lookup: BatchLookup,
        listener: JobListener | None,
        accounts: Accounts,
        worst_case: Callable[[LookupRequest], int],
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._lookup = lookup
        self._listener = listener
        self._accounts = accounts
        self._worst_case = worst_case
        self._now = now

    def run_chunk(self, job_id: str, first: int, last: int) -> int:
        """Runs the products first..last of the job; returns how many it looked up. Raises
        StorageUnavailableError when the database is away, BudgetExceededError when the key's
        budget is spent (the chunk is then run again)."""
        job = self._store.get(job_id)
        if job is None or job.state.finished:
            return 0
        self._paused_if(job, lambda: self._accounts.check(job.owner))  # reads, writes nothing
        ran = 0
        for product in self._store.pending(job_id, first, last):
            request = LookupRequest(product.description, product.fields, job.llm)
            hold = self._reserve(job, request)
            if ran == 0:  # queued or paused until now
                self._store.start(job_id, self._now())
            try:
                with charging(Account(job.owner, job.id)):
                    outcome = self._look_up(product, request)
            finally:  # what the product spent is written before its result
                if hold is None:
                    self._accounts.flush()
                else:
                    self._accounts.settle(hold)
            state = self._record(job_id, outcome)
            ran += 1
            if state is JobState.DONE and self._listener is not None:
                done = self._store.get(job_id)
                if done is not None:
                    self._listener.job_finished(done)
            if state is JobState.CANCELLED:
                break
        return ran

    def _reserve(self, job: Job, request: LookupRequest) -> str | None:
        return self._paused_if(
            job, lambda: self._accounts.reserve(job.owner, lambda: self._worst(request))
        )

    def _paused_if(self, job: Job, budgeted: Callable[[], T]) -> T:
        """`budgeted()`; when it raises BudgetExceededError, the job is paused first if the
        budget is spent (not only held by products under way: the chunk is then simply tried
        again later, the job still running)."""
        try:
            return budgeted()
        except BudgetExceededError:
            if self._spent(job.owner):
                self._store.pause(job.id)
            raise

    def _spent(self, owner: str) -> bool:
        try:
            self._accounts.check(owner)
        except BudgetExceededError:
            return True
        return False

    def _worst(self, request: LookupRequest) -> int:
        try:
            return self._worst_case(request)
        except StorageUnavailableError:
            raise
        except FieldLookupError:  # the lookup itself will say what is wrong, spending nothing
            return 0

    def _record(self, job_id: str, outcome: ProductResult) -> JobState | None:
        try:
            return self._store.record(job_id, outcome, self._now())
        except StorageUnavailableError:
            raise
        except Exception as error:  # a result the database refuses must not wedge the job
            log.warning(
                "the result at position %d of a job could not be stored (%s): written as failed",
                outcome.product.position,
                type(error).__name__,
            )
            return self._store.record(
                job_id, ProductResult(outcome.product, None, UNSTORED), self._now()
            )

    def _look_up(self, product: JobProduct, request: LookupRequest) -> ProductResult:
        try:
            return ProductResult(product, self._lookup.lookup(request))
        except StorageUnavailableError:
            raise
        except FieldLookupError as error:
            return ProductResult(product, None, str(error))
        except Exception as error:  # one product's defect must not stop the chunk
            log.exception("product at position %d of a job failed", product.position)
            return ProductResult(product, None, f"internal error: {type(error).__name__}")
