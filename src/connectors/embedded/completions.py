"""The `Completion` a llama.cpp completion under an answer grammar makes: its text as the tokens
chosen spell it, a span or null, and a listed answer's probability weighed whole."""

from __future__ import annotations

import json
import logging

from llama_cpp import CreateCompletionResponse

from src.connectors.embedded.answer_grammar import AnswerGrammar
from src.connectors.embedded.span_or_null import span_or_null
from src.connectors.embedded.token_probabilities import ProbabilityRecordingLlama
from src.connectors.embedded.whole_answers import answer_probabilities
from src.domain.confidence.tokens import TokenProbability
from src.domain.model import TokenUsage
from src.domain.prompting.prompt import Completion

log = logging.getLogger(__name__)


def completion_of(
    model: ProbabilityRecordingLlama,
    answer: AnswerGrammar,
    response: CreateCompletionResponse,
    deadline: float,
    cached_prompt_tokens: int,
) -> Completion:
    """The answer as the tokens chosen under its grammar spell it, after the opening the
    prompt wrote (given: probability 1), or null for a span less probable than null (see
    `span_or_null`); `response` lacks the last token of a completion stopped when whole."""
    generated = model.chosen_tokens()
    text = response["choices"][0]["text"]
    tokens = generated
    if answer.grammar is not None:
        text = answer.opening + "".join(token.text for token in generated)
    if answer.opening:
        tokens = (TokenProbability(answer.opening, 1.0), *generated)
    if answer.spans:
        text, tokens = span_or_null(text, tokens, model.alternative_probability())
    prompt_tokens = response["usage"]["prompt_tokens"]
    return Completion(
        text=text,
        usage=TokenUsage(prompt_tokens, len(generated), cached_prompt_tokens),
        tokens=tokens,
        answer_probability=answer_probability(model, answer, text, prompt_tokens, deadline),
    )


def answer_probability(
    model: ProbabilityRecordingLlama,
    answer: AnswerGrammar,
    text: str,
    prompt_tokens: int,
    deadline: float,
) -> float | None:
    """The greedy answer's probability among all the answers its schema lists (see
    `whole_answers`); None when it lists none, or the answer is not one of them."""
    if answer.answers is None or answer.grammar is None:
        return None
    try:
        chosen = json.loads(text)["value"]
    except (ValueError, KeyError, TypeError):
        return None
    literals = [json.dumps(value, ensure_ascii=False) for value in answer.answers]
    written = json.dumps(chosen, ensure_ascii=False)
    if written not in literals:
        return None
    texts = answer.answer_texts(text[len(answer.opening) :])
    try:
        probabilities = answer_probabilities(
            model, prompt_tokens, texts, deadline, model.chosen_ids(), model.positions()
        )
    except Exception:  # the value stands with the greedy path's confidence; log the defect
        log.exception("weighing the %d answers of a number failed", len(texts))
        model.reset()  # the next completion reads its whole prompt again
        return None
    return None if probabilities is None else probabilities[literals.index(written)]
