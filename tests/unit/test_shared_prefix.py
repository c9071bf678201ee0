"""Read a product once: a product's field prompts share one long prefix, and its fields run on the
model together, one product after another (issue 11, item 3)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.confidence.tokens import TokenProbability
from src.domain.errors import TransientBackendError
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Example, LookupRequest, OutcomeSource, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.ports import ChainOfThought
from src.domain.prompting.prepass import TextRulesPrepass
from src.domain.prompting.prompt import Completion, CompletionRequest
from src.domain.prompting.shared_prefix.answer_object import AnswerObjectChainOfThought
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought
from src.domain.prompting.shared_prefix.ports import SharedPrefixChainOfThought
from tests.support.fakes import (
    FakeConnector,
    FakeExampleRepository,
    FakeFieldRepository,
    FakeThresholdStore,
    Script,
)
from tests.unit.test_lookup_service import COLOUR, DESCRIPTION, DIMMABLE, FIELDS, POWER

CODES = (POWER.code, COLOUR.code, DIMMABLE.code)
SHOT_TEXTS = (
    "Applique LED 8 W noire, non variable",
    "Plafonnier 24 W blanc variable",
    "Spot 5 W chromé",
)
EXAMPLES = [
    Example(POWER.code, SHOT_TEXTS[0], 8),
    Example(COLOUR.code, SHOT_TEXTS[0], "Noir"),
    Example(DIMMABLE.code, SHOT_TEXTS[0], False),
    Example(POWER.code, SHOT_TEXTS[1], 24),
    Example(COLOUR.code, SHOT_TEXTS[1], "Blanc"),
    Example(DIMMABLE.code, SHOT_TEXTS[1], True),
    Example(COLOUR.code, SHOT_TEXTS[2], "Chromé"),
]


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=8)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def service(
    connector: object,
    chain: SharedPrefixChainOfThought,
    pool: ThreadPoolExecutor,
    timeout_seconds: float = 5.0,
    fallback: FakeConnector | None = None,
) -> FieldLookupService:
    factories = {
        "local": lambda: ConfiguredLLM(
            "local",
            GemmaFormat(),
            chain,
            connector,  # type: ignore[arg-type]
            fallbacks=("spare",) if fallback else (),
        )
    }
    if fallback:
        basic: ChainOfThought = BasicChainOfThought()
        factories["spare"] = lambda: ConfiguredLLM("spare", GemmaFormat(), basic, fallback)
    return FieldLookupService(
        LLMRegistry(factories, "local"),
        Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository(EXAMPLES)),
        pool,
        timeout_seconds,
    )


@pytest.mark.parametrize(
    "chain",
    [ConversationChainOfThought(k=2), AnswerObjectChainOfThought(k=2)],
    ids=["conversation", "answer-object"],
)
def test_a_products_prompts_share_a_prefix_holding_the_shots_and_the_product(
    chain: SharedPrefixChainOfThought, pool: ThreadPoolExecutor
) -> None:
    connector = FakeConnector({code: Script(answer="null") for code in CODES})

    result = service(connector, chain, pool).lookup(LookupRequest(DESCRIPTION, CODES))

    assert [o.status for o in result.outcomes] == [OutcomeStatus.NOT_FOUND] * 3
    texts = [connector.requests_for(code)[0].text for code in CODES]
    shared = os.path.commonprefix(texts)
    assert DESCRIPTION in shared and all(text in shared for text in SHOT_TEXTS[:2])
    assert all(len(text) - len(shared) < 150 for text in texts), [
        text[len(shared) :] for text in texts
    ]


def test_the_answer_object_shows_the_shots_values_and_opens_each_fields_answer(
    pool: ThreadPoolExecutor,
) -> None:
    connector = FakeConnector(
        {
            POWER.code: Script(answer="12"),
            COLOUR.code: Script(answer='"Chromé"'),
            DIMMABLE.code: Script(answer="true"),
        }
    )

    result = service(connector, AnswerObjectChainOfThought(k=2), pool).lookup(
        LookupRequest(DESCRIPTION, CODES)
    )

    assert result.values() == {POWER.code: 12, COLOUR.code: "Chromé", DIMMABLE.code: True}
    text = connector.requests_for(COLOUR.code)[0].text
    assert '{"Puissance": 8, "Couleur": "Noir", "Dimmable": false}' in text
    assert text.endswith('<start_of_turn>model\n{"Couleur": ')


class SureConnector(FakeConnector):
    """Answers as scripted, each answer one token of probability 0.8 (a backend that gives them)."""

    def complete(self, request: CompletionRequest) -> Completion:
        completion = super().complete(request)
        return replace(completion, tokens=(TokenProbability(completion.text, 0.8),))


@pytest.mark.parametrize(
    ("chain", "answers"),
    [
        (
            ConversationChainOfThought(k=2),
            ('{"value": 12}', '{"value": "Chromé"}', '{"value": true}'),
        ),
        (AnswerObjectChainOfThought(k=2), ("12", '"Chromé"', "true")),
    ],
    ids=["conversation", "answer-object"],
)
def test_values_asked_in_turn_carry_their_tokens_confidence(
    chain: SharedPrefixChainOfThought, answers: tuple[str, ...], pool: ThreadPoolExecutor
) -> None:
    connector = SureConnector(
        {code: Script(answer=answer) for code, answer in zip(CODES, answers, strict=True)}
    )

    result = service(connector, chain, pool).lookup(LookupRequest(DESCRIPTION, CODES))

    assert result.values() == {POWER.code: 12, COLOUR.code: "Chromé", DIMMABLE.code: True}
    assert [o.confidence for o in result.outcomes] == [pytest.approx(0.8)] * 3
    assert all(o.review for o in result.outcomes)  # no threshold is known: a person checks them


def test_a_field_the_model_fails_is_answered_by_the_fallback(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector({COLOUR.code: Script(error=TransientBackendError("decode failed"))})
    spare = FakeConnector({COLOUR.code: Script(answer='{"value": "Chromé"}')})

    result = service(connector, ConversationChainOfThought(k=2), pool, fallback=spare).lookup(
        LookupRequest(DESCRIPTION, CODES)
    )

    colour = next(o for o in result.outcomes if o.field_code == COLOUR.code)
    assert (colour.status, colour.value, colour.llm) == (OutcomeStatus.OK, "Chromé", "spare")
    assert [o.status for o in result.outcomes if o.field_code != COLOUR.code] == [
        OutcomeStatus.NOT_FOUND
    ] * 2


def test_a_field_the_model_fails_without_a_fallback_is_its_error_and_the_turn_goes_on(
    pool: ThreadPoolExecutor,
) -> None:
    connector = FakeConnector({POWER.code: Script(error=TransientBackendError("decode failed"))})

    result = service(connector, ConversationChainOfThought(k=2), pool).lookup(
        LookupRequest(DESCRIPTION, CODES)
    )

    assert [(o.field_code, o.status) for o in result.outcomes] == [
        (POWER.code, OutcomeStatus.ERROR),
        (COLOUR.code, OutcomeStatus.NOT_FOUND),
        (DIMMABLE.code, OutcomeStatus.NOT_FOUND),
    ]
    assert "decode failed" in (result.outcomes[0].error or "")


class ConnectorSureAt(FakeConnector):
    """Answers as scripted, each answer one token of probability `probability`."""

    def __init__(self, probability: float, scripts: dict[str, Script]) -> None:
        super().__init__(scripts)
        self.probability = probability

    def complete(self, request: CompletionRequest) -> Completion:
        completion = super().complete(request)
        return replace(completion, tokens=(TokenProbability(completion.text, self.probability),))


def test_a_turn_after_the_prepass_escalates_its_unsure_values(pool: ThreadPoolExecutor) -> None:
    """The pre-pass reads the power in the text; the turn asks the colour and the dimming; the
    colour, under its threshold, is asked again of the other LLM, which is surer."""
    local = ConnectorSureAt(
        0.8,
        {
            COLOUR.code: Script(answer='{"value": "Blanc"}'),
            DIMMABLE.code: Script(answer='{"value": true}'),
        },
    )
    hosted = ConnectorSureAt(0.95, {COLOUR.code: Script(answer='{"value": "Chromé"}')})
    llms = LLMRegistry(
        {
            "local": lambda: ConfiguredLLM(
                "local",
                GemmaFormat(),
                ConversationChainOfThought(k=2),
                local,
                prepass=TextRulesPrepass(),
                escalate_to="hosted",
            ),
            "hosted": lambda: ConfiguredLLM("hosted", GemmaFormat(), BasicChainOfThought(), hosted),
        },
        "local",
    )
    lookup = FieldLookupService(
        llms,
        Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository(EXAMPLES)),
        pool,
        5.0,
        thresholds=FakeThresholdStore({"local": {COLOUR.code: 0.9, DIMMABLE.code: 0.5}}),
    )

    result = lookup.lookup(LookupRequest(DESCRIPTION, CODES))

    assert [(o.field_code, o.status, o.value, o.llm, o.source) for o in result.outcomes] == [
        (POWER.code, OutcomeStatus.OK, 12, "local", OutcomeSource.PREPASS),
        (COLOUR.code, OutcomeStatus.OK, "Chromé", "hosted", OutcomeSource.MODEL),
        (DIMMABLE.code, OutcomeStatus.OK, True, "local", OutcomeSource.MODEL),
    ]
    assert [o.escalation for o in result.outcomes] == [
        None,
        "local was unsure (0.80, threshold 0.90); hosted answered surer (0.95)",
        None,
    ]
    assert local.requests_for(POWER.code) == []  # the pre-pass answered it: the turn skipped it
