"""The answer grammar tried on shortlists of the best-scored tokens first (the real embedded
model): the same answers and, within the tolerance, the same probabilities as checking every
token of the vocabulary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import src.connectors.embedded.shortlist_grammar as shortlist_grammar
from src.connectors.embedded.answer_grammar import AnswerGrammar
from src.connectors.embedded.span_or_null import NULL
from src.connectors.embedded.token_probabilities import ProbabilityRecordingLlama
from src.connectors.llama_cpp import embedded_gemma_path
from src.domain.confidence.answer import value_confidence
from src.domain.confidence.tokens import TokenProbability
from src.domain.prompting.chain_of_thought.text_spans import SPANS_OF

pytestmark = pytest.mark.model

PROMPT = (
    "<start_of_turn>user\nProduct text: Philips ampoule LED standard E27 9,5W équivalent 75W, "
    'non gradable.\n\n{question} Answer {{"value": ...}}.<end_of_turn>\n<start_of_turn>model\n'
)


def schema(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"value": value},
        "required": ["value"],
        "additionalProperties": False,
    }


CASES = [
    ("What is the brand?", schema({"type": ["string", "null"], "maxLength": 200})),
    ("Which lamp base?", schema({"enum": ["E27", "E14", "GU10", None]})),
    ("What is the power in W?", schema({"type": ["number", "null"]})),
    ("Is it dimmable?", schema({"type": ["boolean", "null"]})),
    # Nothing the model would write: the shortlist allows none, the whole vocabulary is read.
    ("Which lamp base?", schema({"enum": ["zqxj-77"]})),
]


@pytest.fixture(scope="module")
def model() -> Iterator[ProbabilityRecordingLlama]:
    yield ProbabilityRecordingLlama(
        embedded_gemma_path(), n_ctx=1024, n_threads=1, n_threads_batch=1, verbose=False
    )


def answer(
    model: ProbabilityRecordingLlama, question: str, grammar: Any
) -> tuple[str, list[float]]:
    model.reset()  # the same state for both runs: no prefix kept from the previous prompt
    model.forget_chosen()
    out = model.create_completion(
        PROMPT.format(question=question), max_tokens=12, temperature=0.0, grammar=grammar
    )
    return out["choices"][0]["text"], [token.probability for token in model.chosen_tokens()]


@pytest.mark.parametrize(
    "shortlists",
    [shortlist_grammar.SHORTLISTS, (2, 8, 64)],
    ids=["default shortlists", "short ones, often too short to tell"],
)
@pytest.mark.parametrize(("question", "answer_schema"), CASES)
def test_the_shortlist_answers_as_the_whole_vocabulary_does(
    model: ProbabilityRecordingLlama,
    question: str,
    answer_schema: dict[str, Any],
    shortlists: tuple[int, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grammar = AnswerGrammar.of(answer_schema).grammar
    monkeypatch.setattr(shortlist_grammar, "SHORTLISTS", shortlists)
    text, probabilities = answer(model, question, grammar)
    monkeypatch.setattr(shortlist_grammar, "SHORTLISTS", ())  # the whole vocabulary
    every_token_text, every_token_probabilities = answer(model, question, grammar)

    assert text == every_token_text
    assert len(probabilities) == len(every_token_probabilities)
    assert probabilities == pytest.approx(
        every_token_probabilities, abs=shortlist_grammar.TOLERANCE
    )
    if "zqxj-77" in str(answer_schema):
        assert "zqxj-77" in text  # the only value the grammar allows, though no shortlisted token


def test_among_all_tokens_a_forced_answer_keeps_the_probability_the_model_gave_it(
    model: ProbabilityRecordingLlama,
) -> None:
    forced = AnswerGrammar.of(schema({"enum": ["zqxj-77"]}))
    prompt = PROMPT.format(question="Which lamp base?") + forced.opening

    def confidence(among_all_tokens: bool) -> tuple[str, list[float], float | None]:
        model.reset()
        model.forget_chosen(among_all_tokens)
        out = model.create_completion(
            prompt, max_tokens=24, temperature=0.0, grammar=forced.grammar
        )
        text = forced.opening + out["choices"][0]["text"]
        tokens = (TokenProbability(forced.opening, 1.0), *model.chosen_tokens())
        return text, [token.probability for token in tokens], value_confidence(tokens, text)

    allowed_text, among_allowed, allowed_confidence = confidence(False)
    all_text, among_all, all_confidence = confidence(True)

    assert allowed_text == all_text and "zqxj-77" in all_text  # the same answer either way
    pairs = list(zip(among_all, among_allowed, strict=True))
    assert all(p_all <= p_allowed + 1e-9 for p_all, p_allowed in pairs)
    # Among the allowed tokens the only value is likely (the spaces the grammar allows around it
    # take the rest); the model itself barely wanted it.
    assert allowed_confidence is not None and allowed_confidence > 0.3
    assert all_confidence is not None and all_confidence < 0.01


def test_the_probability_of_null_kept_at_the_first_position_is_the_models(
    model: ProbabilityRecordingLlama,
) -> None:
    spans = AnswerGrammar.of(schema({"type": ["string", "null"], SPANS_OF: "Philips ampoule"}))
    prompt = PROMPT.format(question="What is the brand?") + spans.opening

    model.reset()
    model.forget_chosen(among_all_tokens=True, alternative=NULL)
    model.create_completion(prompt, max_tokens=12, temperature=0.0, grammar=spans.grammar)
    kept = model.alternative_probability()
    model.reset()
    model.forget_chosen(among_all_tokens=True)
    model.create_completion(prompt, max_tokens=12, temperature=0.0, grammar=spans.grammar)
    unasked = model.alternative_probability()

    # The same position read again, its logits taken from the model directly.
    model.reset()
    model.eval(model.tokenize(prompt.encode("utf-8"), add_bos=True, special=True))
    logits = np.ctypeslib.as_array(model._ctx.get_logits(), shape=(model.n_vocab(),))
    logits = logits.astype(np.float64)
    [null] = model.tokenize(NULL.encode("utf-8"), add_bos=False)
    weights = np.exp(logits - logits.max())
    assert kept is not None and 0 < kept < 1
    assert kept == pytest.approx(weights[null] / weights.sum(), rel=1e-3)
    assert unasked is None
