"""A number's answer weighed whole among every number its schema lists, with the embedded model
for real: the probability matches one read independently, every answer in full after the
prompt, by a second model that keeps every position's logits; and the weighing leaves the model
answering as before."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from llama_cpp import Llama

from src.connectors.embedded.whole_answers import MAX_ROWS
from src.connectors.llama_cpp import LlamaCppConnector, embedded_gemma_path
from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.prompt import CompletionRequest
from tests.support.lamp_catalogue import CULOT, LAMP, PUISSANCE, completion_request

pytestmark = pytest.mark.model

GEMMA = GemmaFormat(context_tokens=2048, answer_tokens=48)
CANDIDATES = [60, 103, 12, 40, None]
"""The numbers "Lampe incandescente forme Standard 60X103 12V 40W E27" writes, and null."""


def listing(*candidates: float | None) -> dict[str, object]:
    return {
        "type": "object",
        "properties": {"value": {"enum": list(candidates)}},
        "required": ["value"],
    }


@pytest.fixture(scope="module")
def connector() -> Iterator[LlamaCppConnector]:
    yield LlamaCppConnector(embedded_gemma_path(), context_tokens=GEMMA.context_tokens, threads=1)


def power_request(connector: LlamaCppConnector, *candidates: float | None) -> CompletionRequest:
    request = completion_request(
        GEMMA, PUISSANCE, LAMP, examples=(), count_tokens=connector.count_tokens, deadline_s=300
    )
    return replace(request, answer_schema=listing(*candidates))


def independent_probabilities(prompt: str, answers: list[str]) -> list[float]:
    """Each answer's probability among them, from a model keeping the logits of every position
    (`logits_all`), each answer read in full after the prompt from an empty context."""
    model = Llama(
        model_path=embedded_gemma_path(), n_ctx=512, n_threads=1, logits_all=True, verbose=False
    )
    prompt_tokens = model.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
    log_p = []
    for answer in answers:
        tokens = model.tokenize(answer.encode("utf-8"), add_bos=False, special=False)
        model.reset()
        model.eval(prompt_tokens + tokens)
        rows = model.scores[len(prompt_tokens) - 1 : len(prompt_tokens) - 1 + len(tokens)]
        rows = rows.astype(np.float64)
        top = rows.max(axis=1, keepdims=True)
        log_softmax = rows - top - np.log(np.exp(rows - top).sum(axis=1, keepdims=True))
        log_p.append(sum(log_softmax[i, token] for i, token in enumerate(tokens)))
    weights = [math.exp(value - max(log_p)) for value in log_p]
    return [weight / sum(weights) for weight in weights]


def test_a_numbers_probability_is_its_whole_answers_among_every_number_listed(
    connector: LlamaCppConnector,
) -> None:
    request = power_request(connector, *CANDIDATES)

    completion = connector.complete(request)

    chosen = json.loads(completion.text)["value"]
    assert chosen in CANDIDATES
    opening = '{"value":'
    space = " " if completion.text[len(opening) :].startswith(" ") else ""
    answers = [space + json.dumps(c) + "}" for c in CANDIDATES]
    expected = independent_probabilities(request.text + opening, answers)
    # llama.cpp's figures depend on the batches that read each position: the completion reads
    # one token at a time, the reference one batch an answer, and a probability differs by up to
    # ~15 % between the two here (an answer read at a wrong position is off many times over)
    assert completion.answer_probability == pytest.approx(
        expected[CANDIDATES.index(chosen)], rel=0.25
    )
    assert completion.answer_probability is not None and 0.0 < completion.answer_probability < 1


def test_weighing_the_answers_leaves_the_model_answering_as_before(
    connector: LlamaCppConnector,
) -> None:
    culot = completion_request(
        GEMMA, CULOT, LAMP, examples=(), count_tokens=connector.count_tokens, deadline_s=300
    )
    before = connector.complete(culot)

    weighed = connector.complete(power_request(connector, *CANDIDATES))
    after = connector.complete(culot)  # its prompt shares the start of the power's

    assert weighed.answer_probability is not None
    assert after.text == before.text
    assert before.tokens is not None and after.tokens is not None
    assert [t.text for t in after.tokens] == [t.text for t in before.tokens]
    assert [t.probability for t in after.tokens] == pytest.approx(
        [t.probability for t in before.tokens], abs=1e-3
    )


def test_too_many_numbers_to_weigh_keep_the_greedy_paths_confidence(
    connector: LlamaCppConnector,
) -> None:
    many = [n * 7 for n in range(1, MAX_ROWS)] + [40, None]

    completion = connector.complete(power_request(connector, *many))

    assert json.loads(completion.text)["value"] in many
    assert completion.answer_probability is None
    assert completion.tokens  # the confidence is the greedy path's, as before
