"""The rows the purge deletes: lookup-cache answers older than LOOKUP_CACHE_TTL, and the
database's rate-limit counts whose window has ended (Redis expires its own). Each delete takes
a bounded batch, through a sub-select with a LIMIT, which both databases run."""

from __future__ import annotations

import datetime
import time

from peewee import Database

from src.adapters.driven.storage.rate_limits import RequestCountRow
from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import LookupCacheRow, utc_now


class PeeweeExpiredCacheAnswers(PeeweeRepository):
    name = "lookup_cache"

    def __init__(self, database: Database, ttl_seconds: float) -> None:
        super().__init__(database)
        self._ttl = datetime.timedelta(seconds=ttl_seconds)

    def delete_expired(self, at_most: int) -> int:
        expired = LookupCacheRow.created_at < utc_now() - self._ttl
        oldest = (
            LookupCacheRow.select(LookupCacheRow.key)
            .where(expired)
            .order_by(LookupCacheRow.created_at)
            .limit(at_most)
        )
        # `expired` again outside: a row that a concurrent write renewed is left (PostgreSQL
        # checks the outer condition again on a row it had to wait for).
        deleted: int = self._run(
            lambda: (
                LookupCacheRow.delete()
                .where(LookupCacheRow.key.in_(oldest) & expired)
                .execute(self._database)
            )
        )
        return deleted


class PeeweeEndedRequestCounts(PeeweeRepository):
    name = "request_count"

    def delete_expired(self, at_most: int) -> int:
        ended = RequestCountRow.expires_at <= time.time()
        batch = RequestCountRow.select(RequestCountRow.key).where(ended).limit(at_most)
        deleted: int = self._run(
            lambda: (
                RequestCountRow.delete()
                .where(RequestCountRow.key.in_(batch) & ended)
                .execute(self._database)
            )
        )
        return deleted
