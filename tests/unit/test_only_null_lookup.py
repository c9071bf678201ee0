"""A field whose answer grammar allows only null is answered not found without the model: a
number field whose text writes numbers, none of which it may answer (a code's digits)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Field, FieldType, LookupRequest, OutcomeSource, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.chain_of_thought.text_numbers import NumbersFromText
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from tests.support.fakes import FakeConnector, FakeExampleRepository, FakeFieldRepository, Script

CAPACITY = Field("EF000001", "capacité", FieldType.NUMBER, unit="l")
BRAND = Field("EF000588", "marque", FieldType.TEXT)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4) as executor:
        yield executor


def service(
    pool: ThreadPoolExecutor, connector: FakeConnector, prepass: bool = True
) -> FieldLookupService:
    llm = ConfiguredLLM(
        "fake",
        ChatFormat(),
        NumbersFromText(BasicChainOfThought()),
        connector,
        prepass=TextRulesPrepass() if prepass else None,
    )
    examples = FakeExampleRepository([])
    return FieldLookupService(
        LLMRegistry({"fake": lambda: llm}, default="fake"),
        Catalogue(FakeFieldRepository([CAPACITY, BRAND]), examples, examples),
        pool,
        5.0,
    )


def test_a_field_only_null_can_answer_is_not_asked(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector(default=Script('{"value": null}'))

    result = service(pool, connector).lookup(
        LookupRequest("Radiateur DOS7585X 1800 W", (CAPACITY.code, BRAND.code))
    )

    capacity, brand = result.outcomes
    assert (capacity.field_code, capacity.status, capacity.value, capacity.source) == (
        CAPACITY.code,
        OutcomeStatus.NOT_FOUND,
        None,
        OutcomeSource.PREPASS,
    )
    assert capacity.llm == "fake"  # answered for the LLM asked, though not by its model
    assert brand.source is OutcomeSource.MODEL
    assert [request.field_code for request in connector.requests] == [BRAND.code]


def test_without_a_pre_pass_the_model_is_asked(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector(default=Script('{"value": null}'))

    result = service(pool, connector, prepass=False).lookup(
        LookupRequest("Radiateur DOS7585X", (CAPACITY.code,))
    )

    assert result.outcomes[0].source is OutcomeSource.MODEL
    assert [request.field_code for request in connector.requests] == [CAPACITY.code]
