"""One field, one model call: build the prompt, ask the connector, read the answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from src.domain.errors import FieldLookupError
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Example, Field, FieldOutcome, OutcomeStatus, TokenUsage, Value
from src.domain.prompting.families import approximate_tokens
from src.domain.prompting.prompt import CompletionRequest

log = logging.getLogger(__name__)


def ask_field(
    llm: ConfiguredLLM,
    field: Field,
    description: str,
    examples: Sequence[Example],
    deadline: float,
) -> FieldOutcome:
    """The outcome of asking `llm` for `field` in `description`; never raises: a failure is an
    `error` outcome that says why, an answer after `deadline` a `timeout`."""
    started = time.monotonic()

    def outcome(
        status: OutcomeStatus,
        value: Value = None,
        raw: str | None = None,
        error: str | None = None,
        usage: TokenUsage | None = None,
    ) -> FieldOutcome:
        elapsed_ms = (time.monotonic() - started) * 1000
        return FieldOutcome(field.code, value, status, raw, elapsed_ms, error, usage, llm.name)

    try:
        request = _completion_request(llm, field, description, examples, deadline)
        completion = llm.connector.complete(request)
        if time.monotonic() > deadline:
            return outcome(OutcomeStatus.TIMEOUT, raw=completion.text, usage=completion.usage)
        parsed = llm.chain.parse(field, completion.text)
    except FieldLookupError as error:
        return outcome(OutcomeStatus.ERROR, error=str(error))
    except Exception as error:  # a defect in one connector must not fail the other fields
        log.exception("lookup of %s with %s failed", field.code, llm.name)
        return outcome(OutcomeStatus.ERROR, error=f"internal error: {type(error).__name__}")
    return outcome(parsed.status, value=parsed.value, raw=completion.text, usage=completion.usage)

def _completion_request(
    llm: ConfiguredLLM,
    field: Field,
    description: str,
    examples: Sequence[Example],
    deadline: float,
) -> CompletionRequest:
    def count_tokens(text: str) -> int:
        counted = llm.connector.count_tokens(text)
        return approximate_tokens(text) if counted is None else counted

    prompt = llm.llm.fit(llm.chain.prompt(field, description, examples), count_tokens)
    return CompletionRequest(
        field_code=field.code,
        messages=llm.llm.messages(prompt),
        text=llm.llm.render(prompt),
        answer_schema=llm.chain.answer_schema(field, description),
        max_tokens=llm.llm.answer_tokens,
        deadline=deadline,
        stop=llm.llm.stop,
    )
