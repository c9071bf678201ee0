"""`akeneo enrich --job`: the products to enrich become a catalogue job (docs/jobs.md), looked up
by the service's workers; its results are written back to Akeneo as they come, by the same
writer as a run in this process, and its values under threshold queued for review.

The job belongs to a key (`--key NAME`, needed once keys exist): it is charged to that key and
its budget, followed and cancelled through the API by the key or an admin of its tenant, and its
values for review go to that tenant's queue. The state file records the job: a command stopped
while the job runs, or while its results are written, collects that same job when run again
(nothing is looked up twice, no product written twice); a new job is submitted only once the
last one was collected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain

from src.adapters.driven.akeneo.products_to_enrich import ProductsToEnrich
from src.adapters.driven.akeneo.state import EnrichmentState
from src.adapters.driven.akeneo.write_back import AkeneoWriteBack
from src.bootstrap import Container
from src.domain.access.roles import DEFAULT_TENANT, OPEN_OWNER
from src.domain.enrichment.ports import EnrichedProduct, ProductToEnrich
from src.domain.errors import InvalidRequestError, JobNotFoundError
from src.domain.jobs.model import Job, JobProduct, JobState, NewJob, ProductResult
from src.domain.review.lookup_results import QueueChoice, values_to_review

POLL_SECONDS = 0.5
SAY_EVERY_SECONDS = 10.0
JOB_OUTPUT_FORMAT = "jsonl"


@dataclass(frozen=True, slots=True)
class JobOwner:
    """The account a job belongs to (`key:NAME`, or `open` while no key exists) and the tenant
    whose review queue its values go to."""

    owner: str
    tenant: str


def job_owner(container: Container, key: str | None) -> JobOwner:
    """The owner of a job made for key `key`; InvalidRequestError for a key that does not
    exist or is revoked, or for none once keys exist (the job would belong to no one)."""
    if key is None:
        if container.api_keys.list():
            raise InvalidRequestError(
                "--job needs --key NAME: the job belongs to an API key (its budget, its "
                "tenant's review queue; `python cli.py keys list`)"
            )
        return JobOwner(OPEN_OWNER, DEFAULT_TENANT)
    found = container.api_keys.named(key)
    if found is None or not found.active:
        raise InvalidRequestError(f"--key {key}: no such key, or it is revoked")
    return JobOwner(f"key:{found.name}", found.tenant)


@dataclass(frozen=True, slots=True)
class JobCollected:
    """A job whose results were written back: the job as it ended, and the products written
    by an earlier, stopped collection of it."""

    job: Job
    written_before: int


class AkeneoJob:
    """Submits, follows and collects the job of an enrichment in Akeneo."""

    def __init__(
        self,
        container: Container,
        owner: JobOwner,
        state: EnrichmentState,
        say: Callable[[str], None],
    ) -> None:
        self._container = container
        self._owner = owner
        self._state = state
        self.say = say

    def submit_or_resume(
        self, products: Iterable[ProductToEnrich], codes: Iterable[str], llm: str | None
    ) -> Job | None:
        """The job the state file left uncollected, or a new one of the `products` the state
        does not hold as settled (read as the job is stored, never held whole); None when
        there is none to do."""
        jobs = self._container.jobs.service
        open_job = self._state.open_job
        if open_job is not None and jobs.owner(open_job) is None:
            self.say(f"job {open_job} of the state file is gone (purged?): a new one is made")
            open_job = None
        if open_job is not None:
            try:
                job = jobs.get(self._owner.owner, open_job)
            except JobNotFoundError:
                raise InvalidRequestError(
                    f"the state file {self._state.path} names job {open_job}, which is not a "
                    f"job of {self._owner.owner}: run with the key that submitted it"
                ) from None
            self.say(f"going on with job {job.id} ({job.total} products)")
            return job
        todo = (
            JobProduct(position, product.id, product.description, product.fields)
            for position, product in enumerate(p for p in products if p.key not in self._state.done)
        )
        head = next(todo, None)
        if head is None:
            return None
        job = jobs.submit(
            NewJob(self._owner.owner, chain((head,), todo), tuple(codes), JOB_OUTPUT_FORMAT, llm)
        )
        self._state.record_job(job.id)
        self.say(
            f"job {job.id}: {job.total} products, for the workers (`python cli.py worker`); "
            f"follow it with GET /api/jobs/{job.id}"
        )
        return job

    def collect(self, job: Job, output: AkeneoWriteBack) -> JobCollected:
        """Follows the job and writes its results to `output` as they come, in catalogue order
        (a result waits for those before it), skipping the products `output` holds already and
        queueing the values under threshold for review; once the job is done or cancelled,
        the rest, and the job is recorded collected. Says how far it is every few seconds."""
        jobs = self._container.jobs.service
        written_before = 0
        handed = -1
        """Every result up to this position was handed to `output`."""
        said, paused = time.monotonic(), False
        while True:
            finished = job.state.finished
            for outcome in jobs.outcomes(self._owner.owner, job.id, handed):
                if not finished and outcome.product.position != handed + 1:
                    break  # the results before it are still under way
                handed = outcome.product.position
                written_before += self._hand(outcome, output)
            if finished:
                break
            time.sleep(POLL_SECONDS)
            job = jobs.get(self._owner.owner, job.id)
            if job.state is JobState.PAUSED and not paused:
                self.say(f"job {job.id} paused: the monthly budget of {self._owner.owner} is spent")
            paused = job.state is JobState.PAUSED
            if time.monotonic() - said >= SAY_EVERY_SECONDS:
                said = time.monotonic()
                self.say(
                    f"job {job.id}: {job.done + job.failed} of {job.total} products looked up, "
                    f"{output.tally.products_written} written"
                )
        output.flush()
        self._state.record_job(job.id, collected=True)
        return JobCollected(job, written_before)

    def _hand(self, outcome: ProductResult, output: AkeneoWriteBack) -> int:
        """Hands a result to `output`; 1 when its product was written before, else 0."""
        product, result = outcome.product, outcome.result
        if result is None:
            return 0
        if product.key in output.done:
            return 1
        output.write(EnrichedProduct(product.id, result))
        self._container.review_queue.add(
            values_to_review(product.key, product.description, result, QueueChoice.FLAGGED),
            self._owner.tenant,
        )
        return 0


def enrich_as_job(
    runner: AkeneoJob,
    products: ProductsToEnrich,
    targets: list[str],
    llm: str | None,
    output: AkeneoWriteBack,
) -> tuple[bool, int]:
    """Looks the products up as a catalogue job and writes its results to `output`; whether
    Ctrl-C stopped the command (the job goes on), and how many products failed."""
    try:
        job = runner.submit_or_resume(products, targets, llm)
        if job is None:
            runner.say("nothing to do: no product has empty targets left")
            return False, 0
        collected = runner.collect(job, output)
        job = collected.job
    except KeyboardInterrupt:
        runner.say("interrupted: the job goes on; run the same command again to write it back")
        return True, 0
    listed = (
        f"; listed: {products.to_enrich} with empty targets, {products.complete} complete, "
        f"{products.textless} without text"
        if products.listed
        else ""
    )
    runner.say(
        f"job {job.id} {job.state.value}: {job.total} products, looked up {job.done}, failed "
        f"{job.failed} ({collected.written_before} written before){listed}",
    )
    return False, job.failed + (job.total - job.done - job.failed)
