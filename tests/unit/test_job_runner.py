"""The worker's use case on the domain's fakes: a chunk of a catalogue job looked up product by
product through the lookup service, each result written once, the job finished, cancelled or
paused as its store and its key's budget say."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.errors import BudgetExceededError, StorageUnavailableError, UnknownLLMError
from src.domain.jobs.model import Job, JobProduct, JobState, NewJob
from src.domain.jobs.runner import UNSTORED, ChunkRunner
from src.domain.lookup.batch import BatchLookup
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Field, FieldType, LookupRequest, OutcomeStatus, TokenUsage
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prompt import Completion, CompletionRequest
from src.domain.usage.accounts import Accounts
from src.domain.usage.meter import (
    ContextCopyingExecutor,
    MeteredConnector,
    UsageMeter,
    charging,
)
from src.domain.usage.model import Account, Spend, UsageKey
from tests.support.fakes import (
    FakeConnector,
    FakeExampleRepository,
    FakeFieldRepository,
    FakeJobStore,
    FakeReservationStore,
    Script,
)
from tests.unit.test_usage_accounts import FakeAccountStore, FakeUsageStore

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
BROKEN = Field("EF999990", "a field whose lookup breaks", FieldType.TEXT)
"""The catalogue fails (a defect, not the database away) when asked for it."""
AWAY = Field("EF999991", "a field the database does not answer", FieldType.TEXT)
OWNER = "key:pim"
CREATED = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
STARTED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
"""The worker's clock."""
TODAY = date(2026, 12, 7)
SPEND_PER_PRODUCT = Spend(1, 40, 2)
"""What the fake model spends a call: one field a product, so one call a product."""


class BreakingFields(FakeFieldRepository):
    """The catalogue's fields; asking for BROKEN fails, for AWAY finds the database away."""

    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        if BROKEN.code in codes:
            raise RuntimeError("a defect")
        if AWAY.code in codes:
            raise StorageUnavailableError("the database does not answer")
        return super().get_many(codes)


class CancelledMeanwhile(FakeConnector):
    """Answers, and has the job cancelled (by its owner, over the API) while it answers the
    description `cancelled_at`."""

    def __init__(self, store: FakeJobStore, job_id: str, cancelled_at: str) -> None:
        super().__init__(default=Script('{"value": "E27"}'))
        self._store, self._job_id, self._at = store, job_id, cancelled_at

    def complete(self, request: CompletionRequest) -> Completion:
        if self._at in request.text:
            self._store.cancel(self._job_id, STARTED)
        return super().complete(request)


class SeesTheHolds(FakeConnector):
    """Answers E27, and notes the holds of the budget store while it answers."""

    def __init__(self) -> None:
        super().__init__(default=Script('{"value": "E27"}', usage=TokenUsage(40, 2)))
        self.reservations: FakeReservationStore | None = None
        self.seen: list[list[tuple[str, int]]] = []

    def complete(self, request: CompletionRequest) -> Completion:
        assert self.reservations is not None
        self.seen.append(list(self.reservations.held.values()))
        return super().complete(request)


@dataclass
class Listener:
    finished: list[Job] = field(default_factory=list)

    def job_finished(self, job: Job) -> None:
        self.finished.append(job)


@dataclass
class Worker:
    runner: ChunkRunner
    store: FakeJobStore
    listener: Listener
    accounts: Accounts
    usage: FakeUsageStore
    budgets: FakeAccountStore
    reservations: FakeReservationStore
    meter: UsageMeter

    def results(self, job_id: str) -> list[tuple[str, object, str | None]]:
        """Each written product's id, its socket (None when it failed) and its error."""
        return [
            (r.product.key, r.result.values().get(SOCKET.code) if r.result else None, r.error)
            for r in self.store.results(job_id)
        ]


