"""The embedded Gemma 3 270M, for real, through LlamaCppConnector (CPU; the model loads once)."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.connectors.llama_cpp import LlamaCppConnector, embedded_gemma_path
from src.domain.errors import DeadlinePassedError
from src.domain.model import Example, Field, FieldType, OutcomeStatus
from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.prompt import CompletionRequest
from tests.support.lamp_catalogue import (
    CULOT,
    EXAMPLES,
    GRADABLE,
    LAMP,
    PUISSANCE,
    STRATEGY,
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
        GEMMA, field, LAMP, examples, count_tokens=count_tokens,
        deadline_s=deadline_s, with_schema=with_schema, max_tokens=max_tokens,
    )


def test_reads_the_culot_of_a_lamp(connector: LlamaCppConnector) -> None:
    request = ask(connector, CULOT)

    with warnings.catch_warnings():
        # llama-cpp-python warns of a duplicate leading <bos>: the prompt must not carry its own.
        warnings.simplefilter("error", RuntimeWarning)
        completion = connector.complete(request)

    parsed = STRATEGY.parse(CULOT, completion.text)
    assert (parsed.status, parsed.value) == (OutcomeStatus.OK, "E27")
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == connector.count_tokens(request.text)
    assert 0 < completion.usage.completion_tokens <= request.max_tokens


def test_a_number_field_answers_a_number(connector: LlamaCppConnector) -> None:
    completion = connector.complete(ask(connector, PUISSANCE))

    answer = json.loads(completion.text)
    assert set(answer) == {"value"}
    assert isinstance(answer["value"], int | float) and not isinstance(answer["value"], bool)
    assert STRATEGY.parse(PUISSANCE, completion.text).status is OutcomeStatus.OK


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
    text = GEMMA.render(STRATEGY.prompt(CULOT, LAMP, EXAMPLES[CULOT.code]))

    tokens = connector.count_tokens(text)

    assert tokens is not None
    assert 0 < tokens < len(text)
    # <start_of_turn> is one special token, and the BOS llama.cpp adds is counted once.
    assert connector.count_tokens("<start_of_turn>") == 2


def test_concurrent_calls_all_succeed(connector: LlamaCppConnector) -> None:
    fields = [CULOT, PUISSANCE, GRADABLE, CULOT]

    # As the lookup does: each thread counts tokens to fit its prompt, then completes it.
    with ThreadPoolExecutor(len(fields)) as pool:
        completions = list(pool.map(lambda field: connector.complete(ask(connector, field)), fields))

    for field, completion in zip(fields, completions, strict=True):
        assert STRATEGY.parse(field, completion.text).status is OutcomeStatus.OK, completion.text


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
