"""Catalogue jobs in the real databases (SQLite and PostgreSQL): one result per product whatever
the number of writes, counts that follow the results, the write that finishes the job told
apart, results in catalogue order whatever order they were written in."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from src.adapters.driven.storage.job_tables import JobProductRow
from src.adapters.driven.storage.jobs import PeeweeJobStore
from src.domain.jobs.model import JobProduct, JobState, NewJob, ProductResult
from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus
from tests.conftest import ContainerFactory

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def _job(count: int, owner: str = "key:shop") -> NewJob:
    products = tuple(
        JobProduct(n, f"p{n}" if n % 2 else n + 1, f"Lampe {n}W E27", ("EF000042", "EF000035"))
        for n in range(count)
    )
    return NewJob(owner, products, ("EF000042", "EF000035"), "jsonl", "mock", None)


def _result(product: JobProduct, status: OutcomeStatus = OutcomeStatus.OK) -> ProductResult:
    outcomes = (
        FieldOutcome("EF000042", "E27", OutcomeStatus.OK),
        FieldOutcome("EF000035", product.position, status),
    )
    return ProductResult(product, LookupResult("mock", outcomes))


def test_each_product_counts_once_and_the_last_write_finishes_the_job(
    make_container: ContainerFactory,
) -> None:
    store = PeeweeJobStore(make_container().storage.database)
    job = store.create(_job(4), "j1", NOW)
    products = store.pending("j1", 0, 3)
    assert (
        [p.position for p in products] == [0, 1, 2, 3]
        and products[0].id == 1
        and products[1].id == "p1"
    )
    store.start("j1", NOW)

    finished = [
        store.record(
            "j1",
            _result(p, OutcomeStatus.INVALID_OUTPUT if p.position == 2 else OutcomeStatus.OK),
            NOW,
        )
        for p in reversed(products[1:])
    ]
    again = store.record("j1", _result(products[3]), NOW)  # a second delivery of the same product
    failed = store.record("j1", ProductResult(products[0], None, "the backend failed"), NOW)

    assert finished == [JobState.RUNNING] * 3 and again is None and failed is JobState.DONE
    stored = store.get("j1")
    assert stored is not None and job.state is JobState.QUEUED
    assert (stored.state, stored.done, stored.failed, stored.total) == (JobState.DONE, 3, 1, 4)
    assert (
        stored.fields[OutcomeStatus.OK] == 5
        and stored.fields[OutcomeStatus.INVALID_OUTPUT] == 1
        and stored.review == 1
    )
    assert store.pending("j1", 0, 3) == []
    results = list(store.results("j1"))
    assert [r.product.id for r in results] == [1, "p1", 3, "p3"]
    assert results[0].result is None and results[0].error == "the backend failed"
    assert results[2].result is not None and results[2].result.values() == {
        "EF000042": "E27",
        "EF000035": 2,
    }


def test_a_cancelled_job_is_not_finished_by_later_writes_and_pending_skips_what_is_written(
    make_container: ContainerFactory,
) -> None:
    first, second = make_container(), make_container()  # two processes on one database
    store, other = PeeweeJobStore(first.storage.database), PeeweeJobStore(second.storage.database)
    store.create(_job(3), "j2", NOW)
    store.record("j2", _result(store.pending("j2", 0, 0)[0]), NOW)

    assert [p.position for p in other.pending("j2", 0, 2)] == [1, 2]
    cancelled = other.cancel("j2", NOW)
    for product in store.pending("j2", 0, 2):
        assert store.record("j2", _result(product), NOW) is JobState.CANCELLED

    assert cancelled is not None and cancelled.state is JobState.CANCELLED
    after = store.get("j2")
    assert after is not None and after.state is JobState.CANCELLED and after.done == 3
    store.start("j2", NOW)
    assert store.get("j2").state is JobState.CANCELLED  # type: ignore[union-attr]


def test_results_come_in_catalogue_order_across_pages(make_container: ContainerFactory) -> None:
    store = PeeweeJobStore(make_container().storage.database)
    store.create(_job(1001), "j3", NOW)
    products = store.pending("j3", 0, 1000)
    for product in products[::-1]:
        store.record("j3", _result(product), NOW)

    assert [r.product.position for r in store.results("j3")] == list(range(1001))
    assert store.get("missing") is None


def test_a_stream_of_products_is_stored_as_it_comes_never_held_whole(
    make_container: ContainerFactory,
) -> None:
    database = make_container().storage.database
    store = PeeweeJobStore(database)
    stored_when_read: dict[int, int] = {}

    def products() -> Iterator[JobProduct]:
        for n in range(7000):
            if n % 1000 == 0:
                stored_when_read[n] = JobProductRow.select().count(database)
            yield JobProduct(n, f"p{n}", f"Lampe {n}W E27", ("EF000042",))

    job = store.create(NewJob("key:shop", products(), ("EF000042",), "jsonl"), "j3", NOW)

    assert job.total == 7000 and job.state is JobState.QUEUED
    assert stored_when_read[0] == 0 and stored_when_read[6000] >= 3000  # written on the way
    assert [p.description for p in store.pending("j3", 6998, 6999)] == [
        "Lampe 6998W E27",
        "Lampe 6999W E27",
    ]
