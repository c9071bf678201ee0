"""Waiting is not failing: fields that did not get a busy local model before the deadline end
`timeout`, never `error`, and never rest the model for everybody (issue 11, item 1)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.connectors.cooldown import CoolingDownConnector
from src.connectors.model_turns import ModelTurns
from src.connectors.retrying import RetryingConnector
from src.domain.catalogue.ports import Catalogue
from src.domain.errors import DeadlinePassedError
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Field, FieldType, LookupRequest, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import GemmaFormat
from tests.support.fakes import FakeExampleRepository, FakeFieldRepository
from tests.support.slow_local_model import SlowLocalModel

FIELDS = tuple(Field(f"EF00010{n}", f"Attribut {n}", FieldType.NUMBER, unit="mm") for n in range(8))
CODES = tuple(field.code for field in FIELDS)
DESCRIPTION = "Radiateur acier 600 x 1200 mm, 1500 W"


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=16)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def service_on(
    model: SlowLocalModel, pool: ThreadPoolExecutor, timeout_seconds: float
) -> FieldLookupService:
    """The model wrapped as bootstrap wraps every connector: retries, then a cool-down after two
    failed calls in a row (a low threshold, so that counting waits would trip it at once)."""
    guarded = CoolingDownConnector(
        RetryingConnector(model, max_retries=2), "slow", 2, cooldown_s=30
    )
    llms = LLMRegistry(
        {"slow": lambda: ConfiguredLLM("slow", GemmaFormat(), BasicChainOfThought(), guarded)},
        "slow",
    )
    return FieldLookupService(
        llms, Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository()), pool, timeout_seconds
    )


def test_fields_that_wait_past_the_deadline_are_timeouts_and_the_next_request_is_answered(
    pool: ThreadPoolExecutor,
) -> None:
    model = SlowLocalModel(seconds_per_call=0.3)
    service = service_on(model, pool, timeout_seconds=1.0)

    first = service.lookup(LookupRequest(DESCRIPTION, CODES))

    statuses = [outcome.status for outcome in first.outcomes]
    assert OutcomeStatus.ERROR not in statuses, [o.error for o in first.outcomes]
    answered = statuses.count(OutcomeStatus.NOT_FOUND)
    assert 1 <= answered <= 4 and statuses.count(OutcomeStatus.TIMEOUT) == len(CODES) - answered
    time.sleep(0.5)  # the calls still waiting at the deadline give up
    second = service.lookup(LookupRequest(DESCRIPTION, CODES[:2]))
    assert [o.status for o in second.outcomes] == [OutcomeStatus.NOT_FOUND] * 2, [
        o.error for o in second.outcomes
    ]


def test_two_requests_at_once_both_get_answers_and_neither_an_error(
    pool: ThreadPoolExecutor,
) -> None:
    model = SlowLocalModel(seconds_per_call=0.05)
    service = service_on(model, pool, timeout_seconds=5.0)
    results = []

    def ask() -> None:
        results.append(service.lookup(LookupRequest(DESCRIPTION, CODES[:4])))

    clients = [threading.Thread(target=ask) for _ in range(2)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(10)

    assert len(results) == 2
    assert all(o.status is OutcomeStatus.NOT_FOUND for result in results for o in result.outcomes)


def test_a_turn_is_first_come_first_served_and_a_wait_ends_at_its_deadline() -> None:
    turns = ModelTurns("the model")
    order: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with turns.hold(time.monotonic() + 5, "first"):
            holding.set()
            release.wait(5)

    def queue(name: str) -> None:
        with turns.hold(time.monotonic() + 5, name):
            order.append(name)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(2)
    waiters = []
    for number, name in enumerate(("second", "third", "fourth"), 1):
        waiters.append(threading.Thread(target=queue, args=(name,)))
        waiters[-1].start()
        _wait_until(lambda number=number: len(turns._waiting) == number)
    with (
        pytest.raises(
            DeadlinePassedError,
            match="the model was busy with other work until the deadline of late",
        ),
        turns.hold(time.monotonic() + 0.1, "late"),
    ):
        pass
    release.set()
    for thread in [holder, *waiters]:
        thread.join(5)
    assert order == ["second", "third", "fourth"]
    with turns.hold(time.monotonic() + 1, "again"), turns.hold(time.monotonic() + 1, "nested"):
        pass  # re-entrant for the thread that holds it


def _wait_until(condition: Callable[[], bool], within: float = 5.0) -> None:
    end = time.monotonic() + within
    while not condition():
        assert time.monotonic() < end, "the condition did not come true"
        time.sleep(0.005)