@pytest.fixture
def pool() -> Iterator[ContextCopyingExecutor]:
    executor = ContextCopyingExecutor(ThreadPoolExecutor(4))
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def worker(
    pool: ContextCopyingExecutor,
    connector: FakeConnector | None = None,
    store: FakeJobStore | None = None,
    worst_case: int | Exception = 100,
) -> Worker:
    """A worker's runner over the lookup service, whose model answers E27 for 42 tokens; a
    product's worst case is `worst_case` tokens a field; the meter writes only when told to (a
    flush, a settled hold)."""
    store = store or FakeJobStore()
    usage, budgets = FakeUsageStore(), FakeAccountStore()
    meter = UsageMeter(usage, flush_seconds=3600.0, today=lambda: TODAY)
    reservations = FakeReservationStore(budgets, usage)
    accounts = Accounts(usage, budgets, meter, reservations, today=lambda: TODAY)
    model = connector or FakeConnector(default=Script('{"value": "E27"}', usage=TokenUsage(40, 2)))
    llm = ConfiguredLLM(
        "fake", ChatFormat(), BasicChainOfThought(), MeteredConnector(model, "fake", meter)
    )
    service = FieldLookupService(
        LLMRegistry({"fake": lambda: llm}, default="fake"),
        Catalogue(BreakingFields([SOCKET]), FakeExampleRepository()),
        pool,
        5.0,
    )

    def worst(request: LookupRequest) -> int:
        if isinstance(worst_case, Exception):
            raise worst_case
        return worst_case * len(request.field_codes)

    listener = Listener()
    runner = ChunkRunner(
        store, BatchLookup(service), listener, accounts, worst, now=lambda: STARTED
    )
    return Worker(runner, store, listener, accounts, usage, budgets, reservations, meter)


def new_job(
    store: FakeJobStore,
    products: int,
    codes: tuple[str, ...] = (SOCKET.code,),
    llm: str | None = None,
) -> str:
    items = tuple(
        JobProduct(n, f"p{n}", f"Ampoule LED n°{n} culot E27", codes) for n in range(products)
    )
    store.create(NewJob(OWNER, items, codes, "csv", llm), "job-1", CREATED)
    return "job-1"


def test_a_chunk_writes_each_products_result_and_the_last_write_finishes_the_job(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 3)

    assert w.runner.run_chunk(job_id, 0, 1) == 2
    running = w.store.get(job_id)
    assert running is not None
    assert (running.state, running.done, running.started_at) == (JobState.RUNNING, 2, STARTED)
    assert w.listener.finished == []

    assert w.runner.run_chunk(job_id, 2, 2) == 1

    assert w.results(job_id) == [("p0", "E27", None), ("p1", "E27", None), ("p2", "E27", None)]
    [finished] = w.listener.finished
    assert (finished.id, finished.state, finished.done, finished.failed) == (
        job_id,
        JobState.DONE,
        3,
        0,
    )
    assert (finished.fields, finished.started_at, finished.finished_at) == (
        {OutcomeStatus.OK: 3},
        STARTED,
        STARTED,
    )


def test_a_chunk_delivered_again_looks_up_only_what_has_no_result(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 3)
    w.runner.run_chunk(job_id, 0, 1)

    assert w.runner.run_chunk(job_id, 0, 2) == 1  # the chunk 0..2 again, after a worker died

    job = w.store.get(job_id)
    assert job is not None and (job.state, job.done, job.failed) == (JobState.DONE, 3, 0)
    assert len(w.listener.finished) == 1
    assert w.runner.run_chunk(job_id, 0, 2) == 0  # a finished job: nothing more


def test_a_cancelled_job_starts_nothing(pool: ContextCopyingExecutor) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 2)
    w.store.cancel(job_id, STARTED)

    assert w.runner.run_chunk(job_id, 0, 1) == 0

    job = w.store.get(job_id)
    assert job is not None and (job.state, job.started_at, job.done) == (
        JobState.CANCELLED,
        None,
        0,
    )
    assert w.results(job_id) == [] and w.listener.finished == []


def test_a_job_cancelled_while_its_chunk_runs_stops_after_the_product_under_way(
    pool: ContextCopyingExecutor,
) -> None:
    store = FakeJobStore()
    job_id = new_job(store, 3)
    w = worker(pool, CancelledMeanwhile(store, job_id, "n°1"), store)

    assert w.runner.run_chunk(job_id, 0, 2) == 2

    assert w.results(job_id) == [("p0", "E27", None), ("p1", "E27", None)]
    job = w.store.get(job_id)
    assert job is not None and job.state is JobState.CANCELLED
    assert w.listener.finished == []
    assert w.runner.run_chunk(job_id, 0, 2) == 0


