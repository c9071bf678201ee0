"""Models behind an OpenAI-compatible chat API: OpenAI, Azure OpenAI, vLLM, llama.cpp's servers,
Ollama. The client is built once per process by the config module and passed in."""

from __future__ import annotations

import logging
import math
import threading
from typing import cast

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from src.connectors.retry_after import retry_after_seconds
from src.connectors.structured_output import StructuredOutput, structured_output_body
from src.domain.confidence.tokens import TokenProbability
from src.domain.errors import BackendError, PermanentBackendError, TransientBackendError
from src.domain.lookup.deadline import seconds_left
from src.domain.model import TokenUsage
from src.domain.prompting.prompt import Completion, CompletionRequest

log = logging.getLogger(__name__)

_TRANSIENT_STATUSES = frozenset({408, 409, 425, 429})
"""Besides 5xx: timeout, conflict, too early, too many requests."""
_MAX_STOP_SEQUENCES = 4  # OpenAI's limit


class OpenAICompatibleConnector:
    """Sends the prompt as chat messages (the server applies the model's own template).

    The answer is constrained with the server's `structured_output` dialect. When the server
    refuses the request with a 400 or 422, or a 500 (llama-cpp-python's server cannot compile
    some schemas), and the same request without structured output then succeeds, the connector
    stops asking for it (and logs so, once): the answer is parsed instead. When that request
    fails too, its error is the answer, and a 500 is taken for the server's own failure: no
    request is sent without structured output after a 500 again until one with it succeeds, so
    that a server that is down is not asked twice as often. With `logprobs`, it asks for each
    token's log probability (for the values' confidence); the probabilities a server gives
    unasked are read too.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        model: str,
        structured_output: StructuredOutput = "json_schema",
        logprobs: bool = False,
    ) -> None:
        self._client = client
        self._logprobs = logprobs
        self._model = model
        self._structured_output: StructuredOutput = structured_output
        self._dialect_lock = threading.Lock()
        self._try_without_after_500 = True

    def complete(self, request: CompletionRequest) -> Completion:
        dialect = self._structured_output
        try:
            completion = self._complete(request, dialect)
        except BackendError as error:
            if (
                dialect == "none"
                or request.answer_schema is None
                or not self._may_refuse_structure(error)
            ):
                raise
            try:
                completion = self._complete(request, "none")
            except BackendError:
                if _is_500(error):
                    self._try_without_after_500 = False
                raise
            with self._dialect_lock:
                if self._structured_output == dialect:
                    log.warning(
                        "%s refused %s structured output (%s); answers are parsed from now on",
                        self._model,
                        dialect,
                        error,
                    )
                    self._structured_output = "none"
            return completion
        if not self._try_without_after_500:
            self._try_without_after_500 = True
        return completion

    def count_tokens(self, text: str) -> int | None:
        return None

    def _may_refuse_structure(self, error: BackendError) -> bool:
        """Whether `error` may be the server refusing structured output: a 400 or 422, or a
        500 unless the last try without structured output after a 500 failed too."""
        if isinstance(error.__cause__, openai.BadRequestError | openai.UnprocessableEntityError):
            return True
        return _is_500(error) and self._try_without_after_500

    def _complete(self, request: CompletionRequest, dialect: StructuredOutput) -> Completion:
        left = seconds_left(request.deadline)
        if left <= 0:
            raise TransientBackendError(f"the deadline of {request.field_code} has passed")
        messages = [
            cast(ChatCompletionMessageParam, {"role": m.role, "content": m.content})
            for m in request.messages
        ]
        # Sent as extra body fields: the dialects other than OpenAI's are not in the SDK's types.
        structured = structured_output_body(dialect, request.answer_schema)
        try:
            response = self._client.chat.completions.create(
                model=self._model,
                messages=messages,
                max_tokens=request.max_tokens,
                temperature=0.0,
                stop=list(request.stop[:_MAX_STOP_SEQUENCES]) or None,
                timeout=self._call_timeout(left),
                extra_body=structured or None,
                logprobs=True if self._logprobs else openai.omit,
            )
        except openai.OpenAIError as error:
            raise _backend_error(error, self._model) from error
        except ValueError as error:  # the body of a 2xx response is not JSON
            raise TransientBackendError(
                f"{self._model} answered malformed JSON: {error}"
            ) from error
        return _completion(response, self._model)

    def _call_timeout(self, left: float) -> openai.Timeout:
        """The client's connect/read/write/pool timeouts, none longer than the time left."""
        base = self._client.timeout
        if base is None or isinstance(base, int | float):
            return openai.Timeout(min(base or left, left))
        return openai.Timeout(
            connect=_at_most(base.connect, left),
            read=_at_most(base.read, left),
            write=_at_most(base.write, left),
            pool=_at_most(base.pool, left),
        )


def _at_most(timeout: float | None, left: float) -> float:
    return left if timeout is None else min(timeout, left)


def _completion(response: object, model: str) -> Completion:
    """The answer of a chat completion; a body of another shape counts as malformed."""
    choices = getattr(response, "choices", None) if isinstance(response, ChatCompletion) else None
    first = choices[0] if choices else None
    message = getattr(first, "message", None)
    if message is None:
        raise TransientBackendError(f"{model} answered a body that is not a chat completion")
    usage = response.usage if isinstance(response, ChatCompletion) else None
    return Completion(
        text=message.content or "",
        usage=TokenUsage(usage.prompt_tokens, usage.completion_tokens) if usage else None,
        tokens=_token_probabilities(first),
    )


def _token_probabilities(choice: object) -> tuple[TokenProbability, ...] | None:
    """Each token of the answer with its probability, when the server gave their logprobs."""
    content = getattr(getattr(choice, "logprobs", None), "content", None)
    if not content:
        return None
    return tuple(TokenProbability(item.token, math.exp(item.logprob)) for item in content)


def _is_500(error: BackendError) -> bool:
    """A 500 itself, not 502-504, which gateways and overloaded servers answer."""
    return (
        isinstance(error.__cause__, openai.InternalServerError)
        and error.__cause__.status_code == 500
    )


def _backend_error(error: openai.OpenAIError, model: str) -> BackendError:
    if isinstance(error, openai.APIConnectionError):  # APITimeoutError included
        return TransientBackendError(f"{model} could not be reached: {error}")
    if isinstance(error, openai.APIResponseValidationError):
        return TransientBackendError(f"{model} answered a malformed body: {error}")
    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        message = f"{model} answered {status}: {error.message}"
        if status >= 500 or status in _TRANSIENT_STATUSES:
            return TransientBackendError(message, retry_after_seconds(error.response.headers))
        return PermanentBackendError(message)
    return PermanentBackendError(f"{model}: {error}")
