"""Retries of transient backend failures, with backoff and jitter, never past the deadline."""

from __future__ import annotations

import random
import time
from contextlib import AbstractContextManager

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from src.domain.errors import TransientBackendError
from src.domain.prompting.ports import Connector
from src.domain.prompting.prompt import Completion, CompletionRequest
from src.domain.prompting.shared_prefix.ports import turn_of


class RetryingConnector:
    """Wraps a connector: a TransientBackendError is retried up to `max_retries` times, after
    the server's Retry-After when it gave one, otherwise exponential backoff with full jitter;
    a retry whose wait would end past the request's deadline is not made.

    The first attempt runs bare: the retry machinery only starts once a call has failed, so
    the common case (an answer at once) costs nothing more than the call itself.
    """

    def __init__(
        self,
        inner: Connector,
        max_retries: int,
        initial_backoff_s: float = 0.1,
        max_backoff_s: float = 2.0,
    ) -> None:
        self._inner = inner
        self._max_retries = max_retries
        self._initial_backoff_s = initial_backoff_s
        self._max_backoff_s = max_backoff_s

    @property
    def inner(self) -> Connector:
        return self._inner

    def complete(self, request: CompletionRequest) -> Completion:
        try:
            return self._inner.complete(request)
        except TransientBackendError as failure:
            if self._max_retries == 0:
                raise
            first_wait = self._delay(failure, failed_attempts=1)
            if time.monotonic() + first_wait >= request.deadline:
                raise
            time.sleep(first_wait)

        attempts = stop_after_attempt(self._max_retries)

        def past_deadline(state: RetryCallState) -> bool:
            return time.monotonic() + (state.upcoming_sleep or 0.0) >= request.deadline

        def stop(state: RetryCallState) -> bool:
            return attempts(state) or past_deadline(state)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return self._delay(error, failed_attempts=state.attempt_number + 1)

        retrying = Retrying(
            retry=retry_if_exception_type(TransientBackendError),
            stop=stop,
            wait=wait,
            reraise=True,
        )
        return retrying(self._inner.complete, request)

    def count_tokens(self, text: str) -> int | None:
        return self._inner.count_tokens(text)

    def turn(self, deadline: float) -> AbstractContextManager[None]:
        """The wrapped connector's turn, for one product's calls (see TakesTurns)."""
        return turn_of(self._inner, deadline)

    def _delay(self, error: BaseException | None, failed_attempts: int) -> float:
        """Retry-After when the server said it; otherwise full jitter over an exponential cap."""
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        cap = min(self._max_backoff_s, self._initial_backoff_s * 2 ** (failed_attempts - 1))
        return random.uniform(0, cap)
