"""One product, one model call: every field asked at once, one JSON object read back."""

from __future__ import annotations

from src.domain.lookup.model_call import call_model, completion_request
from src.domain.lookup.question import ProductQuestion
from src.domain.model import FieldOutcome
from src.domain.model.values import ParsedValue
from src.domain.prompting.ports import ProductChainOfThought
from src.domain.prompting.prompt import CompletionRequest


def ask_product(
    chain_of_thought: ProductChainOfThought, question: ProductQuestion
) -> dict[str, FieldOutcome]:
    """Each field's outcome from one call; never raises (a failure is an `error` outcome for
    every field). The call's token usage is reported once, on the first field's outcome."""
    llm, description, deadline = question.llm, question.description, question.deadline
    fields = list(question.fields.values())

    def request() -> CompletionRequest:
        return completion_request(
            llm,
            chain_of_thought.prompt(fields, description, question.examples),
            "+".join(field.code for field in fields),
            chain_of_thought.answer_schema(fields, description),
            chain_of_thought.answer_tokens(fields),
            deadline,
        )

    def parse(raw: str) -> dict[str, ParsedValue]:
        return chain_of_thought.parse(fields, raw)

    call = call_model(llm, request, parse, deadline, f"{len(fields)} fields")
    return {
        field.code: call.outcome(
            llm,
            field,
            call.parsed[field.code] if call.parsed is not None else None,
            call.usage if i == 0 else None,
            field.code,
        )
        for i, field in enumerate(fields)
    }
