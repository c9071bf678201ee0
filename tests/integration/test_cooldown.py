"""The cool-down: a backend failing again and again is left to rest, then tried once."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import pytest

from src.connectors.cooldown import CoolingDownConnector
from src.domain.errors import BackendCoolingDownError, PermanentBackendError, TransientBackendError
from src.domain.prompting.prompt import Completion, CompletionRequest, RenderedPrompt
from tests.support.clock import ManualClock

REQUEST = CompletionRequest(
    "EF000042", RenderedPrompt((), "text"), None, 16, deadline=time.monotonic() + 60
)


class ScriptedConnector:
    """Answers, or raises, as `behaviour` says; counts the calls it received."""

    def __init__(self, behaviour: Callable[[], Completion]) -> None:
        self.behaviour = behaviour
        self.calls = 0
        self._lock = threading.Lock()

    def complete(self, request: CompletionRequest) -> Completion:
        with self._lock:
            self.calls += 1
        return self.behaviour()

    def count_tokens(self, text: str) -> int | None:
        return None


def fails() -> Completion:
    raise TransientBackendError("HTTP 500")


def answers() -> Completion:
    return Completion('{"value": "E27"}')


def guarded(
    inner: ScriptedConnector, clock: ManualClock, threshold: int = 3
) -> CoolingDownConnector:
    return CoolingDownConnector(
        inner, "gpt", failure_threshold=threshold, cooldown_s=30, clock=clock
    )


def test_after_failures_in_a_row_the_backend_is_not_called_until_the_cool_down_ends() -> None:
    inner, clock = ScriptedConnector(fails), ManualClock(1000.0)
    connector = guarded(inner, clock)
    for _ in range(3):
        with pytest.raises(TransientBackendError):
            connector.complete(REQUEST)

    with pytest.raises(
        BackendCoolingDownError, match=r"gpt is not called for 30\.0 s more after 3 failed"
    ) as resting:
        connector.complete(REQUEST)

    assert inner.calls == 3 and resting.value.retry_after == 30
    clock.now += 29
    with pytest.raises(BackendCoolingDownError):
        connector.complete(REQUEST)
    assert inner.calls == 3


def test_after_the_cool_down_one_trial_call_decides() -> None:
    inner, clock = ScriptedConnector(fails), ManualClock(1000.0)
    connector = guarded(inner, clock, threshold=1)
    with pytest.raises(TransientBackendError):
        connector.complete(REQUEST)
    clock.now += 31

    with pytest.raises(TransientBackendError):
        connector.complete(REQUEST)  # the trial fails: another cool-down
    with pytest.raises(BackendCoolingDownError):
        connector.complete(REQUEST)
    clock.now += 31
    inner.behaviour = answers

    assert connector.complete(REQUEST).text == '{"value": "E27"}'
    assert connector.complete(REQUEST).text == '{"value": "E27"}'  # closed again
    assert inner.calls == 4


def test_an_answer_resets_the_count_and_permanent_errors_do_not_count() -> None:
    inner, clock = ScriptedConnector(fails), ManualClock(1000.0)
    connector = guarded(inner, clock)
    for behaviour in (fails, fails, answers, fails, fails):
        inner.behaviour = behaviour
        with contextlib.suppress(TransientBackendError):
            connector.complete(REQUEST)

    def refuses() -> Completion:
        raise PermanentBackendError("HTTP 401: bad credentials")

    inner.behaviour = refuses
    for _ in range(5):
        with pytest.raises(PermanentBackendError):
            connector.complete(REQUEST)
    assert inner.calls == 10  # never rested: no 3 transient failures in a row


def test_calls_run_side_by_side() -> None:
    """pybreaker's CircuitBreaker.call holds its lock during the call; this must not."""

    def slow() -> Completion:
        time.sleep(0.3)
        return Completion("{}")

    connector = guarded(ScriptedConnector(slow), ManualClock(1000.0))
    threads = [threading.Thread(target=connector.complete, args=(REQUEST,)) for _ in range(10)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert time.monotonic() - started < 1.5  # one after another would take 3 s
