"""The deliverers' use case: send the outbox's due webhooks, one attempt at a time."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from src.domain.jobs.ports import JobStore
from src.domain.jobs.webhooks import (
    AttemptResult,
    ClaimedDelivery,
    DeliveryState,
    WebhookOutbox,
    WebhookSender,
)
from src.domain.model.clock import utc_now

log = logging.getLogger(__name__)


class WebhookDeliveries:
    """Delivers the webhooks of done jobs from the outbox, in whichever process runs it.

    Each attempt is claimed in the outbox first, for the sender's deadline and a margin
    (`lease_seconds`): a process that dies mid-attempt leaves the delivery to another once the
    claim lapses. A delivery gets at most `attempts` attempts, whoever makes them, `first_wait`
    seconds apart at first, doubling up to `max_wait`. An attempt that failed in a way worth
    retrying (no connection, past the deadline, 429, 5xx) is tried again; one that was refused
    (an address webhooks may not reach, a 3xx or another 4xx) is not."""

    def __init__(
        self,
        outbox: WebhookOutbox,
        jobs: JobStore,
        sender: WebhookSender,
        lease_seconds: float,
        attempts: int = 5,
        first_wait: float = 0.5,
        max_wait: float = 30.0,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._outbox = outbox
        self._jobs = jobs
        self._sender = sender
        self._lease = lease_seconds
        self._attempts = attempts
        self._first_wait = first_wait
        self._max_wait = max_wait
        self._now = now

    def deliver_one(self) -> bool:
        """Makes one attempt at the delivery due longest; False when none was due."""
        delivery = self._outbox.claim(self._now(), self._lease, secrets.token_hex(16))
        if delivery is None:
            return False
        if delivery.attempt > self._attempts:  # its last attempt's process died mid-attempt
            self._give_up(delivery, "its last attempt did not finish")
            return True
        job = self._jobs.get(delivery.job_id)
        if job is None:
            self._outbox.settle(delivery, DeliveryState.REFUSED, "the job is gone")
            return True
        attempt = self._sender.send(job, delivery.url)
        if attempt.result is AttemptResult.SENT:
            self._outbox.settle(delivery, DeliveryState.SENT, attempt.detail)
        elif attempt.result is AttemptResult.REFUSED:
            log.warning("the webhook of job %s is refused: %s", job.id, attempt.detail)
            self._outbox.settle(delivery, DeliveryState.REFUSED, attempt.detail)
        elif delivery.attempt >= self._attempts:
            self._give_up(delivery, attempt.detail)
        else:
            self._outbox.postpone(delivery, self._now() + self._wait(delivery), attempt.detail)
        return True

    def _wait(self, delivery: ClaimedDelivery) -> timedelta:
        seconds = min(self._first_wait * 2 ** (delivery.attempt - 1), self._max_wait)
        return timedelta(seconds=seconds)

    def _give_up(self, delivery: ClaimedDelivery, detail: str) -> None:
        log.warning(
            "the webhook of job %s failed %d times; giving up: %s",
            delivery.job_id,
            self._attempts,
            detail,
        )
        self._outbox.settle(delivery, DeliveryState.FAILED, detail)
