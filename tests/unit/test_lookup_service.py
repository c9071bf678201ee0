"""The lookup use case, with hand-written fakes for its ports and a real thread pool."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.errors import (
    InvalidRequestError,
    PermanentBackendError,
    TransientBackendError,
    UnknownLLMError,
)
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import (
    Example,
    Field,
    FieldOutcome,
    FieldType,
    LookupRequest,
    LookupResult,
    OutcomeStatus,
    TokenUsage,
)
from src.domain.prompting.chain_of_thought import BasicChainOfThought, FewShotChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.ports import ChainOfThought
from tests.support.fakes import (
    NO_VALUE,
    FakeConnector,
    FakeExampleRepository,
    FakeFieldRepository,
    Script,
)

POWER = Field("EF000001", "Puissance", FieldType.NUMBER, unit="W")
COLOUR = Field("EF000002", "Couleur", FieldType.SELECT, options=("Blanc", "Chromé", "Noir"))
DIMMABLE = Field("EF000003", "Dimmable", FieldType.BOOLEAN)
MATERIAL = Field("EF000004", "Matériau", FieldType.TEXT)
FIELDS = (POWER, COLOUR, DIMMABLE, MATERIAL)
UNKNOWN_CODE = "EF999999"

DESCRIPTION = "Applique murale LED 12 W, finition chromée, variable, corps en aluminium"


# --- wiring ------------------------------------------------------------------------------------


@dataclass
class Harness:
    service: FieldLookupService
    connector: FakeConnector
    examples: FakeExampleRepository


HarnessFactory = Callable[..., Harness]


@pytest.fixture
def make_service() -> Iterator[HarnessFactory]:
    """Builds services on real thread pools, released and shut down after the test."""
    pools: list[ThreadPoolExecutor] = []
    events: list[threading.Event] = []

    def make(
        scripts: dict[str, Script] | None = None,
        chain_of_thought: ChainOfThought | None = None,
        examples: Sequence[Example] = (),
        timeout_seconds: float = 5.0,
        workers: int = 4,
    ) -> Harness:
        connector = FakeConnector(scripts)
        events.extend(s.block_on for s in connector.scripts.values() if s.block_on is not None)
        chain = chain_of_thought or BasicChainOfThought()
        llms = LLMRegistry(
            {"fake": lambda: ConfiguredLLM("fake", ChatFormat(), chain, connector)}, default="fake"
        )
        example_repository = FakeExampleRepository(examples)
        pool = ThreadPoolExecutor(max_workers=workers)
        pools.append(pool)
        service = FieldLookupService(
            llms, Catalogue(FakeFieldRepository(FIELDS), example_repository), pool, timeout_seconds
        )
        return Harness(service, connector, example_repository)

    yield make
    for event in events:
        event.set()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def request(*codes: str, description: str = DESCRIPTION, llm: str | None = None) -> LookupRequest:
    return LookupRequest(description, codes, llm)


def statuses(result: LookupResult) -> dict[str, OutcomeStatus]:
    return {outcome.field_code: outcome.status for outcome in result.outcomes}


def outcome_of(result: LookupResult, code: str) -> FieldOutcome:
    return next(outcome for outcome in result.outcomes if outcome.field_code == code)


def run_sync(service: FieldLookupService, lookup: LookupRequest) -> LookupResult:
    return service.lookup(lookup)


def run_async(service: FieldLookupService, lookup: LookupRequest) -> LookupResult:
    return asyncio.run(service.lookup_async(lookup))


def run_stream(service: FieldLookupService, lookup: LookupRequest) -> LookupResult:
    async def last() -> LookupResult:
        events = [event async for event in service.stream(lookup)]
        assert isinstance(events[-1], LookupResult)
        return events[-1]

    return asyncio.run(last())


Runner = Callable[[FieldLookupService, LookupRequest], LookupResult]
both_entry_points = pytest.mark.parametrize("run", [run_sync, run_async], ids=["sync", "async"])


# --- values and statuses -----------------------------------------------------------------------


@both_entry_points
def test_each_field_gets_a_value_of_its_type(make_service: HarnessFactory, run: Runner) -> None:
    harness = make_service(
        {
            POWER.code: Script('{"value": "3493,8"}'),
            COLOUR.code: Script('{"value": "CHROME"}'),
            DIMMABLE.code: Script('{"value": "oui"}'),
            MATERIAL.code: Script('{"value": "  Aluminium   brossé "}'),
        }
    )

    result = run(harness.service, request(POWER.code, COLOUR.code, DIMMABLE.code, MATERIAL.code))

    assert result.values() == {
        POWER.code: 3493.8,
        COLOUR.code: "Chromé",
        DIMMABLE.code: True,
        MATERIAL.code: "Aluminium brossé",
    }
    assert set(statuses(result).values()) == {OutcomeStatus.OK}
    assert result.llm == "fake"
    assert all(outcome.llm == "fake" for outcome in result.outcomes)


def test_outcomes_follow_the_request_order_not_the_finishing_order(
    make_service: HarnessFactory,
) -> None:
    harness = make_service(
        {
            MATERIAL.code: Script('{"value": "Laiton"}', delay=0.2),
            POWER.code: Script('{"value": 12}', delay=0.1),
            COLOUR.code: Script('{"value": "Noir"}'),
        }
    )

    result = harness.service.lookup(request(MATERIAL.code, POWER.code, COLOUR.code))

    assert [outcome.field_code for outcome in result.outcomes] == [
        MATERIAL.code,
        POWER.code,
        COLOUR.code,
    ]
    assert [outcome.value for outcome in result.outcomes] == ["Laiton", 12, "Noir"]


def test_duplicate_codes_are_looked_up_once(make_service: HarnessFactory) -> None:
    harness = make_service({POWER.code: Script('{"value": 12}')})

    result = harness.service.lookup(request(POWER.code, COLOUR.code, POWER.code, f" {POWER.code} "))

    assert [outcome.field_code for outcome in result.outcomes] == [POWER.code, COLOUR.code]
    assert len(harness.connector.requests_for(POWER.code)) == 1


def test_an_unknown_code_is_reported_without_asking_the_model(make_service: HarnessFactory) -> None:
    harness = make_service(
        {POWER.code: Script('{"value": 12}')}, chain_of_thought=FewShotChainOfThought(k=2)
    )

    result = harness.service.lookup(request(POWER.code, UNKNOWN_CODE))

    unknown = outcome_of(result, UNKNOWN_CODE)
    assert unknown.status is OutcomeStatus.UNKNOWN_FIELD
    assert unknown.value is None
    assert outcome_of(result, POWER.code).value == 12
    assert harness.connector.requests_for(UNKNOWN_CODE) == []
    assert all(UNKNOWN_CODE not in codes for codes, _, _ in harness.examples.asked)


def test_only_unknown_codes_give_only_unknown_outcomes(make_service: HarnessFactory) -> None:
    harness = make_service()

    result = harness.service.lookup(request(UNKNOWN_CODE))

    assert statuses(result) == {UNKNOWN_CODE: OutcomeStatus.UNKNOWN_FIELD}
    assert harness.connector.requests == []


@pytest.mark.parametrize(
    ("lookup", "location"),
    [
        (request(POWER.code, description=""), ("body", "description")),
        (request(POWER.code, description="   \n "), ("body", "description")),
        (request(), ("body", "fields")),
        (request("", "  "), ("body", "fields")),
    ],
    ids=["empty-description", "blank-description", "no-codes", "blank-codes"],
)
@both_entry_points
def test_an_empty_description_or_no_codes_is_refused(
    make_service: HarnessFactory, run: Runner, lookup: LookupRequest, location: tuple[str, ...]
) -> None:
    harness = make_service()

    with pytest.raises(InvalidRequestError) as raised:
        run(harness.service, lookup)

    assert raised.value.location == location
    assert (
        str(raised.value)
        == {
            "description": "the description is empty",
            "fields": "no field code was given",
        }[location[1]]
    )
    assert harness.connector.requests == []


def test_an_unknown_llm_is_refused(make_service: HarnessFactory) -> None:
    harness = make_service()

    with pytest.raises(UnknownLLMError, match="fake"):
        harness.service.lookup(request(POWER.code, llm="gpt-9"))


@pytest.mark.parametrize(
    "error",
    [
        TransientBackendError("rate limited (429)"),
        PermanentBackendError("rate limited: bad API key"),
    ],
    ids=["transient", "permanent"],
)
def test_a_backend_error_fails_its_field_only(
    make_service: HarnessFactory, error: Exception
) -> None:
    harness = make_service({COLOUR.code: Script(error=error), POWER.code: Script('{"value": 12}')})

    result = harness.service.lookup(request(COLOUR.code, POWER.code))

    failed = outcome_of(result, COLOUR.code)
    assert failed.status is OutcomeStatus.ERROR
    assert failed.value is None
    assert failed.error is not None and "rate limited" in failed.error
    assert outcome_of(result, POWER.code).status is OutcomeStatus.OK


def test_an_unexpected_exception_is_an_internal_error_of_its_field_only(
    make_service: HarnessFactory,
) -> None:
    harness = make_service(
        {
            COLOUR.code: Script(error=RuntimeError("secret detail")),
            POWER.code: Script('{"value": 12}'),
        }
    )

    result = harness.service.lookup(request(COLOUR.code, POWER.code))

    failed = outcome_of(result, COLOUR.code)
    assert failed.status is OutcomeStatus.ERROR
    assert failed.error == "internal error: RuntimeError"
    assert outcome_of(result, POWER.code).value == 12


def test_an_answer_that_is_not_an_option_is_invalid_and_kept_raw(
    make_service: HarnessFactory,
) -> None:
    harness = make_service({COLOUR.code: Script('{"value": "violet"}')})

    result = harness.service.lookup(request(COLOUR.code))

    outcome = outcome_of(result, COLOUR.code)
    assert outcome.status is OutcomeStatus.INVALID_OUTPUT
    assert outcome.value is None
    assert outcome.raw == '{"value": "violet"}'


@pytest.mark.parametrize("answer", [NO_VALUE, '{"value": "inconnu"}', "N/A"])
def test_a_model_that_does_not_know_gives_not_found(
    make_service: HarnessFactory, answer: str
) -> None:
    harness = make_service({POWER.code: Script(answer)})

    outcome = outcome_of(harness.service.lookup(request(POWER.code)), POWER.code)

    assert outcome.status is OutcomeStatus.NOT_FOUND
    assert outcome.value is None
    assert outcome.raw == answer


# --- the deadline ------------------------------------------------------------------------------


@both_entry_points
def test_the_deadline_answers_with_what_finished_and_leaves_the_pool_usable(
    make_service: HarnessFactory, run: Runner
) -> None:
    stuck = threading.Event()
    harness = make_service(
        {
            COLOUR.code: Script('{"value": "Noir"}'),
            POWER.code: Script('{"value": 12}', block_on=stuck),
            DIMMABLE.code: Script('{"value": true}'),
        },
        timeout_seconds=0.5,
        workers=2,
    )

    started = time.monotonic()
    result = run(harness.service, request(COLOUR.code, POWER.code, DIMMABLE.code))
    elapsed = time.monotonic() - started

    assert 0.5 <= elapsed < 0.8
    assert statuses(result) == {
        COLOUR.code: OutcomeStatus.OK,
        POWER.code: OutcomeStatus.TIMEOUT,
        DIMMABLE.code: OutcomeStatus.OK,
    }
    timed_out = outcome_of(result, POWER.code)
    assert timed_out.value is None
    assert timed_out.error is not None and "0.5 s" in timed_out.error

    # The stuck call ends in the background; both workers then serve the next request: the
    # two calls below only return once both run at the same time.
    stuck.set()
    assert harness.connector.wait_returned(POWER.code)
    both_workers = threading.Barrier(2)
    harness.connector.scripts[COLOUR.code].rendezvous = both_workers
    harness.connector.scripts[DIMMABLE.code].rendezvous = both_workers

    started = time.monotonic()
    second = run(harness.service, request(COLOUR.code, DIMMABLE.code))

    assert time.monotonic() - started < 1.5
    assert second.values() == {COLOUR.code: "Noir", DIMMABLE.code: True}


@pytest.mark.parametrize("run", [run_sync, run_async, run_stream], ids=["sync", "async", "stream"])
@pytest.mark.parametrize("deadline", [0.4, 1.0])
def test_every_entry_point_answers_within_0_3_s_of_the_deadline(
    make_service: HarnessFactory, run: Runner, deadline: float
) -> None:
    stuck = threading.Event()
    harness = make_service(
        {
            POWER.code: Script('{"value": 12}', block_on=stuck),
            COLOUR.code: Script('{"value": "Noir"}'),
        },
        timeout_seconds=deadline,
    )

    started = time.monotonic()
    result = run(harness.service, request(POWER.code, COLOUR.code))
    elapsed = time.monotonic() - started

    assert deadline <= elapsed < deadline + 0.3
    assert statuses(result) == {POWER.code: OutcomeStatus.TIMEOUT, COLOUR.code: OutcomeStatus.OK}
    timed_out = outcome_of(result, POWER.code)
    assert timed_out.llm == "fake" and timed_out.error == f"no answer within {deadline:g} s"
    # the time waited, in milliseconds, for the field that timed out and for the whole result
    assert deadline * 1000 <= timed_out.elapsed_ms < (deadline + 0.3) * 1000
    assert deadline * 1000 <= result.elapsed_ms < (deadline + 0.3) * 1000


def test_calls_that_had_not_started_by_the_deadline_are_cancelled(
    make_service: HarnessFactory,
) -> None:
    stuck = threading.Event()
    harness = make_service(
        {
            POWER.code: Script('{"value": 12}', block_on=stuck),
            COLOUR.code: Script('{"value": "Noir"}'),
        },
        timeout_seconds=0.3,
        workers=1,
    )

    result = harness.service.lookup(request(POWER.code, COLOUR.code))
    stuck.set()
    assert harness.connector.wait_returned(POWER.code)
    harness.service.lookup(request(DIMMABLE.code))  # runs after anything still queued on the pool

    assert statuses(result) == {
        POWER.code: OutcomeStatus.TIMEOUT,
        COLOUR.code: OutcomeStatus.TIMEOUT,
    }
    assert harness.connector.requests_for(COLOUR.code) == []


def test_a_pool_too_busy_to_start_a_request_still_answers_it_by_the_deadline(
    make_service: HarnessFactory,
) -> None:
    stuck = threading.Event()
    harness = make_service(
        {POWER.code: Script('{"value": 12}', block_on=stuck)}, timeout_seconds=0.3, workers=1
    )
    blocking = harness.service.lookup_async(request(POWER.code))  # holds the only worker

    async def both() -> tuple[LookupResult, list[FieldOutcome | LookupResult], float]:
        first = asyncio.ensure_future(blocking)
        await asyncio.sleep(0.05)
        started = time.monotonic()
        streamed = [
            event async for event in harness.service.stream(request(COLOUR.code, DIMMABLE.code))
        ]
        elapsed = time.monotonic() - started
        return await first, streamed, elapsed

    first, streamed, elapsed = asyncio.run(both())
    stuck.set()

    assert 0.3 <= elapsed < 0.6
    assert statuses(first) == {POWER.code: OutcomeStatus.TIMEOUT}
    *lines, summary = streamed
    assert isinstance(summary, LookupResult)
    assert statuses(summary) == {
        COLOUR.code: OutcomeStatus.TIMEOUT,
        DIMMABLE.code: OutcomeStatus.TIMEOUT,
    }
    assert sorted(line.field_code for line in lines if isinstance(line, FieldOutcome)) == sorted(
        [COLOUR.code, DIMMABLE.code]
    )
    assert harness.connector.requests_for(COLOUR.code) == []


def test_an_answer_that_comes_after_the_deadline_counts_as_a_timeout(
    make_service: HarnessFactory,
) -> None:
    harness = make_service({POWER.code: Script('{"value": 12}', delay=0.4)}, timeout_seconds=0.2)

    result = harness.service.lookup(request(POWER.code))

    assert outcome_of(result, POWER.code).status is OutcomeStatus.TIMEOUT


def test_requests_carry_the_deadline(make_service: HarnessFactory) -> None:
    harness = make_service(timeout_seconds=2.0)

    before = time.monotonic()
    harness.service.lookup(request(POWER.code))
    after = time.monotonic()

    (sent,) = harness.connector.requests
    assert before + 2.0 <= sent.deadline <= after + 2.0


# --- examples ----------------------------------------------------------------------------------


def labelled(field: Field, count: int) -> list[Example]:
    return [Example(field.code, f"Exemple {field.label} n°{index}", None) for index in range(count)]


@both_entry_points
def test_examples_are_fetched_once_for_all_fields_and_shown_in_the_prompt(
    make_service: HarnessFactory, run: Runner
) -> None:
    harness = make_service(
        chain_of_thought=FewShotChainOfThought(k=2),
        examples=[*labelled(POWER, 3), *labelled(COLOUR, 3)],
    )

    run(harness.service, request(POWER.code, COLOUR.code, UNKNOWN_CODE))

    assert harness.examples.asked == [((POWER.code, COLOUR.code), DESCRIPTION, 2)]
    (power_request,) = harness.connector.requests_for(POWER.code)
    assert "Exemple Puissance n°0" in power_request.text
    assert "Exemple Puissance n°1" in power_request.text
    assert "Exemple Puissance n°2" not in power_request.text
    assert "Exemple Couleur" not in power_request.text
    assert DESCRIPTION in power_request.text
    (colour_request,) = harness.connector.requests_for(COLOUR.code)
    assert "Exemple Couleur n°1" in colour_request.text


def test_the_basic_chain_of_thought_asks_for_no_examples(make_service: HarnessFactory) -> None:
    harness = make_service(chain_of_thought=BasicChainOfThought(), examples=labelled(POWER, 3))

    result = harness.service.lookup(request(POWER.code))

    assert harness.examples.asked == []
    (sent,) = harness.connector.requests
    assert "Exemple" not in sent.text
    assert outcome_of(result, POWER.code).status is OutcomeStatus.NOT_FOUND


# --- usage -------------------------------------------------------------------------------------


def test_token_usage_is_summed_over_the_fields(make_service: HarnessFactory) -> None:
    harness = make_service(
        {
            POWER.code: Script('{"value": 12}', usage=TokenUsage(100, 5)),
            COLOUR.code: Script('{"value": "Noir"}', usage=TokenUsage(80, 7)),
            DIMMABLE.code: Script('{"value": true}', usage=None),
        }
    )

    result = harness.service.lookup(request(POWER.code, COLOUR.code, DIMMABLE.code))

    assert result.usage == TokenUsage(180, 12)
    assert outcome_of(result, COLOUR.code).usage == TokenUsage(80, 7)


# --- streaming ---------------------------------------------------------------------------------


def test_a_stream_tells_each_field_once_those_known_at_the_start_first(
    make_service: HarnessFactory,
) -> None:
    harness = make_service({POWER.code: Script('{"value": 12}')})

    async def events() -> list[FieldOutcome | LookupResult]:
        return [e async for e in harness.service.stream(request(UNKNOWN_CODE, POWER.code))]

    *lines, summary = asyncio.run(events())

    assert [(o.field_code, o.status) for o in lines if isinstance(o, FieldOutcome)] == [
        (UNKNOWN_CODE, OutcomeStatus.UNKNOWN_FIELD),
        (POWER.code, OutcomeStatus.OK),
    ]
    assert len(lines) == 2 and isinstance(summary, LookupResult)
    assert statuses(summary) == {
        UNKNOWN_CODE: OutcomeStatus.UNKNOWN_FIELD,
        POWER.code: OutcomeStatus.OK,
    }


def test_a_stream_tells_a_field_while_another_is_still_asked(
    make_service: HarnessFactory,
) -> None:
    colour_asked = threading.Event()
    harness = make_service(
        {
            POWER.code: Script('{"value": 12}'),
            COLOUR.code: Script('{"value": "Chromé"}', block_on=colour_asked),
        },
        timeout_seconds=3.0,
    )

    async def told() -> tuple[
        FieldOutcome | LookupResult, float, list[FieldOutcome | LookupResult]
    ]:
        started = time.monotonic()
        stream = harness.service.stream(request(POWER.code, COLOUR.code))
        first = await anext(stream)
        waited = time.monotonic() - started
        colour_asked.set()
        return first, waited, [event async for event in stream]

    first, waited, rest = asyncio.run(told())

    assert isinstance(first, FieldOutcome) and (first.field_code, first.value) == (POWER.code, 12)
    assert waited < 1.5  # not the 3 s deadline
    assert [(o.field_code, o.value) for o in rest if isinstance(o, FieldOutcome)] == [
        (COLOUR.code, "Chromé")
    ]


def test_an_observer_hears_of_every_finished_lookup(make_service: HarnessFactory) -> None:
    finished: list[LookupResult] = []

    class Observer:
        def lookup_finished(self, result: LookupResult) -> None:
            finished.append(result)

    harness = make_service({POWER.code: Script('{"value": 12}')})
    with ThreadPoolExecutor(2) as pool:
        service = FieldLookupService(
            harness.service.llms,
            Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository()),
            pool,
            5.0,
            observer=Observer(),
        )
        result = service.lookup(request(POWER.code))
        streamed = run_stream(service, request(POWER.code, COLOUR.code))

    assert finished == [result, streamed]


def test_a_pool_too_busy_to_start_a_request_times_it_out_for_the_llm_it_named() -> None:
    chain = BasicChainOfThought()
    llms = LLMRegistry(
        {
            "fake": lambda: ConfiguredLLM("fake", ChatFormat(), chain, FakeConnector()),
            "other": lambda: ConfiguredLLM("other", ChatFormat(), chain, FakeConnector()),
        },
        default="fake",
    )
    pool, stuck = ThreadPoolExecutor(max_workers=1), threading.Event()
    service = FieldLookupService(
        llms, Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository()), pool, 0.3
    )
    try:
        pool.submit(stuck.wait, 5.0)  # the only worker, held
        result = asyncio.run(service.lookup_async(request(COLOUR.code, llm="other")))
    finally:
        stuck.set()
        pool.shutdown()

    assert (result.llm, [(o.status, o.llm) for o in result.outcomes]) == (
        "other",
        [(OutcomeStatus.TIMEOUT, "other")],
    )
