"""The deliverers' use case on hand-written fakes: what becomes of a delivery after each kind of
attempt, how far apart the attempts are, and that their number is bounded whoever makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from src.domain.jobs.deliveries import WebhookDeliveries
from src.domain.jobs.model import Job, JobState
from src.domain.jobs.webhooks import (
    Attempt,
    AttemptResult,
    ClaimedDelivery,
    Delivery,
    DeliveryState,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
JOB = Job("j1", "key:shop", JobState.DONE, 1, ("EF000042",), "jsonl", "mock", "https://h/", NOW)


class FakeOutbox:
    """One delivery, due at `due`; records the attempts' details."""

    def __init__(self, attempts: int = 0) -> None:
        self.state = DeliveryState.PENDING
        self.attempts = attempts
        self.due = NOW
        self.details: list[str] = []

    def add(self, job_id: str, url: str, now: datetime) -> None:
        raise AssertionError("not a submit")

    def claim(self, now: datetime, lease_seconds: float, claim: str) -> ClaimedDelivery | None:
        if self.state is not DeliveryState.PENDING or now < self.due:
            return None
        self.attempts += 1
        return ClaimedDelivery("j1", "https://h/", claim, self.attempts)

    def postpone(self, delivery: ClaimedDelivery, due: datetime, detail: str) -> None:
        self.due = due
        self.details.append(detail)

    def settle(self, delivery: ClaimedDelivery, state: DeliveryState, detail: str) -> None:
        self.state = state
        self.details.append(detail)

    def get(self, job_id: str) -> Delivery | None:
        return Delivery(job_id, self.state, self.attempts, None)


class FakeJobs:
    def get(self, job_id: str) -> Job | None:
        return JOB if job_id == JOB.id else None


class ScriptedSender:
    """Answers the given results in turn; records each job it was asked to send."""

    def __init__(self, *results: AttemptResult) -> None:
        self._results = list(results)
        self.sent: list[str] = []

    def send(self, job: Job, url: str) -> Attempt:
        self.sent.append(f"{job.id} {url}")
        return Attempt(self._results.pop(0), f"attempt {len(self.sent)}")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _deliver_until_settled(
    deliveries: WebhookDeliveries, outbox: FakeOutbox, clock: Clock
) -> list[float]:
    """Runs the deliverer, the clock jumping to each due time; the waits between attempts."""
    waits = []
    while outbox.state is DeliveryState.PENDING:
        assert deliveries.deliver_one()
        if outbox.state is DeliveryState.PENDING:
            waits.append((outbox.due - clock.now).total_seconds())
            assert not deliveries.deliver_one()  # not due yet
            clock.now = outbox.due
    return waits


def test_failing_attempts_are_retried_with_doubling_waits_then_given_up() -> None:
    outbox, sender, clock = FakeOutbox(), ScriptedSender(*[AttemptResult.RETRY] * 5), Clock()
    deliveries = WebhookDeliveries(outbox, FakeJobs(), sender, 15.0, attempts=5, now=clock)

    waits = _deliver_until_settled(deliveries, outbox, clock)

    assert waits == [0.5, 1.0, 2.0, 4.0]
    assert (outbox.state, outbox.attempts) == (DeliveryState.FAILED, 5)
    assert sender.sent == ["j1 https://h/"] * 5
    assert outbox.details[-1] == "attempt 5"


def test_a_sent_or_refused_delivery_is_not_tried_again() -> None:
    for result, state in (
        (AttemptResult.SENT, DeliveryState.SENT),
        (AttemptResult.REFUSED, DeliveryState.REFUSED),
    ):
        outbox, sender, clock = FakeOutbox(), ScriptedSender(AttemptResult.RETRY, result), Clock()
        deliveries = WebhookDeliveries(outbox, FakeJobs(), sender, 15.0, now=clock)

        _deliver_until_settled(deliveries, outbox, clock)
        clock.now += timedelta(hours=1)

        assert not deliveries.deliver_one()
        assert (outbox.state, len(sender.sent)) == (state, 2)


def test_a_delivery_whose_last_attempt_died_with_its_process_is_given_up_unsent() -> None:
    outbox, sender = FakeOutbox(attempts=5), ScriptedSender()
    deliveries = WebhookDeliveries(outbox, FakeJobs(), sender, 15.0, attempts=5, now=Clock())

    assert deliveries.deliver_one()

    assert (outbox.state, outbox.attempts, sender.sent) == (DeliveryState.FAILED, 6, [])
