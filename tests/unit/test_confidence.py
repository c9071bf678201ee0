"""Confidence: a value's own tokens' probabilities, the pre-pass's measured precision, and the
review flag that follows from them and a field's threshold."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.confidence.answer import value_confidence
from src.domain.confidence.tokens import TokenProbability
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Field, FieldType, LookupRequest, OutcomeSource
from src.domain.prompting.chain_of_thought import AllFieldsChainOfThought, FewShotChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from src.domain.prompting.prompt import Completion, CompletionRequest
from tests.support.fakes import FakeExampleRepository, FakeFieldRepository, FakeThresholdStore

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
BRAND = Field("EF000588", "marque", FieldType.TEXT)
FIELDS = {field.code: field for field in (SOCKET, POWER, BRAND)}


def tokens(*pieces: tuple[str, float]) -> tuple[TokenProbability, ...]:
    return tuple(TokenProbability(text, p) for text, p in pieces)


def test_only_the_values_own_tokens_count() -> None:
    answer = tokens(
        ('{"', 0.5), ("value", 0.5), ('":', 0.5), (' "', 0.9), ("E", 0.8), ("27", 0.5), ('"}', 0.9)
    )

    # the format's tokens ({", value, ":) are left out; the opening quote, E, 27 and the closing
    # one count
    assert value_confidence(answer, '{"value": "E27"}') == pytest.approx(0.9 * 0.8 * 0.5 * 0.9)


def test_a_number_counts_the_token_that_ends_it() -> None:
    answer = tokens(('{"value": ', 1.0), ("4", 0.6), ("0", 0.5), ("}", 0.4), (" ", 0.1))

    assert value_confidence(answer, '{"value": 40} ') == pytest.approx(0.6 * 0.5 * 0.4)


def test_a_products_answer_gives_each_field_its_own_confidence() -> None:
    raw = '{"EF000042": "E27", "EF000035": 40}'
    answer = tokens(
        ('{"EF000042": ', 1.0), ('"E27"', 0.9), (', "EF000035": ', 1.0), ("40", 0.2), ("}", 1.0)
    )

    assert value_confidence(answer, raw, "EF000042") == pytest.approx(0.9)
    assert value_confidence(answer, raw, "EF000035") == pytest.approx(0.2)


def test_no_probabilities_or_tokens_that_do_not_spell_the_answer_give_none() -> None:
    assert value_confidence(None, '{"value": 40}') is None
    assert value_confidence(tokens(('{"value": 41}', 0.9)), '{"value": 40}') is None
    assert value_confidence(tokens(("40", 0.9)), "40") is None  # no key to read


def test_a_bare_value_after_an_opened_answer_counts_all_its_tokens() -> None:
    # the answer-object layout: the prompt ends with `{"culot": `, the model writes the value only
    assert value_confidence(
        tokens((' "', 0.9), ("E27", 0.5), ('"', 1.0)), ' "E27"', None
    ) == pytest.approx(0.45)
    assert value_confidence(tokens(("4", 0.6), ("0", 0.5)), "40", None) == pytest.approx(0.3)
    assert value_confidence(tokens(("  ", 0.6)), "  ", None) is None  # no value at all


class SureOfTheSocket:
    """Answers E27 with probability 0.95 and 60 W with 0.4, as one token each."""

    def complete(self, request: CompletionRequest) -> Completion:
        if "+" in request.field_code:
            raw = '{"EF000042": "E27", "EF000035": 60}'
            return Completion(
                raw,
                None,
                tokens(
                    ('{"EF000042": ', 1.0),
                    ('"E27"', 0.95),
                    (', "EF000035": ', 1.0),
                    ("60", 0.4),
                    ("}", 1.0),
                ),
            )
        value = '"E27"' if request.field_code == SOCKET.code else "60"
        raw = '{"value": ' + value + "}"
        return Completion(
            raw,
            None,
            tokens(('{"value": ', 1.0), (value, 0.95 if value == '"E27"' else 0.4), ("}", 1.0)),
        )

    def count_tokens(self, text: str) -> int | None:
        return None


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(4)
    yield executor
    executor.shutdown(wait=True)


def service(
    pool: ThreadPoolExecutor, thresholds: dict[str, float], prepass: bool = False
) -> FieldLookupService:
    llms = LLMRegistry(
        {
            "few": lambda: ConfiguredLLM(
                "few",
                ChatFormat(),
                FewShotChainOfThought(k=0),
                SureOfTheSocket(),
                prepass=TextRulesPrepass() if prepass else None,
            ),
            "all": lambda: ConfiguredLLM(
                "all", ChatFormat(), AllFieldsChainOfThought(), SureOfTheSocket()
            ),
        },
        default="few",
    )
    return FieldLookupService(
        llms,
        Catalogue(FakeFieldRepository(list(FIELDS.values())), FakeExampleRepository()),
        pool,
        5.0,
        thresholds=FakeThresholdStore({"few": thresholds, "all": thresholds}),
    )


@pytest.mark.parametrize("llm", ["few", "all"])
def test_values_under_their_threshold_or_without_one_are_for_review(
    pool: ThreadPoolExecutor, llm: str
) -> None:
    result = service(pool, {"EF000042": 0.9, "EF000035": 0.5}).lookup(
        LookupRequest("Ampoule sans culot indiqué", ("EF000042", "EF000035"), llm)
    )

    socket, power = result.outcomes
    assert (socket.value, socket.confidence, socket.review) == ("E27", pytest.approx(0.95), False)
    assert (power.value, power.confidence, power.review) == (60, pytest.approx(0.4), True)


def test_an_answer_of_values_alone_gets_no_trust_signals(pool: ThreadPoolExecutor) -> None:
    lookup = service(pool, {"EF000042": 0.9, "EF000035": 0.5})
    codes = ("EF000042", "EF000035")

    shown = lookup.lookup(LookupRequest("Ampoule E27 60 W", codes))
    alone = lookup.lookup(LookupRequest("Ampoule E27 60 W", codes, trust=False))

    assert alone.values() == shown.values() == {"EF000042": "E27", "EF000035": 60}
    assert [o.review for o in shown.outcomes] == [False, True]
    assert [[s.text for s in o.evidence.spans] for o in shown.outcomes] == [["E27"], ["60 W"]]
    assert [(o.evidence, o.review) for o in alone.outcomes] == [(None, None), (None, None)]


@pytest.mark.parametrize("llm", ["few", "all"])
def test_a_value_whose_confidence_is_its_threshold_needs_no_review(
    pool: ThreadPoolExecutor, llm: str
) -> None:
    request = LookupRequest("Ampoule E27 60 W", ("EF000042", "EF000035"), llm)
    socket, power = service(pool, {}).lookup(request).outcomes

    # each field's threshold set to exactly the confidence its value is answered with
    at_threshold = {"EF000042": socket.confidence, "EF000035": power.confidence}
    again = service(pool, at_threshold).lookup(request).outcomes

    assert [(o.value, o.confidence) for o in again] == [
        ("E27", socket.confidence),
        (60, power.confidence),
    ]
    assert [o.review for o in again] == [False, False]


def test_a_field_without_a_threshold_is_for_review(pool: ThreadPoolExecutor) -> None:
    [socket] = service(pool, {}).lookup(LookupRequest("Ampoule", ("EF000042",))).outcomes

    assert socket.confidence == pytest.approx(0.95) and socket.review is True


def test_a_prepass_answer_carries_its_rules_measured_precision(pool: ThreadPoolExecutor) -> None:
    result = service(pool, {"EF000042": 0.99}, prepass=True).lookup(
        LookupRequest("Ampoule E14 40W", ("EF000042", "EF000035"))
    )

    socket, power = result.outcomes
    assert socket.source is OutcomeSource.PREPASS and socket.value == "E14"
    assert (socket.llm, power.llm) == ("few", "few")
    assert socket.confidence == pytest.approx(270 / 272)  # 269 of 270 right, smoothed
    assert power.source is OutcomeSource.PREPASS and power.confidence == pytest.approx(191 / 192)
    assert socket.review is False and power.review is True  # no threshold for the power


class WeighedEveryNumber:
    """Answers 60 W, its tokens sure of it (0.9), though 60 was 0.3 of every number weighed
    whole; and E27 with no such weighing."""

    def complete(self, request: CompletionRequest) -> Completion:
        if request.field_code == POWER.code:
            return Completion(
                '{"value": 60}', None, tokens(('{"value": ', 1.0), ("60", 0.9), ("}", 1.0)), 0.3
            )
        return Completion('{"value": "E27"}', None, tokens(('{"value": ', 1.0), ('"E27"}', 0.8)))

    def count_tokens(self, text: str) -> int | None:
        return None


def test_an_answer_weighed_among_all_those_allowed_takes_that_probability(
    pool: ThreadPoolExecutor,
) -> None:
    llm = ConfiguredLLM("few", ChatFormat(), FewShotChainOfThought(k=0), WeighedEveryNumber())
    lookup = FieldLookupService(
        LLMRegistry({"few": lambda: llm}, default="few"),
        Catalogue(FakeFieldRepository(list(FIELDS.values())), FakeExampleRepository()),
        pool,
        5.0,
        thresholds=FakeThresholdStore({"few": {"EF000035": 0.5}}),
    )

    socket, power = lookup.lookup(
        LookupRequest("Ampoule E27 60 W", ("EF000042", "EF000035"))
    ).outcomes

    assert (power.value, power.confidence, power.review) == (60, pytest.approx(0.3), True)
    assert (socket.value, socket.confidence) == ("E27", pytest.approx(0.8))
