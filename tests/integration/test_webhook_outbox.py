"""The webhook outbox in the real databases (SQLite and PostgreSQL), shared by two processes (two
containers on one database): only a done job's delivery is due; one process at a time holds it;
a claim that lapsed (its process died) lets another take it, and the dead one's late writes
change nothing; every attempt is counted, whoever makes it."""

from __future__ import annotations

import datetime
import threading

from src.adapters.driven.storage.jobs import PeeweeJobStore
from src.adapters.driven.storage.webhook_outbox import PeeweeWebhookOutbox
from src.domain.jobs.model import JobProduct, JobState, NewJob, ProductResult
from src.domain.jobs.webhooks import ClaimedDelivery, DeliveryState
from tests.conftest import ContainerFactory

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
LEASE = 10.0


def _job(store: PeeweeJobStore, outbox: PeeweeWebhookOutbox, job_id: str, done: bool) -> None:
    product = JobProduct(0, "p0", "Lampe 60W E27", ("EF000042",))
    store.create(
        NewJob("key:shop", (product,), ("EF000042",), "jsonl", "mock", "https://hooks.example/"),
        job_id,
        NOW,
    )
    outbox.add(job_id, "https://hooks.example/", NOW)
    if done:
        assert store.record(job_id, ProductResult(product, None, "failed"), NOW) is JobState.DONE


def _later(seconds: float) -> datetime.datetime:
    return NOW + datetime.timedelta(seconds=seconds)


def test_only_a_done_jobs_delivery_is_due_and_one_process_holds_it_at_a_time(
    make_container: ContainerFactory,
) -> None:
    first, second = make_container(), make_container()
    jobs = PeeweeJobStore(first.storage.database)
    outbox = PeeweeWebhookOutbox(first.storage.database)
    other = PeeweeWebhookOutbox(second.storage.database)
    _job(jobs, outbox, "running", done=False)
    _job(jobs, outbox, "done", done=True)

    taken = outbox.claim(_later(1), LEASE, "a" * 32)
    held = other.claim(_later(2), LEASE, "b" * 32)

    assert taken is not None
    assert (taken.job_id, taken.url, taken.attempt) == ("done", "https://hooks.example/", 1)
    assert held is None  # the running job's is not due, the done job's is held
    outbox.postpone(taken, _later(5), "the receiver answered 503")
    assert other.claim(_later(4), LEASE, "b" * 32) is None  # not due yet
    again = other.claim(_later(5), LEASE, "b" * 32)
    assert again is not None and (again.job_id, again.attempt) == ("done", 2)
    other.settle(again, DeliveryState.SENT, "the receiver answered 204")
    delivery = outbox.get("done")
    assert delivery is not None
    assert (delivery.state, delivery.attempts, delivery.detail) == (
        DeliveryState.SENT,
        2,
        "the receiver answered 204",
    )
    assert outbox.claim(_later(60), LEASE, "c" * 32) is None  # settled: never due again
    assert outbox.get("running") is not None and outbox.get("nothing") is None


def test_a_lapsed_claim_goes_to_another_process_and_the_first_ones_late_writes_do_nothing(
    make_container: ContainerFactory,
) -> None:
    first, second = make_container(), make_container()
    outbox = PeeweeWebhookOutbox(first.storage.database)
    other = PeeweeWebhookOutbox(second.storage.database)
    _job(PeeweeJobStore(first.storage.database), outbox, "j1", done=True)

    dead = outbox.claim(NOW, LEASE, "a" * 32)
    assert dead is not None
    assert other.claim(_later(LEASE - 1), LEASE, "b" * 32) is None
    alive = other.claim(_later(LEASE + 1), LEASE, "b" * 32)
    assert alive is not None and alive.attempt == 2

    outbox.settle(dead, DeliveryState.FAILED, "written late by the dead claim")
    outbox.postpone(dead, NOW, "written late by the dead claim")
    still = other.get("j1")
    assert still is not None and (still.state, still.detail) == (DeliveryState.PENDING, None)
    other.settle(alive, DeliveryState.SENT, "the receiver answered 200")
    sent = outbox.get("j1")
    assert sent is not None and sent.state is DeliveryState.SENT


def test_processes_claiming_at_once_take_a_delivery_once(
    make_container: ContainerFactory,
) -> None:
    containers = [make_container(), make_container()]
    outboxes = [PeeweeWebhookOutbox(c.storage.database) for c in containers]
    jobs = PeeweeJobStore(containers[0].storage.database)
    for n in range(5):
        _job(jobs, outboxes[0], f"j{n}", done=True)
    taken: list[ClaimedDelivery] = []
    start = threading.Barrier(8)

    def claim(number: int) -> None:
        start.wait()
        for _ in range(3):
            delivery = outboxes[number % 2].claim(_later(1), LEASE, f"{number:032d}")
            if delivery is not None:
                taken.append(delivery)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(d.job_id for d in taken) == [f"j{n}" for n in range(5)]
    assert {d.attempt for d in taken} == {1}