def test_a_product_that_fails_is_written_failed_and_the_chunk_goes_on(
    pool: ContextCopyingExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    w = worker(pool)
    store = w.store
    items = (
        JobProduct(0, "p0", "Ampoule E27", (SOCKET.code,)),
        JobProduct(1, "p1", "Ampoule E27", (BROKEN.code,)),
        JobProduct(2, "p2", "Ampoule E27", (SOCKET.code,)),
    )
    store.create(NewJob(OWNER, items, (SOCKET.code,), "csv"), "job-1", CREATED)

    with caplog.at_level(logging.WARNING, logger="src.domain.jobs.runner"):
        assert w.runner.run_chunk("job-1", 0, 2) == 3

    assert [r.getMessage() for r in caplog.records] == ["product at position 1 of a job failed"]
    assert w.results("job-1") == [
        ("p0", "E27", None),
        ("p1", None, "internal error: RuntimeError"),
        ("p2", "E27", None),
    ]
    [finished] = w.listener.finished
    assert (finished.state, finished.done, finished.failed) == (JobState.DONE, 2, 1)


def test_a_lookup_the_service_refuses_is_the_products_failure_with_its_reason(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool, worst_case=UnknownLLMError("gone", ["fake"]))
    w.accounts.set_budget(OWNER, 10_000)  # a budget: the worst case is asked, and refuses too
    job_id = new_job(w.store, 2, llm="gone")

    assert w.runner.run_chunk(job_id, 0, 1) == 2

    why = "unknown LLM 'gone'; configured LLMs: fake"
    assert w.results(job_id) == [("p0", None, why), ("p1", None, why)]
    job = w.store.get(job_id)
    assert job is not None and (job.state, job.failed) == (JobState.DONE, 2)
    assert w.reservations.held == {}


def test_a_result_the_store_refuses_is_written_as_the_products_failure(
    pool: ContextCopyingExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 2)
    w.store.refused.add("p1")

    with caplog.at_level(logging.WARNING, logger="src.domain.jobs.runner"):
        assert w.runner.run_chunk(job_id, 0, 1) == 2

    assert w.results(job_id) == [("p0", "E27", None), ("p1", None, UNSTORED)]
    [finished] = w.listener.finished
    assert (finished.state, finished.done, finished.failed, finished.finished_at) == (
        JobState.DONE,
        1,
        1,
        STARTED,
    )
    assert [r.getMessage() for r in caplog.records] == [
        "the result at position 1 of a job could not be stored (ValueError): written as failed"
    ]


def test_a_database_away_stops_the_chunk_and_the_next_delivery_redoes_the_product(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    items = (
        JobProduct(0, "p0", "Ampoule E27", (SOCKET.code,)),
        JobProduct(1, "p1", "Ampoule E27", (AWAY.code,)),
    )
    w.store.create(NewJob(OWNER, items, (SOCKET.code,), "csv"), "job-1", CREATED)

    with pytest.raises(StorageUnavailableError):
        w.runner.run_chunk("job-1", 0, 1)

    assert w.results("job-1") == [("p0", "E27", None)]
    assert [p.key for p in w.store.pending("job-1", 0, 1)] == ["p1"]
    job = w.store.get("job-1")
    assert job is not None and (job.state, job.done, job.failed) == (JobState.RUNNING, 1, 0)


def test_a_result_written_while_the_database_is_away_is_written_by_the_next_delivery(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 2)
    w.store.unavailable = True

    with pytest.raises(StorageUnavailableError):
        w.runner.run_chunk(job_id, 0, 1)

    assert w.results(job_id) == []
    w.store.unavailable = False
    assert w.runner.run_chunk(job_id, 0, 1) == 2
    assert w.results(job_id) == [("p0", "E27", None), ("p1", "E27", None)]


def test_a_worst_case_the_database_cannot_tell_stops_the_chunk_before_it_starts(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool, worst_case=StorageUnavailableError("the database does not answer"))
    job_id = new_job(w.store, 2)
    w.accounts.set_budget(OWNER, 10_000)

    with pytest.raises(StorageUnavailableError):
        w.runner.run_chunk(job_id, 0, 1)

    job = w.store.get(job_id)
    assert job is not None and (job.state, job.started_at) == (JobState.QUEUED, None)
    assert w.results(job_id) == []


def test_what_each_product_spent_is_written_to_the_job_and_its_holds_released(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 2)
    w.accounts.set_budget(OWNER, 10_000)

    w.runner.run_chunk(job_id, 0, 1)

    assert w.accounts.job_spend(OWNER, job_id) == SPEND_PER_PRODUCT + SPEND_PER_PRODUCT
    assert w.reservations.held == {}


def test_each_product_holds_its_worst_case_while_it_runs(pool: ContextCopyingExecutor) -> None:
    model = SeesTheHolds()
    w = worker(pool, model, worst_case=30)
    model.reservations = w.reservations
    items = (
        JobProduct(0, "p0", "Ampoule E27", (SOCKET.code,)),
        JobProduct(1, "p1", "Ampoule E27", (SOCKET.code, SOCKET.code)),
    )
    w.store.create(NewJob(OWNER, items, (SOCKET.code,), "csv"), "job-1", CREATED)
    w.accounts.set_budget(OWNER, 10_000)

    w.runner.run_chunk("job-1", 0, 1)

    assert model.seen == [[(OWNER, 30)], [(OWNER, 60)]]  # 30 tokens a field asked
    assert w.reservations.held == {}


def test_what_a_product_spent_is_written_without_a_budget_too(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 1)

    w.runner.run_chunk(job_id, 0, 0)

    assert w.accounts.job_spend(OWNER, job_id) == SPEND_PER_PRODUCT


def test_a_spent_budget_pauses_the_job_before_anything_is_looked_up(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 2)
    w.accounts.set_budget(OWNER, 1_000)
    w.usage.add({UsageKey(OWNER, "", "fake", TODAY): Spend(1, 1_000, 0)})

    with pytest.raises(BudgetExceededError):
        w.runner.run_chunk(job_id, 0, 1)

    job = w.store.get(job_id)
    assert job is not None and (job.state, job.started_at, job.done) == (JobState.PAUSED, None, 0)
    assert w.accounts.job_spend(OWNER, job_id) == Spend()


def test_a_budget_spent_by_calls_not_written_yet_pauses_the_job_too(
    pool: ContextCopyingExecutor,
) -> None:
    """This process's own spend, counted and not written yet, counts against the budget."""
    w = worker(pool)
    job_id = new_job(w.store, 2)
    w.accounts.set_budget(OWNER, 1_000)
    with charging(Account(OWNER)):
        w.meter.charge("fake", Spend(1, 1_000, 0))  # an API lookup of the same key

    with pytest.raises(BudgetExceededError):
        w.runner.run_chunk(job_id, 0, 1)

    job = w.store.get(job_id)
    assert job is not None and (job.state, job.done) == (JobState.PAUSED, 0)


def test_a_budget_spent_by_the_chunk_pauses_the_job_after_what_it_could_pay(
    pool: ContextCopyingExecutor,
) -> None:
    w = worker(pool)
    job_id = new_job(w.store, 3)
    w.accounts.set_budget(OWNER, 50)  # two products' 84 tokens pass it: the third waits

    with pytest.raises(BudgetExceededError):
        w.runner.run_chunk(job_id, 0, 2)

    assert w.results(job_id) == [("p0", "E27", None), ("p1", "E27", None)]
    job = w.store.get(job_id)
    assert job is not None and (job.state, job.done) == (JobState.PAUSED, 2)
    assert w.reservations.held == {}


def test_a_budget_held_by_requests_under_way_leaves_the_job_running(
    pool: ContextCopyingExecutor,
) -> None:
    """Held, not spent: the chunk is tried again later, the job is not paused."""
    w = worker(pool)
    job_id = new_job(w.store, 2)
    w.runner.run_chunk(job_id, 0, 0)
    w.accounts.set_budget(OWNER, 1_000)
    w.reservations.reserve(OWNER, 1_000, TODAY, STARTED, STARTED)  # another request's hold

    with pytest.raises(BudgetExceededError):
        w.runner.run_chunk(job_id, 1, 1)

    job = w.store.get(job_id)
    assert job is not None and (job.state, job.done) == (JobState.RUNNING, 1)
