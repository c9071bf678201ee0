"""Single flight: identical questions asked while one is under way share its backend call,
through the real lookup service (real thread pool, a fake model that counts its calls)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.errors import StorageUnavailableError
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.lookup.single_flight import SingleFlight
from src.domain.model import FieldOutcome, LookupRequest, OutcomeStatus, TokenUsage
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from tests.support.fakes import FakeConnector, FakeExampleRepository, FakeFieldRepository, Script
from tests.unit.test_lookup_service import COLOUR, DESCRIPTION, FIELDS, POWER


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=16) as executor:
        yield executor


def service(
    pool: ThreadPoolExecutor,
    connector: FakeConnector,
    timeout: float = 5.0,
    shared: bool = True,
    flights: SingleFlight[FieldOutcome] | None = None,
) -> FieldLookupService:
    llms = LLMRegistry(
        {"fake": lambda: ConfiguredLLM("fake", ChatFormat(), BasicChainOfThought(), connector)},
        default="fake",
    )
    return FieldLookupService(
        llms,
        Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository()),
        pool,
        timeout,
        single_flight=(flights or SingleFlight()) if shared else None,
    )


def scripts(delay: float = 0.3) -> dict[str, Script]:
    usage = TokenUsage(100, 5)
    return {
        POWER.code: Script('{"value": 12}', delay=delay, usage=usage),
        COLOUR.code: Script('{"value": "Chromé"}', delay=delay, usage=usage),
    }


def ask_together(
    lookup: FieldLookupService, requests: list[LookupRequest], pool: ThreadPoolExecutor
) -> list:
    start = threading.Barrier(len(requests))

    def ask(request: LookupRequest):  # type: ignore[no-untyped-def]
        start.wait()
        return lookup.lookup(request)

    return [future.result() for future in [pool.submit(ask, request) for request in requests]]


@pytest.mark.parametrize("shared", [True, False])
def test_concurrent_identical_lookups_make_one_call_per_field(
    pool: ThreadPoolExecutor, shared: bool
) -> None:
    connector = FakeConnector(scripts())
    same = LookupRequest(DESCRIPTION, (POWER.code, COLOUR.code))

    results = ask_together(service(pool, connector, shared=shared), [same] * 4, pool)

    assert all(result.values() == {POWER.code: 12, COLOUR.code: "Chromé"} for result in results)
    assert len(connector.requests) == (2 if shared else 8)
    if shared:  # the answers that cost no call are told apart, as cache hits are
        outcomes = [o for result in results for o in result.outcomes]
        assert sum(not o.cached for o in outcomes) == 2
        assert all(o.usage is None for o in outcomes if o.cached)
        assert sum(result.usage.prompt_tokens for result in results) == 200


def test_other_texts_and_later_questions_make_their_own_calls(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector(scripts(delay=0.1))
    lookup = service(pool, connector)
    other = LookupRequest(DESCRIPTION + " 2", (POWER.code,))

    ask_together(lookup, [LookupRequest(DESCRIPTION, (POWER.code,)), other], pool)
    lookup.lookup(LookupRequest(DESCRIPTION, (POWER.code,)))  # the first call is over: asked again

    assert len(connector.requests) == 3


def test_one_asker_giving_up_does_not_take_the_answer_from_the_others(
    pool: ThreadPoolExecutor,
) -> None:
    release = threading.Event()
    connector = FakeConnector({POWER.code: Script('{"value": 12}', block_on=release)})
    flights: SingleFlight[FieldOutcome] = SingleFlight()
    patient, hasty = (service(pool, connector, timeout, flights=flights) for timeout in (5.0, 0.2))
    request = LookupRequest(DESCRIPTION, (POWER.code,))

    waiting = pool.submit(patient.lookup, request)
    while not connector.requests:
        threading.Event().wait(0.01)
    gave_up = hasty.lookup(request)  # joins the call, and lets go of it at its deadline
    release.set()

    assert gave_up.outcomes[0].status is OutcomeStatus.TIMEOUT
    assert waiting.result().values() == {POWER.code: 12}
    assert len(connector.requests) == 1


def test_a_start_that_fails_fails_those_who_joined_and_is_forgotten() -> None:
    flights: SingleFlight[int] = SingleFlight()
    joined: dict[str, Future[int]] = {}

    def start(items: list[str]) -> dict[str, Future[int]]:
        joined.update(flights.share({"b": "key"}, lambda _: {}))  # asks the same while it starts
        raise StorageUnavailableError("the database is unavailable")

    with pytest.raises(StorageUnavailableError):
        flights.share({"a": "key"}, start)

    with pytest.raises(StorageUnavailableError):
        joined["b"].result(timeout=1)
    done: Future[int] = Future()
    done.set_result(7)
    assert (
        flights.share({"c": "key"}, lambda items: {item: done for item in items})["c"].result(
            timeout=1
        )
        == 7
    )


def test_a_call_not_started_is_cancelled_once_every_asker_has_given_up() -> None:
    flights: SingleFlight[int] = SingleFlight()
    call: Future[int] = Future()  # queued on a busy pool: not started
    first = flights.share({"a": "key"}, lambda items: {item: call for item in items})
    second = flights.share({"b": "key"}, lambda items: {})

    first["a"].cancel()
    assert not call.cancelled()
    second["b"].cancel()
    assert call.cancelled()


def test_every_asker_gets_the_answer_the_leader_as_given_the_others_as_joined() -> None:
    flights: SingleFlight[int] = SingleFlight()
    call: Future[int] = Future()
    leader = flights.share({"a": "key", "x": "other"}, lambda items: {i: call for i in items})
    joined = [flights.share({"b": "key"}, lambda _: {}, as_joined=lambda n: -n) for _ in range(3)]

    call.set_result(7)

    assert leader["a"].result(timeout=1) == leader["x"].result(timeout=1) == 7
    assert [future["b"].result(timeout=1) for future in joined] == [-7, -7, -7]
    again: Future[int] = Future()
    again.set_result(8)
    later = flights.share({"c": "key"}, lambda items: {i: again for i in items})
    assert later["c"].result(timeout=1) == 8  # landed: the next asker leads a call of its own


def test_those_who_joined_get_the_answer_after_the_leader_gave_up() -> None:
    flights: SingleFlight[int] = SingleFlight()
    call: Future[int] = Future()
    call.set_running_or_notify_cancel()  # under way: giving up does not cancel it
    leader = flights.share({"a": "key"}, lambda items: {item: call for item in items})
    joined = flights.share({"b": "key"}, lambda _: {}, as_joined=lambda n: -n)

    leader["a"].cancel()
    call.set_result(7)

    assert leader["a"].cancelled()
    assert joined["b"].result(timeout=1) == -7
