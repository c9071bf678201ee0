"""When a request to Akeneo is worth making again, and after how long: a 429 after its
Retry-After (as Akeneo's fair-usage guide asks), a 5xx, 408 or a lost connection after an
exponential backoff with full jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class Retryable(Exception):
    """A response or a transport failure worth retrying; `retry_after` is the server's wait."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 8
    """Attempts in all, the first included."""
    initial_backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    max_retry_after_s: float = 120.0
    """A Retry-After longer than this is cut to it."""

    def delay(self, error: BaseException | None, failed_attempts: int) -> float:
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(float(retry_after), self.max_retry_after_s)
        cap = min(self.max_backoff_s, self.initial_backoff_s * 2 ** (failed_attempts - 1))
        return random.uniform(0, cap)


def retryable(response: httpx.Response) -> Retryable | None:
    """The retry a response calls for, or None."""
    if response.status_code not in RETRIED_STATUSES:
        return None
    return Retryable(f"HTTP {response.status_code}", _seconds(response.headers.get("Retry-After")))


def _seconds(header: str | None) -> float | None:
    """Retry-After in seconds (an HTTP date is not used by Akeneo: it counts as absent)."""
    if header is None:
        return None
    try:
        seconds = float(header.strip())
    except ValueError:
        return None
    return max(0.0, seconds)
