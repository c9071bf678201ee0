"""Strategies beyond one call per field: the pre-pass answers before the model, and all fields
in one call, through the real lookup service with a fake model."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import (
    Example,
    Field,
    FieldType,
    LookupRequest,
    OutcomeSource,
    OutcomeStatus,
    TokenUsage,
)
from src.domain.prompting.chain_of_thought import AllFieldsChainOfThought, BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.ports import ChainOfThought, ProductChainOfThought
from src.domain.prompting.prepass import TextRulesPrepass
from src.domain.prompting.prompt import Completion, CompletionRequest

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
DIMMABLE = Field("EF000137", "à intensité variable", FieldType.BOOLEAN)
FIELDS = {field.code: field for field in (SOCKET, POWER, DIMMABLE)}
LAMP = "Ampoule LED E27 8,5W équivalent 60W, gradable"


class Fields:
    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        return {code: FIELDS[code] for code in codes if code in FIELDS}

    def get(self, code: str) -> Field | None:
        return FIELDS.get(code)

    def list_all(self) -> list[Field]:
        return list(FIELDS.values())


class NoExamples:
    def most_similar(
        self,
        field_codes: Sequence[str],
        description: str,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, list[Example]]:
        return {}


class ScriptedModel:
    """Answers every request with `answer` after `delay`; keeps the requests it was sent."""

    def __init__(self, answer: str, delay: float = 0.0) -> None:
        self.answer = answer
        self.delay = delay
        self.requests: list[CompletionRequest] = []

    def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        time.sleep(self.delay)
        return Completion(self.answer, TokenUsage(100, 20))

    def count_tokens(self, text: str) -> int | None:
        return None


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(4)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def service(
    pool: ThreadPoolExecutor,
    chain: ChainOfThought | ProductChainOfThought,
    model: ScriptedModel,
    prepass: bool = False,
    timeout: float = 5.0,
) -> FieldLookupService:
    configured = ConfiguredLLM(
        "fake", ChatFormat(), chain, model, prepass=TextRulesPrepass() if prepass else None
    )
    llms = LLMRegistry({"fake": lambda: configured}, default="fake")
    return FieldLookupService(llms, Catalogue(Fields(), NoExamples()), pool, timeout)


def test_the_prepass_answers_what_it_reads_and_the_model_is_asked_the_rest(
    pool: ThreadPoolExecutor,
) -> None:
    model = ScriptedModel('{"value": true}')

    result = service(pool, BasicChainOfThought(), model, prepass=True).lookup(
        LookupRequest(LAMP, ("EF000042", "EF000035", "EF000137"))
    )

    by_code = {o.field_code: o for o in result.outcomes}
    assert (
        by_code["EF000042"].value == "E27" and by_code["EF000042"].source is OutcomeSource.PREPASS
    )
    # two powers in the text: the pre-pass leaves it to the model, as it does booleans
    assert {r.field_code for r in model.requests} == {"EF000035", "EF000137"}
    assert by_code["EF000137"].source is OutcomeSource.MODEL and by_code["EF000137"].value is True


def test_all_fields_are_asked_in_one_call_and_read_per_field(pool: ThreadPoolExecutor) -> None:
    model = ScriptedModel('{"EF000042": "e27", "EF000035": "8,5 W", "EF000137": null}')

    result = service(pool, AllFieldsChainOfThought(), model).lookup(
        LookupRequest(LAMP, ("EF000042", "EF000035", "EF000137"))
    )

    assert len(model.requests) == 1
    schema = model.requests[0].answer_schema
    assert schema is not None and list(schema["properties"]) == ["EF000042", "EF000035", "EF000137"]
    assert result.values() == {"EF000042": "E27", "EF000035": 8.5, "EF000137": None}
    assert [o.status for o in result.outcomes] == [
        OutcomeStatus.OK,
        OutcomeStatus.OK,
        OutcomeStatus.NOT_FOUND,
    ]
    assert result.usage == TokenUsage(100, 20)  # one call's usage, counted once


def test_the_prepass_and_one_call_for_the_rest(pool: ThreadPoolExecutor) -> None:
    model = ScriptedModel('{"EF000035": 8.5, "EF000137": true}')

    result = service(pool, AllFieldsChainOfThought(), model, prepass=True).lookup(
        LookupRequest(LAMP, ("EF000042", "EF000035", "EF000137"))
    )

    assert model.requests[0].field_code == "EF000035+EF000137"
    assert result.values() == {"EF000042": "E27", "EF000035": 8.5, "EF000137": True}


def test_an_unreadable_product_answer_is_invalid_for_every_field_and_kept(
    pool: ThreadPoolExecutor,
) -> None:
    model = ScriptedModel("E27, 8.5 W")

    result = service(pool, AllFieldsChainOfThought(), model).lookup(
        LookupRequest(LAMP, ("EF000042", "EF000035"))
    )

    assert [o.status for o in result.outcomes] == [OutcomeStatus.INVALID_OUTPUT] * 2
    assert all(o.raw == "E27, 8.5 W" for o in result.outcomes)


def test_a_product_call_past_the_deadline_times_out_every_field(pool: ThreadPoolExecutor) -> None:
    model = ScriptedModel('{"EF000042": "E27", "EF000035": 8}', delay=1.0)
    started = time.monotonic()

    result = service(pool, AllFieldsChainOfThought(), model, timeout=0.2).lookup(
        LookupRequest(LAMP, ("EF000042", "EF000035"))
    )

    assert time.monotonic() - started < 0.9
    assert [o.status for o in result.outcomes] == [OutcomeStatus.TIMEOUT] * 2


def test_the_all_fields_prompt_defines_every_field_and_shows_examples() -> None:
    chain = AllFieldsChainOfThought(k=1)
    examples = {"EF000035": [Example("EF000035", "Lampe halogène 35 W GU5.3", 35)]}

    prompt = chain.prompt([SOCKET, POWER], LAMP, examples)

    assert "EF000042" in prompt.question and "E27 | E14" in prompt.question
    assert "Example: 'Lampe halogène 35 W GU5.3' -> 35" in prompt.question
    assert LAMP in prompt.question
    assert (
        json.dumps(chain.answer_schema([POWER])["properties"]["EF000035"])
        == '{"type": ["number", "null"]}'
    )
