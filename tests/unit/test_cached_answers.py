"""What a lookup keeps in its cache: answers given (a value or the model's not found) with their
raw output and confidence, given back as they were; never a timeout or an error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.confidence.tokens import TokenProbability
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Field, FieldType, LookupRequest, OutcomeStatus
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prompt import Completion, CompletionRequest
from tests.support.fakes import FakeCache, FakeExampleRepository, FakeFieldRepository

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
COLOUR = Field("EF000007", "couleur", FieldType.SELECT, options=("blanc", "noir"))
LAMP = LookupRequest("Ampoule E27 blanche", (SOCKET.code, COLOUR.code))


class SureOfTheSocket:
    """Answers E27 (0.8 sure) and no colour; holds the colour's answer while `held` is clear."""

    def __init__(self) -> None:
        self.held = threading.Event()
        self.held.set()

    def complete(self, request: CompletionRequest) -> Completion:
        if request.field_code == COLOUR.code:
            self.held.wait(5)
            return Completion('{"value": null}', None, (TokenProbability('{"value": null}', 0.6),))
        raw = '{"value": "E27"}'
        return Completion(
            raw, None, (TokenProbability('{"value": ', 1.0), TokenProbability('"E27"}', 0.8))
        )

    def count_tokens(self, text: str) -> int | None:
        return None


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(4)
    yield executor
    executor.shutdown(wait=True)


def service(
    pool: ThreadPoolExecutor, model: SureOfTheSocket, cache: FakeCache, answering: str = ""
) -> FieldLookupService:
    llm = ConfiguredLLM("few", ChatFormat(), FewShotChainOfThought(k=0), model)
    return FieldLookupService(
        LLMRegistry({"few": lambda: llm}, default="few"),
        Catalogue(FakeFieldRepository([SOCKET, COLOUR]), FakeExampleRepository()),
        pool,
        0.5,
        cache,
        answering=answering,
    )


def test_answers_come_back_from_the_cache_with_their_raw_output_and_confidence(
    pool: ThreadPoolExecutor,
) -> None:
    lookup = service(pool, SureOfTheSocket(), FakeCache())

    first = lookup.lookup(LAMP).outcomes
    again = lookup.lookup(LAMP).outcomes

    given = [(o.value, o.status, o.raw, o.confidence, o.llm) for o in first]
    assert given == [
        ("E27", OutcomeStatus.OK, '{"value": "E27"}', pytest.approx(0.8), "few"),
        (None, OutcomeStatus.NOT_FOUND, '{"value": null}', None, "few"),
    ]
    assert [(o.value, o.status, o.raw, o.confidence, o.llm) for o in again] == given
    assert [o.cached for o in first] == [False, False]
    assert [o.cached for o in again] == [True, True]


def test_a_timeout_is_not_kept_the_next_lookup_asks_again(pool: ThreadPoolExecutor) -> None:
    model, cache = SureOfTheSocket(), FakeCache()
    lookup = service(pool, model, cache)
    model.held.clear()

    first = lookup.lookup(LAMP).outcomes
    model.held.set()
    again = lookup.lookup(LAMP).outcomes

    assert [(o.status, o.cached) for o in first] == [
        (OutcomeStatus.OK, False),
        (OutcomeStatus.TIMEOUT, False),
    ]
    assert [(o.status, o.cached) for o in again] == [
        (OutcomeStatus.OK, True),
        (OutcomeStatus.NOT_FOUND, False),
    ]


def test_answers_cached_by_other_code_are_not_served(pool: ThreadPoolExecutor) -> None:
    cache = FakeCache()
    before = service(pool, SureOfTheSocket(), cache, answering="v1").lookup(LAMP)
    assert [o.cached for o in before.outcomes] == [False, False]

    again = service(pool, SureOfTheSocket(), cache, answering="v1").lookup(LAMP)
    upgraded = service(pool, SureOfTheSocket(), cache, answering="v2").lookup(LAMP)

    assert [o.cached for o in again.outcomes] == [True, True]
    assert [o.cached for o in upgraded.outcomes] == [False, False]
    assert upgraded.values() == before.values()
