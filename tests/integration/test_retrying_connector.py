"""Retries of transient backend failures: how many, how long apart, and never past the deadline."""

from __future__ import annotations

import time

import pytest

from src.connectors.retrying import RetryingConnector
from src.domain.errors import BackendError, PermanentBackendError, TransientBackendError
from src.domain.prompting.prompt import Completion, CompletionRequest, Message, RenderedPrompt


class FlakyConnector:
    """Fails with the given errors, in order, then answers; records when each attempt came."""

    def __init__(self, *failures: BackendError, answer: str = '{"value": 12}') -> None:
        self._failures = list(failures)
        self._answer = answer
        self.attempts: list[float] = []

    def complete(self, request: CompletionRequest) -> Completion:
        self.attempts.append(time.monotonic())
        if self._failures:
            raise self._failures.pop(0)
        return Completion(self._answer)

    def count_tokens(self, text: str) -> int | None:
        return len(text.split())


def completion_request(deadline_in: float = 10.0) -> CompletionRequest:
    return CompletionRequest(
        field_code="EF000001",
        prompt=RenderedPrompt((Message("user", "Puissance ?"),), "user: Puissance ?"),
        answer_schema=None,
        max_tokens=16,
        deadline=time.monotonic() + deadline_in,
    )


def transient(n: int, retry_after: float | None = None) -> list[TransientBackendError]:
    return [TransientBackendError(f"503 #{i}", retry_after=retry_after) for i in range(n)]


@pytest.mark.parametrize("failures", [0, 1, 3])
def test_transient_failures_are_retried_until_an_answer(failures: int) -> None:
    inner = FlakyConnector(*transient(failures))
    connector = RetryingConnector(inner, max_retries=3, initial_backoff_s=0.001, max_backoff_s=0.01)

    completion = connector.complete(completion_request())

    assert completion.text == '{"value": 12}'
    assert len(inner.attempts) == failures + 1


def test_more_failures_than_retries_surface_the_transient_error() -> None:
    inner = FlakyConnector(*transient(5))
    connector = RetryingConnector(inner, max_retries=2, initial_backoff_s=0.001, max_backoff_s=0.01)

    with pytest.raises(TransientBackendError, match="503 #2"):
        connector.complete(completion_request())

    assert len(inner.attempts) == 3


def test_no_retries_means_one_attempt() -> None:
    inner = FlakyConnector(*transient(1))
    connector = RetryingConnector(inner, max_retries=0)

    with pytest.raises(TransientBackendError):
        connector.complete(completion_request())

    assert len(inner.attempts) == 1


def test_a_permanent_error_is_not_retried() -> None:
    inner = FlakyConnector(PermanentBackendError("401 bad API key"))
    connector = RetryingConnector(inner, max_retries=3, initial_backoff_s=0.001)

    with pytest.raises(PermanentBackendError, match="bad API key"):
        connector.complete(completion_request())

    assert len(inner.attempts) == 1


def test_retry_after_is_honoured() -> None:
    inner = FlakyConnector(*transient(2, retry_after=0.2))
    # a backoff this small would retry at once if Retry-After were ignored
    connector = RetryingConnector(
        inner, max_retries=2, initial_backoff_s=0.001, max_backoff_s=0.001
    )

    connector.complete(completion_request())

    assert len(inner.attempts) == 3
    gaps = [
        later - earlier for earlier, later in zip(inner.attempts, inner.attempts[1:], strict=False)
    ]
    assert all(gap >= 0.19 for gap in gaps), gaps


def test_a_retry_that_would_end_past_the_deadline_is_not_made() -> None:
    inner = FlakyConnector(*transient(1, retry_after=1.0))
    connector = RetryingConnector(inner, max_retries=3)

    started = time.monotonic()
    with pytest.raises(TransientBackendError):
        connector.complete(completion_request(deadline_in=0.3))

    assert len(inner.attempts) == 1
    assert time.monotonic() - started < 0.8


def test_backoff_retries_stop_at_the_deadline() -> None:
    inner = FlakyConnector(*transient(200))
    # 200 retries at about 25 ms each would take some 5 s without the deadline
    connector = RetryingConnector(
        inner, max_retries=200, initial_backoff_s=0.05, max_backoff_s=0.05
    )

    started = time.monotonic()
    with pytest.raises(TransientBackendError):
        connector.complete(completion_request(deadline_in=0.3))

    assert time.monotonic() - started < 1.5
    assert 1 <= len(inner.attempts) < 200


def test_token_counting_is_the_inner_connector_s() -> None:
    assert RetryingConnector(FlakyConnector(), max_retries=1).count_tokens("a b c") == 3
