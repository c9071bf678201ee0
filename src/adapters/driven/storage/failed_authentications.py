"""Failed authentications per client address, counted by the `limits` library in the rate
limit's store (Redis with REDIS_URL, else the database), by fixed one-minute windows."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TypeVar

from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from src.domain.errors import RateLimitedError, StorageUnavailableError

T = TypeVar("T")
_NAMESPACE = "failed-authentication"
"""Apart from the rate limit's counts of the same address."""


class LimitsFailedAuthenticationCounter:
    """At most `per_minute` failed authentications per address in each one-minute window."""

    def __init__(self, storage: Storage, per_minute: int) -> None:
        self._limiter = FixedWindowRateLimiter(storage)
        self._item = RateLimitItemPerMinute(per_minute)
        self._per_minute = per_minute

    def check(self, address: str) -> None:
        if self._counted(lambda: self._limiter.test(self._item, _NAMESPACE, address)):
            return
        window_ends, _ = self._counted(
            lambda: self._limiter.get_window_stats(self._item, _NAMESPACE, address)
        )
        retry_after = max(1, math.ceil(window_ends - time.time()))
        raise RateLimitedError(
            f"more than {self._per_minute} failed authentications a minute from this address: "
            f"retry in {retry_after} s",
            retry_after,
        )

    def record_failure(self, address: str) -> None:
        self._counted(lambda: self._limiter.hit(self._item, _NAMESPACE, address))

    @staticmethod
    def _counted(work: Callable[[], T]) -> T:
        try:
            return work()
        except StorageError as error:
            raise StorageUnavailableError(
                f"the rate limit's store is unavailable: {error.storage_error}"
            ) from error
