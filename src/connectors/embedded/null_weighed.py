"""Null weighed against the best span, by the field's odds of null.

Greedy decoding under the span grammar chooses between null and a span at the first position,
where ` null` is one token and a span only starts: a model that half means the value still
answers null, and the more so where its shots are mostly null. Where the request gives the
field's odds of null (`CompletionRequest.null_odds`, from its labelled examples: under 1 when
most hold a value) and greedy decoding answered null for one span (not a list), the best span
is decoded too, null no longer allowed, from the prompt llama.cpp still holds; it is the answer
when its probability (its tokens' among all tokens, as `span_or_null` weighs a span) reaches the
odds times null's. No span can where null's probability is above 1 / (1 + odds): then nothing is
decoded again. The span's confidence is its share of the two answers as the model weighed them,
p / (p + null's), under one half: the odds decide the answer, not how sure the model was of it
(with the odds in it, every such span would read at least one half, and rank above the model's
surer answers: on WDC-PAVE's quick run, AUROC 0.64 against 0.80 so).
"""

from __future__ import annotations

import json
import time

from llama_cpp import StoppingCriteriaList
from llama_cpp.llama_grammar import LlamaGrammar

from src.connectors.embedded.answer_grammar import OPENING, held_to_spans_of
from src.connectors.embedded.span_grammar import span_grammar
from src.connectors.embedded.token_probabilities import ProbabilityRecordingLlama
from src.domain.confidence.answer import value_confidence
from src.domain.confidence.tokens import TokenProbability
from src.domain.model import TokenUsage
from src.domain.prompting.prompt import Completion, CompletionRequest


def weighed_against_null(
    model: ProbabilityRecordingLlama,
    request: CompletionRequest,
    completion: Completion,
    null_probability: float | None,
) -> Completion:
    """`completion`, or the best span when it was null and that span's probability reaches
    `request.null_odds` times `null_probability`."""
    odds = request.null_odds
    spans_of = held_to_spans_of(request.answer_schema or {})
    if (
        odds is None
        or null_probability is None
        or spans_of is None
        or null_probability > 1 / (1 + odds)
        or not _is_null(completion.text)
    ):
        return completion
    span, tokens = _best_span(model, request, spans_of)
    if span is None:
        return completion
    probability = value_confidence(tokens, span)
    if probability is None or probability < odds * null_probability:
        return completion
    usage = completion.usage
    if usage is not None:
        usage = TokenUsage(
            usage.prompt_tokens,
            usage.completion_tokens + len(tokens) - 1,
            usage.cached_prompt_tokens,
        )
    share = probability / (probability + null_probability)
    return Completion(text=span, usage=usage, tokens=tokens, answer_probability=share)


def _best_span(
    model: ProbabilityRecordingLlama, request: CompletionRequest, spans_of: str
) -> tuple[str | None, tuple[TokenProbability, ...]]:
    """The span greedy decoding writes when null is not allowed, with its tokens' probabilities
    among all tokens; None when the deadline came first or the text has no span."""
    try:
        grammar = LlamaGrammar.from_string(
            span_grammar(spans_of, opened=True, null=False), verbose=False
        )
    except ValueError:  # a text without a word: no span to weigh
        return None, ()
    deadline = request.deadline
    model.forget_chosen(among_all_tokens=True)
    model.create_completion(
        request.text + OPENING,
        max_tokens=request.max_tokens,
        temperature=0.0,
        stop=list(request.stop),
        grammar=grammar,
        stopping_criteria=StoppingCriteriaList(
            [lambda _t, _l: time.monotonic() >= deadline or _whole(model.chosen_text())]
        ),
    )
    chosen = model.chosen_tokens()
    text = OPENING + "".join(token.text for token in chosen)
    if time.monotonic() >= deadline or not _whole(text[len(OPENING) :]):
        return None, ()
    return text, (TokenProbability(OPENING, 1.0), *chosen)


def _whole(generated: str) -> bool:
    """Whether a span answer after the opening is whole: its closing quote and brace written."""
    try:
        json.loads(OPENING + generated)
    except ValueError:
        return False
    return True


def _is_null(answer: str) -> bool:
    try:
        return json.loads(answer).get("value", "") is None
    except (ValueError, AttributeError):
        return False
