"""The embedded Gemma 3 270M, for real, through LlamaCppConnector (CPU; the model loads once)."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from src.connectors.embedded.answer_grammar import OPENING
from src.connectors.llama_cpp import LlamaCppConnector, embedded_gemma_path
from src.domain.confidence.answer import value_confidence
from src.domain.errors import DeadlinePassedError
from src.domain.model import Example, Field, FieldType, OutcomeStatus
from src.domain.prompting.chain_of_thought.text_spans import SPANS_OF
from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.prompt import CompletionRequest
from tests.support.lamp_catalogue import (
    CHAIN_OF_THOUGHT,
    CULOT,
    EXAMPLES,
    GRADABLE,
    LAMP,
    PUISSANCE,
    completion_request,
)

pytestmark = pytest.mark.model

GEMMA = GemmaFormat(context_tokens=2048, answer_tokens=48)


@pytest.fixture(scope="module")
def connector() -> Iterator[LlamaCppConnector]:
    # One thread: the suite runs beside other work, and llama.cpp's threads stall each other when
    # a core is taken (every core, the service's default, made the deadline test flaky there).
    yield LlamaCppConnector(embedded_gemma_path(), context_tokens=GEMMA.context_tokens, threads=1)


def ask(
    connector: LlamaCppConnector,
    field: Field,
    examples: Sequence[Example] | None = None,
    *,
    deadline_s: float = 60.0,
    with_schema: bool = True,
    max_tokens: int | None = None,
) -> CompletionRequest:
    """The request the lookup would make, its prompt fitted with the model's own token count."""

    def count_tokens(text: str) -> int:
        counted = connector.count_tokens(text)
        assert counted is not None
        return counted

    return completion_request(
        GEMMA,
        field,
        LAMP,
        examples,
        count_tokens=count_tokens,
        deadline_s=deadline_s,
        with_schema=with_schema,
        max_tokens=max_tokens,
    )


def test_reads_the_culot_of_a_lamp(connector: LlamaCppConnector) -> None:
    request = ask(connector, CULOT)

    with warnings.catch_warnings():
        # llama-cpp-python warns of a duplicate leading <bos>: the prompt must not carry its own.
        warnings.simplefilter("error", RuntimeWarning)
        completion = connector.complete(request)

    parsed = CHAIN_OF_THOUGHT.parse(CULOT, completion.text)
    assert (parsed.status, parsed.value) == (OutcomeStatus.OK, "E27")
    assert completion.usage is not None
    # The prompt as read: the request's, then the answer's opening the grammar goes on from.
    assert completion.usage.prompt_tokens == connector.count_tokens(request.text + OPENING)
    assert 0 < completion.usage.completion_tokens <= request.max_tokens


def test_the_answer_opening_is_read_with_the_prompt_and_the_answer_ends_when_whole(
    connector: LlamaCppConnector,
) -> None:
    completion = connector.complete(ask(connector, PUISSANCE))

    assert completion.tokens is not None and completion.usage is not None
    opening, *generated = completion.tokens
    assert (opening.text, opening.probability) == (OPENING, 1.0)  # given, not generated
    assert completion.text.startswith(OPENING)
    assert "".join(token.text for token in completion.tokens) == completion.text
    assert completion.usage.completion_tokens == len(generated)
    # Stopped at the closing brace: no end-of-text token generated after it.
    assert generated[-1].text.endswith("}") and json.loads(completion.text)["value"] is not None


def test_a_number_field_answers_a_number(connector: LlamaCppConnector) -> None:
    completion = connector.complete(ask(connector, PUISSANCE))

    answer = json.loads(completion.text)
    assert set(answer) == {"value"}
    assert isinstance(answer["value"], int | float) and not isinstance(answer["value"], bool)
    assert CHAIN_OF_THOUGHT.parse(PUISSANCE, completion.text).status is OutcomeStatus.OK


def test_the_grammar_keeps_a_select_within_its_options(connector: LlamaCppConnector) -> None:
    # E27, the lamp's true culot, is not offered: unconstrained, this model answers it anyway
    # (and goes on babbling past the JSON object); held by the grammar it may not.
    narrowed = Field(CULOT.code, CULOT.label, FieldType.SELECT, options=("E14", "GU10", "B22d"))
    shots = EXAMPLES[CULOT.code][:2]

    completion = connector.complete(ask(connector, narrowed, examples=shots))

    answer = json.loads(completion.text)  # the whole output is one JSON object, nothing after it
    assert set(answer) == {"value"}
    assert answer["value"] in (*narrowed.options, None)


def test_a_boolean_field_answers_true_false_or_null(connector: LlamaCppConnector) -> None:
    completion = connector.complete(ask(connector, GRADABLE))

    assert json.loads(completion.text)["value"] in (True, False, None)


def test_counts_tokens_with_the_model_tokenizer(connector: LlamaCppConnector) -> None:
    text = GEMMA.render(CHAIN_OF_THOUGHT.prompt(CULOT, LAMP, EXAMPLES[CULOT.code]))

    tokens = connector.count_tokens(text)

    assert tokens is not None
    assert 0 < tokens < len(text)
    # <start_of_turn> is one special token, and the BOS llama.cpp adds is counted once.
    assert connector.count_tokens("<start_of_turn>") == 2


