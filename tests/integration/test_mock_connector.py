"""The mock model: type-valid answers read from the product text, and its knobs from the
environment."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from config.mock import mock_behaviour
from config.settings import Settings
from src.connectors.mock import MockBehaviour, MockConnector
from src.domain.errors import TransientBackendError
from src.domain.model import Example, Field, FieldType, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought, FewShotChainOfThought
from src.domain.prompting.families import ChatFormat, GemmaFormat, PromptFormat
from src.domain.prompting.formatted import FormattedPrompt
from src.domain.prompting.prompt import CompletionRequest

POWER = Field("EF000011", "Puissance", FieldType.NUMBER, unit="W")
COLOUR = Field("EF000012", "Couleur", FieldType.SELECT, options=("Blanc", "Chromé", "Noir"))
DIMMABLE = Field("EF000013", "Dimmable", FieldType.BOOLEAN)
MATERIAL = Field("EF000014", "Matériau", FieldType.TEXT)


def completion_request(
    field: Field,
    description: str = "Applique murale noir mat 6,5 W",
    deadline_in: float = 5.0,
    chain_of_thought: BasicChainOfThought | FewShotChainOfThought | None = None,
    examples: list[Example] | None = None,
    family: PromptFormat | None = None,
) -> CompletionRequest:
    """A request as the lookup service builds it."""
    chain_of_thought = chain_of_thought or BasicChainOfThought()
    family = family or ChatFormat()
    prompt = chain_of_thought.prompt(field, description, examples or [])
    return CompletionRequest(
        field_code=field.code,
        prompt=FormattedPrompt(prompt, family),
        answer_schema=chain_of_thought.answer_schema(field),
        max_tokens=family.answer_tokens,
        deadline=time.monotonic() + deadline_in,
        stop=family.stop,
    )


def answer(connector: MockConnector, request: CompletionRequest) -> object:
    return json.loads(connector.complete(request).text)["value"]


def connector_from(environ: dict[str, str]) -> MockConnector:
    return MockConnector(mock_behaviour(Settings.from_env(environ)))


# --- answers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Applique murale noir mat", "Noir"),
        ("Applique finition CHROME brillant", "Chromé"),
        ("Spot encastrable blanc", "Blanc"),
        ("Applique murale, noir, 6 W", "Noir"),
        ("Applique (noir)", "Noir"),
    ],
)
def test_a_select_answers_the_option_the_product_text_names(
    description: str, expected: str
) -> None:
    assert answer(MockConnector(), completion_request(COLOUR, description)) == expected


def test_a_select_answers_an_option_even_when_the_text_names_none() -> None:
    assert (
        answer(MockConnector(), completion_request(COLOUR, "Applique murale rouge"))
        in COLOUR.options
    )


def test_a_select_reads_the_product_not_the_examples_shown_before_it() -> None:
    request = completion_request(
        COLOUR,
        "Applique murale noir mat",
        chain_of_thought=FewShotChainOfThought(k=1),
        examples=[Example(COLOUR.code, "Applique blanc satiné", "Blanc")],
    )

    assert answer(MockConnector(), request) == "Noir"


@pytest.mark.parametrize("family", [ChatFormat(), GemmaFormat()], ids=["chat", "gemma"])
def test_a_number_is_the_first_number_of_the_product_text(family: PromptFormat) -> None:
    # the field code EF000011 is in the question too, outside the product text
    request = completion_request(POWER, "Ampoule LED 6,5 W, 806 lm, 2700 K", family=family)

    assert answer(MockConnector(), request) == 6.5


def test_a_boolean_answers_true() -> None:
    assert answer(MockConnector(), completion_request(DIMMABLE)) is True


def test_a_text_answers_the_first_words_of_the_product_text() -> None:
    assert (
        answer(MockConnector(), completion_request(MATERIAL, "Corps   en aluminium brossé"))
        == "Corps en aluminium"
    )


@pytest.mark.parametrize(
    "field", [POWER, COLOUR, DIMMABLE, MATERIAL], ids=lambda field: field.type.value
)
def test_every_answer_is_valid_for_its_field(field: Field) -> None:
    chain_of_thought = BasicChainOfThought()

    completion = MockConnector().complete(
        completion_request(field, chain_of_thought=chain_of_thought)
    )

    assert chain_of_thought.parse(field, completion.text).status is OutcomeStatus.OK
    assert completion.usage is not None
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0


# --- knobs -------------------------------------------------------------------------------------


def test_no_knobs_means_an_instant_mock() -> None:
    assert mock_behaviour(Settings.from_env({})) == MockBehaviour()


def test_fail_first_fails_the_first_calls_of_each_field() -> None:
    connector = connector_from({"MOCK_FAIL_FIRST": "2"})

    for _ in range(2):
        with pytest.raises(TransientBackendError):
            connector.complete(completion_request(POWER))
    assert answer(connector, completion_request(POWER)) == 6.5

    with pytest.raises(TransientBackendError):
        connector.complete(completion_request(COLOUR))
    assert answer(connector, completion_request(POWER)) == 6.5


def test_stall_fields_are_read_as_a_comma_separated_list() -> None:
    behaviour = mock_behaviour(
        Settings.from_env({"MOCK_STALL_FIELDS": f" {POWER.code}, {COLOUR.code} ,,"})
    )

    assert behaviour.stall_fields == frozenset({POWER.code, COLOUR.code})


def test_a_stalled_field_does_not_answer_before_its_deadline() -> None:
    behaviour = mock_behaviour(Settings.from_env({"MOCK_STALL_FIELDS": POWER.code}))
    connector = MockConnector(replace(behaviour, stall_past_deadline_s=0.05))
    request = completion_request(POWER, deadline_in=0.2)

    with pytest.raises(TransientBackendError):
        connector.complete(request)

    assert time.monotonic() > request.deadline


def test_a_field_that_is_not_stalled_answers_at_once() -> None:
    behaviour = mock_behaviour(Settings.from_env({"MOCK_STALL_FIELDS": POWER.code}))
    connector = MockConnector(replace(behaviour, stall_past_deadline_s=0.05))
    request = completion_request(COLOUR, deadline_in=0.5)

    assert answer(connector, request) == "Noir"
    assert time.monotonic() < request.deadline


def test_latency_delays_every_call() -> None:
    connector = connector_from({"MOCK_LATENCY_MS": "150"})

    started = time.monotonic()
    value = answer(connector, completion_request(DIMMABLE))

    assert value is True
    assert time.monotonic() - started >= 0.14
