"""One field, one model call: build the prompt, ask the connector, read the answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.model_call import call_model, completion_request
from src.domain.model import Example, Field, FieldOutcome
from src.domain.model.values import ParsedValue
from src.domain.prompting.prompt import CompletionRequest


def ask_field(
    llm: ConfiguredLLM,
    field: Field,
    description: str,
    examples: Sequence[Example],
    deadline: float,
    prepared: Callable[[], CompletionRequest] | None = None,
    bare_answer: bool = False,
) -> FieldOutcome:
    """The outcome of asking `llm` for `field` in `description`; never raises: a failure is an
    `error` outcome that says why, an answer after `deadline` a `timeout`. `prepared` builds the
    request when the caller lays the prompt out itself (a product's shared prefix); with
    `bare_answer`, its prompt opened the answer and the model writes only the value. A chain of
    thought asks one field a call, or is a shared prefix's with `prepared`; any other is an
    `error` outcome, as any failure is."""
    chain_of_thought = llm.chain_of_thought

    def request() -> CompletionRequest:
        if chain_of_thought.scope != "field":
            raise TypeError(f"{chain_of_thought.name} does not ask one field a call")
        return completion_request(
            llm,
            chain_of_thought.prompt(field, description, examples),
            field.code,
            chain_of_thought.answer_schema(field, description),
            llm.prompt_format.answer_tokens,
            deadline,
        )

    def parse(raw: str) -> ParsedValue:
        if chain_of_thought.scope == "product":
            raise TypeError(f"{chain_of_thought.name} reads a whole product's answer")
        return chain_of_thought.parse(field, raw)

    call = call_model(llm, prepared or request, parse, deadline, field.code)
    return call.outcome(llm, field, call.parsed, call.usage, None if bare_answer else "value")
