"""The rate limit: requests per minute per caller, counted where every worker process sees them.

The `limits` library (Flask-Limiter's and SlowAPI's) does the counting by fixed one-minute
windows, in Redis when REDIS_URL is set (its own storage) or in the database (the storage below,
one upsert a request, in the `request_count` table).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from limits import RateLimitItemPerMinute
from limits.errors import ConfigurationError as LimitsConfigurationError
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from peewee import Case, CharField, Database, DoubleField, IntegerField

from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import BaseTable
from src.domain.errors import RateLimitedError, SettingsError, StorageUnavailableError


class RequestCountRow(BaseTable):
    key = CharField(primary_key=True, max_length=255)
    count = IntegerField()
    expires_at = DoubleField()
    """When the window ends, in seconds since the epoch (shared by every process)."""

    class Meta:
        table_name = "request_count"


class PeeweeCounterStorage(Storage, PeeweeRepository):
    """A `limits` storage in the `request_count` table: what `FixedWindowRateLimiter` needs.
    `clock` gives the time in seconds since the epoch (the windows' ends are stored in it)."""

    STORAGE_SCHEME = None

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        Storage.__init__(self)
        PeeweeRepository.__init__(self, database)
        self._clock = clock

    @property
    def base_exceptions(self) -> type[Exception]:
        return StorageUnavailableError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = self._clock()
        ended = RequestCountRow.expires_at <= now
        upsert = RequestCountRow.insert(key=key, count=amount, expires_at=now + expiry).on_conflict(
            conflict_target=[RequestCountRow.key],
            update={
                RequestCountRow.count: Case(
                    None, [(ended, amount)], RequestCountRow.count + amount
                ),
                RequestCountRow.expires_at: Case(
                    None, [(ended, now + expiry)], RequestCountRow.expires_at
                ),
            },
        )

        def work() -> int:
            with self._database.atomic():
                upsert.execute(self._database)
                return (
                    RequestCountRow.select()
                    .where(RequestCountRow.key == key)
                    .get(self._database)
                    .count
                )

        return self._run(work)

    def get(self, key: str) -> int:
        row = self._live(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return row.expires_at if row else self._clock()

    def check(self) -> bool:
        try:
            self._run(lambda: self._database.execute_sql("SELECT 1").fetchone())
        except StorageUnavailableError:
            return False
        return True

    def reset(self) -> int | None:
        deleted: int = self._run(lambda: RequestCountRow.delete().execute(self._database))
        return deleted

    def clear(self, key: str) -> None:
        self._run(
            lambda: (
                RequestCountRow.delete().where(RequestCountRow.key == key).execute(self._database)
            )
        )

    def _live(self, key: str) -> RequestCountRow | None:
        query = RequestCountRow.select().where(
            (RequestCountRow.key == key) & (RequestCountRow.expires_at > self._clock())
        )
        row: RequestCountRow | None = self._run(lambda: query.first(self._database))
        return row


def counter_storage(database: Database, redis_url: str | None) -> Storage:
    """Redis when `redis_url` is set, otherwise the database."""
    if redis_url:
        try:
            storage = storage_from_string(redis_url, wrap_exceptions=True)
        except LimitsConfigurationError as error:
            raise SettingsError(f"REDIS_URL={redis_url!r} cannot be used: {error}") from error
        if not isinstance(storage, Storage):  # an `async+…` URL
            raise SettingsError(
                f"REDIS_URL={redis_url!r} must name a synchronous storage (redis://…)"
            )
        return storage
    return PeeweeCounterStorage(database)


class LimitsRateLimiter:
    """At most `per_minute` requests per caller in each one-minute window. `clock` is the
    storage's (seconds since the epoch): how long until the window ends is read with it."""

    def __init__(
        self, storage: Storage, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._limiter = FixedWindowRateLimiter(storage)
        self._item = RateLimitItemPerMinute(per_minute)
        self._per_minute = per_minute
        self._clock = clock

    def hit(self, caller: str) -> None:
        try:
            if self._limiter.hit(self._item, caller):
                return
            window_ends, _ = self._limiter.get_window_stats(self._item, caller)
        except StorageError as error:
            raise StorageUnavailableError(
                f"the rate limit's store is unavailable: {error.storage_error}"
            ) from error
        retry_after = max(1, math.ceil(window_ends - self._clock()))
        raise RateLimitedError(
            f"more than {self._per_minute} requests a minute: retry in {retry_after} s", retry_after
        )
