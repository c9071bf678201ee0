"""What a field's call and a product's call share: the request built from a prompt fitted to the
LLM's context, and the call itself, which never raises (a failure is an `error`, an answer after
the deadline a `timeout`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from src.domain.confidence.answer import value_confidence
from src.domain.confidence.items import item_confidences, least
from src.domain.confidence.tokens import TokenProbability
from src.domain.errors import DeadlinePassedError, FieldLookupError
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Field, FieldOutcome, ListItem, OutcomeStatus, TokenUsage
from src.domain.model.values import ParsedValue
from src.domain.prompting.families import approximate_tokens
from src.domain.prompting.formatted import FormattedPrompt
from src.domain.prompting.ports import TokenCounter
from src.domain.prompting.prompt import CompletionRequest, Prompt

log = logging.getLogger(__name__)

Parsed = TypeVar("Parsed")


@dataclass(frozen=True, slots=True)
class ModelCall(Generic[Parsed]):
    """How a call ended: `parsed` holds the read answer, or `failure` says why there is none."""

    parsed: Parsed | None
    failure: OutcomeStatus | None
    raw: str | None
    error: str | None
    usage: TokenUsage | None
    elapsed_ms: float
    tokens: tuple[TokenProbability, ...] | None = None
    """Each answer token's probability, when the backend gave them (for the confidence)."""
    answer_probability: float | None = None
    """The whole answer's probability among those its schema allows (`Completion`'s)."""

    def outcome(
        self,
        llm: ConfiguredLLM,
        field: Field,
        parsed: ParsedValue | None,
        usage: TokenUsage | None,
        answer_key: str | None,
    ) -> FieldOutcome:
        """`field`'s outcome: the value `parsed` from this call's answer, or the call's failure;
        a value's confidence is the answer's probability among those its schema allows when the
        backend scored them, else that of the tokens that wrote it, at `answer_key` of the JSON
        answer (None: the whole answer is the value); a list's, each item's (`items`) and the
        least of them."""
        value, status = (parsed.value, parsed.status) if parsed else (None, self.failure)
        assert status is not None
        confidence, items = None, None
        if status is OutcomeStatus.OK:
            confidence = self.answer_probability
            if isinstance(value, list) and confidence is None:
                items = item_confidences(field, value, self.tokens, self.raw or "", answer_key)
                confidence = least(items)
            elif isinstance(value, list):
                items = tuple(ListItem(item, confidence) for item in value)
            elif confidence is None:
                confidence = value_confidence(self.tokens, self.raw or "", answer_key)
        return FieldOutcome(
            field.code,
            value,
            status,
            self.raw,
            self.elapsed_ms,
            self.error,
            usage,
            llm.name,
            confidence=confidence,
            items=items,
        )


def completion_request(
    llm: ConfiguredLLM,
    prompt: Prompt,
    field_code: str,
    answer_schema: Mapping[str, Any] | None,
    max_tokens: int,
    deadline: float,
) -> CompletionRequest:
    """The request for `prompt`, fitted within the LLM's context as the connector's tokenizer
    counts it (or approximately, when the connector has none at hand)."""

    fitted = llm.prompt_format.fit(prompt, token_counter(llm))
    return CompletionRequest(
        field_code=field_code,
        prompt=FormattedPrompt.of(fitted, llm.prompt_format),
        answer_schema=answer_schema,
        max_tokens=max_tokens,
        deadline=deadline,
        stop=llm.prompt_format.stop,
    )


def token_counter(llm: ConfiguredLLM) -> TokenCounter:
    """Counts with the model's own tokenizer, cautiously by length when it has none at hand."""

    def count_tokens(text: str) -> int:
        counted = llm.connector.count_tokens(text)
        return approximate_tokens(text) if counted is None else counted

    return count_tokens


def call_model(
    llm: ConfiguredLLM,
    request: Callable[[], CompletionRequest],
    parse: Callable[[str], Parsed],
    deadline: float,
    asked: str,
) -> ModelCall[Parsed]:
    """Asks `llm` the `request` it builds and reads the answer with `parse`; never raises.
    `asked` names what was asked in the log of an unexpected failure (never the product text)."""
    started = time.monotonic()

    def ended(
        parsed: Parsed | None = None,
        failure: OutcomeStatus | None = None,
        raw: str | None = None,
        error: str | None = None,
        usage: TokenUsage | None = None,
        tokens: tuple[TokenProbability, ...] | None = None,
        answer_probability: float | None = None,
    ) -> ModelCall[Parsed]:
        elapsed_ms = (time.monotonic() - started) * 1000
        return ModelCall(parsed, failure, raw, error, usage, elapsed_ms, tokens, answer_probability)

    try:
        completion = llm.connector.complete(request())
        if time.monotonic() > deadline:
            return ended(failure=OutcomeStatus.TIMEOUT, raw=completion.text, usage=completion.usage)
        parsed = parse(completion.text)
    except DeadlinePassedError as error:  # waiting for a busy model is not a failure
        return ended(failure=OutcomeStatus.TIMEOUT, error=str(error))
    except FieldLookupError as error:
        return ended(failure=OutcomeStatus.ERROR, error=str(error))
    except Exception as error:  # a defect in one connector must not fail the other fields
        log.exception("lookup of %s with %s failed", asked, llm.name)
        return ended(failure=OutcomeStatus.ERROR, error=f"internal error: {type(error).__name__}")
    return ended(
        parsed,
        raw=completion.text,
        usage=completion.usage,
        tokens=completion.tokens,
        answer_probability=completion.answer_probability,
    )
