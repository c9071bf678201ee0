"""One product, one model call: every field asked at once, one JSON object read back."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence

from src.domain.errors import FieldLookupError
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Example, Field, FieldOutcome, OutcomeStatus, TokenUsage
from src.domain.prompting.families import approximate_tokens
from src.domain.prompting.ports import ProductChainOfThought
from src.domain.prompting.prompt import CompletionRequest

log = logging.getLogger(__name__)


def ask_product(
    llm: ConfiguredLLM,
    chain: ProductChainOfThought,
    fields: Sequence[Field],
    description: str,
    examples: Mapping[str, Sequence[Example]],
    deadline: float,
) -> dict[str, FieldOutcome]:
    """Each field's outcome from one call; never raises (a failure is an `error` outcome for
    every field). The call's token usage is reported once, on the first field's outcome."""
    started = time.monotonic()
    codes = [field.code for field in fields]

    def outcomes(status: OutcomeStatus, raw: str | None = None, error: str | None = None,
                 usage: TokenUsage | None = None) -> dict[str, FieldOutcome]:
        elapsed_ms = (time.monotonic() - started) * 1000
        return {
            code: FieldOutcome(code, None, status, raw, elapsed_ms, error, usage if i == 0 else None, llm.name)
            for i, code in enumerate(codes)
        }

    try:
        completion = llm.connector.complete(_request(llm, chain, fields, description, examples, deadline))
        if time.monotonic() > deadline:
            return outcomes(OutcomeStatus.TIMEOUT, raw=completion.text, usage=completion.usage)
        parsed = chain.parse(fields, completion.text)
    except FieldLookupError as error:
        return outcomes(OutcomeStatus.ERROR, error=str(error))
    except Exception as error:  # a defect in one connector must not fail the request
        log.exception("lookup of %d fields with %s failed", len(codes), llm.name)
        return outcomes(OutcomeStatus.ERROR, error=f"internal error: {type(error).__name__}")
    answered = outcomes(OutcomeStatus.OK, raw=completion.text, usage=completion.usage)
    for code, outcome in answered.items():
        value = parsed[code]
        answered[code] = FieldOutcome(
            code, value.value, value.status, outcome.raw, outcome.elapsed_ms, None, outcome.usage, llm.name
        )
    return answered


def _request(
    llm: ConfiguredLLM,
    chain: ProductChainOfThought,
    fields: Sequence[Field],
    description: str,
    examples: Mapping[str, Sequence[Example]],
    deadline: float,
) -> CompletionRequest:
    def count_tokens(text: str) -> int:
        counted = llm.connector.count_tokens(text)
        return approximate_tokens(text) if counted is None else counted

    prompt = llm.llm.fit(chain.prompt(fields, description, examples), count_tokens)
    return CompletionRequest(
        field_code="+".join(field.code for field in fields),
        messages=llm.llm.messages(prompt),
        text=llm.llm.render(prompt),
        answer_schema=chain.answer_schema(fields, description),
        max_tokens=chain.answer_tokens(fields),
        deadline=deadline,
        stop=llm.llm.stop,
    )
