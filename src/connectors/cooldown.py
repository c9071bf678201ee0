"""A cool-down (a circuit breaker): a backend that keeps failing is left to rest, not hammered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from src.domain.errors import BackendCoolingDownError, TransientBackendError
from src.domain.prompting.ports import Connector
from src.domain.prompting.prompt import Completion, CompletionRequest
from src.domain.prompting.shared_prefix.ports import turn_of


class CoolingDownConnector:
    """Wraps a connector (retries included): after `failure_threshold` calls in a row that end
    in a TransientBackendError, calls fail at once with BackendCoolingDownError for
    `cooldown_s`. Then one trial call goes through: an answer ends the cool-down, a failure
    starts another. Permanent errors say nothing about the backend's health and do not count,
    nor does DeadlinePassedError: a call that waited for a busy local model until its deadline
    is a timeout, not a failure, so a queue of work never shuts the model off for everybody.

    Calls run outside the lock (unlike pybreaker's `CircuitBreaker.call`, which holds its lock
    for the whole call and so would ask a request's fields one at a time).
    """

    def __init__(
        self,
        inner: Connector,
        name: str,
        failure_threshold: int,
        cooldown_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._name = name
        self._threshold = failure_threshold
        self._cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._last_error = ""
        self._resting_until: float | None = None
        self._trial_under_way = False

    @property
    def inner(self) -> Connector:
        return self._inner

    def complete(self, request: CompletionRequest) -> Completion:
        is_trial = self._enter()
        try:
            completion = self._inner.complete(request)
        except TransientBackendError as error:
            self._settle(is_trial, failed=str(error))
            raise
        except BaseException:
            self._settle(is_trial, failed=None, answered=False)
            raise
        self._settle(is_trial, failed=None)
        return completion

    def count_tokens(self, text: str) -> int | None:
        return self._inner.count_tokens(text)

    def turn(self, deadline: float) -> AbstractContextManager[None]:
        """The wrapped connector's turn, for one product's calls (see TakesTurns)."""
        return turn_of(self._inner, deadline)

    def _enter(self) -> bool:
        """Whether this call is the trial after a cool-down; raises while the backend rests."""
        with self._lock:
            if self._resting_until is None:
                return False
            left = self._resting_until - self._clock()
            if left > 0 or self._trial_under_way:
                why = f"{self._failures} failed calls in a row (last: {self._last_error})"
                wait = f"for {left:.1f} s more" if left > 0 else "while a trial call is under way"
                raise BackendCoolingDownError(
                    f"{self._name} is not called {wait} after {why}", retry_after=max(left, 0.0)
                )
            self._trial_under_way = True
            return True

    def _settle(self, is_trial: bool, failed: str | None, answered: bool = True) -> None:
        with self._lock:
            if is_trial:
                self._trial_under_way = False
            if failed is not None:
                self._failures += 1
                self._last_error = failed
                if self._failures >= self._threshold:
                    self._resting_until = self._clock() + self._cooldown_s
            elif answered:
                self._failures = 0
                self._resting_until = None
