"""The webhook of a job: where it may go, the outbox that keeps it until it is delivered, and
what one attempt at delivering it came to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from src.domain.jobs.model import Job


class DeliveryState(StrEnum):
    """Where a job's webhook stands in the outbox."""

    PENDING = "pending"
    """Waiting for its job to be done, or for its next attempt."""
    SENT = "sent"
    """The receiver answered 2xx."""
    REFUSED = "refused"
    """Not to be tried again: its address is not one a webhook may reach, or the receiver
    answered a redirect or a 4xx other than 429."""
    FAILED = "failed"
    """Every attempt failed (no connection, past the deadline, a 429 or a 5xx)."""


class AttemptResult(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    """Worth another attempt: no connection, past the deadline, a 429 or a 5xx."""
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one attempt came to, and why (`503`, `past the 10 s deadline`, `10.0.0.1 is a
    private address`): never the product text, which the webhook does not carry."""

    result: AttemptResult
    detail: str


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A due delivery one process has taken: no other takes it until `claim` lapses. `attempt`
    counts this one (1 for the first)."""

    job_id: str
    url: str
    claim: str
    attempt: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """A job's webhook as the outbox holds it."""

    job_id: str
    state: DeliveryState
    attempts: int
    detail: str | None


class WebhookAddresses(Protocol):
    """Which URLs a job's webhook may be sent to."""

    def check(self, url: str) -> None:
        """Raises InvalidRequestError (naming `webhook_url`) for a URL the service will not
        call: not http(s), a user or password in it, or a host that does not resolve or resolves
        to an address webhooks may not reach (loopback, private, link-local, multicast,
        unspecified, reserved, cloud metadata) unless the allow-list opens it."""
        ...


class WebhookOutbox(Protocol):
    """The webhooks of jobs, kept in the database until delivered, shared by every process that
    delivers them: a delivery one process took and never finished (it died) is taken by another
    once its claim lapses."""

    def add(self, job_id: str, url: str, now: datetime) -> None:
        """A delivery for the job, due once the job is done."""
        ...

    def claim(self, now: datetime, lease_seconds: float, claim: str) -> ClaimedDelivery | None:
        """Takes the pending delivery of a done job that has waited longest past its due time
        and whose claim (if any) has lapsed, for `lease_seconds`, and counts the attempt; None
        when no delivery is due or another process took it first."""
        ...

    def postpone(self, delivery: ClaimedDelivery, due: datetime, detail: str) -> None:
        """Gives the delivery back, due again at `due`. Nothing happens if its claim lapsed and
        another process took it."""
        ...

    def settle(self, delivery: ClaimedDelivery, state: DeliveryState, detail: str) -> None:
        """Ends the delivery (sent, refused or failed). Nothing happens if its claim lapsed and
        another process took it."""
        ...

    def get(self, job_id: str) -> Delivery | None:
        """The job's delivery; None when the job has no webhook."""
        ...


class WebhookSender(Protocol):
    """Makes one attempt at telling a job's webhook that the job is done."""

    def send(self, job: Job, url: str) -> Attempt:
        """POSTs the job's event to `url`, within the sender's deadline: it returns by then
        whatever the receiver does."""
        ...
