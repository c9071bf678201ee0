"""Retries of transient backend failures, with backoff and jitter, never past the deadline."""

from __future__ import annotations

import time

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from src.domain.errors import TransientBackendError
from src.domain.ports import Connector
from src.domain.prompt import Completion, CompletionRequest


class RetryingConnector:
    """Wraps a connector: a TransientBackendError is retried up to `max_retries` times, after
    the server's Retry-After when it gave one, otherwise exponential backoff with full jitter;
    a retry whose wait would end past the request's deadline is not made."""

    def __init__(
        self,
        inner: Connector,
        max_retries: int,
        initial_backoff_s: float = 0.1,
        max_backoff_s: float = 2.0,
    ) -> None:
        self._inner = inner
        self._max_retries = max_retries
        self._backoff = wait_random_exponential(multiplier=initial_backoff_s, max=max_backoff_s)

    @property
    def inner(self) -> Connector:
        return self._inner

    def complete(self, request: CompletionRequest) -> Completion:
        def past_deadline(state: RetryCallState) -> bool:
            return time.monotonic() + (state.upcoming_sleep or 0.0) >= request.deadline

        retrying = Retrying(
            retry=retry_if_exception_type(TransientBackendError),
            stop=stop_after_attempt(self._max_retries + 1) | past_deadline,
            wait=self._wait,
            reraise=True,
        )
        return retrying(self._inner.complete, request)

    def count_tokens(self, text: str) -> int | None:
        return self._inner.count_tokens(text)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        return float(self._backoff(state))
