"""The webhook outbox in the database: every process that delivers webhooks takes its due
deliveries from the same rows. A claim is one UPDATE that checks again, on the row it changes,
that nobody holds it: two processes never hold the same delivery at once (PostgreSQL re-reads a
row another transaction changed meanwhile; SQLite runs one write at a time)."""

from __future__ import annotations

import datetime

from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import naive_utc
from src.adapters.driven.storage.webhook_tables import WebhookDeliveryRow
from src.domain.jobs.model import JobState
from src.domain.jobs.webhooks import ClaimedDelivery, Delivery, DeliveryState

_DUE = """
SELECT o.job_id FROM webhook_outbox o JOIN job j ON j.id = o.job_id
WHERE o.state = '{pending}' AND j.state = '{done}' AND o.due_at <= {p}
    AND (o.claimed_until IS NULL OR o.claimed_until < {p})
ORDER BY o.due_at
LIMIT 1
"""
"""Read first, so that an idle deliverer only reads (on SQLite a write, even one that changes
nothing, takes the database's write lock)."""
_CLAIM = """
UPDATE webhook_outbox SET claim = {p}, claimed_until = {p}, attempts = attempts + 1
WHERE job_id = {p} AND state = '{pending}' AND (claimed_until IS NULL OR claimed_until < {p})
RETURNING job_id, url, attempts
"""


class PeeweeWebhookOutbox(PeeweeRepository):
    def add(self, job_id: str, url: str, now: datetime.datetime) -> None:
        query = WebhookDeliveryRow.insert(
            job=job_id, url=url, state=DeliveryState.PENDING.value, due_at=naive_utc(now)
        )
        self._run(lambda: query.execute(self._database))

    def claim(
        self, now: datetime.datetime, lease_seconds: float, claim: str
    ) -> ClaimedDelivery | None:
        states = {"pending": DeliveryState.PENDING.value, "done": JobState.DONE.value}
        due = _DUE.format(p=self._database.param, **states)
        take = _CLAIM.format(p=self._database.param, **states)
        moment = naive_utc(now)
        until = moment + datetime.timedelta(seconds=lease_seconds)

        def work() -> tuple[str, str, int] | None:
            found = self._database.execute_sql(due, [moment, moment]).fetchone()
            if found is None:
                return None
            with self._database.atomic():
                row = self._database.execute_sql(take, [claim, until, found[0], moment]).fetchone()
            return None if row is None else (row[0], row[1], row[2])

        taken = self._run(work)
        if taken is None:
            return None
        job_id, url, attempt = taken
        return ClaimedDelivery(job_id, url, claim, attempt)

    def postpone(self, delivery: ClaimedDelivery, due: datetime.datetime, detail: str) -> None:
        self._release(delivery, due_at=naive_utc(due), detail=detail)

    def settle(self, delivery: ClaimedDelivery, state: DeliveryState, detail: str) -> None:
        self._release(delivery, state=state.value, detail=detail)

    def get(self, job_id: str) -> Delivery | None:
        query = WebhookDeliveryRow.select().where(WebhookDeliveryRow.job == job_id)
        rows = self._run(lambda: list(query.execute(self._database)))
        if not rows:
            return None
        row = rows[0]
        return Delivery(job_id, DeliveryState(row.state), row.attempts, row.detail)

    def _release(self, delivery: ClaimedDelivery, **changes: object) -> None:
        query = WebhookDeliveryRow.update(claim=None, claimed_until=None, **changes).where(
            (WebhookDeliveryRow.job == delivery.job_id)
            & (WebhookDeliveryRow.claim == delivery.claim)
        )
        self._run(lambda: query.execute(self._database))