def test_concurrent_calls_all_succeed(connector: LlamaCppConnector) -> None:
    fields = [CULOT, PUISSANCE, GRADABLE, CULOT]

    # As the lookup does: each thread counts tokens to fit its prompt, then completes it.
    with ThreadPoolExecutor(len(fields)) as pool:
        completions = list(
            pool.map(lambda field: connector.complete(ask(connector, field)), fields)
        )

    for field, completion in zip(fields, completions, strict=True):
        assert CHAIN_OF_THOUGHT.parse(field, completion.text).status is OutcomeStatus.OK, (
            completion.text
        )


def test_a_past_deadline_raises_without_running(connector: LlamaCppConnector) -> None:
    request = ask(connector, CULOT, deadline_s=-1.0)
    started = time.monotonic()

    with pytest.raises(DeadlinePassedError, match="deadline"):
        connector.complete(request)

    assert time.monotonic() - started < 0.5


def test_a_deadline_passing_during_generation_stops_it(connector: LlamaCppConnector) -> None:
    # Without a schema this model does not stop by itself: 1,000 tokens take ~20 s here.
    request = ask(connector, PUISSANCE, with_schema=False, max_tokens=1000, deadline_s=1.5)
    started = time.monotonic()

    with pytest.raises(DeadlinePassedError, match="deadline"):
        connector.complete(request)

    assert time.monotonic() - started < 6.0


def test_an_option_with_a_quote_is_answered_without_crashing(connector: LlamaCppConnector) -> None:
    # llama-cpp-python's converter would make a grammar that crashes llama.cpp (SIGSEGV).
    sizes = Field("EF000100", "taille d'écran", FieldType.SELECT, options=('12"', '15"', "autre"))

    completion = connector.complete(ask(connector, sizes, examples=()))

    assert completion.usage is not None and completion.usage.completion_tokens > 0


# A small labelled set: on it the embedded model is right on some values and wrong on others.
LABELLED = [
    (CULOT, "Lampe incandescente forme Standard 60X103 12V 40W E27", "E27"),
    (PUISSANCE, "Lampe incandescente forme Standard 60X103 12V 40W E27", 40),
    (CULOT, "Ampoule flamme E14 25W claire", "E14"),
    (PUISSANCE, "Ampoule flamme E14 25W claire", 25),
    (CULOT, "Spot LED GU10 7W 3000K 36°", "GU10"),
    (CULOT, "Tube fluorescent T8 1200 mm 36 W 840 G13", "autre"),
    (GRADABLE, "Ampoule LED E27 9W dimmable 2700K", True),
    (GRADABLE, "Ampoule LED E14 5W 2700K non dimmable", False),
]


def test_confidence_is_higher_on_right_answers_than_on_wrong_ones(
    connector: LlamaCppConnector,
) -> None:
    judged: list[tuple[float, bool]] = []
    for field, text, expected in LABELLED:
        request = completion_request(
            GEMMA, field, text, count_tokens=connector.count_tokens, deadline_s=300
        )
        completion = connector.complete(request)
        assert completion.tokens is not None
        assert "".join(token.text for token in completion.tokens).startswith(completion.text)
        confidence = value_confidence(completion.tokens, completion.text)
        assert confidence is not None and 0.0 < confidence <= 1.0
        judged.append((confidence, json.loads(completion.text)["value"] == expected))

    right = [c for c, ok in judged if ok]
    wrong = [c for c, ok in judged if not ok]
    assert right and wrong, judged  # the set must hold both for the ordering to mean anything
    assert sum(right) / len(right) > sum(wrong) / len(wrong), judged


def test_the_probability_is_among_the_answers_the_grammar_allows(
    connector: LlamaCppConnector,
) -> None:
    request = ask(connector, CULOT)
    only = {"type": "object", "properties": {"value": {"enum": ["E27"]}}, "required": ["value"]}
    among_all = connector.complete(request)
    alone = connector.complete(replace(request, answer_schema=only))

    assert json.loads(among_all.text) == json.loads(alone.text) == {"value": "E27"}
    all_confidence = value_confidence(among_all.tokens, among_all.text)
    alone_confidence = value_confidence(alone.tokens, alone.text)
    assert all_confidence is not None and alone_confidence is not None
    # the only option left: what remains below 1 is the spacing the grammar still allows
    assert all_confidence < alone_confidence and alone_confidence > 0.95


def test_the_span_grammar_refuses_what_the_text_does_not_say(connector: LlamaCppConnector) -> None:
    brand = Field("AE-Lure-Brand_Name", "Brand Name", FieldType.TEXT)
    text = "Flexible Wobblers Minnow Fishing Lure 150mm 9g"
    # every shot answers a brand the text does not hold: unconstrained, the model copies it
    shots = [Example(brand.code, f"OSRAM Fishing Lure {n}mm", "OSRAM") for n in (90, 110, 120)]
    request = completion_request(
        GEMMA, brand, text, shots, count_tokens=connector.count_tokens, deadline_s=300
    )
    spans = replace(
        request,
        answer_schema={
            "type": "object",
            "properties": {"value": {"type": ["string", "null"], SPANS_OF: text}},
            "required": ["value"],
        },
    )

    answer = json.loads(connector.complete(spans).text)["value"]

    assert answer is None or answer in text
