"""The worker's use case: run one chunk of a job, product by product."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

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


class ChunkRunner:
    """Looks up the products of a chunk that have no result yet, one after the other, through
    the same lookup service as the API, and writes each result as it finishes.

    A chunk delivered twice (a worker died, the broker redelivered it) redoes only what the first
    delivery had not written; the store keeps one result per product whatever happens. A
    cancelled job starts nothing more. The write that finishes the job tells the listener.

    Every model call is charged to the job and its key, written after each product when the key
    has a budget (every worker sees at once what the others spent), before the chunk's last
    result otherwise (so a job is done only once what it spent is written). A key whose monthly
    budget is spent pauses its job: the chunk raises BudgetExceededError, and the engine runs it
    again later (it resumes once the budget is raised or renewed). Each product has the batch's
    deadline (BATCH_QUERY_TIMEOUT, as `enrich`)."""

    def __init__(
        self,
        store: JobStore,
        lookup: BatchLookup,
        listener: JobListener | None = None,
        accounts: Accounts | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._lookup = lookup
        self._listener = listener
        self._accounts = accounts
        self._now = now

    def run_chunk(self, job_id: str, first: int, last: int) -> int:
        """Runs the products first..last of the job; returns how many it looked up. Raises
        StorageUnavailableError when the database is away, BudgetExceededError when the key's
        budget is spent (the chunk is then run again)."""
        job = self._store.get(job_id)
        if job is None or job.state.finished:
            return 0
        self._within_budget(job)
        self._store.start(job_id, self._now())
        ran = 0
        pending = self._store.pending(job_id, first, last)
        for number, product in enumerate(pending, 1):
            self._within_budget(job)
            with charging(Account(job.owner, job.id)):
                outcome = self._look_up(product, job.llm)
            if self._accounts is not None and (
                number == len(pending) or self._accounts.has_budget(job.owner)
            ):
                # before the job may be done; each time for the budget checks
                self._accounts.flush()
            state = self._store.record(job_id, outcome, self._now())
            ran += 1
            if state is JobState.DONE and self._listener is not None:
                done = self._store.get(job_id)
                if done is not None:
                    self._listener.job_finished(done)
            if state is JobState.CANCELLED:
                break
        return ran

    def _within_budget(self, job: Job) -> None:
        if self._accounts is None:
            return
        try:
            self._accounts.check(job.owner)
        except BudgetExceededError:
            self._store.pause(job.id)
            raise

    def _look_up(self, product: JobProduct, llm: str | None) -> ProductResult:
        try:
            request = LookupRequest(product.description, product.fields, llm)
            return ProductResult(product, self._lookup.lookup(request))
        except StorageUnavailableError:
            raise
        except FieldLookupError as error:
            return ProductResult(product, None, str(error))
        except Exception as error:  # one product's defect must not stop the chunk
            log.exception("product at position %d of a job failed", product.position)
            return ProductResult(product, None, f"internal error: {type(error).__name__}")
