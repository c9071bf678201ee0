"""One product, one model call: every field asked at once, one JSON object read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from src.domain.confidence.answer import value_confidence
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.model_call import call_model, completion_request
from src.domain.model import Example, Field, FieldOutcome, OutcomeStatus
from src.domain.model.values import ParsedValue
from src.domain.prompting.ports import ProductChainOfThought
from src.domain.prompting.prompt import CompletionRequest


def ask_product(
    llm: ConfiguredLLM,
    chain_of_thought: ProductChainOfThought,
    fields: Sequence[Field],
    description: str,
    examples: Mapping[str, Sequence[Example]],
    deadline: float,
) -> dict[str, FieldOutcome]:
    """Each field's outcome from one call; never raises (a failure is an `error` outcome for
    every field). The call's token usage is reported once, on the first field's outcome."""

    def request() -> CompletionRequest:
        return completion_request(
            llm,
            chain_of_thought.prompt(fields, description, examples),
            "+".join(field.code for field in fields),
            chain_of_thought.answer_schema(fields, description),
            chain_of_thought.answer_tokens(fields),
            deadline,
        )

    def parse(raw: str) -> dict[str, ParsedValue]:
        return chain_of_thought.parse(fields, raw)

    call = call_model(llm, request, parse, deadline, f"{len(fields)} fields")
    outcomes = {}
    for i, field in enumerate(fields):
        parsed = call.parsed[field.code] if call.parsed is not None else None
        value, status = (parsed.value, parsed.status) if parsed else (None, call.failure)
        assert status is not None
        usage = call.usage if i == 0 else None
        confidence = (
            value_confidence(call.tokens, call.raw or "", field.code)
            if status is OutcomeStatus.OK
            else None
        )
        outcomes[field.code] = FieldOutcome(
            field.code,
            value,
            status,
            call.raw,
            call.elapsed_ms,
            call.error,
            usage,
            llm.name,
            confidence=confidence,
        )
    return outcomes
